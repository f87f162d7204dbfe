/**
 * What the intake and gateway benchmarks share once mails are sent: waiting for every outcome,
 * counting them, and turning one timed stream into its report (rates, latencies, requests).
 */
import { performance } from 'node:perf_hooks';
import type { Outcome } from '#shared/domain/outcome.ts';
import type { CorpusMail, CorpusWriter, OpenTicket } from './corpus.ts';
import type { CounterSnapshot, MailTrace, Tracker } from './probes.ts';
import type { Random } from './random.ts';
import { dynamodbLatency, perMail, type RunReport } from './report.ts';
import { type MailSender, pushStream, type SentMail, type StreamOptions } from './sender.ts';
import { distribution } from './stats.ts';

/** Whether a mail has all it should have: its outcome, its ticket write, its acknowledgment or reply. */
export function isComplete(trace: MailTrace | undefined): boolean {
  if (trace?.outcome === undefined) return false;
  if (trace.outcome === 'ticket_created') return trace.ticketedAt !== undefined && trace.ackAt !== undefined;
  if (trace.outcome === 'follow_up') return trace.ticketedAt !== undefined;
  if (trace.reply !== undefined) return trace.replyAt !== undefined;
  return true;
}

/**
 * Waits until every mail is complete, checking every 50 ms (the moments themselves come from
 * the probes, so the check's pace does not touch the measure). Gives up after `stallMs` without
 * progress and returns the ids still incomplete.
 */
export async function waitForCompletion(
  tracker: Tracker,
  ids: string[],
  stallMs = 30_000,
): Promise<string[]> {
  let pending = ids.filter((id) => !isComplete(tracker.traces.get(id)));
  let lastProgress = performance.now();
  while (pending.length > 0 && performance.now() - lastProgress < stallMs) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const still = pending.filter((id) => !isComplete(tracker.traces.get(id)));
    if (still.length < pending.length) lastProgress = performance.now();
    pending = still;
  }
  return pending;
}

/**
 * Pushes `mails` through `sender`, then waits until every accepted one has its complete result
 * (`waitForCompletion`); `missing` names those still incomplete when the wait gave up.
 */
export async function pushAndComplete(
  sender: MailSender,
  writer: CorpusWriter,
  tracker: Tracker,
  mails: CorpusMail[],
  options: StreamOptions,
) {
  const result = await pushStream(sender, writer, mails, options);
  const missing = await waitForCompletion(
    tracker,
    result.sent.map((s) => s.sesMessageId),
  );
  return { ...result, missing };
}

export function countOutcomes(values: Array<Outcome | undefined>): Partial<Record<Outcome, number>> {
  const counts: Partial<Record<Outcome, number>> = {};
  for (const value of values) if (value) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

export function sortKeys<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))) as T;
}

/** The counters without their raw durations, which would make the JSON file huge. */
export function withoutDurations(snapshot: CounterSnapshot): CounterSnapshot {
  const strip = (stats: CounterSnapshot['dynamodb']) =>
    Object.fromEntries(Object.entries(stats).map(([op, s]) => [op, { ...s, durationsMs: [] }]));
  return {
    dynamodb: strip(snapshot.dynamodb),
    ses: strip(snapshot.ses),
    sqs: strip(snapshot.sqs),
    s3: strip(snapshot.s3),
    refusals: snapshot.refusals,
    ticketsPerTransaction: snapshot.ticketsPerTransaction,
  };
}

export function runReport(
  name: string,
  mails: CorpusMail[],
  sent: SentMail[],
  failedSends: number,
  missing: string[],
  tracker: Tracker,
  snapshot: CounterSnapshot,
  extra: Pick<
    RunReport,
    | 'cpu'
    | 'eventLoopUtilization'
    | 'eventLoopDelayP99Ms'
    | 'backlogPeak'
    | 'httpRequests'
    | 'memory'
    | 'nodeMemoryAtEnd'
    | 'gc'
    | 'targetRate'
    | 'profile'
    | 'gateway'
  >,
): RunReport {
  const traces = sent.map((s) => ({ sent: s, trace: tracker.traces.get(s.sesMessageId) ?? {} }));
  const firstAccepted = Math.min(...sent.map((s) => s.acceptedAt));
  const lastAccepted = Math.max(...sent.map((s) => s.acceptedAt));
  const lastRecorded = Math.max(...traces.map(({ trace }) => trace.recordedAt ?? Number.NEGATIVE_INFINITY));
  const lastDone = Math.max(
    ...traces.flatMap(({ trace }) =>
      [trace.recordedAt, trace.ticketedAt, trace.ackAt, trace.replyAt].filter((t) => t !== undefined),
    ),
  );
  const created = traces.filter(({ trace }) => trace.outcome === 'ticket_created');
  const span = (from: number | undefined, to: number | undefined) =>
    from !== undefined && to !== undefined ? [to - from] : [];
  const windowSeconds = (lastRecorded - firstAccepted) / 1000;
  const outcomes = countOutcomes(traces.map(({ trace }) => trace.outcome));
  const accepted = outcomes.ticket_created ?? 0;
  return {
    name,
    mails: sent.length,
    failedSends,
    incomplete: missing.length,
    windowSeconds,
    mailsPerSecond: sent.length / windowSeconds,
    smtpMailsPerSecond: sent.length / Math.max(0.001, (lastAccepted - firstAccepted) / 1000),
    completedSeconds: (lastDone - firstAccepted) / 1000,
    outcomes,
    expectedOutcomes: countOutcomes(mails.map((mail) => mail.expected)),
    latency: {
      ack: distribution(created.flatMap(({ sent: s, trace }) => span(s.acceptedAt, trace.ackAt))),
      smtp: distribution(sent.map((s) => s.acceptedAt - s.startedAt)),
      toRecorded: distribution(traces.flatMap(({ sent: s, trace }) => span(s.acceptedAt, trace.recordedAt))),
      recordedToTicket: distribution(
        created.flatMap(({ trace }) => span(trace.recordedAt, trace.ticketedAt)),
      ),
      ticketToAck: distribution(created.flatMap(({ trace }) => span(trace.ticketedAt, trace.ackAt))),
    },
    perMail: perMail(snapshot, sent.length),
    dynamodbLatency: dynamodbLatency(snapshot),
    refusals: snapshot.refusals,
    ticketsOpened: accepted,
    ...extra,
  };
}

/**
 * Picks the ticket a follow-up answers: one opened since `from()` (the current run's), each at
 * most three times, at random among those.
 */
export function followUpPicker(
  tracker: Tracker,
  random: Random,
  from: () => number,
): () => OpenTicket | undefined {
  const followUpsOf = new Map<string, number>();
  return () => {
    const candidates = tracker.openTickets
      .slice(from())
      .filter((t) => (followUpsOf.get(t.ticketNumber) ?? 0) < 3);
    if (candidates.length === 0) return undefined;
    const ticket = candidates[Math.floor(random.next() * candidates.length)] as OpenTicket;
    followUpsOf.set(ticket.ticketNumber, (followUpsOf.get(ticket.ticketNumber) ?? 0) + 1);
    return ticket;
  };
}
