/**
 * What the dashboard counts, read from the indexes: the intake log over a window, as the
 * summaries of the finished days the hourly tick counted (one Query of `SUMMARY#INTAKE`) and the
 * entries of the other days (gsi1 `INTAKE`, reception time and outcome only, a long stretch in
 * slices read in parallel); the mails that did not leave over the same window (gsi2
 * `OUTBOX#problem`) and every open ticket, as the hourly tick's snapshot and the tickets written
 * since (`open-tickets-snapshot.ts`), each query bounded by a page budget. Satisfies the domain's
 * `DashboardFacts`.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { oldestUnansweredOf } from '#shared/domain/dashboard.ts';
import { intakeReadPlan, type LiveRange } from '#shared/domain/intake-summary.ts';
import { changedSince, mergeSnapshot, SNAPSHOT_MAX_AGE_MS } from '#shared/domain/open-tickets-snapshot.ts';
import { isPurged } from '#shared/domain/retention.ts';
import type { DashboardFacts } from '#shared/domain/staff-ports.ts';
import { intakeEntriesBetween, makeIntakeSummaryStore } from './intake-summary-store.ts';
import { keys } from './keys.ts';
import {
  makeOpenTicketsSnapshotStore,
  openTicketFacts,
  ticketsChangedSince,
} from './open-tickets-snapshot-store.ts';
import { batchGetAll, queryAll, sortKeyRange } from './table-queries.ts';
import { expired, storedTicket } from './ticket-items.ts';

/** The dashboard reads at most this many pages (1 MB each) per index partition. */
const DASHBOARD_PAGE_BUDGET = 40;
/**
 * A stretch of days read entry by entry is read as up to this many slices in parallel, one per
 * 5 days: with no summary (a new table, a tick failing), 30 days at 200,000 entries a year are
 * some 16,000 entries, a dozen 1 MB pages that one query reads one after the other
 * (docs/PERFORMANCE.md, « console »). The page budget is shared between the slices.
 */
const INTAKE_SLICES = 6;
const DAYS_PER_SLICE = 5;

/** `[from, to)` cut in consecutive slices of equal length (ISO instants), one per 5 days, at most 6. */
function slicesOf(window: LiveRange): Array<{ from: string; to: string }> {
  const count = Math.min(INTAKE_SLICES, Math.ceil(window.days / DAYS_PER_SLICE));
  const start = Date.parse(window.from);
  const step = (Date.parse(window.to) - start) / count;
  return Array.from({ length: count }, (_, i) => ({
    from: i === 0 ? window.from : new Date(start + Math.round(step * i)).toISOString(),
    to: i === count - 1 ? window.to : new Date(start + Math.round(step * (i + 1))).toISOString(),
  }));
}

/** What the dashboard reads of a mail that did not leave, or may not have. */
const SendProblemItem = z.object({ status: z.enum(['failed', 'unknown']), failedAt: z.string() });

/** Makes the dashboard's reads over a DynamoDB document client and the desk table's name. */
export function makeDashboardStore({
  client,
  tableName,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): DashboardFacts {
  const table = { client, tableName };
  const summaries = makeIntakeSummaryStore(table);
  const snapshots = makeOpenTicketsSnapshotStore(table);
  const readSlice = (slice: { from: string; to: string }) =>
    intakeEntriesBetween(table, slice, Math.ceil(DASHBOARD_PAGE_BUDGET / INTAKE_SLICES));
  /** The tickets of these numbers, whole, in this order; a ticket purged meanwhile is left out. */
  const wholeTickets = async (numbers: string[], now: Date) => {
    const items = await batchGetAll(
      table,
      numbers.map((number) => keys.ticket(number)),
    );
    const byNumber = new Map(
      items.filter((item) => !expired(item, now)).map((item) => [item.number, storedTicket(item).ticket]),
    );
    return numbers.flatMap((number) => byNumber.get(number) ?? []);
  };
  /**
   * Every open ticket's facts: the tick's snapshot brought up to date with the tickets written
   * since it was taken (less the overlap), or, without a usable snapshot (none yet, a day old,
   * being replaced, too many changes for the budget), every open ticket read.
   */
  const openTickets = async (now: Date) => {
    const snapshot = await snapshots.readSnapshot();
    if (snapshot && now.getTime() - Date.parse(snapshot.takenAt) <= SNAPSHOT_MAX_AGE_MS) {
      const changed = await ticketsChangedSince(
        table,
        changedSince(snapshot.takenAt),
        now,
        DASHBOARD_PAGE_BUDGET,
      );
      if (!changed.truncated)
        return { facts: mergeSnapshot(snapshot.facts, changed.tickets), truncated: false };
    }
    return openTicketFacts(table, now, DASHBOARD_PAGE_BUDGET);
  };
  return {
    async dashboardFacts(window, now) {
      const problemRange = sortKeyRange('gsi2sk', window.from, window.to);
      const { days } = window;
      const first = days?.[0];
      const last = days?.at(-1);
      // The days the tick counted, then the others entry by entry; without days, all entries.
      const intakeRead = (
        first === undefined || last === undefined
          ? Promise.resolve({
              summaries: [],
              live: [{ from: window.from, to: window.to, days: INTAKE_SLICES * DAYS_PER_SLICE }],
            })
          : summaries.readSummaries(first, last).then((read) => intakeReadPlan(days ?? [], read, now))
      ).then(async (plan) => {
        const read = await Promise.all(plan.live.flatMap((range) => slicesOf(range).map(readSlice)));
        return {
          summaries: plan.summaries,
          entries: read.flatMap((slice) => slice.entries),
          truncated: read.some((slice) => slice.truncated),
        };
      });
      const [intake, problems, open] = await Promise.all([
        intakeRead,
        // The outbox's problem partition (gsi2 `OUTBOX#problem`): sparse, a few items at most.
        queryAll(
          table,
          {
            IndexName: 'gsi2',
            KeyConditionExpression: `gsi2pk = :pk${problemRange.expression}`,
            ExpressionAttributeNames: { '#status': 'status', ...problemRange.names },
            ExpressionAttributeValues: { ':pk': keys.outboxProblemPartition(), ...problemRange.values },
            ProjectionExpression: '#status, failedAt, expiresAt',
          },
          DASHBOARD_PAGE_BUDGET,
        ),
        openTickets(now),
      ]);
      const live = (item: Record<string, unknown>) => !expired(item, now);
      return {
        openTickets: open.facts,
        oldestUnanswered: await wholeTickets(
          oldestUnansweredOf(open.facts).map((ticket) => ticket.number),
          now,
        ),
        intake: intake.entries
          .filter((entry) => !isPurged(entry.expiresAt, now))
          .map(({ receivedAt, outcome }) => ({ receivedAt, outcome })),
        intakeDays: intake.summaries,
        sendProblems: problems.items.filter(live).flatMap((item) => {
          const problem = SendProblemItem.safeParse(item);
          return problem.success ? [{ status: problem.data.status, at: problem.data.failedAt }] : [];
        }),
        truncated: intake.truncated || problems.truncated || open.truncated,
      };
    },
  };
}
