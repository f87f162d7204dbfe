/**
 * Opening tickets in DynamoDB: for a batch of accepted mails, every ticket, its first message,
 * the acknowledgment to send and the intake entry's link, in one transaction with the year's
 * ticket sequence moved past the numbers taken. What a new ticket is comes from the domain
 * (`newTicket`); this store numbers and writes it.
 */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { OpenedTicket, TicketOpener, TicketOpening } from '#shared/domain/intake-ports.ts';
import { newTicket } from '#shared/domain/ticket.ts';
import { ticketCard } from '#shared/domain/ticket-list.ts';
import { formatTicketNumber } from '#shared/domain/ticket-number.ts';
import * as z from '#shared/domain/zod.ts';
import {
  type Item,
  outboundItem,
  putAction,
  receivedMessageItem,
  ticketCardItem,
  ticketItem,
} from './items.ts';
import { keys } from './keys.ts';
import { type TransactAction, TransactionRefusedError, transact } from './transact.ts';

/** DynamoDB's limit of actions in one transaction. */
const MAX_TRANSACTION_ITEMS = 100;

/** DynamoDB's limit of keys in one BatchGetItem. */
const MAX_BATCH_KEYS = 100;

/** What the opening state's batch read returns: a year's sequence, or an intake entry's link. */
const OpeningStateItem = z.object({
  pk: z.string(),
  sesMessageId: z.optional(z.string()),
  ticketNumber: z.optional(z.string()),
  last: z.optional(z.number()),
});

/** The year's sequence: the last number taken. */
const SequenceItem = z.object({ last: z.number() });

/** An intake entry as a refused link returns it: the ticket it is already linked to, if any. */
const LinkedEntryItem = z.object({ ticketNumber: z.optional(z.string()) });

/** Makes the ticket opener over a DynamoDB document client and the desk table's name. */
export function makeTicketOpeningStore({
  client,
  tableName,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
}) {
  /**
   * What opening tickets needs to know, in one consistent batch read: which mails are already
   * linked to a ticket, and where each year's sequence stands.
   */
  async function readOpeningState(
    sesMessageIds: string[],
    years: number[],
  ): Promise<{ linked: Map<string, string>; sequences: Map<number, number> }> {
    const linked = new Map<string, string>();
    const sequences = new Map<number, number>();
    const wanted: Item[] = [
      ...years.map((year) => keys.ticketSequence(year)),
      ...[...new Set(sesMessageIds)].map((id) => keys.intakeEntry(id)),
    ];
    for (let start = 0; start < wanted.length; start += MAX_BATCH_KEYS) {
      let keysToRead: Item[] | undefined = wanted.slice(start, start + MAX_BATCH_KEYS);
      while (keysToRead && keysToRead.length > 0) {
        const response: BatchGetCommandOutput = await client.send(
          new BatchGetCommand({
            RequestItems: {
              [tableName]: {
                Keys: keysToRead,
                ProjectionExpression: 'pk, sesMessageId, ticketNumber, #last',
                ExpressionAttributeNames: { '#last': 'last' },
                ConsistentRead: true,
              },
            },
          }),
        );
        for (const read of response.Responses?.[tableName] ?? []) {
          const item = OpeningStateItem.parse(read);
          if (item.ticketNumber && item.sesMessageId) linked.set(item.sesMessageId, item.ticketNumber);
          const year = years.find((y) => keys.ticketSequence(y).pk === item.pk);
          if (year !== undefined && item.last !== undefined) sequences.set(year, item.last);
        }
        keysToRead = response.UnprocessedKeys?.[tableName]?.Keys;
      }
    }
    return { linked, sequences };
  }

  /** Moves the year's sequence from `from` to `from + count`, on condition that it is still at `from`. */
  function advanceSequence(year: number, from: number, count: number): TransactAction {
    return {
      Update: {
        TableName: tableName,
        Key: keys.ticketSequence(year),
        UpdateExpression: 'SET #last = :to',
        ConditionExpression: from === 0 ? 'attribute_not_exists(#last)' : '#last = :from',
        ExpressionAttributeNames: { '#last': 'last' },
        ExpressionAttributeValues: { ':to': from + count, ...(from === 0 ? {} : { ':from': from }) },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
  }

  /** Reserves `count` numbers of the year's sequence; returns the last one reserved. */
  async function reserveNumbers(year: number, count: number): Promise<number> {
    const { Attributes } = await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.ticketSequence(year),
        UpdateExpression: 'ADD #last :count',
        ExpressionAttributeNames: { '#last': 'last' },
        ExpressionAttributeValues: { ':count': count },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return SequenceItem.parse(Attributes).last;
  }

  /**
   * The writes that open one ticket. The link comes first: its condition makes a second opening
   * of the same mail fail, and its refusal says which ticket the mail already has. The mail's
   * Message-ID claim is not written again with the number (two write units in a transaction):
   * the claim names the mail, whose intake entry holds the link (`ticketOfMessageId`).
   */
  function openingWrites(opening: TicketOpening, ticketNumber: string): TransactAction[] {
    const { message } = opening;
    const ticket = newTicket({
      number: ticketNumber,
      message,
      requester: opening.requester,
      schools: opening.schools,
      now: opening.now,
    });
    return [
      {
        Update: {
          TableName: tableName,
          Key: keys.intakeEntry(message.sesMessageId),
          UpdateExpression: 'SET ticketNumber = :number',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(ticketNumber)',
          ExpressionAttributeValues: { ':number': ticketNumber },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      putAction(tableName, ticketItem(ticket)),
      // The list's circonscription and free-text filters read it (gsi5): written now, never by the ticket's later life.
      putAction(tableName, ticketCardItem(ticket, ticketCard(ticket))),
      putAction(tableName, receivedMessageItem(ticketNumber, message)),
      putAction(tableName, outboundItem(opening.acknowledgment(ticketNumber), opening.now)),
    ];
  }

  /** Opens one ticket alone, with the number it was given. */
  async function openOne(
    opening: TicketOpening,
    ticketNumber: string,
    writes: TransactAction[],
  ): Promise<OpenedTicket> {
    try {
      await transact(client, writes);
      return { kind: 'opened', ticketNumber };
    } catch (error) {
      if (error instanceof TransactionRefusedError && error.failed(0)) {
        const linkedNumber = LinkedEntryItem.parse(error.refusedItem(0) ?? {}).ticketNumber;
        if (linkedNumber) return { kind: 'already_opened', ticketNumber: linkedNumber };
        throw new MissingIntakeEntryError(opening.message.sesMessageId, { cause: error });
      }
      throw error;
    }
  }

  return {
    /**
     * Opens the tickets of accepted mails (one SQS batch): writes every ticket, its first message,
     * the acknowledgment to send and the intake entry's link in one transaction, together with the
     * year's sequence moved past the numbers taken, on condition that it did not move since it was
     * read. When another batch moved it first, the numbers are reserved instead (one atomic
     * counter update, which cannot conflict) and the batch written again; if a mail of the batch
     * is refused then (linked meanwhile), each ticket is written alone, so that it does not hold
     * the others.
     *
     * The intake entry's link is the idempotency key: a mail already linked (a redelivery) gets
     * the number it was given and takes none. A number is lost only if the function dies between
     * a reservation and its transaction.
     *
     * One settled result per opening, in order: a mail refused on its own fails alone. A fault
     * that is not a refusal (throttling, say) rejects the whole call, so that every record of the
     * batch is retried rather than reprocessed one by one against a table that refuses work.
     */
    async openTickets(openings: TicketOpening[]): Promise<Array<PromiseSettledResult<OpenedTicket>>> {
      const results = new Map<number, Promise<OpenedTicket>>();
      const years = [...new Set(openings.map((opening) => opening.year))];
      const { linked, sequences } = await readOpeningState(
        openings.map((opening) => opening.message.sesMessageId),
        years,
      );
      // The same mail twice in one batch (SQS redelivered it): open it once, answer both.
      const firstOf = new Map<string, number>();
      const fresh: number[] = [];
      openings.forEach((opening, index) => {
        const id = opening.message.sesMessageId;
        const ticketNumber = linked.get(id);
        if (ticketNumber) results.set(index, Promise.resolve({ kind: 'already_opened', ticketNumber }));
        else if (!firstOf.has(id)) {
          firstOf.set(id, index);
          fresh.push(index);
        }
      });

      for (const [year, indexes] of groupBy(fresh, (index) => openings[index]?.year ?? 0)) {
        const plan = (last: number) =>
          indexes.flatMap((index, position) => {
            const opening = openings[index];
            if (!opening) return [];
            const ticketNumber = formatTicketNumber(year, last + 1 + position);
            return [{ index, opening, ticketNumber, writes: openingWrites(opening, ticketNumber) }];
          });
        const opened = (planned: ReturnType<typeof plan>) => {
          for (const { index, ticketNumber } of planned)
            results.set(index, Promise.resolve({ kind: 'opened', ticketNumber }));
        };

        // First, the numbers after the sequence as read, taken in the same transaction on
        // condition that nobody moved it: no extra write when batches do not overlap. A refusal
        // returns where the sequence stands, for one more try from there.
        let read: number | undefined = sequences.get(year) ?? 0;
        let done = false;
        for (let attempt = 0; attempt < 2 && read !== undefined && !done; attempt++) {
          const guessed = plan(read);
          const writes = [advanceSequence(year, read, indexes.length), ...guessed.flatMap((p) => p.writes)];
          if (writes.length > MAX_TRANSACTION_ITEMS) break;
          try {
            await transact(client, writes);
            opened(guessed);
            done = true;
          } catch (error) {
            if (!(error instanceof TransactionRefusedError && error.expected)) throw error;
            const current = error.failed(0)
              ? z.partial(SequenceItem).parse(error.refusedItem(0) ?? {}).last
              : undefined;
            read = current;
          }
        }
        if (done) continue;

        // Another batch took those numbers (or a mail was linked meanwhile): reserve a block,
        // which cannot conflict, and write the batch again.
        const reserved = plan((await reserveNumbers(year, indexes.length)) - indexes.length);
        const writes = reserved.flatMap((p) => p.writes);
        if (writes.length <= MAX_TRANSACTION_ITEMS) {
          try {
            await transact(client, writes);
            opened(reserved);
            continue;
          } catch (error) {
            // Only a refusal of the data falls back to one by one; a fault goes on up.
            if (!(error instanceof TransactionRefusedError && error.expected)) throw error;
          }
        }
        // Too many for one transaction, or a mail refused: each ticket alone, with its number.
        const alone = reserved.map(({ index, opening, ticketNumber, writes: own }) => {
          const attempt = openOne(opening, ticketNumber, own);
          results.set(index, attempt);
          return attempt;
        });
        await Promise.allSettled(alone);
      }

      return Promise.allSettled(
        openings.map((opening, index) => {
          const result = results.get(index);
          if (result) return result;
          const first = results.get(firstOf.get(opening.message.sesMessageId) ?? -1);
          if (!first) return Promise.reject(new TicketNotOpenedError(opening.message.sesMessageId));
          return first.then(({ ticketNumber }): OpenedTicket => ({ kind: 'already_opened', ticketNumber }));
        }),
      );
    },
  } satisfies TicketOpener;
}

/** The ticket opener as this adapter makes it. */
export type TicketOpeningStore = ReturnType<typeof makeTicketOpeningStore>;

function groupBy<T, K>(values: T[], keyOf: (value: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const value of values) groups.set(keyOf(value), [...(groups.get(keyOf(value)) ?? []), value]);
  return groups;
}

/** The ticket step was asked to link a mail whose intake entry does not exist. */
export class MissingIntakeEntryError extends Error {
  override name = 'MissingIntakeEntryError';
  constructor(sesMessageId: string, options?: ErrorOptions) {
    super(`No intake entry for SES message ${sesMessageId}`, options);
  }
}

/** A batch ended without a result for one of its mails: a fault of this store, never expected. */
export class TicketNotOpenedError extends Error {
  override name = 'TicketNotOpenedError';
  constructor(sesMessageId: string) {
    super(`The batch gave no result for SES message ${sesMessageId}`);
  }
}
