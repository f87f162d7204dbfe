/**
 * Issue 11's fault campaign in CI: a bit over 1,000 mails over SMTP into the whole local desk,
 * with every fault on between the real handlers and the stand-ins (test/support/fault-proxy.ts:
 * DynamoDB throttling and 500s, a crash after each kind of write, every SQS message delivered
 * three times, SES throttling and recipients refused for good). Once the desk is quiet, nothing
 * is lost, nothing is done twice, and every permanent failure can be seen.
 *
 * The same campaign prints its figures with `npm run bench -- faults`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CampaignReport,
  defaultCampaign,
  formatCampaign,
  runFaultCampaign,
} from '../support/fault-campaign.ts';

let report: CampaignReport;

beforeAll(async () => {
  report = await runFaultCampaign({
    ...defaultCampaign,
    onPhase: (phase) => process.stdout.write(`… ${new Date().toISOString().slice(11, 19)} ${phase}\n`),
  });
  process.stdout.write(`${formatCampaign(report)}\n`);
  // Three minutes on a quiet two-core machine; much more when others share it.
}, 900_000);

describe('a thousand mails through the desk with every fault on', () => {
  it('sends over a thousand mails and meets every kind of fault', () => {
    expect(report.mails).toBeGreaterThanOrEqual(1_000);
    for (const kind of [
      'dynamodb.throttle',
      'dynamodb.server_error',
      'sqs.extra_delivery',
      'ses.throttle',
      'ses.rejected',
    ]) {
      expect(report.faults[kind], kind).toBeGreaterThan(0);
    }
    for (const service of ['dynamodb', 'sqs'] as const) {
      const crashes =
        (report.faults[`${service}.crash_after_write_500`] ?? 0) +
        (report.faults[`${service}.crash_after_write_cut`] ?? 0);
      expect(crashes, `${service} crashes after a write`).toBeGreaterThan(0);
    }
  });

  it('loses no mail: every mail SMTP accepted has its intake entry, and exactly one outcome', () => {
    expect(report.lost).toEqual([]);
    expect(report.notExactlyOneOutcome).toEqual([]);
    expect(report.unexpectedOutcome).toEqual([]);
  });

  it('holds the daily cap exactly: ten tickets, the rest refused, for each director over it', () => {
    expect(report.outcomeCounts.rate_limited).toBe(
      defaultCampaign.overCapDirectors * defaultCampaign.overCapBy,
    );
    expect(report.capMiscounted).toEqual([]);
  });

  it('opens no ticket twice, and adds each follow-up to its ticket once', () => {
    expect(report.tickets).toBe(report.outcomeCounts.ticket_created);
    expect(report.duplicateTickets).toEqual([]);
    expect(report.followUpsNotOnce).toEqual([]);
  });

  it('sends no acknowledgment or reply twice', () => {
    expect(report.sentByPurpose.acknowledgment).toBeGreaterThan(0);
    expect(report.duplicateAcks).toEqual([]);
  });

  it('shows every send SES refused for good: failed on the ticket or in the mail log, or a dead letter', () => {
    expect(report.permanentFailures.expected).toBeGreaterThan(0);
    expect(report.permanentFailures.silent).toEqual([]);
    expect(report.permanentFailures.visible).toBe(report.permanentFailures.expected);
  });

  it('leaves no send that did not leave looking sent: each is failed, or uncertain once its lease is over', () => {
    expect(report.silentlyUnsent).toEqual([]);
  });
});
