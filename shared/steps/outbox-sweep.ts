/**
 * The `outbox-sweep` step, a tick: finds the mails left in flight and puts each back on a path
 * that ends in a visible state.
 *
 * A mail is saved `queued` before its queue message is sent, and that send can fail after the
 * save (an assignment's notification, an auto-close notice, a crash between a transaction and its
 * `SendMessage`): the record then waits for a message that never comes. The sweeper queues it
 * again (the mailer's claim still sends it once, however many messages exist). A mail still
 * `sending` past its lease was left by a function that died between its claim and its record; if
 * its queue message was lost too, no redelivery will find it, so the sweeper marks it `unknown`.
 */
import type { OutboxSweepRecords, QueueProducer, StrandedMail } from '#shared/domain/intake-ports.ts';
import type { OutboxMessage } from '#shared/domain/messages.ts';
import { sweepDecision, UNKNOWN_SEND_REASON } from '#shared/domain/send-status.ts';
import { pipeline, visibilityTimeoutSeconds } from '#shared/pipeline.ts';

const outboxStage = pipeline.stages.find((stage) => stage.queue === 'outbox');

/**
 * How long a mail may stay `queued`, untouched, before the sweeper queues it again: three times
 * the outbox queue's visibility timeout (9 minutes). A mail given back after a passing refusal is
 * `queued` again at that moment and its message comes back within one visibility timeout, so
 * the sweeper only acts on a mail whose message is really gone (or stuck for long).
 */
export const REQUEUE_AFTER_SECONDS = (outboxStage ? visibilityTimeoutSeconds(outboxStage) : 180) * 3;

/** Mails handled per tick and state; the rest wait for the next tick. */
const SWEEP_LIMIT = 200;

/** What the sweeper needs: the records of the mails in flight, the outbox queue, a clock. */
export type OutboxSweepDeps = {
  records: OutboxSweepRecords;
  outbox: Pick<QueueProducer<OutboxMessage>, 'send'>;
  now: () => Date;
  /**
   * Default `REQUEUE_AFTER_SECONDS`. A desk restarted after a crash whose queues were lost may
   * sweep at once with 0: a mail whose message still exists is then queued twice, and sent once.
   */
  requeueAfterSeconds?: number;
};

/** What one sweep did, by outbox id. */
export type SweepReport = {
  /** Queued again: their queue message was lost or stuck. */
  requeued: string[];
  /** Re-queued `MAX_REQUEUES` times already: left `queued`, to the dead-letter queue's alarm. */
  givenUp: string[];
  /** Found `sending` past their lease: « envoi incertain ». */
  unknown: string[];
};

/** Re-queues the mails stranded `queued`, marks `unknown` those `sending` past their lease. */
export async function sweepOutbox(deps: OutboxSweepDeps): Promise<SweepReport> {
  const now = deps.now();
  const at = now.toISOString();
  const report: SweepReport = { requeued: [], givenUp: [], unknown: [] };
  const failures: unknown[] = [];

  for (const mail of await deps.records.sendingPastLease(at, SWEEP_LIMIT)) {
    const marked = await deps.records.markUnknown(mail.message, {
      leaseUntil: mail.since,
      at,
      reason: UNKNOWN_SEND_REASON,
    });
    if (marked) report.unknown.push(mail.message.outboxId);
  }

  const delay = deps.requeueAfterSeconds ?? REQUEUE_AFTER_SECONDS;
  const cutoff = new Date(now.getTime() - delay * 1000).toISOString();
  for (const mail of await deps.records.queuedBefore(cutoff, SWEEP_LIMIT)) {
    try {
      await requeue(mail, at, deps, report);
    } catch (error) {
      // One mail's failure does not keep the others waiting; the tick still fails, for its alarm.
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new SweepIncompleteError(failures.length, { cause: failures[0] });
  return report;
}

async function requeue(mail: StrandedMail, at: string, deps: OutboxSweepDeps, report: SweepReport) {
  if (sweepDecision(mail.requeues) === 'give_up') {
    await deps.records.stopSweeping(mail);
    report.givenUp.push(mail.message.outboxId);
    return;
  }
  // Noted first, on condition: two overlapping sweeps queue it once. Should the send fail, the
  // next sweep after the delay tries again.
  if (!(await deps.records.markRequeued(mail, at))) return;
  await deps.outbox.send(mail.message);
  report.requeued.push(mail.message.outboxId);
}

/** Some stranded mails could not be queued again; the next tick tries them again. */
export class SweepIncompleteError extends Error {
  override name = 'SweepIncompleteError';
  constructor(count: number, options?: ErrorOptions) {
    super(`${count} stranded mail(s) could not be queued again`, options);
  }
}
