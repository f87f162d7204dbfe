/**
 * The intake log in DynamoDB: one entry per received mail (`MAIL#<SES id>`), the claim of its
 * Message-ID, the sender's daily counters and the automatic reply beside the entry.
 *
 * Recording a screened mail is one transaction whose conditions carry the invariants: an entry
 * exists once per SES message, a Message-ID is claimed once, a daily counter never passes its cap,
 * a sender gets one "quota reached" notice a day. Which entry each refusal leads to is the
 * domain's (`shared/domain/intake-log.ts`); this store only reads the refusals.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  acceptedEntry,
  duplicateEntry,
  HELD_OUTCOMES,
  type QuotaClaim,
  rateLimitedEntry,
} from '#shared/domain/intake-log.ts';
import type { IntakeLog, IntakeRecord, IntakeRecording } from '#shared/domain/intake-ports.ts';
import { IntakeEntry } from '#shared/domain/records.ts';
import * as z from '#shared/domain/zod.ts';
import { expressionValues, intakeEntryItem, outboundItem, putAction } from './items.ts';
import { keys } from './keys.ts';
import { type TransactAction, TransactionRefusedError, transactNamed } from './transact.ts';

/** A Message-ID claim as a refusal returns it: which mail claimed the id first. */
const MessageIdClaimItem = z.object({ sesMessageId: z.optional(z.string()) });

/** A daily counter as a refusal returns it: whether the day's notice went out. */
const QuotaCounterItem = z.object({ noticeSent: z.optional(z.boolean()) });

/** Makes the intake log over a DynamoDB document client and the desk table's name. */
export function makeIntakeLogStore({
  client,
  tableName,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
}) {
  const entryPut = (entry: IntakeEntry, expiresAt: number) =>
    putAction(tableName, intakeEntryItem(entry, expiresAt), 'attribute_not_exists(pk)');

  /** Counts the mail against its counter, on condition that the cap is not reached. */
  const countAgainst = (quota: QuotaClaim): TransactAction => ({
    Update: {
      TableName: tableName,
      Key: keys.quota(quota.kind, quota.sender, quota.day),
      UpdateExpression: 'ADD #count :one SET expiresAt = :expiresAt',
      ConditionExpression: 'attribute_not_exists(#count) OR #count < :cap',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':one': 1, ':cap': quota.cap, ':expiresAt': quota.expiresAt },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  });

  /** Takes the day's one notice, on condition that nobody took it yet. */
  const takeNotice = (quota: QuotaClaim): TransactAction => ({
    Update: {
      TableName: tableName,
      Key: keys.quota(quota.kind, quota.sender, quota.day),
      UpdateExpression: 'SET noticeSent = :true',
      ConditionExpression: 'attribute_not_exists(noticeSent)',
      ExpressionAttributeValues: { ':true': true },
    },
  });

  async function readIntakeEntry(sesMessageId: string): Promise<IntakeEntry | undefined> {
    const { Item } = await client.send(
      new GetCommand({ TableName: tableName, Key: keys.intakeEntry(sesMessageId), ConsistentRead: true }),
    );
    return Item ? IntakeEntry.parse(Item) : undefined;
  }

  async function recordIntake(input: IntakeRecording, skipClaim = false): Promise<IntakeRecord> {
    const { entry, quota, expiresAt } = input;
    // A duplicate is recorded without a claim: its Message-ID belongs to the first mail.
    const claimId = skipClaim ? undefined : entry.messageId;
    const claimPut = claimId
      ? putAction(
          tableName,
          { ...keys.messageIdClaim(claimId), sesMessageId: entry.sesMessageId, expiresAt },
          'attribute_not_exists(pk)',
        )
      : undefined;

    /**
     * What a refusal of any attempt means, when it is one of the two the log settles itself: the
     * entry exists (another delivery of the same SES message recorded it first), or the
     * Message-ID was claimed by another mail (this one is a duplicate).
     */
    const settled = async (refusal: TransactionRefusedError): Promise<IntakeRecord | undefined> => {
      if (refusal.failed('entry')) {
        const old = refusal.refusedItem('entry');
        const stored = old ? IntakeEntry.parse(old) : await readIntakeEntry(entry.sesMessageId);
        if (stored) return { kind: 'redelivered', entry: stored };
      }
      if (refusal.failed('claim')) {
        const first = MessageIdClaimItem.parse(refusal.refusedItem('claim') ?? {}).sesMessageId;
        return recordIntake(
          {
            ...input,
            entry: duplicateEntry(entry, first),
            quota: undefined,
            reply: undefined,
            quotaNotice: undefined,
          },
          true,
        );
      }
      return undefined;
    };

    // 1. As decided, counted against the cap where the mail reached the quota step.
    let counter: z.infer<typeof QuotaCounterItem>;
    try {
      await transactNamed(client, [
        ['entry', entryPut(entry, expiresAt)],
        ['claim', claimPut],
        ['quota', quota && countAgainst(quota)],
        [
          'reply',
          input.reply &&
            putAction(
              tableName,
              { ...outboundItem(input.reply, input.now), expiresAt },
              'attribute_not_exists(pk)',
            ),
        ],
      ]);
      return { kind: 'recorded', entry, reply: input.reply };
    } catch (error) {
      const refusal = refusalOf(error);
      const record = await settled(refusal);
      if (record) return record;
      if (!quota || !refusal.failed('quota')) throw refusal;
      counter = QuotaCounterItem.parse(refusal.refusedItem('quota') ?? {});
    }

    // 2. The cap was reached: rate limited, with the day's notice if none was sent yet. The
    // counter remembers whether it went out, so most refused mails take one more transaction, not two.
    const limited = rateLimitedEntry(entry, quota);
    const notice = counter.noticeSent === true ? undefined : input.quotaNotice;
    if (notice) {
      const noticed: IntakeEntry = { ...limited, reply: 'quota_notice' };
      try {
        await transactNamed(client, [
          ['entry', entryPut(noticed, expiresAt)],
          ['claim', claimPut],
          ['notice', takeNotice(quota)],
          // Purged with the entry it answers, like every automatic reply.
          [
            'reply',
            putAction(
              tableName,
              { ...outboundItem(notice, input.now), expiresAt },
              'attribute_not_exists(pk)',
            ),
          ],
        ]);
        return { kind: 'recorded', entry: noticed, reply: notice };
      } catch (error) {
        const refusal = refusalOf(error);
        const record = await settled(refusal);
        if (record) return record;
        // Another mail of the day took the notice first: record this one without.
        if (!refusal.failed('notice')) throw refusal;
      }
    }
    try {
      await transactNamed(client, [
        ['entry', entryPut(limited, expiresAt)],
        ['claim', claimPut],
      ]);
      return { kind: 'recorded', entry: limited, reply: undefined };
    } catch (error) {
      const refusal = refusalOf(error);
      const record = await settled(refusal);
      if (record) return record;
      throw refusal;
    }
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
    recordIntake: (input: IntakeRecording) => recordIntake(input),

    /** One mail's entry, read consistently (a redelivery must see what the first delivery wrote). */
    readIntakeEntry,

    /**
     * Records that staff accepted a held mail (rate limited, or not from a director) into a
     * ticket: its outcome becomes `ticket_created`, with who and when. Accepting again before
     * the ticket exists is allowed (the first attempt may have stopped halfway); returns
     * undefined when the mail is not one that can be accepted.
     */
    async markAccepted(sesMessageId: string, actor: string, now: string): Promise<IntakeEntry | undefined> {
      const entry = await readIntakeEntry(sesMessageId);
      if (!entry) return undefined;
      const accepted = acceptedEntry(entry, actor, now);
      const held = HELD_OUTCOMES.map((_, index) => `:held${index}`).join(', ');
      // A held follow-up goes to the ticket it continues: it gets that ticket's number now.
      const ticket = accepted.outcome === 'follow_up' ? ', ticketNumber = :ticket' : '';
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.intakeEntry(sesMessageId),
            UpdateExpression: `SET outcome = :accepted, detail = :detail, acceptedBy = :actor, acceptedAt = :now, gsi2pk = :gsi2pk, gsi2sk = :gsi2sk${ticket}`,
            // Held, and not yet a ticket; or accepted already, before its ticket was opened (the
            // first attempt may have stopped halfway), or as a follow-up (adding it is idempotent).
            ConditionExpression: `(outcome IN (${held}) AND attribute_not_exists(ticketNumber)) OR (outcome = :accepted AND attribute_exists(acceptedBy) AND (attribute_not_exists(ticketNumber) OR outcome = :followUp))`,
            ExpressionAttributeValues: {
              ':accepted': accepted.outcome,
              ':followUp': 'follow_up',
              ...Object.fromEntries(HELD_OUTCOMES.map((outcome, index) => [`:held${index}`, outcome])),
              ':detail': accepted.detail,
              ':actor': actor,
              ':now': now,
              ...(accepted.outcome === 'follow_up' ? { ':ticket': accepted.ticketNumber } : {}),
              ...expressionValues(keys.intakeByOutcome(accepted.outcome, entry.receivedAt, sesMessageId)),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return Attributes ? IntakeEntry.parse(Attributes) : undefined;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return undefined;
        throw error;
      }
    },
  } satisfies IntakeLog;
}

/** The intake log as this adapter makes it. */
export type IntakeLogStore = ReturnType<typeof makeIntakeLogStore>;

/** A refusal, read on; anything else (throttling, a network fault) goes on up unchanged. */
function refusalOf(error: unknown): TransactionRefusedError {
  if (error instanceof TransactionRefusedError) return error;
  throw error;
}
