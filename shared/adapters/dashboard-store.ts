/**
 * What the dashboard counts, read from the indexes: the intake log over a window (gsi1 `INTAKE`,
 * reception time and outcome only, in slices read in parallel), the mails that did not leave over the same window (gsi2
 * `OUTBOX#problem`) and every open ticket (gsi3's four open partitions), six queries bounded by a
 * page budget each. Satisfies the domain's `DashboardFacts`.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { Outcome } from '#shared/domain/outcome.ts';
import { OPEN_STATUSES } from '#shared/domain/records.ts';
import type { DashboardFacts } from '#shared/domain/staff-ports.ts';
import { keys } from './keys.ts';
import { queryAll, sortKeyRange } from './table-queries.ts';
import { expired, storedTicket } from './ticket-items.ts';

/** The dashboard reads at most this many pages (1 MB each) per index partition. */
const DASHBOARD_PAGE_BUDGET = 40;
/**
 * The intake window is read as this many slices in parallel: at 200,000 entries a year, 30 days
 * are some 16,000 entries, a dozen 1 MB pages that one query reads one after the other
 * (docs/PERFORMANCE.md, « console »). The page budget is shared between the slices.
 */
const INTAKE_SLICES = 6;

/** `[from, to)` cut in `count` consecutive slices of equal length (ISO instants). */
function slicesOf(window: { from: string; to: string }, count: number): Array<{ from: string; to: string }> {
  const start = Date.parse(window.from);
  const step = (Date.parse(window.to) - start) / count;
  return Array.from({ length: count }, (_, i) => ({
    from: i === 0 ? window.from : new Date(start + Math.round(step * i)).toISOString(),
    to: i === count - 1 ? window.to : new Date(start + Math.round(step * (i + 1))).toISOString(),
  }));
}

/** What the dashboard reads of an intake entry (its projection). */
const IntakeFactItem = z.object({ receivedAt: z.string(), outcome: Outcome });

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
  return {
    async dashboardFacts(window, now) {
      const problemRange = sortKeyRange('gsi2sk', window.from, window.to);
      const slices = slicesOf(window, INTAKE_SLICES);
      const intakeSlices = Promise.all(
        slices.map((slice, i) => {
          // Each slice but the last ends before its bare end instant (keys are `<instant>#<id>`),
          // where the next one starts: an entry is read once.
          const range = sortKeyRange('gsi1sk', slice.from, slice.to, i < slices.length - 1);
          return queryAll(
            table,
            {
              IndexName: 'gsi1',
              KeyConditionExpression: `gsi1pk = :pk${range.expression}`,
              ExpressionAttributeNames: { '#outcome': 'outcome', ...range.names },
              ExpressionAttributeValues: { ':pk': keys.intakePartition(), ...range.values },
              ProjectionExpression: 'receivedAt, #outcome, expiresAt',
            },
            Math.ceil(DASHBOARD_PAGE_BUDGET / INTAKE_SLICES),
          );
        }),
      ).then((read) => ({
        items: read.flatMap((slice) => slice.items),
        truncated: read.some((slice) => slice.truncated),
      }));
      const [intake, problems, ...open] = await Promise.all([
        intakeSlices,
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
        ...OPEN_STATUSES.map((status) =>
          queryAll(
            table,
            {
              IndexName: 'gsi3',
              KeyConditionExpression: '#status = :status',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':status': status },
            },
            DASHBOARD_PAGE_BUDGET,
          ),
        ),
      ]);
      const live = (item: Record<string, unknown>) => !expired(item, now);
      return {
        intake: intake.items
          .filter(live)
          .map((item) => IntakeFactItem.parse(item))
          .filter((fact) => fact.receivedAt >= window.from && fact.receivedAt < window.to),
        openTickets: open.flatMap((partition) =>
          partition.items.filter(live).map((item) => storedTicket(item).ticket),
        ),
        sendProblems: problems.items.filter(live).flatMap((item) => {
          const problem = SendProblemItem.safeParse(item);
          return problem.success ? [{ status: problem.data.status, at: problem.data.failedAt }] : [];
        }),
        truncated: intake.truncated || problems.truncated || open.some((partition) => partition.truncated),
      };
    },
  };
}
