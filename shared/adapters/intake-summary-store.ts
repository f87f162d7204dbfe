/**
 * The intake log's per-day summaries (`shared/domain/intake-summary.ts`) in the desk table: one
 * item per finished Paris day under `SUMMARY#INTAKE`, written by the hourly tick, read by the
 * dashboard in one Query. Also the read both sides share: the intake entries of a period from
 * gsi1 `INTAKE`, reception time, outcome and purge date only.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { parisDayEnd } from '#shared/domain/dashboard.ts';
import {
  type CountedEntry,
  type IntakeDayCounts,
  IntakeDaySummary,
  SUMMARY_KEPT_DAYS,
} from '#shared/domain/intake-summary.ts';
import { Outcome } from '#shared/domain/outcome.ts';
import { keys } from './keys.ts';
import { queryAll, sortKeyRange, type TableAccess } from './table-queries.ts';

const DAY_MS = 86_400_000;

/**
 * The intake entries received in `[from, to)` (gsi1 `INTAKE`), up to `maxPages` pages; with
 * `endBefore`, `to` itself is left out of the key range (where a slice meets the next one).
 */
export async function intakeEntriesBetween(
  table: TableAccess,
  range: { from: string; to: string },
  maxPages = Number.POSITIVE_INFINITY,
  endBefore = true,
): Promise<{ entries: CountedEntry[]; truncated: boolean }> {
  const keyRange = sortKeyRange('gsi1sk', range.from, range.to, endBefore);
  const read = await queryAll(
    table,
    {
      IndexName: 'gsi1',
      KeyConditionExpression: `gsi1pk = :pk${keyRange.expression}`,
      ExpressionAttributeNames: { '#outcome': 'outcome', ...keyRange.names },
      ExpressionAttributeValues: { ':pk': keys.intakePartition(), ...keyRange.values },
      ProjectionExpression: 'receivedAt, #outcome, expiresAt',
    },
    maxPages,
  );
  const entries = read.items.flatMap((item): CountedEntry[] => {
    const outcome = Outcome.safeParse(item.outcome);
    if (typeof item.receivedAt !== 'string' || !outcome.success) return [];
    if (item.receivedAt < range.from || item.receivedAt >= range.to) return [];
    return [
      {
        receivedAt: item.receivedAt,
        outcome: outcome.data,
        ...(typeof item.expiresAt === 'number' ? { expiresAt: item.expiresAt } : {}),
      },
    ];
  });
  return { entries, truncated: read.truncated };
}

/** Makes the summaries' store over the desk table: the tick's port, and the dashboard's read. */
export function makeIntakeSummaryStore(table: TableAccess): IntakeDayCounts {
  return {
    async entriesBetween(from, to) {
      return (await intakeEntriesBetween(table, { from, to })).entries;
    },
    async saveSummary(summary) {
      await table.client.send(
        new PutCommand({
          TableName: table.tableName,
          Item: {
            ...keys.intakeDaySummary(summary.day),
            ...summary,
            // Aggregates, not personal data: kept a little longer than the dashboard shows them.
            expiresAt: Math.floor((parisDayEnd(summary.day).getTime() + SUMMARY_KEPT_DAYS * DAY_MS) / 1000),
          },
        }),
      );
    },
    /** Unreadable summaries are left out: their days are counted, or read, entry by entry. */
    async readSummaries(first, last) {
      const { items } = await queryAll(table, {
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
        ExpressionAttributeValues: {
          ':pk': keys.intakeSummaryPartition(),
          ':first': keys.intakeDaySummary(first).sk,
          ':last': keys.intakeDaySummary(last).sk,
        },
      });
      // A summary written before an outcome existed no longer parses: its day is read entry by entry.
      return items.flatMap((item) => {
        const summary = IntakeDaySummary.safeParse(item);
        return summary.success ? [summary.data] : [];
      });
    },
  };
}
