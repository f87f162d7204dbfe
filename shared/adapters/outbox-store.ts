/**
 * The send states of the mails we send, in DynamoDB. Each outgoing mail is recorded `queued` (by
 * the step that decided to send it), in the outbox sweeper's index and with its queue message
 * (`queuedMail` in `items.ts`). The mailer claims it (`queued → sending`, with a lease) before
 * calling SES, and only the delivery whose claim succeeds sends: SES has no idempotency token,
 * this is it. Then it records `sent` or `failed`, or gives the claim back (`queued`) when the send
 * may be retried. A claim found past its lease becomes `unknown`.
 *
 * Every move is one conditional update that also moves the record in the sweeper's sparse index
 * (gsi2 `OUTBOX#queued` / `OUTBOX#sending`), so the index always agrees with the status; a mail
 * `failed` or `unknown` moves to `OUTBOX#problem`, which the dashboard counts.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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

  /** Reads one partition of the sweeper's index below `before`, oldest first. */
  async function inFlight(partition: string, before: string, limit: number): Promise<StrandedMail[]> {
    const found: StrandedMail[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk < :before',
          ExpressionAttributeValues: { ':pk': partition, ':before': before },
          Limit: limit - found.length,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const position = String(item.gsi2sk);
        found.push({
          message: OutboxMessage.parse(queuedMessage(item)),
          position,
          since: position.slice(0, position.indexOf('#')),
          requeues: typeof item.requeues === 'number' ? item.requeues : 0,
        });
      }
      start = page.LastEvaluatedKey;
    } while (start && found.length < limit);
    return found;
  }

  return {
    async claimSend(message, now, leaseUntil): Promise<SendClaim> {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keyOf(message),
            UpdateExpression:
              'SET #status = :sending, claimedAt = :now, leaseUntil = :lease, gsi2pk = :pk, gsi2sk = :sk',
            ConditionExpression: '#status = :queued',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':sending': 'sending',
              ':queued': 'queued',
              ':now': now,
              ':lease': leaseUntil,
              ':pk': keys.outboxSendingPartition(),
              ':sk': keys.outboxSending(leaseUntil, message.outboxId).gsi2sk,
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
            'SET #status = :sent, sentAt = :at, sentMessageId = :id REMOVE gsi2pk, gsi2sk, outbox, failedAt, sendError, sendReason',
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
            'SET #status = :failed, failedAt = :at, sendError = :code, sendReason = :reason, gsi2pk = :pk, gsi2sk = :sk REMOVE outbox',
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
      // Back in the queued partition at `now`: the sweeper leaves it to SQS's retries for a while.
      await conditionally(
        new UpdateCommand({
          TableName: tableName,
          Key: keyOf(message),
          UpdateExpression: 'SET #status = :queued, gsi2pk = :pk, gsi2sk = :sk REMOVE claimedAt, leaseUntil',
          ConditionExpression: '#status = :sending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':queued': 'queued',
            ':sending': 'sending',
            ...prefixed(keys.outboxQueued(now, message.outboxId)),
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
            'SET #status = :unknown, failedAt = :at, sendReason = :reason, gsi2pk = :pk, gsi2sk = :sk REMOVE outbox',
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

    queuedBefore: (cutoff, limit) => inFlight(keys.outboxQueuedPartition(), cutoff, limit),

    sendingPastLease: (now, limit) => inFlight(keys.outboxSendingPartition(), now, limit),

    async markRequeued(mail, now) {
      return conditionally(
        new UpdateCommand({
          TableName: tableName,
          Key: keyOf(mail.message),
          UpdateExpression: 'SET gsi2sk = :sk ADD requeues :one',
          ConditionExpression: '#status = :queued AND gsi2sk = :position',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':sk': keys.outboxQueued(now, mail.message.outboxId).gsi2sk,
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
          UpdateExpression: 'REMOVE gsi2pk, gsi2sk',
          ConditionExpression: '#status = :queued AND gsi2sk = :position',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':queued': 'queued', ':position': mail.position },
        }),
      );
    },
  } satisfies SendClaims & OutboxSweepRecords;
}

/** Index attributes as expression values (`gsi2pk` → `:pk`, `gsi2sk` → `:sk`). */
function prefixed(index: { gsi2pk: string; gsi2sk: string }) {
  return { ':pk': index.gsi2pk, ':sk': index.gsi2sk };
}

/** The send states as this adapter makes them. */
export type OutboxStore = ReturnType<typeof makeOutboxStore>;
