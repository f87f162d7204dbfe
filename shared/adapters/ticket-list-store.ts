/**
 * The console's ticket list, fast with tens of thousands of tickets (see docs/ARCHITECTURE.md,
 * "Console access patterns"):
 * - tickets by creation: gsi1 `TICKETS`, sort key `<createdAt>#<number>`;
 * - tickets of a status by last update: gsi2 `TICKETS#<status>`, `<updatedAt>#<number>`;
 * - tickets of a status by creation: gsi3, partition `status`, sort key `createdAt`.
 * Filters that no index serves are applied in code (`ticketMatches`) on pages read from the
 * narrowest index, within a read budget; the cursor is the position reached, so the next page
 * goes on from there. Satisfies the domain's `TicketListReads`.
 */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { TicketStatus } from '#shared/domain/records.ts';
import { isPurged } from '#shared/domain/retention.ts';
import type { TicketListReads } from '#shared/domain/staff-ports.ts';
import type { StoredTicket } from '#shared/domain/ticket-actions.ts';
import {
  filtersInCode,
  type ListPosition,
  type TicketListPage,
  type TicketListRequest,
  ticketMatches,
} from '#shared/domain/ticket-list.ts';
import { parseTicketNumber } from '#shared/domain/ticket-number.ts';
import { keys } from './keys.ts';
import { sortKeyRange } from './table-queries.ts';
import { storedTicket } from './ticket-items.ts';

/** At most this many index items are read for one page of a filtered list. */
export const LIST_READ_BUDGET = { items: 1_000, queries: 20 } as const;
/** Items read per query when filters run in code: large enough to fill a page in few calls. */
const FILTERED_CHUNK = 200;

/** Byte order, as DynamoDB compares strings. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An index partition read in sort order, a chunk at a time, for a merged list. */
type Stream = {
  buffer: StoredTicket[];
  startKey: Record<string, unknown> | undefined;
  done: boolean;
  input: {
    IndexName: string;
    KeyConditionExpression: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues: Record<string, unknown>;
  };
};

/** Makes the ticket list over a DynamoDB document client and the desk table's name. */
export function makeTicketListStore({
  client,
  tableName,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): TicketListReads {
  return {
    /**
     * One page of the ticket list. Reads the narrowest index for the sort and statuses asked
     * (merging several status partitions in order), applies the other filters in code, and
     * stops when the page is full or the read budget is spent; `next` says where to go on.
     */
    async listTickets(query: TicketListRequest): Promise<TicketListPage> {
      const { filter, sort, order, limit, now } = query;
      const budget = query.budget ?? LIST_READ_BUDGET;
      const reads = { queries: 0, items: 0 };
      const timeOf = ({ ticket }: StoredTicket) => (sort === 'created' ? ticket.createdAt : ticket.updatedAt);
      const position = (stored: StoredTicket): ListPosition => ({
        t: timeOf(stored),
        n: stored.ticket.number,
      });
      const direction = order === 'asc' ? 1 : -1;
      const inOrder = (a: ListPosition, b: ListPosition) =>
        direction * (compare(a.t, b.t) || compare(a.n, b.n));
      const matches = ticketMatches(filter, { now, work: query.work });
      const live = (stored: StoredTicket) => !isPurged(stored.expiresAt, now);

      // A full ticket number goes straight to its ticket.
      const asNumber = filter.q?.trim().toUpperCase();
      if (asNumber && parseTicketNumber(asNumber)) {
        const { Item } = await client.send(
          new GetCommand({ TableName: tableName, Key: keys.ticket(asNumber), ConsistentRead: true }),
        );
        reads.items += Item ? 1 : 0;
        const stored = Item && storedTicket(Item);
        const found = stored && live(stored) && matches(stored.ticket) ? [stored.ticket] : [];
        return { items: found, next: undefined, reads };
      }

      const streams = ticketStreams(query);
      const chunk = filtersInCode(filter, sort) ? FILTERED_CHUNK : limit + 1;
      const afford = () => reads.queries < budget.queries && reads.items < budget.items;

      async function fill(stream: Stream): Promise<void> {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            ...stream.input,
            ScanIndexForward: order === 'asc',
            Limit: chunk,
            ExclusiveStartKey: stream.startKey,
          }),
        );
        reads.queries += 1;
        reads.items += page.ScannedCount ?? page.Items?.length ?? 0;
        stream.buffer.push(...(page.Items ?? []).map(storedTicket));
        // Items with the same sort time may come in any order: order them by number too.
        stream.buffer.sort((a, b) => inOrder(position(a), position(b)));
        stream.startKey = page.LastEvaluatedKey;
        stream.done = page.LastEvaluatedKey === undefined;
      }

      /**
       * Makes the stream's head comparable: loaded, and with its whole group of equal sort times
       * (gsi3's sort key is the bare time), so a page never ends inside such a group unread.
       * Returns false when the budget stops it first.
       */
      async function ready(stream: Stream): Promise<boolean> {
        for (;;) {
          const first = stream.buffer[0];
          const last = stream.buffer.at(-1);
          const groupOpen = first !== undefined && last !== undefined && timeOf(first) === timeOf(last);
          if (stream.done || (stream.buffer.length > 0 && !groupOpen)) return true;
          if (!afford()) return stream.buffer.length > 0 && !groupOpen;
          await fill(stream);
        }
      }

      const items: TicketListPage['items'] = [];
      let last: ListPosition | undefined = query.after;
      let stopped = false;
      while (items.length < limit) {
        let best: Stream | undefined;
        for (const stream of streams) {
          if (!(await ready(stream))) {
            stopped = true;
            break;
          }
          const head = stream.buffer[0];
          if (head && (!best || inOrder(position(head), position(best.buffer[0] as StoredTicket)) < 0))
            best = stream;
        }
        if (stopped || !best) break;
        const stored = best.buffer.shift() as StoredTicket;
        const at = position(stored);
        // The cursor's own group may come again: skip what the previous page already examined.
        if (query.after && inOrder(at, query.after) <= 0) continue;
        last = at;
        if (live(stored) && matches(stored.ticket)) items.push(stored.ticket);
      }

      let more = stopped || streams.some((stream) => stream.buffer.length > 0 || !stream.done);
      if (more && !stopped && items.length === limit && afford()) {
        // The page is full: look one chunk ahead, so the last page does not offer an empty next one.
        for (const stream of streams) {
          if (stream.buffer.length === 0 && !stream.done && afford()) await fill(stream);
        }
        more = streams.some((stream) => stream.buffer.length > 0 || !stream.done);
      }
      return { items, next: more ? last : undefined, reads };
    },
  };
}

/**
 * The index partitions a list reads, in the list's sort order: by creation, gsi3's status
 * partitions when statuses are asked (else gsi1's single partition); by update, gsi2's status
 * partitions (all five when none is asked). The creation period narrows the key range when the
 * sort is by creation; the cursor narrows it too (inclusive: the exact position is skipped in code).
 */
function ticketStreams(query: TicketListRequest): Stream[] {
  const { filter, sort, order, after } = query;
  let from = sort === 'created' ? filter.createdFrom : undefined;
  let to = sort === 'created' ? filter.createdTo : undefined;
  if (after && order === 'desc') to = to === undefined || after.t < to ? after.t : to;
  if (after && order === 'asc') from = from === undefined || after.t > from ? after.t : from;
  const partitions =
    sort === 'created'
      ? filter.statuses
        ? filter.statuses.map((status) => ({
            index: 'gsi3',
            pk: 'status',
            value: status,
            sk: 'createdAt',
            bare: true,
          }))
        : [{ index: 'gsi1', pk: 'gsi1pk', value: keys.allTicketsPartition(), sk: 'gsi1sk', bare: false }]
      : (filter.statuses ?? TicketStatus.options).map((status) => ({
          index: 'gsi2',
          pk: 'gsi2pk',
          value: keys.ticketsOfStatusPartition(status),
          sk: 'gsi2sk',
          bare: false,
        }));
  return partitions.map((partition) => {
    const range = sortKeyRange(partition.sk, from, to, partition.bare);
    return {
      buffer: [],
      startKey: undefined,
      done: false,
      input: {
        IndexName: partition.index,
        KeyConditionExpression: `#pk = :pk${range.expression}`,
        ExpressionAttributeNames: { '#pk': partition.pk, ...range.names },
        ExpressionAttributeValues: { ':pk': partition.value, ...range.values },
      },
    };
  });
}
