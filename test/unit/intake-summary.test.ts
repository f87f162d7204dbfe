import { describe, expect, it } from 'vitest';
import { aggregateDashboard, type IntakeFact, intakeWindow } from '#shared/domain/dashboard.ts';
import {
  type CountedEntry,
  type IntakeDaySummary,
  intakeReadPlan,
  summarizableDays,
  summarizeDay,
  summaryHolds,
} from '#shared/domain/intake-summary.ts';
import { summarizeIntakeDays } from '#shared/steps/intake-summaries.ts';

// Sunday 5 April 2026, 12:00 in Paris (UTC+2): the window holds the night the clocks went forward (29 March).
const NOW = new Date('2026-04-05T10:00:00.000Z');
const LATER = new Date('2026-04-05T11:00:00.000Z');
const entry = (receivedAt: string, outcome: IntakeFact['outcome'], expiresAt?: number): CountedEntry => ({
  receivedAt,
  outcome,
  ...(expiresAt === undefined ? {} : { expiresAt }),
});

describe('the days the hourly tick counts', () => {
  it('counts every day of the dashboard window but today, oldest first', () => {
    // Act
    const days = summarizableDays(NOW);
    // Assess
    expect(days).toHaveLength(29);
    expect(days[0]).toBe(intakeWindow(NOW).days[0]);
    expect(days.at(-1)).toBe('2026-04-04');
  });
});

describe('the hourly count', () => {
  it('counts again every finished day not counted in the last half hour, each from its own entries', async () => {
    // Prepare: 4 April counted 10 minutes ago, 3 April 40 minutes ago; one mail on each.
    const saved = new Map<string, IntakeDaySummary>([
      ['2026-04-04', summarizeDay('2026-04-04', [], new Date('2026-04-05T09:50:00.000Z'))],
      ['2026-04-03', summarizeDay('2026-04-03', [], new Date('2026-04-05T09:20:00.000Z'))],
    ]);
    const mails = [
      entry('2026-04-03T08:00:00.000Z', 'ticket_created'),
      entry('2026-04-04T08:00:00.000Z', 'follow_up'),
    ];
    const intakeDays = {
      readSummaries: async () => [...saved.values()],
      entriesBetween: async (from: string, to: string) =>
        mails.filter((mail) => mail.receivedAt >= from && mail.receivedAt < to),
      saveSummary: async (summary: IntakeDaySummary) => {
        saved.set(summary.day, summary);
      },
    };
    // Act
    const written = await summarizeIntakeDays({ intakeDays, now: () => NOW });
    // Assess
    expect(written).toHaveLength(28);
    expect(written).not.toContain('2026-04-04');
    expect(saved.get('2026-04-03')?.total).toBe(1);
    expect(saved.get('2026-04-04')?.total).toBe(0);
    expect(saved.get('2026-03-07')?.countedAt).toBe(NOW.toISOString());
  });
});

describe('a day summary', () => {
  it('counts the entries of its Paris day only, on a day 23 hours long', () => {
    // Prepare: 29 March 2026 runs from 28 March 23:00 to 29 March 22:00 UTC.
    const entries = [
      entry('2026-03-28T22:59:59.999Z', 'ticket_created'), // 28 March, 23:59:59 in Paris
      entry('2026-03-28T23:00:00.000Z', 'ticket_created'), // 29 March, midnight
      entry('2026-03-29T21:59:59.999Z', 'no_keyword'), // 29 March, 23:59:59 (summer time)
      entry('2026-03-29T22:00:00.000Z', 'ticket_created'), // 30 March, midnight
    ];
    // Act
    const summary = summarizeDay('2026-03-29', entries, NOW);
    // Assess
    expect(summary.total).toBe(2);
    expect(summary.outcomes.ticket_created).toBe(1);
    expect(summary.outcomes.no_keyword).toBe(1);
    expect(summary.outcomes.spam_or_virus).toBe(0);
    expect(summary.countedAt).toBe(NOW.toISOString());
  });

  it('leaves out the entries already purged and remembers the first purge date of those it counted', () => {
    // Prepare
    const now = Math.floor(NOW.getTime() / 1000);
    const entries = [
      entry('2026-04-01T08:00:00.000Z', 'ticket_created', now - 1),
      entry('2026-04-01T09:00:00.000Z', 'ticket_created', now + 500),
      entry('2026-04-01T10:00:00.000Z', 'follow_up', now + 100),
      entry('2026-04-01T11:00:00.000Z', 'follow_up'),
    ];
    // Act
    const summary = summarizeDay('2026-04-01', entries, NOW);
    // Assess
    expect(summary.total).toBe(3);
    expect(summary.expiresFrom).toBe(now + 100);
  });
});

describe('whether a summary stands for its day', () => {
  const counted = (day: string, countedAt: string, expiresFrom?: number) => ({
    ...summarizeDay(day, [], new Date(countedAt)),
    ...(expiresFrom === undefined ? {} : { expiresFrom }),
  });

  it('holds once counted an hour after its day ended, the mails received before midnight being recorded by then', () => {
    // 4 April ends at 22:00 UTC.
    expect(summaryHolds(counted('2026-04-04', '2026-04-04T22:30:00.000Z'), NOW)).toBe(false);
    expect(summaryHolds(counted('2026-04-04', '2026-04-04T23:00:00.000Z'), NOW)).toBe(true);
  });

  it('never holds for today, nor once an entry it counted has been purged', () => {
    expect(summaryHolds(counted('2026-04-05', '2026-04-05T09:00:00.000Z'), NOW)).toBe(false);
    const purgedAt = Math.floor(NOW.getTime() / 1000);
    expect(summaryHolds(counted('2026-04-01', '2026-04-02T08:00:00.000Z', purgedAt), NOW)).toBe(false);
    expect(summaryHolds(counted('2026-04-01', '2026-04-02T08:00:00.000Z', purgedAt + 1), NOW)).toBe(true);
  });
});

describe('how the dashboard reads the window', () => {
  it('takes each day from its summary or from its entries, never both, the days without one in consecutive stretches', () => {
    // Prepare: days 1–3 and 6 April counted; 4 April counted too soon; 5 April is today.
    const days = ['2026-04-01', '2026-04-02', '2026-04-03', '2026-04-04', '2026-04-05'];
    const summaries = [
      summarizeDay('2026-04-01', [], new Date('2026-04-05T09:00:00.000Z')),
      summarizeDay('2026-04-03', [], new Date('2026-04-05T09:00:00.000Z')),
      summarizeDay('2026-04-04', [], new Date('2026-04-04T22:10:00.000Z')),
    ];
    // Act
    const plan = intakeReadPlan(days, summaries, NOW);
    // Assess
    expect(plan.summaries.map((summary) => summary.day)).toEqual(['2026-04-01', '2026-04-03']);
    expect(plan.live).toEqual([
      { from: '2026-04-01T22:00:00.000Z', to: '2026-04-02T22:00:00.000Z', days: 1 },
      { from: '2026-04-03T22:00:00.000Z', to: '2026-04-05T22:00:00.000Z', days: 2 },
    ]);
  });

  it('gives the same dashboard from the summaries as from every entry, and shows an entry landing late in a counted day at the next count', () => {
    // Prepare: a mail each day of the window, two on the night the clocks went forward.
    const { days } = intakeWindow(NOW);
    const entries = [
      ...days.map((day, i) => entry(`${day}T09:00:00.000Z`, i % 3 === 0 ? 'ticket_created' : 'auto_reply')),
      entry('2026-03-28T22:59:59.999Z', 'follow_up'),
      entry('2026-03-28T23:00:00.000Z', 'rate_limited'),
    ];
    const countAll = (all: CountedEntry[], at: Date) =>
      summarizableDays(at).map((day) => summarizeDay(day, all, at));
    const dashboardFrom = (all: CountedEntry[], summaries: ReturnType<typeof countAll>, at: Date) => {
      const plan = intakeReadPlan(intakeWindow(at).days, summaries, at);
      const liveEntries = all.filter((fact) =>
        plan.live.some((range) => fact.receivedAt >= range.from && fact.receivedAt < range.to),
      );
      return aggregateDashboard({
        now: at,
        intake: liveEntries,
        intakeDays: plan.summaries,
        openTickets: [],
        truncated: false,
      });
    };
    const fullRead = (all: CountedEntry[], at: Date) =>
      aggregateDashboard({ now: at, intake: all, openTickets: [], truncated: false });
    const summaries = countAll(entries, NOW);

    // Act
    const fromSummaries = dashboardFrom(entries, summaries, NOW);
    // A redriven mail of 29 March is recorded after that day was counted.
    const withLate = [...entries, entry('2026-03-29T07:00:00.000Z', 'ticket_created')];
    const beforeNextCount = dashboardFrom(withLate, summaries, NOW);
    const afterNextCount = dashboardFrom(withLate, countAll(withLate, LATER), LATER);

    // Assess
    expect(fromSummaries).toEqual(fullRead(entries, NOW));
    expect(beforeNextCount).toEqual(fullRead(entries, NOW));
    expect(afterNextCount).toEqual(fullRead(withLate, LATER));
    expect(afterNextCount.intakeByDay.find((day) => day.day === '2026-03-29')?.total).toBe(3);
  });
});
