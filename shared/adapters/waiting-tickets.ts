/**
 * The auto-close tick's read: the tickets waiting for their director, by last update, from gsi2
 * `TICKETS#en_attente` (sort key `<updatedAt>#<number>`), oldest first. One partition, read only
 * up to the scan bound, so the tick's cost follows the tickets due, not the desk's size.
 * Satisfies the domain's `WaitingTickets`.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { WaitingTickets } from '#shared/domain/auto-close.ts';
import type { StoredTicket } from '#shared/domain/ticket-actions.ts';
import { keys } from './keys.ts';
import { sortKeyRange, type TableAccess } from './table-queries.ts';
import { expired, storedTicket } from './ticket-items.ts';

/** Items read per page: one tick rarely has more due. */
const PAGE = 100;

/** Makes the waiting tickets' read over the desk table. */
export function makeWaitingTickets(table: TableAccess): WaitingTickets {
  return {
    async listWaitingSince(before, limit, now) {
      const range = sortKeyRange('gsi2sk', undefined, before);
      const found: StoredTicket[] = [];
      let startKey: Record<string, unknown> | undefined;
      // Page by page until enough live tickets: a purged one (TTL deletes lazily) takes no place.
      do {
        const page = await table.client.send(
          new QueryCommand({
            TableName: table.tableName,
            IndexName: 'gsi2',
            KeyConditionExpression: `gsi2pk = :pk${range.expression}`,
            ExpressionAttributeNames: range.names,
            ExpressionAttributeValues: {
              ':pk': keys.ticketsByStatus('en_attente', before, '').gsi2pk,
              ...range.values,
            },
            ScanIndexForward: true,
            Limit: PAGE,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) if (!expired(item, now)) found.push(storedTicket(item));
        startKey = page.LastEvaluatedKey;
      } while (startKey && found.length < limit);
      return found.slice(0, limit);
    },
  };
}
