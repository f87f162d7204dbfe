/**
 * The local desk is durable like AWS (issue 11): the desk of `npm start` runs in a child process
 * on a data folder; mails go in over SMTP a few at a time (new requests from the demo
 * directory's directors, follow-ups, refused mails); the whole desk, Node and DynamoDB Local's
 * Java, is killed with SIGKILL at random moments under that load and started again on the same
 * folder. After the last restart it drains, and every mail that got a 250 is audited.
 *
 * The bigger campaign, with its figures, is `npm run bench -- crash`.
 */
import { describe, expect, it } from 'vitest';
import { runCrashCampaign } from '#local/durable-campaign.ts';

describe('the local desk killed with SIGKILL under load, then restarted on its data folder', () => {
  it('loses no accepted mail, opens no ticket twice and sends no acknowledgment twice', async () => {
    // Act
    const report = await runCrashCampaign({
      mails: 30,
      kills: 2,
      inFlight: 4,
    });

    // Assess: every mail got its 250 in the end, through the kills.
    expect(report.kills).toBe(2);
    expect(report.accepted).toBe(30);
    // One intake entry per SES id answered 250, and a ticket wherever an entry says one was opened.
    expect(report.lost).toBe(0);
    expect(report.duplicateTickets).toBe(0);
    // Counted in the SES stand-in's sent mails, which survive the kills.
    expect(report.duplicateAcks).toBe(0);
    // No reply left waiting: the kills lost no message between two steps.
    expect(report.stuckSends).toBe(0);
    expect(report.deadLetters).toBe(0);
    // The refusals were answered as such, and requests opened tickets (the load was mixed).
    expect(report.outcomes.ticket_created ?? 0).toBeGreaterThan(0);
  }, 180_000);
});
