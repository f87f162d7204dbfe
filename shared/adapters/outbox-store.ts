/**
 * The send states of the mails we send, in DynamoDB. Each outgoing mail is recorded `queued` (by
 * the step that decided to send it), in the outbox sweeper's index and with its queue message
 * (`queuedMail` in `items.ts`). The mailer claims it (`queued → sending`, with a lease) before
 * calling SES, and only the delivery whose claim succeeds sends: SES has no idempotency token,
 * this is it. Then it records `sent` or `failed`, or gives the claim back (`queued`) when the send
 * may be retried. A claim found past its lease becomes `unknown`.
 *
 * A mail in flight sits in the sweeper's sparse, keys-only index (gsi4 `OUTBOX#inflight`, by when
 * it was queued, given back or re-queued); the claim leaves it there, so that the claim, the most
 * frequent of these writes, costs no index write. Every write that ends the flight takes it out
 * in the same conditional update as the status; a mail `failed` or `unknown` moves to gsi2
 * `OUTBOX#problem`, which the dashboard counts. The sweeper reads each candidate the index names
 * from the table (consistently) and judges it on its status there.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { OutboxSweepRecords, SendClaim, SendClaims, StrandedMail } from '#shared/domain/intake-ports.ts';
import { OutboxMessage } from '#shared/domain/messages.ts';
import { SendStatus } from '#shared/domain/records.ts';
import { queuedMessage } from './items.ts';
import { keys } from './keys.ts';

/** Makes the outbox's send states over a DynamoDB document client and the desk table's name. */
export function makeOutboxStore({
  client,
  tableName,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
}) {
  const keyOf = (message: OutboxMessage) => keys.outbound(message.record, message.outboxId);

  /** An update that may find its condition false; returns whether it applied. */
  async function conditionally(command: UpdateCommand): Promise<boolean> {
    try {
      await client.send(command);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * The mails in flight whose index time is before `before`, oldest first, read from the table
   * and kept when `keep` says so: at most `limit` kept, at most `CANDIDATES_PER_LIMIT × limit`
   * read, so that a long backlog of mails legitimately in flight does not make a tick unbounded.
   */
  async function inFlight(
    before: string,
    limit: number,
    keep: (item: Record<string, unknown>) => string | undefined,
  ): Promise<StrandedMail[]> {
    const found: StrandedMail[] = [];
    let examined = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi4',
          KeyConditionExpression: 'gsi4pk = :pk AND gsi4sk < :before',
          ExpressionAttributeValues: { ':pk': keys.outboxInFlightPartition(), ':before': before },
          Limit: CANDIDATE_PAGE,
          ExclusiveStartKey: start,
        }),
      );
      const candidates = page.Items ?? [];
      examined += candidates.length;
      const items = await Promise.all(
        candidates.map(async (candidate) => {
          const { Item } = await client.send(
            new GetCommand({
              TableName: tableName,
              Key: { pk: candidate.pk, sk: candidate.sk },
              ConsistentRead: true,
            }),
          );
          return Item;
        }),
      );
      for (const item of items) {
        // Moved or gone since the index was read: the next tick sees it where it is.
        if (!item || typeof item.gsi4sk !== 'string') continue;
        const since = keep(item);
        if (since === undefined || found.length >= limit) continue;
        found.push({
          message: OutboxMessage.parse(queuedMessage(item)),
          position: item.gsi4sk,
          since,
          requeues: typeof item.requeues === 'number' ? item.requeues : 0,
        });
      }
      start = page.LastEvaluatedKey;
    } while (start && found.length < limit && examined < limit * CANDIDATES_PER_LIMIT);
    return found;
  }

  return {
    // When the claim was made is not stored: nothing reads it back (the lease says how long it
    // holds), and its 33 bytes at every claim took an acknowledgment with three suggestions past
    // 1 KB, two write units instead of one.
    async claimSend(message, _now, leaseUntil): Promise<SendClaim> {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keyOf(message),
            // Neither gsi4's keys nor anything it projects: no index write.
            UpdateExpression: 'SET #status = :sending, leaseUntil = :lease',
            ConditionExpression: '#status = :queued',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':sending': 'sending',
              ':queued': 'queued',
              ':lease': leaseUntil,
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { claimed: true, leaseUntil };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        // What the record said: another delivery's claim may have expired (the step decides).
        const found = error.Item ? unmarshall(error.Item) : undefined;
        const status = SendStatus.safeParse(found?.status);
        return {
          claimed: false,
          status: status.success ? status.data : undefined,
          leaseUntil: typeof found?.leaseUntil === 'string' ? found.leaseUntil : undefined,
        };
      }
    },

    async recordSent(message, sent) {
      // Whatever the record says now (even `unknown`, had a sweep misjudged a slow send), SES
      // took the mail: that is the truth to keep. Only a purged record is not written again.
      await conditionally(
        new UpdateCommand({
          TableName: tableName,
          Key: keyOf(message),
          UpdateExpression:
            'SET #status = :sent, sentAt = :at, sentMessageId = :id REMOVE gsi2pk, gsi2sk, gsi4pk, gsi4sk, outbox, failedAt, sendError, sendReason',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sent': 'sent', ':at': sent.at, ':id': sent.sentMessageId },
        }),
      );
    },

    async recordFailed(message, failure) {
      await conditionally(
        new UpdateCommand({
          TableName: tableName,
          Key: keyOf(message),
          UpdateExpression:
            'SET #status = :failed, failedAt = :at, sendError = :code, sendReason = :reason, gsi2pk = :pk, gsi2sk = :sk REMOVE gsi4pk, gsi4sk, outbox',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':failed': 'failed',
            ':at': failure.at,
            ':code': failure.code,
            ':reason': failure.reason,
            ...prefixed(keys.outboxProblem(failure.at, message.outboxId)),
          },
        }),
      );
    },

    async releaseSend(message, now) {
      // In flight again from `now`: the sweeper leaves it to SQS's retries for a while.
      await conditionally(
        new UpdateCommand({
          TableName: tableName,
          Key: keyOf(message),
          // `claimedAt`: written by claims before it was dropped.
          UpdateExpression: 'SET #status = :queued, gsi4pk = :pk, gsi4sk = :sk REMOVE claimedAt, leaseUntil',
          ConditionExpression: '#status = :sending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':queued': 'queued',
            ':sending': 'sending',
            ':pk': keys.outboxInFlightPartition(),
            ':sk': keys.outboxInFlight(now, message.outboxId).gsi4sk,
          },
        }),
      );
    },

    async markUnknown(message, expired) {
      return conditionally(
        new UpdateCommand({
          TableName: tableName,
          Key: keyOf(message),
          UpdateExpression:
            'SET #status = :unknown, failedAt = :at, sendReason = :reason, gsi2pk = :pk, gsi2sk = :sk REMOVE gsi4pk, gsi4sk, outbox',
          ConditionExpression: '#status = :sending AND leaseUntil = :lease',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':unknown': 'unknown',
            ':sending': 'sending',
            ':lease': expired.leaseUntil,
            ':at': expired.at,
            ':reason': expired.reason,
            ...prefixed(keys.outboxProblem(expired.at, message.outboxId)),
          },
        }),
      );
    },

    queuedBefore: (cutoff, limit) =>
      inFlight(cutoff, limit, (item) =>
        item.status === 'queued' ? sinceOf(String(item.gsi4sk)) : undefined,
      ),

    // A claim comes after the mail entered the index, so a lease ended before `now` belongs to a
    // mail whose index time is before `now` too.
    sendingPastLease: (now, limit) =>
      inFlight(now, limit, (item) =>
        item.status === 'sending' && typeof item.leaseUntil === 'string' && item.leaseUntil < now
          ? item.leaseUntil
          : undefined,
      ),

    async markRequeued(mail, now) {
      return conditionally(
        new UpdateCommand({
          TableName: tableName,
          Key: keyOf(mail.message),
          UpdateExpression: 'SET gsi4sk = :sk ADD requeues :one',
          ConditionExpression: '#status = :queued AND gsi4sk = :position',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':sk': keys.outboxInFlight(now, mail.message.outboxId).gsi4sk,
            ':one': 1,
            ':queued': 'queued',
            ':position': mail.position,
          },
        }),
      );
    },

    async stopSweeping(mail) {
      await conditionally(
        new UpdateCommand({
          TableName: tableName,
          Key: keyOf(mail.message),
          UpdateExpression: 'REMOVE gsi4pk, gsi4sk',
          ConditionExpression: '#status = :queued AND gsi4sk = :position',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':queued': 'queued', ':position': mail.position },
        }),
      );
    },
  } satisfies SendClaims & OutboxSweepRecords;
}

/** Candidates read per page of the sweeper's index. */
const CANDIDATE_PAGE = 100;

/** Candidates read per mail a sweep may return: the bound of one sweep's reads. */
const CANDIDATES_PER_LIMIT = 5;

/** The time part of an index position (`<time>#<outboxId>`). */
function sinceOf(position: string): string {
  return position.slice(0, position.indexOf('#'));
}

/** Index attributes as expression values (`gsi2pk` → `:pk`, `gsi2sk` → `:sk`). */
function prefixed(index: { gsi2pk: string; gsi2sk: string }) {
  return { ':pk': index.gsi2pk, ':sk': index.gsi2sk };
}

/** The send states as this adapter makes them. */
export type OutboxStore = ReturnType<typeof makeOutboxStore>;
