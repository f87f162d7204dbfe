/**
 * Per-day summaries of the intake log, so that the dashboard reads some 30 small items and the
 * entries of the days not summarized yet (today, and yesterday until the tick has passed),
 * rather than every entry of 30 days (16,000 at 200,000 mails a year: docs/PERFORMANCE.md,
 * « console »).
 *
 * **Who writes them.** The hourly tick (`ticket-housekeeping`) counts every finished Paris day
 * of the dashboard's window again, each hour, and replaces its summary; the intake chain never
 * writes one (no write is added per mail).
 *
 * **An entry that changes after its day was counted.** An entry can land in a day already
 * counted (a dead-letter redrive, a retried mail: its day is its reception time's), and staff can
 * accept a held mail long after (its outcome becomes `ticket_created`). The rule:
 *
 * - the dashboard takes each day **either** from its summary **or** from its entries, never both,
 *   so nothing is counted twice;
 * - each tick counts every finished day of the window again (unless counted in the last
 *   `RECOUNT_AFTER_MINUTES`), so such a change shows at the next tick (within the hour) and
 *   nothing is left out longer;
 * - a summary counts only entries still kept, and records the first purge date among them
 *   (`expiresFrom`): once that passes, the day is read from its entries again, as the full read
 *   would no longer count that entry;
 * - a summary is used only if it was counted at least `SETTLE_MINUTES` after its day ended
 *   (`countedAt`): a mail received just before midnight is recorded seconds later, or minutes
 *   when its first deliveries fail, so a day still being recorded is read from its entries.
 *
 * Pure: the tick and the dashboard's store call these rules; the unit tests check them alone.
 */
import * as z from 'zod';
import {
  addDays,
  INTAKE_DAYS,
  type IntakeFact,
  OutcomeCounts,
  parisDayEnd,
  parisDayStart,
} from './dashboard.ts';
import { Outcome } from './outcome.ts';
import { ParisDate, parisDay } from './paris-day.ts';
import { isPurged } from './retention.ts';

/** One finished Paris day of the intake log, counted by the tick. */
export const IntakeDaySummary = z.object({
  day: ParisDate,
  /** The entries of the day, all outcomes. */
  total: z.number().int(),
  /** The entries of the day by outcome, every outcome present (zeros included). */
  outcomes: OutcomeCounts,
  /** When the tick began reading the day's entries (ISO instant). */
  countedAt: z.string(),
  /** The earliest purge date (epoch seconds) of the entries counted; absent when none has one. */
  expiresFrom: z.number().int().optional(),
});
export type IntakeDaySummary = z.infer<typeof IntakeDaySummary>;

/** What the tick reads of an entry: the dashboard's fact and its purge date. */
export type CountedEntry = IntakeFact & { expiresAt?: number };

/**
 * How long after its day ends a count can be trusted: the chain records a mail within seconds,
 * and within minutes when deliveries are retried (5 receives, a few minutes of visibility each).
 * What comes later (a redrive from a dead-letter queue) is what the hourly recount is for.
 */
export const SETTLE_MINUTES = 60;

/** A summary is kept this many days after its day: longer than the dashboard's window. */
export const SUMMARY_KEPT_DAYS = INTAKE_DAYS + 7;

/** The finished Paris days of the dashboard's window at `now`, oldest first: the days the tick counts. */
export function summarizableDays(now: Date, windowDays = INTAKE_DAYS): string[] {
  const today = parisDay(now);
  return Array.from({ length: windowDays - 1 }, (_, index) => addDays(today, index - (windowDays - 1)));
}

/**
 * The summary of `day` from its entries as read at `countedAt` (`now` of the read): the entries
 * outside the day or already purged are left out, as the dashboard's full read leaves them out.
 */
export function summarizeDay(
  day: string,
  entries: readonly CountedEntry[],
  countedAt: Date,
): IntakeDaySummary {
  const from = parisDayStart(day).toISOString();
  const to = parisDayEnd(day).toISOString();
  const outcomes = Object.fromEntries(Outcome.options.map((outcome) => [outcome, 0])) as OutcomeCounts;
  let total = 0;
  let expiresFrom: number | undefined;
  for (const entry of entries) {
    if (entry.receivedAt < from || entry.receivedAt >= to || isPurged(entry.expiresAt, countedAt)) continue;
    total += 1;
    outcomes[entry.outcome] += 1;
    if (entry.expiresAt !== undefined)
      expiresFrom = Math.min(expiresFrom ?? entry.expiresAt, entry.expiresAt);
  }
  return {
    day,
    total,
    outcomes,
    countedAt: countedAt.toISOString(),
    ...(expiresFrom === undefined ? {} : { expiresFrom }),
  };
}

/**
 * Whether the dashboard may take `summary` for its day at `now`: the day is over, it was counted
 * `SETTLE_MINUTES` or more after it ended, and none of the entries it counted has been purged since.
 */
export function summaryHolds(summary: IntakeDaySummary, now: Date): boolean {
  const settled = new Date(parisDayEnd(summary.day).getTime() + SETTLE_MINUTES * 60_000).toISOString();
  return summary.day < parisDay(now) && summary.countedAt >= settled && !isPurged(summary.expiresFrom, now);
}

/** A stretch of consecutive days read from their entries: `[from, to)` as ISO instants. */
export type LiveRange = { from: string; to: string; days: number };

/**
 * How the dashboard reads the intake of `days` (consecutive Paris days, oldest first): the
 * summaries that hold, and the other days as stretches of consecutive days to read entry by
 * entry. Each day is in exactly one of the two.
 */
export function intakeReadPlan(
  days: readonly string[],
  summaries: readonly IntakeDaySummary[],
  now: Date,
): { summaries: IntakeDaySummary[]; live: LiveRange[] } {
  const byDay = new Map(summaries.filter((summary) => summaryHolds(summary, now)).map((s) => [s.day, s]));
  const used: IntakeDaySummary[] = [];
  const live: LiveRange[] = [];
  let stretch: string[] = [];
  const close = () => {
    const [first] = stretch;
    const last = stretch.at(-1);
    if (first !== undefined && last !== undefined)
      live.push({
        from: parisDayStart(first).toISOString(),
        to: parisDayEnd(last).toISOString(),
        days: stretch.length,
      });
    stretch = [];
  };
  for (const day of days) {
    const summary = byDay.get(day);
    if (summary) {
      close();
      used.push(summary);
    } else stretch.push(day);
  }
  close();
  return { summaries: used, live };
}

/**
 * A day counted less than this long ago is not counted again: with the hourly tick, every day is
 * counted each hour; a desk ticking faster (the local tests tick every few hundred
 * milliseconds) does not read the window each time.
 */
export const RECOUNT_AFTER_MINUTES = 30;

/** Whether the tick counts `day` again at `now`, given its summary if it has one. */
export function dueForCount(summary: IntakeDaySummary | undefined, now: Date): boolean {
  return (
    summary === undefined || Date.parse(summary.countedAt) <= now.getTime() - RECOUNT_AFTER_MINUTES * 60_000
  );
}

/** The tick's side of the summaries: a day's entries, and the summary written in its place. */
export type IntakeDayCounts = {
  /** The summaries of the days `first` to `last` (Paris days, inclusive), oldest first. */
  readSummaries(first: string, last: string): Promise<IntakeDaySummary[]>;
  /** The entries received in `[from, to)`, as the dashboard reads them (purged ones included: the rule skips them). */
  entriesBetween(from: string, to: string): Promise<CountedEntry[]>;
  /** Writes (or replaces) the summary of its day. */
  saveSummary(summary: IntakeDaySummary): Promise<void>;
};
