/**
 * The auto-close tick's read: the tickets waiting for their director, by last update, from gsi2
 * `TICKETS#en_attente` (sort key `<updatedAt>#<number>`), oldest first. One partition, read only
 * up to the scan bound, so the tick's cost follows the tickets due, not the desk's size.
 * Satisfies the domain's `WaitingTickets`.
 */
import type { WaitingTickets } from '#shared/domain/auto-close.ts';
import { keys } from './keys.ts';
import { queryAll, sortKeyRange, type TableAccess } from './table-queries.ts';
import { expired, storedTicket } from './ticket-items.ts';

/** Items read per page: one tick rarely has more due. */
const PAGE = 100;

/** Makes the waiting tickets' read over the desk table. */
export function makeWaitingTickets(table: TableAccess): WaitingTickets {
  return {
    async listWaitingSince(before, limit, now) {
      const range = sortKeyRange('gsi2sk', undefined, before);
      const { items } = await queryAll(
        table,
        {
          IndexName: 'gsi2',
          KeyConditionExpression: `gsi2pk = :pk${range.expression}`,
          ExpressionAttributeNames: range.names,
          ExpressionAttributeValues: {
            ':pk': keys.ticketsByStatus('en_attente', before, '').gsi2pk,
            ...range.values,
          },
          ScanIndexForward: true,
          Limit: Math.min(PAGE, limit),
        },
        Math.ceil(limit / PAGE),
      );
      return items
        .filter((item) => !expired(item, now))
        .slice(0, limit)
        .map(storedTicket);
    },
  };
}
