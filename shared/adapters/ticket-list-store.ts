/**
 * The console's ticket list, fast with tens of thousands of tickets (see docs/ARCHITECTURE.md,
 * "Console access patterns"):
 * - tickets by creation: gsi1 `TICKETS`, sort key `<createdAt>#<number>`;
 * - tickets of a status by last update: gsi2 `TICKETS#<status>`, `<updatedAt>#<number>`;
 * - tickets of a status by creation: gsi3, partition `status`, sort key `createdAt`;
 * - an agent's tickets by creation: gsi6, partition `assignee`, sort key `createdAt`.
 * Filters that no index serves are applied in code (`ticketMatches`) on pages read from the
 * narrowest index, within a read budget; the cursor is the position reached, so the next page
 * goes on from there. When the list reads one index partition, the filter's exact-match part
 * (assignee, UAI, département) also goes to DynamoDB as a `FilterExpression`, so that only the
 * tickets that may match come back: DynamoDB reads (and bills) the same items, since `Limit`
 * counts them before the filter, but does not send back the others, which was about 40 % of
 * DynamoDB Local's CPU on a page of rare matches and most of the API's. Satisfies the domain's
 * `TicketListReads`.
 *
 * The circonscription and free text compare without case or accents, which no filter on a
 * ticket's stored values can: sorted by creation, those lists (and a school's, rare too) read
 * the tickets' cards instead (gsi5, `CARDS`: small items holding the normalised values and the
 * UAIs, `TicketCard`), with a `FilterExpression` that keeps exactly the cards that match
 * (`contains`), then fetch those cards' tickets in one BatchGetItem, where `ticketMatches` checks
 * the rest (statuses, assignee, lateness...). Until every older ticket has its card
 * (`ticketCardsMigrated`), they read the tickets as before. A late filter bounds the creation
 * time it reads (`lastLateCreation`).
 */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { TicketStatus } from '#shared/domain/records.ts';
import { DEFAULT_WORK_TARGETS } from '#shared/domain/response-clock.ts';
import { isPurged } from '#shared/domain/retention.ts';
import type { TicketListReads } from '#shared/domain/staff-ports.ts';
import type { StoredTicket } from '#shared/domain/ticket-actions.ts';
import {
  cardConditions,
  type ExactConditions,
  exactConditions,
  filtersInCode,
  type ListPosition,
  lastLateCreation,
  readsAgentIndex,
  type TicketFilter,
  type TicketListPage,
  type TicketListRequest,
  ticketMatches,
} from '#shared/domain/ticket-list.ts';
import { parseTicketNumber } from '#shared/domain/ticket-number.ts';
import { keys } from './keys.ts';
import { batchGetAll, sortKeyRange } from './table-queries.ts';
import { storedTicket } from './ticket-items.ts';

/** At most this many index items are read for one page of a filtered list. */
export const LIST_READ_BUDGET = { items: 1_000, queries: 20 } as const;
/** Items read per query when filters run in code: large enough to fill a page in few calls. */
const FILTERED_CHUNK = 200;
/** At most this many cards in one query (about 350 KB of the 1 MB a Query returns). */
const MAX_CARDS_READ = 1_000;
/** Tickets of cards read at a time when looking past a full page for one more match. */
const LOOK_AHEAD = 25;

/** Byte order, as DynamoDB compares strings. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A ticket read from an index, at its place in the list; or, without `stored`, the place of the
 * last item a query read that DynamoDB's filter kept back: the stream has examined everything up
 * to there, as if it had read the tickets the filter dropped and found they did not match.
 */
type Entry = {
  at: ListPosition;
  stored?: StoredTicket;
  /** A card that matched, whose ticket is not read yet (`resolve`). */
  pending?: boolean;
};

/** An index partition read in sort order, a chunk at a time, for a merged list. */
type Stream = {
  buffer: Entry[];
  startKey: Record<string, unknown> | undefined;
  done: boolean;
  /** The index's sort key attribute, and whether it is a bare time (gsi3) rather than `<time>#<number>`. */
  sortKey: { name: string; bare: boolean };
  /** Queries made so far: the first reads no more than a page needs, the next ones more. */
  fills: number;
  /**
   * The stream reads tickets' cards (gsi5); the tickets of the cards that match are read when the
   * list comes to them, as many at a time as the page still needs.
   */
  cards?: boolean;
  input: {
    IndexName: string;
    KeyConditionExpression: string;
    FilterExpression?: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues: Record<string, unknown>;
  };
};

/** Makes the ticket list over a DynamoDB document client and the desk table's name. */
export function makeTicketListStore({
  client,
  tableName,
  pushFilters = true,
  readCards = true,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
  /**
   * Send the filter's exact-match part to DynamoDB (the default). False filters everything in
   * code, as before: the reference the tests compare the pushed filter with.
   */
  pushFilters?: boolean;
  /**
   * Read the tickets' cards for a circonscription, a free text or a UAI, once migrated (the default).
   * False reads the tickets, as before: the reference the tests compare the cards with.
   */
  readCards?: boolean;
}): TicketListReads {
  /** Every ticket has its card: once seen, the migration marker stays. */
  let cardsReady = false;
  async function cardsMigrated(): Promise<boolean> {
    if (cardsReady) return true;
    const { Item } = await client.send(
      new GetCommand({ TableName: tableName, Key: keys.ticketCardsMigrated(), ConsistentRead: true }),
    );
    cardsReady = Item !== undefined;
    return cardsReady;
  }

  return {
    /**
     * One page of the ticket list. Reads the narrowest index for the sort and statuses asked
     * (merging several status partitions in order), applies the other filters in code, and
     * stops when the page is full or the read budget is spent; `next` says where to go on.
     *
     * An agent's list reads the agent's index (gsi6), except while DynamoDB is still filling it
     * after an upgrade added it, when it cannot be read: the page is then read as before gsi6.
     */
    async listTickets(query: TicketListRequest): Promise<TicketListPage> {
      if (!readsAgentIndex(query.filter, query.sort)) return readPage(query, false);
      try {
        return await readPage(query, true);
      } catch (error) {
        if (!isBackfilling(error)) throw error;
        return readPage(query, false);
      }
    },
  };

  /** One page, as `listTickets` says; `agentIndex`: whether an agent's list may read gsi6. */
  async function readPage(query: TicketListRequest, agentIndex: boolean): Promise<TicketListPage> {
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

    // A late ticket was created at or before this instant: read no later one.
    const lateUpTo =
      filter.late && sort === 'created'
        ? lastLateCreation(filter.late, query.work ?? DEFAULT_WORK_TARGETS, now)
        : undefined;
    const onCards = sort === 'created' ? cardConditions(filter) : undefined;
    const streams =
      onCards && readCards && (await cardsMigrated())
        ? cardStreams(query, onCards, lateUpTo)
        : ticketStreams(query, lateUpTo, agentIndex);
    // Only a single partition: merged partitions would meet the dropped tickets in another
    // order than the one they were read in, and a budget spent in another order ends elsewhere.
    // The agent's index (gsi6) has the agent as its key, which a FilterExpression may not name.
    const { assignee: _servedByIndex, ...unlessAgentIndex } = filter;
    const pushable = agentIndex ? unlessAgentIndex : filter;
    const pushed =
      pushFilters && streams.length === 1 && !streams[0]?.cards ? exactConditions(pushable) : undefined;
    if (pushed)
      for (const stream of streams) Object.assign(stream.input, filterExpression(stream.input, pushed));
    const chunk = filtersInCode(filter, sort, agentIndex) ? FILTERED_CHUNK : limit + 1;
    const afford = () => reads.queries < budget.queries && reads.items < budget.items;

    /**
     * Items a stream's next query reads. Merged partitions share one page: each reads a page's
     * worth first, not a chunk each (dense matches, such as the late tickets oldest first, fill
     * the page from there). Cards, a third of a ticket's size and read without the tickets they
     * do not match, are read four pages' worth first, then what the budget leaves in one query.
     */
    const nextLimit = (stream: Stream) => {
      if (stream.cards)
        return stream.fills === 0
          ? 4 * (limit + 1)
          : Math.max(1, Math.min(MAX_CARDS_READ, budget.items - reads.items));
      return stream.fills === 0 && streams.length > 1 ? Math.min(chunk, limit + 1) : chunk;
    };

    async function fill(stream: Stream): Promise<void> {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          ...stream.input,
          ScanIndexForward: order === 'asc',
          Limit: nextLimit(stream),
          ExclusiveStartKey: stream.startKey,
        }),
      );
      stream.fills += 1;
      reads.queries += 1;
      reads.items += page.ScannedCount ?? page.Items?.length ?? 0;
      const items = page.Items ?? [];
      if (stream.cards)
        for (const card of items) stream.buffer.push({ at: readPosition(stream, card), pending: true });
      else
        for (const item of items) {
          const stored = storedTicket(item);
          stream.buffer.push({ at: position(stored), stored });
        }
      const lastRead = page.LastEvaluatedKey;
      // The filter kept back the last ticket read: mark how far the stream went.
      if (lastRead && lastRead.pk !== items.at(-1)?.pk)
        stream.buffer.push({ at: readPosition(stream, lastRead) });
      // Items with the same sort time may come in any order: order them by number too.
      stream.buffer.sort((a, b) => inOrder(a.at, b.at));
      stream.startKey = lastRead;
      stream.done = lastRead === undefined;
    }

    /**
     * Makes the stream's head comparable: loaded, and with its whole group of equal sort times
     * (gsi3's sort key is the bare time), so a page never ends inside such a group unread.
     * Returns false when the budget stops it first.
     */
    async function ready(stream: Stream): Promise<boolean> {
      if (stream.cards) return readyCards(stream);
      for (;;) {
        const first = stream.buffer[0];
        const last = stream.buffer.at(-1);
        const groupOpen = first !== undefined && last !== undefined && first.at.t === last.at.t;
        if (stream.done || (stream.buffer.length > 0 && !groupOpen)) return true;
        if (!afford()) return stream.buffer.length > 0 && !groupOpen;
        await fill(stream);
      }
    }

    /**
     * Reads the tickets of the first `count` pending cards of a stream, in one BatchGetItem.
     * A card whose ticket is gone (purged since) only marks how far the stream went.
     */
    async function resolve(stream: Stream, count: number): Promise<void> {
      const cards = stream.buffer.filter((entry) => entry.pending).slice(0, count);
      if (cards.length === 0) return;
      const found = await batchGetAll(
        { client, tableName },
        cards.map((entry) => keys.ticket(entry.at.n)),
      );
      reads.queries += Math.ceil(cards.length / 100);
      reads.items += found.length;
      const byNumber = new Map(
        found.map((item) => {
          const stored = storedTicket(item);
          return [stored.ticket.number, stored] as const;
        }),
      );
      for (const entry of cards) {
        entry.pending = false;
        entry.stored = byNumber.get(entry.at.n);
      }
    }

    /**
     * `ready` for a stream of cards: when its head's ticket is not read yet, reads cards until
     * as many match as the page still needs (or the budget is spent), then their tickets at once.
     */
    async function readyCards(stream: Stream): Promise<boolean> {
      if (stream.buffer[0] && !stream.buffer[0].pending) return true;
      const need = limit - items.length + 1;
      const pendingCount = () => stream.buffer.filter((entry) => entry.pending).length;
      while (!stream.done && afford() && pendingCount() < need) await fill(stream);
      await resolve(stream, need);
      return stream.buffer.length > 0 || stream.done;
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
        if (head && (!best || inOrder(head.at, (best.buffer[0] as Entry).at) < 0)) best = stream;
      }
      if (stopped || !best) break;
      const { at, stored } = best.buffer.shift() as Entry;
      // The cursor's own group may come again: skip what the previous page already examined.
      if (query.after && inOrder(at, query.after) <= 0) continue;
      last = at;
      if (stored && live(stored) && matches(stored.ticket)) items.push(stored.ticket);
    }

    // A stream read to its end has more only if a ticket left in it matches: so the last page
    // offers no empty next one, whether the tickets left were dropped by DynamoDB or here.
    // Cards left whose tickets are not read yet are read a few at a time until one matches.
    const kept = ({ stored }: Entry) => stored !== undefined && live(stored) && matches(stored.ticket);
    const hasMore = async (stream: Stream) => {
      if (!stream.done) return true;
      for (;;) {
        if (stream.buffer.some(kept)) return true;
        if (!stream.buffer.some((entry) => entry.pending)) return false;
        await resolve(stream, LOOK_AHEAD);
      }
    };
    const anyMore = async () => {
      for (const stream of streams) if (await hasMore(stream)) return true;
      return false;
    };
    let more = stopped || (await anyMore());
    if (more && !stopped && items.length === limit && afford()) {
      // The page is full: look one chunk ahead, so the last page does not offer an empty next one.
      for (const stream of streams) {
        if (stream.buffer.length === 0 && !stream.done && afford()) await fill(stream);
      }
      more = await anyMore();
    }
    // Stopped by the budget before a group of equal times (one ticket, mostly): the next page
    // starts at that group. On one partition, that is just after the last ticket read before
    // it, whether it came back or the pushed filter dropped it; merged partitions keep the
    // last ticket examined (without pushed filters, every ticket read came back).
    // Never before the last ticket examined: the group may be the cursor's own.
    const head = streams.length === 1 ? streams[0]?.buffer[0] : undefined;
    const before = stopped && head ? justBefore(head.at.t, order) : undefined;
    const next = before && (!last || inOrder(before, last) > 0) ? before : last;
    return { items, next: more ? next : undefined, reads };
  }
}

/** DynamoDB refusing a query on an index it is still filling (`Backfilling`, after UpdateTable added it). */
function isBackfilling(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === 'ValidationException' &&
    /backfilling global secondary index/i.test(error.message)
  );
}

/**
 * The position just before every ticket of sort time `t` in the list's order: the tickets of that
 * time are after it, the earlier ones (in the list's order) before it. Ticket numbers are ASCII,
 * so an empty number sorts before them all and U+FFFF after them all.
 */
function justBefore(t: string, order: TicketListRequest['order']): ListPosition {
  return { t, n: order === 'asc' ? '' : '\uffff' };
}

/** The list position of an index key DynamoDB stopped at (`LastEvaluatedKey`), or of a card. */
function readPosition(stream: Stream, key: Record<string, unknown>): ListPosition {
  const sortKey = String(key[stream.sortKey.name]);
  const number = String(key.pk).slice(keys.ticket('').pk.length);
  return { t: stream.sortKey.bare ? sortKey : sortKey.slice(0, sortKey.lastIndexOf('#')), n: number };
}

/**
 * The filter's exact-match conditions as a `FilterExpression`. The UAI and département are in
 * the ticket's schools, a list: the first `SCHOOLS_CHECKED` are looked at, and a ticket with more
 * comes back whatever they hold (code decides), so DynamoDB never drops a ticket that matches.
 */
function filterExpression(
  input: Stream['input'],
  conditions: ExactConditions,
): Pick<Stream['input'], 'FilterExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts: string[] = [];
  const anySchool = (field: string, wanted: string[]) => {
    Object.assign(names, { '#schools': 'schools', [`#${field}`]: field });
    values[':schoolsChecked'] = SCHOOLS_CHECKED;
    const placeholders = wanted.map((value, i) => {
      values[`:${field}${i}`] = value;
      return `:${field}${i}`;
    });
    const checks = Array.from(
      { length: SCHOOLS_CHECKED },
      (_, i) => `#schools[${i}].#${field} IN (${placeholders.join(', ')})`,
    );
    return `(size(#schools) > :schoolsChecked OR ${checks.join(' OR ')})`;
  };
  if (conditions.assignee === 'none') {
    names['#assignee'] = 'assignee';
    values[':noAssignee'] = '';
    // `ticketMatches` takes an empty assignee for none.
    parts.push('(attribute_not_exists(#assignee) OR #assignee = :noAssignee)');
  } else if (conditions.assignee) {
    names['#assignee'] = 'assignee';
    values[':assignee'] = conditions.assignee;
    parts.push('#assignee = :assignee');
  }
  if (conditions.departement) parts.push(anySchool('departement', [conditions.departement]));
  if (conditions.uai) parts.push(anySchool('uai', [conditions.uai]));
  return {
    FilterExpression: parts.join(' AND '),
    ExpressionAttributeNames: { ...input.ExpressionAttributeNames, ...names },
    ExpressionAttributeValues: { ...input.ExpressionAttributeValues, ...values },
  };
}

/** How many of a ticket's schools the pushed filter looks at: nearly every ticket has one or two. */
const SCHOOLS_CHECKED = 2;

/**
 * The index partitions a list reads, in the list's sort order: by creation, the agent's partition
 * of gsi6 when an agent is asked (`agentIndex`), else gsi3's status partitions when statuses are
 * asked (else gsi1's single partition); by update, gsi2's status partitions (all five when none is
 * asked). The creation period narrows the key range when the sort is by creation; the cursor
 * narrows it too (inclusive: the exact position is skipped in code).
 */
function ticketStreams(query: TicketListRequest, upTo: string | undefined, agentIndex: boolean): Stream[] {
  const { filter, sort } = query;
  const range = creationRange(query, upTo);
  if (!range) return [];
  const { from, to } = range;
  const partitions = partitionsRead(filter, sort, agentIndex);
  return partitions.map((partition) => {
    const range = sortKeyRange(partition.sk, from, to, partition.bare);
    return {
      buffer: [],
      startKey: undefined,
      done: false,
      fills: 0,
      sortKey: { name: partition.sk, bare: partition.bare },
      input: {
        IndexName: partition.index,
        KeyConditionExpression: `#pk = :pk${range.expression}`,
        ExpressionAttributeNames: { '#pk': partition.pk, ...range.names },
        ExpressionAttributeValues: { ':pk': partition.value, ...range.values },
      },
    };
  });
}

/** One index partition a list reads: its index, its key and sort attributes, bare times or not. */
type Partition = { index: string; pk: string; value: string; sk: string; bare: boolean };

/** The partitions of `ticketStreams`, in the order its comment gives. */
function partitionsRead(
  filter: TicketFilter,
  sort: TicketListRequest['sort'],
  agentIndex: boolean,
): Partition[] {
  if (agentIndex && filter.assignee !== undefined)
    return [{ index: 'gsi6', pk: 'assignee', value: filter.assignee, sk: 'createdAt', bare: true }];
  if (sort === 'created' && filter.statuses)
    return filter.statuses.map((status) => ({
      index: 'gsi3',
      pk: 'status',
      value: status,
      sk: 'createdAt',
      bare: true,
    }));
  if (sort === 'created')
    return [{ index: 'gsi1', pk: 'gsi1pk', value: keys.allTicketsPartition(), sk: 'gsi1sk', bare: false }];
  return (filter.statuses ?? TicketStatus.options).map((status) => ({
    index: 'gsi2',
    pk: 'gsi2pk',
    value: keys.ticketsOfStatusPartition(status),
    sk: 'gsi2sk',
    bare: false,
  }));
}

/**
 * The range of sort times a list reads (inclusive; refined in code): by creation, the period
 * asked and `upTo` (the last late creation); the cursor narrows it too (the exact position is
 * skipped in code). Undefined when nothing can be in it.
 */
function creationRange(
  query: TicketListRequest,
  upTo: string | undefined,
): { from: string | undefined; to: string | undefined } | undefined {
  const { filter, sort, order, after } = query;
  let from = sort === 'created' ? filter.createdFrom : undefined;
  let to = sort === 'created' ? filter.createdTo : undefined;
  if (upTo !== undefined && sort === 'created') to = to === undefined || upTo < to ? upTo : to;
  if (after && order === 'desc') to = to === undefined || after.t < to ? after.t : to;
  if (after && order === 'asc') from = from === undefined || after.t > from ? after.t : from;
  return from !== undefined && to !== undefined && from > to ? undefined : { from, to };
}

/**
 * The single stream of a list read from the tickets' cards (gsi5, by creation): DynamoDB keeps
 * the cards whose normalised circonscriptions hold the one asked and whose search text holds the
 * text asked, exactly what `ticketMatches` compares (`cardConditions`, `TicketCard`).
 */
function cardStreams(
  query: TicketListRequest,
  conditions: NonNullable<ReturnType<typeof cardConditions>>,
  upTo: string | undefined,
): Stream[] {
  const range = creationRange(query, upTo);
  if (!range) return [];
  const sortKey = 'gsi5sk';
  const keyRange = sortKeyRange(sortKey, range.from, range.to);
  const parts = [
    ...(conditions.circ !== undefined ? ['contains(#circs, :circ)'] : []),
    ...(conditions.q !== undefined ? ['contains(#search, :q)'] : []),
    ...(conditions.uai !== undefined ? ['contains(#uais, :uai)'] : []),
  ];
  return [
    {
      buffer: [],
      startKey: undefined,
      done: false,
      fills: 0,
      cards: true,
      sortKey: { name: sortKey, bare: false },
      input: {
        IndexName: 'gsi5',
        KeyConditionExpression: `#pk = :pk${keyRange.expression}`,
        FilterExpression: parts.join(' AND '),
        ExpressionAttributeNames: {
          '#pk': 'gsi5pk',
          ...keyRange.names,
          ...(conditions.circ !== undefined ? { '#circs': 'circs' } : {}),
          ...(conditions.q !== undefined ? { '#search': 'search' } : {}),
          ...(conditions.uai !== undefined ? { '#uais': 'uais' } : {}),
        },
        ExpressionAttributeValues: {
          ':pk': keys.ticketCardsPartition(),
          ...keyRange.values,
          ...(conditions.circ !== undefined ? { ':circ': conditions.circ } : {}),
          ...(conditions.q !== undefined ? { ':q': conditions.q } : {}),
          ...(conditions.uai !== undefined ? { ':uai': conditions.uai } : {}),
        },
      },
    },
  ];
}
