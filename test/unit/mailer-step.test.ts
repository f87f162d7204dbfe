/**
 * The mailer over fake ports, for each answer SES may give: a mail is sent only by the delivery
 * that claims it; SES's id is recorded; a final refusal ends `failed` (not retried); a refusal
 * that may pass gives the claim back and fails the message (SQS retries it); a claim found past
 * its lease ends `unknown`, never sent twice.
 */
import { describe, expect, it } from 'vitest';
import type { MailSender, SendClaims } from '#shared/domain/intake-ports.ts';
import type { OutboxMessage } from '#shared/domain/messages.ts';
import type { SendReport } from '#shared/domain/records.ts';
import { MailRefusedError, UNKNOWN_SEND_REASON } from '#shared/domain/send-status.ts';
import {
  ClaimNotReleasedError,
  deliverMail,
  SEND_LEASE_SECONDS,
  SentNotRecordedError,
} from '#shared/steps/mailer.ts';
import { opening } from '../support/intake-records.ts';

const ack = opening('ses-1').acknowledgment('LSUN-2026-00001');
const T0 = new Date('2026-03-05T08:00:06.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

type Record = SendReport & { leaseUntil?: string };

/** The send states held in memory, as the outbox store holds them in the table. */
function memoryClaims(options: { releaseFails?: Error; recordFails?: Error } = {}) {
  const records = new Map<string, Record>();
  const record = (message: OutboxMessage) => records.get(message.outboxId) ?? {};
  const claims: SendClaims = {
    claimSend: async (message, _now, leaseUntil) => {
      const found = records.get(message.outboxId);
      if (found?.status !== 'queued')
        return { claimed: false, status: found?.status, leaseUntil: found?.leaseUntil };
      records.set(message.outboxId, { status: 'sending', leaseUntil });
      return { claimed: true, leaseUntil };
    },
    recordSent: async (message, sent) => {
      if (options.recordFails) throw options.recordFails;
      records.set(message.outboxId, { status: 'sent', sentAt: sent.at, sentMessageId: sent.sentMessageId });
    },
    recordFailed: async (message, failure) => {
      records.set(message.outboxId, {
        status: 'failed',
        failedAt: failure.at,
        sendError: failure.code,
        sendReason: failure.reason,
      });
    },
    releaseSend: async (message) => {
      if (options.releaseFails) throw options.releaseFails;
      records.set(message.outboxId, { status: 'queued' });
    },
    markUnknown: async (message, expired) => {
      const found = record(message);
      if (found.status !== 'sending' || found.leaseUntil !== expired.leaseUntil) return false;
      records.set(message.outboxId, { status: 'unknown', failedAt: expired.at, sendReason: expired.reason });
      return true;
    },
  };
  const queue = (message: OutboxMessage) => records.set(message.outboxId, { status: 'queued' });
  return { claims, record, queue };
}

/** A sender answering with `answer`, counting its calls. */
function sesAnswering(answer: () => Promise<string>) {
  const calls: string[] = [];
  const sender: MailSender = {
    send: async (message) => {
      calls.push(message.outboxId);
      return answer();
    },
  };
  return { sender, calls };
}

/** An error as the SES v2 client throws it: its name and HTTP status. */
function sesError(name: string, httpStatusCode?: number) {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode } });
}

describe('delivering a mail', () => {
  it('sends it once, however often it is delivered, and records SES’s id and the time', async () => {
    // Prepare
    const { claims, record, queue } = memoryClaims();
    queue(ack);
    const ses = sesAnswering(async () => 'ses-out-1');
    const deps = { claims, sender: ses.sender, now: () => T0 };
    // Act
    const results = [await deliverMail(ack, deps), await deliverMail(ack, deps)];
    // Assess
    expect(results).toEqual([
      { outcome: 'sent', sentMessageId: 'ses-out-1' },
      { outcome: 'skipped', status: 'sent' },
    ]);
    expect(ses.calls).toEqual(['ses-1.ack']);
    expect(record(ack)).toEqual({ status: 'sent', sentAt: T0.toISOString(), sentMessageId: 'ses-out-1' });
  });

  it('records a final refusal as failed, with SES’s code and a French reason, and does not fail the message', async () => {
    const { claims, record, queue } = memoryClaims();
    queue(ack);
    const refused = new MailRefusedError('MessageRejected', { cause: sesError('MessageRejected', 400) });
    const ses = sesAnswering(async () => Promise.reject(refused));
    // Act: the message is delivered again (a duplicate), after the refusal
    const first = await deliverMail(ack, { claims, sender: ses.sender, now: () => T0 });
    const again = await deliverMail(ack, { claims, sender: ses.sender, now: () => at(300) });
    // Assess
    expect(first).toEqual({ outcome: 'failed', code: 'MessageRejected' });
    expect(again).toEqual({ outcome: 'skipped', status: 'failed' });
    expect(ses.calls).toHaveLength(1);
    expect(record(ack)).toMatchObject({
      status: 'failed',
      sendError: 'MessageRejected',
      sendReason: expect.stringContaining('SES a refusé le message'),
    });
  });

  for (const [name, status] of [
    ['TooManyRequestsException', 429],
    ['LimitExceededException', 400],
    ['InternalFailure', 500],
    ['TimeoutError', undefined],
  ] as const) {
    it(`gives the claim back and fails the message on ${name}, so that SQS’s retry sends it`, async () => {
      const { claims, record, queue } = memoryClaims();
      queue(ack);
      const passing = sesError(name, status);
      let answer: () => Promise<string> = async () => Promise.reject(passing);
      const ses = sesAnswering(() => answer());
      await expect(deliverMail(ack, { claims, sender: ses.sender, now: () => T0 })).rejects.toBe(passing);
      expect(record(ack)).toEqual({ status: 'queued' });
      // Act: SQS delivers it again once SES recovered
      answer = async () => 'ses-out-2';
      const retried = await deliverMail(ack, { claims, sender: ses.sender, now: () => at(180) });
      // Assess
      expect(retried).toEqual({ outcome: 'sent', sentMessageId: 'ses-out-2' });
      expect(ses.calls).toHaveLength(2);
    });
  }

  it('marks unknown a mail found sending past its lease (the function died between claim and record), and never sends it', async () => {
    // Prepare: a delivery claims the mail, then dies inside SES's call (it never answers)
    const { claims, record, queue } = memoryClaims();
    queue(ack);
    const dying = sesAnswering(() => new Promise<string>(() => {}));
    void deliverMail(ack, { claims, sender: dying.sender, now: () => T0 });
    await Promise.resolve();
    const ses = sesAnswering(async () => 'ses-out-3');
    // Act: a redelivery within the lease, then one after it (SQS's visibility timeout)
    const within = await deliverMail(ack, {
      claims,
      sender: ses.sender,
      now: () => at(SEND_LEASE_SECONDS - 1),
    });
    const after = await deliverMail(ack, {
      claims,
      sender: ses.sender,
      now: () => at(SEND_LEASE_SECONDS + 120),
    });
    // Assess
    expect(within).toEqual({ outcome: 'skipped', status: 'sending' });
    expect(after).toEqual({ outcome: 'unknown' });
    expect(ses.calls).toEqual([]);
    expect(record(ack)).toMatchObject({ status: 'unknown', sendReason: UNKNOWN_SEND_REASON });
  });

  it('says the mail is stuck when the claim cannot be given back, keeping SES’s refusal as the cause', async () => {
    const { claims, queue } = memoryClaims({ releaseFails: new Error('DynamoDB down') });
    queue(ack);
    const refused = sesError('TooManyRequestsException', 429);
    const delivery = deliverMail(ack, {
      claims,
      sender: sesAnswering(async () => Promise.reject(refused)).sender,
      now: () => T0,
    });
    await expect(delivery).rejects.toBeInstanceOf(ClaimNotReleasedError);
    await expect(delivery).rejects.toMatchObject({
      cause: refused,
      message: expect.stringContaining('DynamoDB down'),
    });
  });

  it('names SES’s id in its error when the mail left but its record could not be written', async () => {
    const { claims, record, queue } = memoryClaims({
      recordFails: new Error('ProvisionedThroughputExceeded'),
    });
    queue(ack);
    const delivery = deliverMail(ack, {
      claims,
      sender: sesAnswering(async () => 'ses-out-4').sender,
      now: () => T0,
    });
    await expect(delivery).rejects.toBeInstanceOf(SentNotRecordedError);
    await expect(delivery).rejects.toMatchObject({ message: expect.stringContaining('ses-out-4') });
    expect(record(ack).status).toBe('sending');
  });

  it('skips a mail that was never recorded', async () => {
    const { claims } = memoryClaims();
    const ses = sesAnswering(async () => 'never');
    expect(await deliverMail(ack, { claims, sender: ses.sender, now: () => T0 })).toEqual({
      outcome: 'skipped',
      status: undefined,
    });
    expect(ses.calls).toEqual([]);
  });
});
