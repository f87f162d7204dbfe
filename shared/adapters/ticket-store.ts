/**
 * A ticket and its partition (`TICKET#<number>`: the ticket, its mails, notes, history and
 * request claims), for the staff console: read the ticket, read it whole, find one mail, and
 * write one staff action as one transaction with its history line and request claim.
 * Satisfies the domain's `TicketReads`, `TicketWrites` and `TicketHistoryAppend` (a download's line).
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { TicketHistoryEntry, TicketNote } from '#shared/domain/records.ts';
import {
  DuplicateRequestError,
  StaleTicketError,
  type TicketHistoryAppend,
  type TicketReads,
  type TicketWrites,
} from '#shared/domain/staff-ports.ts';
import {
  type FoundClaim,
  RequestClaim,
  type TicketChange,
  type TicketRecord,
} from '#shared/domain/ticket-actions.ts';
import { packedRecord, queuedMail } from './items.ts';
import { keys } from './keys.ts';
import { type Item, queryAll } from './table-queries.ts';
import { expired, storedMessage, storedTicket } from './ticket-items.ts';
import { TransactionRefusedError, transact } from './transact.ts';

/** A claim item as what it recorded: one this desk can replay, or one it cannot read. */
function foundClaim(item: Item | undefined): FoundClaim {
  const parsed = RequestClaim.safeParse(item);
  return parsed.success ? parsed.data : { kind: 'unknown' };
}

/** Makes the ticket store over a DynamoDB document client and the desk table's name. */
export function makeTicketStore({
  client,
  tableName,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): TicketReads & TicketWrites & TicketHistoryAppend {
  const table = { client, tableName };

  return {
    async getTicket(number, now) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: keys.ticket(number), ConsistentRead: true }),
      );
      return Item && !expired(Item, now) ? storedTicket(Item) : undefined;
    },

    async readTicket(number, now): Promise<TicketRecord | undefined> {
      const { items } = await queryAll(table, {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.ticket(number).pk },
      });
      const ticketItem = items.find((item) => item.sk === keys.ticket(number).sk);
      if (!ticketItem || expired(ticketItem, now)) return undefined;
      const of = (prefix: string) => items.filter((item) => String(item.sk).startsWith(prefix));
      const { ticketItemPrefix } = keys;
      return {
        ...storedTicket(ticketItem),
        messages: of(ticketItemPrefix.message).map(storedMessage),
        notes: of(ticketItemPrefix.note).map((item) => TicketNote.parse(item)),
        history: of(ticketItemPrefix.history).map((item) => TicketHistoryEntry.parse(item)),
      };
    },

    async findMessage(number, id) {
      const { items } = await queryAll(table, {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :msg)',
        FilterExpression: 'id = :id',
        ExpressionAttributeValues: {
          ':pk': keys.ticket(number).pk,
          ':msg': keys.ticketItemPrefix.message,
          ':id': id,
        },
      });
      const [item] = items;
      return item ? storedMessage(item) : undefined;
    },

    async readRequest(number, requestId) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: tableName,
          Key: keys.ticketRequest(number, requestId),
          ConsistentRead: true,
        }),
      );
      return Item && foundClaim(Item);
    },

    async commit(change, now) {
      const { number } = change;
      // Items written to a closed ticket carry its purge date, so they go with it.
      const expiry = change.expiresAt === undefined ? {} : { expiresAt: change.expiresAt };
      const puts: Item[] = [
        ...(change.message
          ? [
              {
                ...keys.ticketMessage(number, change.message.at, change.message.id),
                ...packedRecord(change.message),
                ...(change.outbox ? queuedMail(change.outbox, change.message.at, change.message) : {}),
              },
            ]
          : []),
        ...(change.note
          ? [{ ...keys.ticketNote(number, change.note.at, change.note.id), ...change.note }]
          : []),
        { ...keys.ticketHistory(number, change.history.at, change.history.id), ...change.history },
      ].map((item) => ({ ...item, ...expiry }));
      const claim = change.claim && {
        ...keys.ticketRequest(number, change.claim.requestId),
        ...change.claim.record,
        ...expiry,
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
        ...(claim ? [putIfAbsent(claim)] : []),
        ticketAction(tableName, change, now),
        ...puts.map(putIfAbsent),
      ];
      try {
        await transact(client, actions as never);
      } catch (error) {
        if (!(error instanceof TransactionRefusedError)) throw error;
        if (claim && error.failed(0))
          throw new DuplicateRequestError(foundClaim(error.refusals[0]?.item), { cause: error });
        if (error.failed(claim ? 1 : 0)) throw new StaleTicketError(number, { cause: error });
        throw error;
      }
    },

    async appendHistory(number, line, expiresAt) {
      // One put, no condition on the ticket: a download changes nothing on it; the line's own
      // key (time and a fresh id) never overwrites another.
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...keys.ticketHistory(number, line.at, line.id),
            ...line,
            ...(expiresAt === undefined ? {} : { expiresAt }),
          },
        }),
      );
    },
  };
}

/**
 * The ticket's part of an action: an update (moving the ticket in gsi2 when its status or update
 * time changes) on condition that its status (and assignee) is still what was read, or only
 * that check when the action changes nothing on the ticket (a note).
 */
function ticketAction(tableName: string, change: TicketChange, now: string) {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':expectedStatus': change.expectedStatus };
  const sets: string[] = [];
  const set: Record<string, unknown> = { ...change.set };
  // Any change to the ticket's attributes moves its update time, and so its gsi2 key: the
  // dashboard reads the tickets changed since its snapshot by it (`open-tickets-snapshot.ts`).
  const changes =
    Object.keys(set).length > 0 || change.setIfAbsent !== undefined || Boolean(change.remove?.length);
  if (changes) {
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
  return expression
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
}

function pickNames(names: Record<string, string>, expression: string) {
  return Object.fromEntries(Object.entries(names).filter(([name]) => expression.includes(name)));
}

function pickValues(values: Record<string, unknown>, expression: string) {
  const picked = Object.fromEntries(Object.entries(values).filter(([name]) => expression.includes(name)));
  return Object.keys(picked).length > 0 ? picked : undefined;
}
