/**
 * The hourly tick's count of the intake log for the dashboard: every finished Paris day of the
 * dashboard's window, read again and summarized (`shared/domain/intake-summary.ts` says why each
 * hour and every day: an entry can land late in a day, or change when staff accept a held mail).
 * Repeating a tick, or two at once, writes the same summaries.
 */
import { parisDayEnd, parisDayStart } from '#shared/domain/dashboard.ts';
import {
  dueForCount,
  type IntakeDayCounts,
  summarizableDays,
  summarizeDay,
} from '#shared/domain/intake-summary.ts';

/** What the count needs: the intake log's entries and the summaries, and the clock. */
export type IntakeSummaryDeps = { intakeDays: IntakeDayCounts; now: () => Date };

/**
 * Counts each finished day of the window not counted in the last half hour, one after the other
 * (a day is some 600 entries at 200,000 mails a year: one or two pages), and replaces its
 * summary; returns the days written.
 */
export async function summarizeIntakeDays(deps: IntakeSummaryDeps): Promise<string[]> {
  const now = deps.now();
  const window = summarizableDays(now);
  const first = window[0];
  const last = window.at(-1);
  if (first === undefined || last === undefined) return [];
  const counted = new Map((await deps.intakeDays.readSummaries(first, last)).map((s) => [s.day, s]));
  const days = window.filter((day) => dueForCount(counted.get(day), now));
  for (const day of days) {
    // The instant before the read: what was written after it may be missing from this count.
    const countedAt = deps.now();
    const entries = await deps.intakeDays.entriesBetween(
      parisDayStart(day).toISOString(),
      parisDayEnd(day).toISOString(),
    );
    await deps.intakeDays.saveSummary(summarizeDay(day, entries, countedAt));
  }
  return days;
}
