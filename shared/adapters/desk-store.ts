/**
 * The desk's records in DynamoDB: the intake log, the daily quotas, tickets and their
 * conversation, and the outgoing mails' send claims.
 *
 * Every write that must be exact under redelivery and concurrency is one transaction whose
 * conditions carry the invariant: an intake entry exists once per SES message, a Message-ID is
 * claimed once, a daily counter never passes its cap, a ticket number is taken once.
 */

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { QuotaKind, ThreadCandidate } from '#shared/domain/intake.ts';
import { type IncomingMessage, type OutboxMessage, sentMessage } from '#shared/domain/messages.ts';
import { type IntakeEntry, type Ticket, type TicketMessage, TicketStatus } from '#shared/domain/records.ts';
import { formatTicketNumber } from '#shared/domain/ticket-number.ts';
import { keys, withoutKeys } from './keys.ts';
import { TransactionRefusedError, transact } from './transact.ts';

/** A mail's place against a daily cap. */
export type QuotaClaim = { kind: QuotaKind; sender: string; day: string; cap: number; expiresAt: number };

/** What `recordIntake` finally recorded. */
export type IntakeRecord =
  | { kind: 'recorded'; entry: IntakeEntry; reply: OutboxMessage | undefined }
  | { kind: 'redelivered'; entry: IntakeEntry };

/** The outcome of asking to open a ticket for a mail. */
export type OpenedTicket = { kind: 'opened' | 'already_opened'; ticketNumber: string };

/** What opening one ticket needs. */
export type OpenTicketInput = {
  /** The year of the sequence (Paris year of receipt). */
  year: number;
  now: string;
  requester: Ticket['requester'];
  schools: Ticket['schools'];
  message: IncomingMessage;
  acknowledgment: (ticketNumber: string) => OutboxMessage;
};

/** DynamoDB's limit of actions in one transaction. */
const MAX_TRANSACTION_ITEMS = 100;

function groupBy<T, K>(values: T[], keyOf: (value: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const value of values) groups.set(keyOf(value), [...(groups.get(keyOf(value)) ?? []), value]);
  return groups;
}

type Item = Record<string, unknown>;

/** Makes the desk store over a DynamoDB document client and the desk table's name. */
export function makeDeskStore({ client, tableName }: { client: DynamoDBDocumentClient; tableName: string }) {
  // A refused condition returns the item as it was, so the caller learns why without a read.
  const put = (item: Item, condition?: string) => ({
    Put: {
      TableName: tableName,
      Item: item,
      ...(condition
        ? { ConditionExpression: condition, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const }
        : {}),
    },
  });
  const entryItem = (entry: IntakeEntry, expiresAt: number): Item => ({
    ...keys.intakeEntry(entry.sesMessageId),
    expiresAt,
    ...keys.intakeByTime(entry.receivedAt, entry.sesMessageId),
    ...keys.intakeByOutcome(entry.outcome, entry.receivedAt, entry.sesMessageId),
    ...entry,
  });
  /** An outgoing mail, recorded as a message of the conversation, with what the mailer needs to send it. */
  const outboundItem = (message: OutboxMessage, at: string): Item => ({
    ...keys.outbound(message.record, message.outboxId),
    ...sentMessage(message, at),
  });

  async function readEntry(sesMessageId: string): Promise<IntakeEntry | undefined> {
    const { Item } = await client.send(
      new GetCommand({ TableName: tableName, Key: keys.intakeEntry(sesMessageId), ConsistentRead: true }),
    );
    return Item ? withoutKeys<IntakeEntry>(Item) : undefined;
  }

  return {
    /**
     * Records a screened mail in one transaction: its intake entry, the claim of its Message-ID,
     * its place against the daily cap and the automatic reply to send, if any.
     *
     * The store settles the two checks only it can make exactly: a Message-ID already claimed
     * makes the mail a `duplicate`; a cap already reached makes it `rate_limited`, with the
     * day's one notice if it is not sent yet. A second delivery of the same SES message changes
     * nothing and returns the entry recorded the first time.
     */
    async recordIntake(input: {
      entry: IntakeEntry;
      quota: QuotaClaim | undefined;
      reply: OutboxMessage | undefined;
      /** The notice to send if the cap is reached, and when its once-a-day claim expires. */
      quotaNotice: OutboxMessage | undefined;
      /** When the entry, its Message-ID claim and its reply are purged (the retention period). */
      expiresAt: number;
      now: string;
      /** Set when recording a duplicate: its Message-ID belongs to the first mail. */
      skipClaim?: boolean;
    }): Promise<IntakeRecord> {
      const { entry, quota, expiresAt } = input;
      const claimId = input.skipClaim ? undefined : entry.messageId;
      const entryPut = put(entryItem(entry, expiresAt), 'attribute_not_exists(pk)');
      const claimPut = claimId
        ? put(
            { ...keys.messageIdClaim(claimId), sesMessageId: entry.sesMessageId, expiresAt },
            'attribute_not_exists(pk)',
          )
        : undefined;

      const attempt = async (actions: Array<ReturnType<typeof put> | object | undefined>) =>
        transact(client, actions.filter((a): a is object => a !== undefined) as never);

      const refused = async (error: unknown): Promise<IntakeRecord | undefined> => {
        if (error instanceof TransactionRefusedError && error.failed(0)) {
          const old = error.refusals[0]?.item;
          const stored = old ? withoutKeys<IntakeEntry>(old) : await readEntry(entry.sesMessageId);
          if (stored) return { kind: 'redelivered', entry: stored };
        }
        return undefined;
      };

      // 1. As decided, counted against the cap where the mail reached the quota step.
      const quotaUpdate = quota && {
        Update: {
          TableName: tableName,
          Key: keys.quota(quota.kind, quota.sender, quota.day),
          UpdateExpression: 'ADD #count :one SET expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :cap',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1, ':cap': quota.cap, ':expiresAt': quota.expiresAt },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        },
      };
      let quotaRefusal: Record<string, unknown> | undefined;
      try {
        await attempt([
          entryPut,
          claimPut,
          quotaUpdate,
          input.reply &&
            put({ ...outboundItem(input.reply, input.now), expiresAt }, 'attribute_not_exists(pk)'),
        ]);
        return { kind: 'recorded', entry, reply: input.reply };
      } catch (error) {
        const redelivered = await refused(error);
        if (redelivered) return redelivered;
        if (!(error instanceof TransactionRefusedError)) throw error;
        if (error.failed(1)) return this.recordIntake(duplicateOf(input, error.refusals[1]?.item));
        if (!quota || !error.failed(2)) throw error;
        quotaRefusal = error.refusals[2]?.item;
      }

      // 2. The cap was reached: rate limited, with the day's notice if none was sent yet.
      const limited: IntakeEntry = {
        ...entry,
        reply: undefined,
        outcome: 'rate_limited',
        detail: `Plus de ${quota.cap} ${quota.kind === 'request' ? 'demandes' : 'suites de ticket'} aujourd'hui (${quota.day}) ; ${entry.detail}`,
      };
      // The counter remembers whether the day's notice went out, so most refused mails take
      // one more transaction, not two.
      const noticeSent = quotaRefusal?.noticeSent === true;
      const notice = noticeSent ? undefined : input.quotaNotice;
      const tries: Array<{ entry: IntakeEntry; reply: OutboxMessage | undefined }> = notice
        ? [
            { entry: { ...limited, reply: 'quota_notice' }, reply: notice },
            { entry: limited, reply: undefined },
          ]
        : [{ entry: limited, reply: undefined }];
      for (const [index, attemptInput] of tries.entries()) {
        const withNotice = attemptInput.reply !== undefined;
        try {
          await attempt([
            put(entryItem(attemptInput.entry, expiresAt), 'attribute_not_exists(pk)'),
            claimPut,
            withNotice
              ? {
                  Update: {
                    TableName: tableName,
                    Key: keys.quota(quota.kind, quota.sender, quota.day),
                    UpdateExpression: 'SET noticeSent = :true',
                    ConditionExpression: 'attribute_not_exists(noticeSent)',
                    ExpressionAttributeValues: { ':true': true },
                  },
                }
              : undefined,
            attemptInput.reply &&
              put(outboundItem(attemptInput.reply, input.now), 'attribute_not_exists(pk)'),
          ]);
          return { kind: 'recorded', entry: attemptInput.entry, reply: attemptInput.reply };
        } catch (error) {
          const redelivered = await refused(error);
          if (redelivered) return redelivered;
          if (!(error instanceof TransactionRefusedError)) throw error;
          if (error.failed(1)) return this.recordIntake(duplicateOf(input, error.refusals[1]?.item));
          const noticeAlreadySent = withNotice && error.failed(2);
          if (!noticeAlreadySent || index === tries.length - 1) throw error;
        }
      }
      throw new Error('unreachable');
    },

    readIntakeEntry: readEntry,

    /**
     * Records that staff accepted a held mail (rate limited, or not from a director) into a
     * ticket: its outcome becomes `ticket_created`, with who and when. Accepting again before
     * the ticket exists is allowed (the first attempt may have stopped halfway); returns
     * undefined when the mail is not one that can be accepted.
     */
    async markAccepted(sesMessageId: string, actor: string, now: string): Promise<IntakeEntry | undefined> {
      const entry = await readEntry(sesMessageId);
      if (!entry) return undefined;
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.intakeEntry(sesMessageId),
            UpdateExpression:
              'SET outcome = :created, detail = :detail, acceptedBy = :actor, acceptedAt = :now, gsi2pk = :gsi2pk, gsi2sk = :gsi2sk',
            ConditionExpression:
              'attribute_not_exists(ticketNumber) AND (outcome IN (:limited, :stranger) OR (outcome = :created AND attribute_exists(acceptedBy)))',
            ExpressionAttributeValues: {
              ':created': 'ticket_created',
              ':limited': 'rate_limited',
              ':stranger': 'not_director',
              ':detail': `Accepté en ticket par ${actor} ; ${entry.detail}`,
              ':actor': actor,
              ':now': now,
              ...prefixed(keys.intakeByOutcome('ticket_created', entry.receivedAt, sesMessageId)),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return Attributes ? withoutKeys<IntakeEntry>(Attributes) : undefined;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return undefined;
        throw error;
      }
    },

    /** The ticket a follow-up claims to continue, as the follow-up check needs it, at instant `at`. */
    async findThread(ticketNumber: string, at: string): Promise<ThreadCandidate | undefined> {
      const { Item } = await client.send(
        new GetCommand({
          TableName: tableName,
          Key: keys.ticket(ticketNumber),
          ProjectionExpression: '#number, participants, schools, expiresAt',
          ExpressionAttributeNames: { '#number': 'number' },
        }),
      );
      // A closed ticket past its retention is gone, even before DynamoDB's TTL deletes it.
      if (!Item || isPast(Item.expiresAt, at)) return undefined;
      const ticket = Item as Pick<Ticket, 'number' | 'participants' | 'schools'>;
      return {
        ticketNumber: ticket.number,
        participants: ticket.participants,
        uais: ticket.schools.map((school) => school.uai),
      };
    },

    /** The ticket a Message-ID belongs to (the mail that opened it), for replies without a tag. */
    async ticketOfMessageId(messageId: string): Promise<string | undefined> {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: keys.messageIdClaim(messageId) }),
      );
      return typeof Item?.ticketNumber === 'string' ? Item.ticketNumber : undefined;
    },

    /**
     * Opens the tickets of accepted mails (one SQS batch): writes every ticket, its first message,
     * the acknowledgment to send and the intake entry's link in one transaction, together with the
     * year's sequence moved past the numbers taken, on condition that it did not move since it was
     * read. When another batch moved it first, the numbers are reserved instead (one atomic
     * counter update, which cannot conflict) and the batch written again.
     *
     * The intake entry's link is the idempotency key: a mail already linked (a redelivery) gets
     * the number it was given and takes none. A number is lost only if the function dies between
     * a reservation and its transaction.
     */
    async openTickets(inputs: OpenTicketInput[]): Promise<Array<OpenedTicket | Error>> {
      const results: Array<OpenedTicket | Error | undefined> = inputs.map(() => undefined);
      const years = [...new Set(inputs.map((input) => input.year))];
      const { linked, sequences } = await readOpeningState(
        inputs.map((input) => input.message.sesMessageId),
        years,
      );
      // The same mail twice in one batch (SQS redelivered it): open it once, answer both.
      const firstOf = new Map<string, number>();
      const fresh: number[] = [];
      inputs.forEach((input, index) => {
        const id = input.message.sesMessageId;
        const ticketNumber = linked.get(id);
        if (ticketNumber) results[index] = { kind: 'already_opened', ticketNumber };
        else if (!firstOf.has(id)) {
          firstOf.set(id, index);
          fresh.push(index);
        }
      });

      for (const [year, indexes] of groupBy(fresh, (index) => inputs[index]?.year ?? 0)) {
        const plan = (last: number) =>
          indexes.map((index, position) => {
            const ticketNumber = formatTicketNumber(year, last + 1 + position);
            return {
              index,
              ticketNumber,
              writes: openingWrites(inputs[index] as OpenTicketInput, ticketNumber),
            };
          });
        const opened = (planned: ReturnType<typeof plan>) => {
          for (const { index, ticketNumber } of planned) results[index] = { kind: 'opened', ticketNumber };
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
            await transact(client, writes as never);
            opened(guessed);
            done = true;
          } catch (error) {
            if (!(error instanceof TransactionRefusedError)) throw error;
            const current = error.failed(0) ? error.refusals[0]?.item?.last : undefined;
            read = typeof current === 'number' ? current : undefined;
          }
        }
        if (done) continue;

        // Another batch took those numbers (or a mail was linked meanwhile): reserve a block,
        // which cannot conflict, and write the batch again; a refused mail must not hold the
        // others, so then each ticket alone, with the number it was given.
        const reserved = plan((await reserveNumbers(year, indexes.length)) - indexes.length);
        try {
          const writes = reserved.flatMap((p) => p.writes);
          if (writes.length > MAX_TRANSACTION_ITEMS) throw new Error('batch too large for one transaction');
          await transact(client, writes as never);
          opened(reserved);
        } catch {
          await Promise.all(
            reserved.map(async ({ index, ticketNumber, writes }) => {
              results[index] = await openOne(inputs[index] as OpenTicketInput, ticketNumber, writes);
            }),
          );
        }
      }
      return results.map((result, index) => {
        const first = results[firstOf.get(inputs[index]?.message.sesMessageId ?? '') ?? -1];
        if (result) return result;
        if (first && !(first instanceof Error))
          return { kind: 'already_opened', ticketNumber: first.ticketNumber };
        return first ?? new Error('ticket not processed');
      });
    },

    /**
     * Adds a follow-up mail to its ticket, once: the message's key makes a redelivery a no-op.
     * A ticket waiting for the director, resolved or closed goes back to "en cours"; a closed
     * ticket also loses its purge date (`reopened` tells the caller to clear it from the
     * ticket's other items). A ticket past its purge date counts as gone.
     */
    async addFollowUp(input: {
      ticketNumber: string;
      now: string;
      message: IncomingMessage;
    }): Promise<{ added: boolean; reopened: boolean }> {
      const { ticketNumber, message } = input;
      for (let attempt = 1; ; attempt++) {
        const { Item } = await client.send(
          new GetCommand({ TableName: tableName, Key: keys.ticket(ticketNumber), ConsistentRead: true }),
        );
        if (!Item || isPast(Item.expiresAt, input.now)) throw new MissingTicketError(ticketNumber);
        const status = TicketStatus.parse(Item.status);
        const nextStatus: TicketStatus = status === 'nouveau' ? 'nouveau' : 'en_cours';
        const reopened = Item.expiresAt !== undefined;
        try {
          await transact(client, [
            put(incomingItem(ticketNumber, message), 'attribute_not_exists(pk)'),
            {
              Update: {
                TableName: tableName,
                Key: keys.ticket(ticketNumber),
                UpdateExpression: `SET #status = :status, updatedAt = :now, gsi2pk = :gsi2pk, gsi2sk = :gsi2sk ADD messageCount :one${reopened ? ' REMOVE expiresAt, closedAt' : ''}`,
                // Decided on the status read: a concurrent close or reopen makes us read again.
                ConditionExpression: '#status = :read',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':status': nextStatus,
                  ':read': status,
                  ':now': input.now,
                  ':one': 1,
                  ...prefixed(keys.ticketsByStatus(nextStatus, input.now, ticketNumber)),
                },
              },
            },
          ]);
          return { added: true, reopened };
        } catch (error) {
          if (error instanceof TransactionRefusedError && error.failed(0))
            return { added: false, reopened: false };
          if (!(error instanceof TransactionRefusedError && error.failed(1)) || attempt >= 3) throw error;
        }
      }
    },

    /**
     * Claims an outgoing mail for sending: only one delivery of its outbox message may send it.
     * Returns false when it was already claimed (sent, or being sent).
     */
    async claimSend(message: OutboxMessage, now: string): Promise<boolean> {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.outbound(message.record, message.outboxId),
            UpdateExpression: 'SET #status = :sent, sentAt = :now',
            ConditionExpression: '#status = :queued',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':sent': 'sent', ':queued': 'queued', ':now': now },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    /** Gives a claimed mail back after SES refused it, so that the retry may send it. */
    async releaseSend(message: OutboxMessage): Promise<void> {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.outbound(message.record, message.outboxId),
          UpdateExpression: 'SET #status = :queued REMOVE sentAt',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':queued': 'queued' },
        }),
      );
    },
  };

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
    for (let start = 0; start < wanted.length; start += 100) {
      let keysToRead: Item[] | undefined = wanted.slice(start, start + 100);
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
        for (const item of response.Responses?.[tableName] ?? []) {
          if (typeof item.ticketNumber === 'string') linked.set(String(item.sesMessageId), item.ticketNumber);
          const year = years.find((y) => keys.ticketSequence(y).pk === item.pk);
          if (year !== undefined && typeof item.last === 'number') sequences.set(year, item.last);
        }
        keysToRead = response.UnprocessedKeys?.[tableName]?.Keys as Item[] | undefined;
      }
    }
    return { linked, sequences };
  }

  /** Moves the year's sequence from `from` to `from + count`, on condition that it is still at `from`. */
  function advanceSequence(year: number, from: number, count: number): object {
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
    return Number(Attributes?.last);
  }

  /** The writes that open one ticket. The link's condition makes a second opening fail. */
  function openingWrites(input: OpenTicketInput, ticketNumber: string): object[] {
    const { message } = input;
    const ticket: Ticket = {
      number: ticketNumber,
      status: 'nouveau',
      subject: message.subject,
      requester: input.requester,
      schools: input.schools,
      participants: [...new Set([input.requester.email, ...input.schools.map((school) => school.mailbox)])],
      openedBy: message.sesMessageId,
      createdAt: input.now,
      updatedAt: input.now,
      messageCount: 2,
    };
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
      put({
        ...keys.ticket(ticketNumber),
        ...keys.ticketsByTime(ticket.createdAt, ticketNumber),
        ...keys.ticketsByStatus(ticket.status, ticket.updatedAt, ticketNumber),
        ...ticket,
      }),
      put(incomingItem(ticketNumber, message)),
      put(outboundItem(input.acknowledgment(ticketNumber), input.now)),
      ...(message.messageId
        ? [
            {
              Update: {
                TableName: tableName,
                Key: keys.messageIdClaim(message.messageId),
                UpdateExpression: 'SET ticketNumber = :number',
                ExpressionAttributeValues: { ':number': ticketNumber },
              },
            },
          ]
        : []),
    ];
  }

  async function openOne(
    input: OpenTicketInput,
    ticketNumber: string,
    writes: object[],
  ): Promise<OpenedTicket | Error> {
    try {
      await transact(client, writes as never);
      return { kind: 'opened', ticketNumber };
    } catch (error) {
      if (error instanceof TransactionRefusedError && error.failed(0)) {
        const linkedNumber = error.refusals[0]?.item?.ticketNumber;
        if (typeof linkedNumber === 'string') return { kind: 'already_opened', ticketNumber: linkedNumber };
        return new MissingIntakeEntryError(input.message.sesMessageId, { cause: error });
      }
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  function incomingItem(ticketNumber: string, message: IncomingMessage): Item {
    const record: TicketMessage = {
      id: message.sesMessageId,
      ticketNumber,
      direction: 'in',
      at: message.receivedAt,
      from: message.from,
      fromName: message.fromName,
      subject: message.subject,
      text: message.text,
      attachments: message.attachments,
      rawMail: message.rawMail,
      sesMessageId: message.sesMessageId,
      messageId: message.messageId,
    };
    return { ...keys.ticketMessage(ticketNumber, message.receivedAt, message.sesMessageId), ...record };
  }
}

/** The same input, recorded as a duplicate of the mail that first claimed its Message-ID. */
function duplicateOf(
  input: Parameters<ReturnType<typeof makeDeskStore>['recordIntake']>[0],
  claim: Record<string, unknown> | undefined,
) {
  const first = typeof claim?.sesMessageId === 'string' ? ` (premier reçu : ${claim.sesMessageId})` : '';
  return {
    ...input,
    entry: {
      ...input.entry,
      outcome: 'duplicate' as const,
      detail: `Message-ID déjà reçu${first}`,
      reply: undefined,
    },
    quota: undefined,
    reply: undefined,
    quotaNotice: undefined,
    skipClaim: true,
  };
}

/** Whether an item's purge date (epoch seconds) has passed at `now`. */
function isPast(expiresAt: unknown, now: string): boolean {
  return typeof expiresAt === 'number' && expiresAt * 1000 <= Date.parse(now);
}

function prefixed(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [`:${key}`, value]));
}

/** The ticket step was asked to link a mail whose intake entry does not exist. */
export class MissingIntakeEntryError extends Error {
  override name = 'MissingIntakeEntryError';
  constructor(sesMessageId: string, options?: ErrorOptions) {
    super(`No intake entry for SES message ${sesMessageId}`, options);
  }
}

/** A follow-up names a ticket that does not exist. */
export class MissingTicketError extends Error {
  override name = 'MissingTicketError';
  constructor(ticketNumber: string, options?: ErrorOptions) {
    super(`No ticket ${ticketNumber}`, options);
  }
}

export type DeskStore = ReturnType<typeof makeDeskStore>;
