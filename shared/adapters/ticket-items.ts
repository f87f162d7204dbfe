/**
 * Ticket items as domain values: parsed with the records' schemas on the way in (which drop the
 * table's keys), with the purge date read beside them. A read that does not parse is a bug of a
 * writer, so it fails loudly rather than reaching the console half-formed.
 */
import * as z from 'zod';
import { Ticket } from '#shared/domain/records.ts';
import { isPurged } from '#shared/domain/retention.ts';
import { StoredMessage, type StoredTicket } from '#shared/domain/ticket-actions.ts';
import { unpackedRecord } from './items.ts';
import type { Item } from './table-queries.ts';

/** The purge date an item may carry (DynamoDB's TTL attribute). */
const Expiry = z.object({ expiresAt: z.number().optional() });

/** The purge date of an item, if it has one. */
export function expiryOf(item: Item): number | undefined {
  return Expiry.parse(item).expiresAt;
}

/** Whether the item's retention period is over (DynamoDB's TTL deletes lazily; DynamoDB Local never). */
export function expired(item: Item, now: Date): boolean {
  return isPurged(item.expiresAt, now);
}

/** A ticket item as the ticket it stores and its purge date. */
export function storedTicket(item: Item): StoredTicket {
  return { ticket: Ticket.parse(item), expiresAt: expiryOf(item) };
}

/** A message item as the message it stores, its body unpacked (`unpackedRecord`). */
export function storedMessage(item: Item): StoredMessage {
  return StoredMessage.parse(unpackedRecord(item));
}
