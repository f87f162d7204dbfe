/**
 * The mailer over fake ports: a mail is sent only by the delivery that claims it, and a refused
 * send gives the claim back so that the retry may send it.
 */
import { describe, expect, it } from 'vitest';
import type { MailSender, SendClaims } from '#shared/domain/intake-ports.ts';
import { ClaimNotReleasedError, deliverMail } from '#shared/steps/mailer.ts';
import { opening } from '../support/intake-records.ts';

const ack = opening('ses-1').acknowledgment('LSUN-2026-00001');
const now = () => new Date('2026-03-05T08:00:06.000Z');

/** Claims held in memory, as the outbox store holds them in the table. */
function memoryClaims(options: { releaseFails?: Error } = {}) {
  const claimed = new Set<string>();
  const claims: SendClaims = {
    claimSend: async (message) => {
      if (claimed.has(message.outboxId)) return false;
      claimed.add(message.outboxId);
      return true;
    },
    releaseSend: async (message) => {
      if (options.releaseFails) throw options.releaseFails;
      claimed.delete(message.outboxId);
    },
  };
  return { claims, claimed };
}

const sender = (send: MailSender['send']): MailSender => ({ send });

describe('delivering a mail', () => {
  it('sends it once, however often it is delivered', async () => {
    // Prepare
    const { claims } = memoryClaims();
    const sent: string[] = [];
    const send = async (message: { outboxId: string }) => {
      sent.push(message.outboxId);
      return 'ses-out-1';
    };
    const deps = { claims, sender: sender(send), now };
    // Act
    const results = [await deliverMail(ack, deps), await deliverMail(ack, deps)];
    // Assess
    expect(results).toEqual(['ses-out-1', undefined]);
    expect(sent).toEqual(['ses-1.ack']);
  });

  it('gives the claim back when SES refuses, so that the retry sends it', async () => {
    const { claims, claimed } = memoryClaims();
    const refused = Object.assign(new Error('Throttling'), { name: 'TooManyRequestsException' });
    await expect(
      deliverMail(ack, { claims, sender: sender(async () => Promise.reject(refused)), now }),
    ).rejects.toBe(refused);
    expect(claimed.has(ack.outboxId)).toBe(false);
  });

  it('says the mail is stuck when the claim cannot be given back, keeping SES’s refusal as the cause', async () => {
    const { claims } = memoryClaims({ releaseFails: new Error('DynamoDB down') });
    const refused = new Error('SES down');
    const delivery = deliverMail(ack, { claims, sender: sender(async () => Promise.reject(refused)), now });
    await expect(delivery).rejects.toBeInstanceOf(ClaimNotReleasedError);
    await expect(delivery).rejects.toMatchObject({
      cause: refused,
      message: expect.stringContaining('DynamoDB down'),
    });
  });
});
