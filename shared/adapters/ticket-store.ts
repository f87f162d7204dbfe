/**
 * What the staff console reads and writes on tickets and the intake log: filtered lists that
 * stay fast with tens of thousands of tickets, a ticket with its conversation and history, the
 * staff actions (reply, status, assignment, note), each one transaction with its history line,
 * the retention of closed tickets, and the dashboard's reads.
 *
 * Access patterns (see docs/ARCHITECTURE.md, "Console access patterns"):
 * - tickets by creation: gsi1 `TICKETS`, sort key `<createdAt>#<number>`;
 * - tickets of a status by last update: gsi2 `TICKETS#<status>`, `<updatedAt>#<number>`;
 * - tickets of a status by creation: gsi3, partition `status`, sort key `createdAt`;
 * - a ticket, its messages, notes, history and request claims: one partition `TICKET#<number>`.
 * Filters that no index serves are applied in code on pages read from the narrowest index,
 * within a read budget; the cursor is the position reached, so the next page goes on from there.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { IntakeFact } from '#shared/domain/dashboard.ts';
import {
  type IntakeEntry,
  OPEN_STATUSES,
  type Ticket,
  type TicketHistoryEntry,
  type TicketMessage,
  type TicketNote,
  TicketStatus,
} from '#shared/domain/records.ts';
import { parseTicketNumber } from '#shared/domain/ticket-number.ts';
import { keys, withoutKeys } from './keys.ts';
import { TransactionRefusedError, transact } from './transact.ts';

type Item = Record<string, unknown>;

/** At most this many index items are read for one page of a filtered list. */
export const LIST_READ_BUDGET = { items: 1_000, queries: 20 } as const;
/** The dashboard reads at most this many pages (1 MB each) per index partition. */
const DASHBOARD_PAGE_BUDGET = 40;
/** Items read per query when filters run in code: large enough to fill a page in few calls. */
const FILTERED_CHUNK = 200;

/** Whether the item's retention period is over (DynamoDB's TTL deletes lazily; DynamoDB Local never). */
function expired(item: Item, nowSeconds: number): boolean {
  return typeof item.expiresAt === 'number' && item.expiresAt <= nowSeconds;
}

const epochSeconds = (now: Date) => Math.floor(now.getTime() / 1000);

/** Byte order, as DynamoDB compares strings. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Lower case, without accents, spaces collapsed: how free text and names are compared. */
export function normalizeText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** A ticket as stored: the record, and when it will be purged (closed tickets only). */
export type StoredTicket = { ticket: Ticket; expiresAt: number | undefined };

/** A ticket with everything in its partition. */
export type TicketRecord = StoredTicket & {
  messages: TicketMessage[];
  notes: TicketNote[];
  history: TicketHistoryEntry[];
};

/** The filters of the ticket list, as the store applies them. */
export type TicketFilter = {
  statuses?: TicketStatus[];
  departement?: string;
  circonscription?: string;
  uai?: string;
  q?: string;
  /** An email, or `none` for unassigned tickets. */
  assignee?: string;
  /** Creation period as ISO instants: `from` inclusive, `to` exclusive. */
  createdFrom?: string;
  createdTo?: string;
};

/** Where a list stopped: the sort time and number of the last ticket examined. */
export type ListPosition = { t: string; n: string };

export type TicketListRequest = {
  filter: TicketFilter;
  sort: 'created' | 'updated';
  order: 'asc' | 'desc';
  limit: number;
  after?: ListPosition;
  now: Date;
  /** Overrides `LIST_READ_BUDGET` (tests). */
  budget?: { items: number; queries: number };
};

export type TicketListPage = {
  items: Ticket[];
  /** Where the next page starts; undefined at the end. */
  next: ListPosition | undefined;
  /** What this page cost: DynamoDB queries and items read. */
  reads: { queries: number; items: number };
};

/** One change to a ticket, written at once with its history line (and what else the action writes). */
export type TicketChange = {
  number: string;
  /** The status read before deciding: the change applies only if it is still the status. */
  expectedStatus: TicketStatus;
  /** The assignee read before deciding, when the change depends on it (null: nobody). */
  expectedAssignee?: string | null;
  /** Attributes to set on the ticket; a status change also moves the ticket in gsi2. */
  set?: Partial<Record<keyof Ticket | 'expiresAt', unknown>>;
  /** Attributes to set only if absent (the first reply). */
  setIfAbsent?: Partial<Record<keyof Ticket, unknown>>;
  remove?: Array<keyof Ticket | 'expiresAt'>;
  /** The ticket gains one message. */
  countMessage?: boolean;
  /** New items of the ticket's partition (message, note, history), written only if absent. */
  puts: Item[];
  /** The request claim that makes the action safe to repeat, written only if absent. */
  claim?: Item;
};

/** The ticket is not in the state the action was decided on (another agent, or a mail, changed it). */
export class TicketChangedError extends Error {
  override name = 'TicketChangedError';
  constructor(number: string, options?: ErrorOptions) {
    super(`Ticket ${number} changed while an action was being written`, options);
  }
}

/** The request was already carried out: `claim` is what it recorded. */
export class DuplicateRequestError extends Error {
  override name = 'DuplicateRequestError';
  constructor(
    readonly claim: Item | undefined,
    options?: ErrorOptions,
  ) {
    super('Request already carried out', options);
  }
}

/** An index partition read in sort order, a chunk at a time, for a merged list. */
type Stream = {
  buffer: Item[];
  startKey: Item | undefined;
  done: boolean;
  input: {
    IndexName: string;
    KeyConditionExpression: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues: Record<string, unknown>;
  };
};

/** Makes the ticket store over a DynamoDB document client and the desk table's name. */
export function makeTicketStore({
  client,
  tableName,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
}) {
  async function queryAll(
    input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>,
    maxPages = Number.POSITIVE_INFINITY,
  ) {
    const items: Item[] = [];
    let startKey: Item | undefined;
    let pages = 0;
    do {
      const page = await client.send(
        new QueryCommand({ ...input, TableName: tableName, ExclusiveStartKey: startKey }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
      pages += 1;
    } while (startKey && pages < maxPages);
    return { items, truncated: startKey !== undefined };
  }

  async function getTicketItem(number: string): Promise<Item | undefined> {
    const { Item } = await client.send(
      new GetCommand({ TableName: tableName, Key: keys.ticket(number), ConsistentRead: true }),
    );
    return Item;
  }

  const stored = (item: Item): StoredTicket => ({
    ticket: withoutKeys<Ticket>(item),
    expiresAt: typeof item.expiresAt === 'number' ? item.expiresAt : undefined,
  });

  /** The ticket's items, keys and expiry only: what retention updates need. */
  async function partitionKeys(number: string) {
    const { items } = await queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.ticket(number).pk },
      ProjectionExpression: 'pk, sk, expiresAt',
      ConsistentRead: true,
    });
    return items;
  }

  /** Applies an update to each item of a partition, a few at a time. */
  async function updateEach(items: Item[], update: (item: Item) => UpdateCommand): Promise<number> {
    let updated = 0;
    for (let start = 0; start < items.length; start += 10) {
      const results = await Promise.all(
        items.slice(start, start + 10).map(async (item) => {
          try {
            await client.send(update(item));
            return 1;
          } catch (error) {
            // Deleted meanwhile (TTL, or the ticket purged): nothing to keep.
            if (error instanceof ConditionalCheckFailedException) return 0;
            throw error;
          }
        }),
      );
      updated += results.reduce((sum: number, one) => sum + one, 0);
    }
    return updated;
  }

  return {
    /** A ticket (consistent read), or undefined when unknown or past its retention. */
    async getTicket(number: string, now: Date): Promise<StoredTicket | undefined> {
      const item = await getTicketItem(number);
      return item && !expired(item, epochSeconds(now)) ? stored(item) : undefined;
    },

    /** A ticket with its messages, notes and history in time order (one query), or undefined. */
    async readTicket(number: string, now: Date): Promise<TicketRecord | undefined> {
      const { items } = await queryAll({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.ticket(number).pk },
      });
      const ticketItem = items.find((item) => item.sk === 'TICKET');
      if (!ticketItem || expired(ticketItem, epochSeconds(now))) return undefined;
      const of = <T>(prefix: string) =>
        items.filter((item) => String(item.sk).startsWith(prefix)).map((item) => withoutKeys<T>(item));
      return {
        ...stored(ticketItem),
        messages: of<TicketMessage>('MSG#'),
        notes: of<TicketNote>('NOTE#'),
        history: of<TicketHistoryEntry>('HIST#'),
      };
    },

    /** One mail of a ticket's conversation, by its id. */
    async findMessage(number: string, id: string): Promise<TicketMessage | undefined> {
      const { items } = await queryAll({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :msg)',
        FilterExpression: 'id = :id',
        ExpressionAttributeValues: { ':pk': keys.ticket(number).pk, ':msg': 'MSG#', ':id': id },
      });
      const [item] = items;
      return item ? withoutKeys<TicketMessage>(item) : undefined;
    },

    /**
     * One page of the ticket list. Reads the narrowest index for the sort and statuses asked
     * (merging several status partitions in order), applies the other filters in code, and
     * stops when the page is full or the read budget is spent; `next` says where to go on.
     */
    async listTickets(query: TicketListRequest): Promise<TicketListPage> {
      const { filter, sort, order, limit, now } = query;
      const budget = query.budget ?? LIST_READ_BUDGET;
      const reads = { queries: 0, items: 0 };
      const nowSeconds = epochSeconds(now);
      const timeOf = (item: Item) => String(sort === 'created' ? item.createdAt : item.updatedAt);
      const position = (item: Item): ListPosition => ({ t: timeOf(item), n: String(item.number) });
      const direction = order === 'asc' ? 1 : -1;
      const inOrder = (a: ListPosition, b: ListPosition) =>
        direction * (compare(a.t, b.t) || compare(a.n, b.n));
      const matches = ticketPredicate(filter);

      // A full ticket number goes straight to its ticket.
      const asNumber = filter.q?.trim().toUpperCase();
      if (asNumber && parseTicketNumber(asNumber)) {
        const item = await getTicketItem(asNumber);
        reads.items += item ? 1 : 0;
        const found = item && !expired(item, nowSeconds) && matches(item) ? [withoutKeys<Ticket>(item)] : [];
        return { items: found, next: undefined, reads };
      }

      const streams = ticketStreams(query);
      // Statuses and (sorted by creation) the period are served by the index; the rest by code.
      const codeFilters =
        filter.departement ||
        filter.circonscription ||
        filter.uai ||
        filter.q ||
        filter.assignee ||
        (sort === 'updated' && (filter.createdFrom || filter.createdTo));
      const chunk = codeFilters ? FILTERED_CHUNK : limit + 1;
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
        stream.buffer.push(...(page.Items ?? []));
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

      const items: Ticket[] = [];
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
          if (head && (!best || inOrder(position(head), position(best.buffer[0] as Item)) < 0)) best = stream;
        }
        if (stopped || !best) break;
        const item = best.buffer.shift() as Item;
        const at = position(item);
        // The cursor's own group may come again: skip what the previous page already examined.
        if (query.after && inOrder(at, query.after) <= 0) continue;
        last = at;
        if (!expired(item, nowSeconds) && matches(item)) items.push(withoutKeys<Ticket>(item));
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

    /** The intake log, newest first, optionally of one outcome, optionally within a period of reception. */
    async listIntake(query: {
      outcome?: string;
      receivedFrom?: string;
      receivedTo?: string;
      limit: number;
      startKey?: Item;
      now: Date;
    }): Promise<{ items: IntakeEntry[]; lastKey: Item | undefined }> {
      const [index, partition] =
        query.outcome === undefined
          ? (['gsi1', 'INTAKE'] as const)
          : (['gsi2', `INTAKE#${query.outcome}`] as const);
      // The period's end is exclusive: `<end>#<id>` sorts after `<end>`, so the bare instant excludes it.
      const range = sortKeyRange(`${index}sk`, query.receivedFrom, query.receivedTo, true);
      const { Items = [], LastEvaluatedKey } = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index,
          KeyConditionExpression: `#pk = :pk${range.expression}`,
          ExpressionAttributeNames: { '#pk': `${index}pk`, ...range.names },
          ExpressionAttributeValues: { ':pk': partition, ...range.values },
          ScanIndexForward: false,
          Limit: query.limit,
          ExclusiveStartKey: query.startKey,
        }),
      );
      const nowSeconds = epochSeconds(query.now);
      return {
        items: Items.filter((item) => !expired(item, nowSeconds)).map((item) =>
          withoutKeys<IntakeEntry>(item),
        ),
        lastKey: LastEvaluatedKey,
      };
    },

    /** A received mail's intake entry and the automatic reply it got, if any. */
    async readIntake(
      sesMessageId: string,
      now: Date,
    ): Promise<{ entry: IntakeEntry; reply: Item | undefined } | undefined> {
      const { items } = await queryAll({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.intakeEntry(sesMessageId).pk },
      });
      const entry = items.find((item) => item.sk === 'ENTRY');
      if (!entry || expired(entry, epochSeconds(now))) return undefined;
      const reply = items.find((item) => item.sk === 'REPLY');
      return { entry: withoutKeys<IntakeEntry>(entry), reply: reply && withoutKeys<Item>(reply) };
    },

    /**
     * Writes one staff action at once: the ticket's change (moving it in gsi2 when its status
     * changes), its history line and the items it adds, on condition that the ticket is still
     * as it was read, and, with a request claim, that the request was not carried out before.
     * @throws DuplicateRequestError when the claim exists (with what it recorded)
     * @throws TicketChangedError when the ticket changed meanwhile or no longer exists
     */
    async commit(change: TicketChange, now: string): Promise<void> {
      const names: Record<string, string> = { '#status': 'status' };
      const values: Record<string, unknown> = { ':expectedStatus': change.expectedStatus };
      const sets: string[] = [];
      const set = { ...change.set };
      if (set.updatedAt !== undefined || set.status !== undefined) {
        const status = String(set.status ?? change.expectedStatus);
        const updatedAt = String(set.updatedAt ?? now);
        set.updatedAt = updatedAt;
        Object.assign(set, keys.ticketsByStatus(status, updatedAt, change.number));
      }
      for (const [name, value] of Object.entries(set)) {
        names[`#${name}`] = name;
        values[`:${name}`] = value;
        sets.push(`#${name} = :${name}`);
      }
      for (const [name, value] of Object.entries(change.setIfAbsent ?? {})) {
        names[`#${name}`] = name;
        values[`:${name}`] = value;
        sets.push(`#${name} = if_not_exists(#${name}, :${name})`);
      }
      const removes = (change.remove ?? []).map((name) => {
        names[`#${name}`] = name;
        return `#${name}`;
      });
      let condition = 'attribute_exists(pk) AND #status = :expectedStatus';
      if (change.expectedAssignee !== undefined) {
        names['#assignee'] = 'assignee';
        if (change.expectedAssignee === null) condition += ' AND attribute_not_exists(#assignee)';
        else {
          values[':expectedAssignee'] = change.expectedAssignee;
          condition += ' AND #assignee = :expectedAssignee';
        }
      }
      if (change.countMessage) {
        names['#messageCount'] = 'messageCount';
        values[':one'] = 1;
      }
      const expression = [
        sets.length > 0 ? `SET ${sets.join(', ')}` : '',
        removes.length > 0 ? `REMOVE ${removes.join(', ')}` : '',
        change.countMessage ? 'ADD #messageCount :one' : '',
      ]
        .filter(Boolean)
        .join(' ');
      const ticketAction = expression
        ? {
            Update: {
              TableName: tableName,
              Key: keys.ticket(change.number),
              UpdateExpression: expression,
              ConditionExpression: condition,
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
            },
          }
        : {
            ConditionCheck: {
              TableName: tableName,
              Key: keys.ticket(change.number),
              ConditionExpression: condition,
              ExpressionAttributeNames: pickNames(names, condition),
              ExpressionAttributeValues: pickValues(values, condition),
            },
          };
      const putIfAbsent = (item: Item) => ({
        Put: {
          TableName: tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        },
      });
      const actions = [
        ...(change.claim ? [putIfAbsent(change.claim)] : []),
        ticketAction,
        ...change.puts.map(putIfAbsent),
      ];
      try {
        await transact(client, actions as never);
      } catch (error) {
        if (!(error instanceof TransactionRefusedError)) throw error;
        if (change.claim && error.failed(0))
          throw new DuplicateRequestError(error.refusals[0]?.item, { cause: error });
        if (error.failed(change.claim ? 1 : 0)) throw new TicketChangedError(change.number, { cause: error });
        throw error;
      }
    },

    /** What a request claim recorded, if the request was carried out. */
    async readRequest(number: string, requestId: string): Promise<Item | undefined> {
      const { Item } = await client.send(
        new GetCommand({
          TableName: tableName,
          Key: keys.ticketRequest(number, requestId),
          ConsistentRead: true,
        }),
      );
      return Item;
    },

    /**
     * Sets the purge date on every item of a closed ticket (messages, notes, history, claims),
     * so DynamoDB's TTL removes the whole ticket after the retention period. Idempotent: closing
     * again repairs items written meanwhile. Returns how many items it changed.
     */
    async setExpiry(number: string, expiresAt: number): Promise<number> {
      const items = (await partitionKeys(number)).filter((item) => item.expiresAt !== expiresAt);
      return updateEach(
        items,
        (item) =>
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: 'SET expiresAt = :expiresAt',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':expiresAt': expiresAt },
          }),
      );
    },

    /** Removes the purge date from every item of a reopened ticket. Returns how many items it changed. */
    async clearExpiry(number: string): Promise<number> {
      const items = (await partitionKeys(number)).filter((item) => item.expiresAt !== undefined);
      return updateEach(
        items,
        (item) =>
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: 'REMOVE expiresAt',
            ConditionExpression: 'attribute_exists(pk)',
          }),
      );
    },

    /**
     * What the dashboard counts: the intake log over a window (reception time and outcome
     * only), and every open ticket (gsi3's four open partitions). Bounded by a page budget
     * per partition; `truncated` says it was reached.
     */
    async dashboardFacts(window: { from: string; to: string }, now: Date) {
      const nowSeconds = epochSeconds(now);
      const range = sortKeyRange('gsi1sk', window.from, window.to);
      const [intake, ...open] = await Promise.all([
        queryAll(
          {
            IndexName: 'gsi1',
            KeyConditionExpression: `gsi1pk = :pk${range.expression}`,
            ExpressionAttributeNames: { '#outcome': 'outcome', ...range.names },
            ExpressionAttributeValues: { ':pk': 'INTAKE', ...range.values },
            ProjectionExpression: 'receivedAt, #outcome, expiresAt',
          },
          DASHBOARD_PAGE_BUDGET,
        ),
        ...OPEN_STATUSES.map((status) =>
          queryAll(
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
      const live = (item: Item) => !expired(item, nowSeconds);
      return {
        intake: intake.items
          .filter(live)
          .filter((item) => String(item.receivedAt) >= window.from && String(item.receivedAt) < window.to)
          .map((item) => ({ receivedAt: String(item.receivedAt), outcome: item.outcome }) as IntakeFact),
        openTickets: open.flatMap((partition) =>
          partition.items.filter(live).map((item) => withoutKeys<Ticket>(item)),
        ),
        truncated: intake.truncated || open.some((partition) => partition.truncated),
      };
    },
  };
}

export type TicketStore = ReturnType<typeof makeTicketStore>;

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
        : [{ index: 'gsi1', pk: 'gsi1pk', value: 'TICKETS', sk: 'gsi1sk', bare: false }]
      : (filter.statuses ?? TicketStatus.options).map((status) => ({
          index: 'gsi2',
          pk: 'gsi2pk',
          value: `TICKETS#${status}`,
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

/** A key condition suffix restricting a sort key to `[from, to]` (inclusive; refined in code). */
function sortKeyRange(
  attribute: string,
  from: string | undefined,
  to: string | undefined,
  /** Take `to` as is: the sort key is a bare instant (gsi3), or `to` is an exclusive end. */
  bare = false,
): { expression: string; names: Record<string, string>; values: Record<string, string> } {
  const names = { '#sk': attribute };
  // `~` sorts after `#`: a bound instant then covers every `<instant>#<id>` key at that instant.
  const upper = bare || to === undefined ? to : `${to}~`;
  if (from !== undefined && upper !== undefined)
    return { expression: ' AND #sk BETWEEN :from AND :to', names, values: { ':from': from, ':to': upper } };
  if (from !== undefined) return { expression: ' AND #sk >= :from', names, values: { ':from': from } };
  if (upper !== undefined) return { expression: ' AND #sk <= :to', names, values: { ':to': upper } };
  return { expression: '', names: {}, values: {} };
}

/** The filters no index serves, as one predicate over a ticket item. */
function ticketPredicate(filter: TicketFilter): (item: Item) => boolean {
  const statuses = filter.statuses && new Set<string>(filter.statuses);
  const circonscription = filter.circonscription && normalizeText(filter.circonscription);
  const q = filter.q && normalizeText(filter.q);
  return (item) => {
    const ticket = item as unknown as Ticket;
    if (statuses && !statuses.has(ticket.status)) return false;
    if (filter.createdFrom && ticket.createdAt < filter.createdFrom) return false;
    if (filter.createdTo && ticket.createdAt >= filter.createdTo) return false;
    const schools = Array.isArray(ticket.schools) ? ticket.schools : [];
    if (filter.departement && !schools.some((school) => school.departement === filter.departement))
      return false;
    if (filter.uai && !schools.some((school) => school.uai.toUpperCase() === filter.uai)) return false;
    if (
      circonscription &&
      !schools.some((school) => normalizeText(school.circonscription) === circonscription)
    )
      return false;
    if (filter.assignee === 'none' && ticket.assignee) return false;
    if (filter.assignee && filter.assignee !== 'none' && ticket.assignee !== filter.assignee) return false;
    if (q) {
      const haystack = normalizeText(
        [
          ticket.number,
          ticket.subject,
          ticket.requester?.name,
          ticket.requester?.email,
          ...schools.flatMap((school) => [school.name, school.commune, school.uai]),
        ].join(' \u0000 '),
      );
      if (!haystack.includes(q)) return false;
    }
    return true;
  };
}

function pickNames(names: Record<string, string>, expression: string) {
  return Object.fromEntries(Object.entries(names).filter(([name]) => expression.includes(name)));
}

function pickValues(values: Record<string, unknown>, expression: string) {
  const picked = Object.fromEntries(Object.entries(values).filter(([name]) => expression.includes(name)));
  return Object.keys(picked).length > 0 ? picked : undefined;
}
