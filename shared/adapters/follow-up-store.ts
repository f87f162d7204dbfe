/**
 * Follow-ups in DynamoDB: finding the ticket a reply continues (by its number, or by the
 * Message-ID of the mail that opened it) and adding the reply to the ticket's conversation.
 * What a follow-up does to the ticket is the domain's (`followUpEffect`); this store writes it.
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { TicketNotFoundError } from '#shared/domain/errors.ts';
import type { ThreadCandidate } from '#shared/domain/intake.ts';
import type { FollowUpAdded, FollowUps } from '#shared/domain/intake-ports.ts';
import type { IncomingMessage } from '#shared/domain/messages.ts';
import { Ticket, TicketStatus } from '#shared/domain/records.ts';
import { isPurged } from '#shared/domain/retention.ts';
import { followUpEffect } from '#shared/domain/ticket.ts';
import { MAX_MERGE_HOPS } from '#shared/domain/ticket-merge.ts';
import * as z from '#shared/domain/zod.ts';
import { withRetries } from '#shared/retry.ts';
import { expressionValues, putAction, receivedMessageItem } from './items.ts';
import { keys } from './keys.ts';
import { TransactionRefusedError, transactNamed } from './transact.ts';

/** The purge date a closed ticket carries (epoch seconds); absent while it is open. */
const PurgeDate = z.optional(z.number());

/** What the follow-up check reads of a ticket. */
const ThreadItem = z.extend(
  z.pick(Ticket, { number: true, participants: true, schools: true, mergedInto: true }),
  {
    expiresAt: PurgeDate,
  },
);

/** What adding a follow-up reads of a ticket. */
const FollowedTicketItem = z.object({
  status: TicketStatus,
  expiresAt: PurgeDate,
  mergedInto: z.optional(z.string()),
});

/**
 * A Message-ID claim: the mail that claimed it, and (claims written before December 2026) the
 * ticket that mail opened.
 */
const MessageIdClaimItem = z.object({
  sesMessageId: z.optional(z.string()),
  ticketNumber: z.optional(z.string()),
});

/** An intake entry's link to the ticket its mail opened. */
const LinkItem = z.object({ ticketNumber: z.optional(z.string()) });

/** Tries of a follow-up against concurrent changes of its ticket's status. */
const MAX_ATTEMPTS = 3;

/** Makes the follow-up store over a DynamoDB document client and the desk table's name. */
export function makeFollowUpStore({
  client,
  tableName,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
}) {
  return {
    /**
     * The ticket a follow-up claims to continue, as the follow-up check needs it, at instant `at`.
     * A merged ticket (while it is kept) answers the ticket it was merged into: a reply with the
     * old tag or thread id lands there.
     */
    async findThread(ticketNumber: string, at: string): Promise<ThreadCandidate | undefined> {
      let number = ticketNumber;
      for (let hops = 0; ; hops += 1) {
        const { Item } = await client.send(
          new GetCommand({
            TableName: tableName,
            Key: keys.ticket(number),
            ProjectionExpression: '#number, participants, schools, expiresAt, mergedInto',
            ExpressionAttributeNames: { '#number': 'number' },
          }),
        );
        if (!Item) return undefined;
        const ticket = ThreadItem.parse(Item);
        // A closed ticket past its retention is gone, even before DynamoDB's TTL deletes it.
        if (isPurged(ticket.expiresAt, at)) return undefined;
        if (ticket.mergedInto && hops < MAX_MERGE_HOPS) {
          number = ticket.mergedInto;
          continue;
        }
        return {
          ticketNumber: ticket.number,
          participants: ticket.participants,
          uais: ticket.schools.map((school) => school.uai),
        };
      }
    },

    /**
     * The ticket a Message-ID belongs to (the mail that opened it), for replies without a tag:
     * the claim names the mail, and the mail's intake entry its ticket. Two reads, only for a
     * reply with neither the ticket's tag nor its thread id, rather than a third write on every
     * ticket opened.
     */
    async ticketOfMessageId(messageId: string): Promise<string | undefined> {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: keys.messageIdClaim(messageId) }),
      );
      if (!Item) return undefined;
      const claim = MessageIdClaimItem.parse(Item);
      if (claim.ticketNumber || !claim.sesMessageId) return claim.ticketNumber;
      const { Item: entry } = await client.send(
        new GetCommand({
          TableName: tableName,
          Key: keys.intakeEntry(claim.sesMessageId),
          ProjectionExpression: 'ticketNumber',
        }),
      );
      return entry ? LinkItem.parse(entry).ticketNumber : undefined;
    },

    /**
     * Adds a follow-up mail to its ticket, once: the message's key makes a redelivery a no-op.
     * The ticket moves as `followUpEffect` says; a reopened ticket loses its purge date here
     * (`reopened` tells the caller to clear it from the ticket's other items). A ticket past its
     * purge date counts as gone: `TicketNotFoundError`. A mail for a merged ticket (screened
     * before the merge, or redelivered) goes to the ticket it was merged into, which
     * `ticketNumber` then names.
     */
    async addFollowUp(input: {
      ticketNumber: string;
      now: string;
      message: IncomingMessage;
    }): Promise<FollowUpAdded> {
      const { message } = input;
      // Decided on the status read: a concurrent close or reopen refuses the write, and we read again.
      return withRetries(
        async () => {
          let ticketNumber = input.ticketNumber;
          let ticket: z.infer<typeof FollowedTicketItem> | undefined;
          for (let hops = 0; hops <= MAX_MERGE_HOPS; hops += 1) {
            const { Item } = await client.send(
              new GetCommand({ TableName: tableName, Key: keys.ticket(ticketNumber), ConsistentRead: true }),
            );
            ticket = Item ? FollowedTicketItem.parse(Item) : undefined;
            if (!ticket?.mergedInto || hops === MAX_MERGE_HOPS) break;
            ticketNumber = ticket.mergedInto;
          }
          if (!ticket || isPurged(ticket.expiresAt, input.now)) throw new TicketNotFoundError(ticketNumber);
          const redirected = ticketNumber === input.ticketNumber ? {} : { ticketNumber };
          const effect = followUpEffect(ticket);
          try {
            await transactNamed(client, [
              [
                'message',
                putAction(tableName, receivedMessageItem(ticketNumber, message), 'attribute_not_exists(pk)'),
              ],
              [
                'ticket',
                {
                  Update: {
                    TableName: tableName,
                    Key: keys.ticket(ticketNumber),
                    UpdateExpression: `SET #status = :status, updatedAt = :now, gsi2pk = :gsi2pk, gsi2sk = :gsi2sk ADD messageCount :one${effect.reopens ? ' REMOVE expiresAt, closedAt' : ''}`,
                    ConditionExpression: '#status = :read',
                    ExpressionAttributeNames: { '#status': 'status' },
                    ExpressionAttributeValues: {
                      ':status': effect.status,
                      ':read': ticket.status,
                      ':now': input.now,
                      ':one': 1,
                      ...expressionValues(keys.ticketsByStatus(effect.status, input.now, ticketNumber)),
                    },
                  },
                },
              ],
            ]);
            return { added: true, reopened: effect.reopens, ...redirected };
          } catch (error) {
            if (error instanceof TransactionRefusedError && error.failed('message'))
              return { added: false, reopened: false, ...redirected };
            throw error;
          }
        },
        {
          attempts: MAX_ATTEMPTS,
          shouldRetry: (error) => error instanceof TransactionRefusedError && error.failed('ticket'),
          delayMs: () => 0,
        },
      );
    },
  } satisfies FollowUps;
}

/** The follow-up store as this adapter makes it. */
export type FollowUpStore = ReturnType<typeof makeFollowUpStore>;
