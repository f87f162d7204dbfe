/**
 * The outbox sweeper over fake ports: a mail stranded `queued` is queued again (once, however
 * many sweeps overlap), a few times at most; a mail `sending` past its lease becomes `unknown`;
 * one mail that cannot be queued does not keep the others waiting, and the tick still fails.
 */
import { describe, expect, it } from 'vitest';
import type { OutboxSweepRecords, StrandedMail } from '#shared/domain/intake-ports.ts';
import type { OutboxMessage } from '#shared/domain/messages.ts';
import { MAX_REQUEUES, UNKNOWN_SEND_REASON } from '#shared/domain/send-status.ts';
import { REQUEUE_AFTER_SECONDS, SweepIncompleteError, sweepOutbox } from '#shared/steps/outbox-sweep.ts';
import { opening } from '../support/intake-records.ts';

const NOW = new Date('2026-03-05T10:00:00.000Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();

function stranded(sesMessageId: string, since: string, requeues = 0): StrandedMail {
  const message = opening(sesMessageId).acknowledgment('LSUN-2026-00001');
  return { message, position: `${since}#${message.outboxId}`, since, requeues };
}

/** Records in memory: what the index holds, and what the sweeper did to them. */
function memoryRecords(queued: StrandedMail[], sending: StrandedMail[] = []) {
  const done = {
    requeued: [] as string[],
    stopped: [] as string[],
    unknown: [] as string[],
    cutoffs: [] as string[],
  };
  const records: OutboxSweepRecords = {
    queuedBefore: async (cutoff) => {
      done.cutoffs.push(cutoff);
      return queued.filter((mail) => mail.since < cutoff && !done.requeued.includes(mail.message.outboxId));
    },
    sendingPastLease: async (now) => sending.filter((mail) => mail.since < now),
    markRequeued: async (mail) => {
      if (done.requeued.includes(mail.message.outboxId)) return false;
      done.requeued.push(mail.message.outboxId);
      return true;
    },
    stopSweeping: async (mail) => {
      done.stopped.push(mail.message.outboxId);
    },
    markUnknown: async (message, expired) => {
      expect(expired.reason).toBe(UNKNOWN_SEND_REASON);
      done.unknown.push(`${message.outboxId}@${expired.leaseUntil}`);
      return true;
    },
  };
  return { records, done };
}

function queue(fails?: (message: OutboxMessage) => boolean) {
  const sent: string[] = [];
  return {
    sent,
    outbox: {
      send: async (message: OutboxMessage) => {
        if (fails?.(message)) throw new Error('SQS down');
        sent.push(message.outboxId);
      },
    },
  };
}

describe('sweeping the outbox', () => {
  it('queues again a mail queued longer than the delay, not one queued since', async () => {
    // Prepare
    const lost = stranded('ses-lost', ago(REQUEUE_AFTER_SECONDS + 60));
    const fresh = stranded('ses-fresh', ago(60));
    const { records, done } = memoryRecords([lost, fresh]);
    const { outbox, sent } = queue();
    // Act
    const report = await sweepOutbox({ records, outbox, now: () => NOW });
    // Assess
    expect(report).toEqual({ requeued: ['ses-lost.ack'], givenUp: [], unknown: [] });
    expect(sent).toEqual(['ses-lost.ack']);
    expect(done.cutoffs).toEqual([ago(REQUEUE_AFTER_SECONDS)]);
  });

  it('queues a mail once when two sweeps overlap', async () => {
    const lost = stranded('ses-lost', ago(REQUEUE_AFTER_SECONDS + 60));
    const { records } = memoryRecords([lost]);
    const { outbox, sent } = queue();
    await Promise.all([
      sweepOutbox({ records, outbox, now: () => NOW }),
      sweepOutbox({ records, outbox, now: () => NOW }),
    ]);
    expect(sent).toEqual(['ses-lost.ack']);
  });

  it(`leaves a mail re-queued ${MAX_REQUEUES} times to the dead-letter queue’s alarm`, async () => {
    const stuck = stranded('ses-stuck', ago(REQUEUE_AFTER_SECONDS + 60), MAX_REQUEUES);
    const { records, done } = memoryRecords([stuck]);
    const { outbox, sent } = queue();
    const report = await sweepOutbox({ records, outbox, now: () => NOW });
    expect(report.givenUp).toEqual(['ses-stuck.ack']);
    expect(done.stopped).toEqual(['ses-stuck.ack']);
    expect(sent).toEqual([]);
  });

  it('marks unknown a mail sending past its lease, under that lease', async () => {
    const crashed = stranded('ses-crashed', ago(1));
    const live = stranded('ses-live', new Date(NOW.getTime() + 30_000).toISOString());
    const { records, done } = memoryRecords([], [crashed, live]);
    const report = await sweepOutbox({ records, outbox: queue().outbox, now: () => NOW });
    expect(report.unknown).toEqual(['ses-crashed.ack']);
    expect(done.unknown).toEqual([`ses-crashed.ack@${ago(1)}`]);
  });

  it('queues the other mails when one cannot be queued, then fails the tick', async () => {
    const first = stranded('ses-a', ago(REQUEUE_AFTER_SECONDS + 120));
    const second = stranded('ses-b', ago(REQUEUE_AFTER_SECONDS + 60));
    const { records } = memoryRecords([first, second]);
    const { outbox, sent } = queue((message) => message.outboxId === 'ses-a.ack');
    await expect(sweepOutbox({ records, outbox, now: () => NOW })).rejects.toBeInstanceOf(
      SweepIncompleteError,
    );
    expect(sent).toEqual(['ses-b.ack']);
  });

  it('sweeps at once when told to (a desk restarted after losing its queues)', async () => {
    const recent = stranded('ses-recent', ago(60));
    const { records } = memoryRecords([recent]);
    const { outbox, sent } = queue();
    await sweepOutbox({ records, outbox, now: () => NOW, requeueAfterSeconds: 0 });
    expect(sent).toEqual(['ses-recent.ack']);
  });
});
