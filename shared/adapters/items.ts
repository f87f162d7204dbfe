/**
 * The desk table's items as several stores write them: a domain record under its keys (from
 * `keys.ts`), and the write actions the stores share. Only translation: what an item says is
 * decided in `shared/domain/`.
 */
import type { IncomingMessage, OutboxMessage } from '#shared/domain/messages.ts';
import { sentMessage } from '#shared/domain/messages.ts';
import type { IntakeEntry, Ticket } from '#shared/domain/records.ts';
import { receivedMessage } from '#shared/domain/ticket.ts';
import { keys } from './keys.ts';
import { packText, unpackText } from './packed-text.ts';
import type { TransactAction } from './transact.ts';

/** An item of the table, as the document client reads and writes it. */
export type Item = Record<string, unknown>;

/**
 * A Put action. With a condition, a refusal returns the item as it was, so the caller learns why
 * without a read.
 */
export function putAction(tableName: string, item: Item, condition?: string): TransactAction {
  return {
    Put: {
      TableName: tableName,
      Item: item,
      ...(condition
        ? { ConditionExpression: condition, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }
        : {}),
    },
  };
}

/** Attribute values named after their attributes (`gsi2pk` → `:gsi2pk`), for an update expression. */
export function expressionValues(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [`:${key}`, value]));
}

/** An intake entry, in the intake log's indexes (all outcomes, and its own outcome). */
export function intakeEntryItem(entry: IntakeEntry, expiresAt: number): Item {
  return {
    ...keys.intakeEntry(entry.sesMessageId),
    expiresAt,
    ...keys.intakeByTime(entry.receivedAt, entry.sesMessageId),
    ...keys.intakeByOutcome(entry.outcome, entry.receivedAt, entry.sesMessageId),
    ...entry,
  };
}

/** An outgoing mail, recorded as a message of the conversation, with what the mailer needs to send it. */
export function outboundItem(message: OutboxMessage, at: string): Item {
  const record = sentMessage(message, at);
  return {
    ...keys.outbound(message.record, message.outboxId),
    ...packedRecord(record),
    ...queuedMail(message, at, record),
  };
}

/**
 * A message's record as its item stores it: its body deflated (`packed-text.ts`) in `textZ`,
 * a Binary attribute, instead of `text`. An acknowledgment's body is 700 to 1,500 bytes, mostly
 * the desk's own wording; packed, 60 to 250, which keeps the item under 1 KB, one write unit at
 * each of its four writes instead of two. The name is short because every write bills the attribute
 * names too (Developer Guide, « DynamoDB item sizes and formats »).
 */
export function packedRecord<T extends { text: string }>(record: T): Omit<T, 'text'> & { textZ: Uint8Array } {
  const { text, ...rest } = record;
  return { ...rest, textZ: packText(text) };
}

/**
 * An item with its record's body readable again (`text`), as the records' schemas expect it. An
 * item written before bodies were packed has `text` and no `textZ`: it is returned as it is.
 */
export function unpackedRecord(item: Item): Item {
  if (!(item.textZ instanceof Uint8Array)) return item;
  const { textZ, ...rest } = item;
  return { ...rest, text: unpackText(textZ) };
}

/**
 * What every record of a mail saved `queued` carries besides its own fields, whichever store
 * writes it: its place in the outbox sweeper's index, and the queue message itself (`outbox`),
 * so that the sweeper can queue it again if its message was lost. The mailer's claim leaves
 * both; its final record removes them.
 *
 * The fields the record already carries with the same value (`beside`: the body, the subject,
 * the addresses) are left out of `outbox` and read back from the record (`queuedMessage`): the
 * body twice made an acknowledgment's item 2.6 KB, three write units at each of its five writes
 * and index writes instead of two. What is left (the threading headers, the record's place) is
 * stored deflated as one Binary value (`packed-text.ts`): about 100 bytes instead of 300, read
 * only by the sweeper, and removed with the flight.
 */
export function queuedMail(message: OutboxMessage, at: string, beside: Item = {}): Item {
  const outbox: Item = { ...message };
  for (const name of SHARED_WITH_RECORD) if (beside[name] === message[name]) delete outbox[name];
  return { ...keys.outboxInFlight(at, message.outboxId), outbox: packText(JSON.stringify(outbox)) };
}

/**
 * The queue message a `queued` record carries (`queuedMail`), whole again: the fields left out
 * of `outbox` read from the record. Unparsed: the caller checks it against `OutboxMessage`. An
 * item written before the queue message was packed carries it as a map: read as it is.
 */
export function queuedMessage(item: Item): Item {
  const record = unpackedRecord(item);
  const shared = Object.fromEntries(
    SHARED_WITH_RECORD.flatMap((name) => (name in record ? [[name, record[name]]] : [])),
  );
  const outbox = item.outbox instanceof Uint8Array ? JSON.parse(unpackText(item.outbox)) : item.outbox;
  return { ...shared, ...(outbox as Item) };
}

/**
 * The queue message's fields `queuedMail` may leave out: only required ones, so that one missing
 * from `outbox` can only mean it was left out, never that the message had none.
 */
const SHARED_WITH_RECORD = ['outboxId', 'purpose', 'from', 'fromName', 'to', 'subject', 'text'] as const;

/** A received mail, as a message of its ticket, its body packed (`packedRecord`). */
export function receivedMessageItem(ticketNumber: string, message: IncomingMessage): Item {
  return {
    ...keys.ticketMessage(ticketNumber, message.receivedAt, message.sesMessageId),
    ...packedRecord(receivedMessage(ticketNumber, message)),
  };
}

/** A ticket, in the tickets' indexes (by creation, and by status and last update). */
export function ticketItem(ticket: Ticket): Item {
  return {
    ...keys.ticket(ticket.number),
    ...keys.ticketsByTime(ticket.createdAt, ticket.number),
    ...keys.ticketsByStatus(ticket.status, ticket.updatedAt, ticket.number),
    ...ticket,
  };
}
