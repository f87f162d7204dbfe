/**
 * DynamoDB's TTL, played locally: DynamoDB Local accepts the TTL setting but never deletes, so
 * this sweeper finds the items whose `expiresAt` has passed and hands each to the purge handler
 * (`functions/retention-purge.ts`) as the stream record DynamoDB would have written (a `REMOVE`
 * by `dynamodb.amazonaws.com`, with its old image), then deletes it. The same handler, the same
 * filter, the same cascade as in AWS.
 *
 * One difference, on purpose: the purge runs before the item's deletion, not after. A sweep
 * stopped between the two (Ctrl-C, a crash, a failed purge) finds the item again next time and
 * repeats the purge, which is idempotent; it never leaves a deleted item whose purge was lost.
 * An item removed meanwhile is skipped: its deletion is conditional on its purge date.
 */

import { setTimeout as pause } from 'node:timers/promises';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  paginateScan,
} from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { isTtlRemoval } from '#shared/adapters/purge-store.ts';
import { ttlRemovalIdentity } from '#shared/domain/retention.ts';
import { deskTable } from '#shared/table.ts';

/** Records handed to the handler at once: the event source mapping's batch size. */
const BATCH_SIZE = 100;

/**
 * The scan reads the table this many items per page and rests between pages. DynamoDB's TTL
 * works in the background and never delays a request; a whole-table scan in one go held
 * DynamoDB Local (one writer, one CPU) for a second or more every minute at bench sizes, and
 * every mail arriving meanwhile waited behind it (docs/PERFORMANCE.md, intake, « What limits it now »).
 */
const SCAN_PAGE_SIZE = 250;
const PAUSE_BETWEEN_PAGES_MS = 25;

/** The stream's handler, as Lambda calls it. */
export type StreamHandler = (
  event: DynamoDBStreamEvent,
  context: Context,
) => Promise<DynamoDBBatchResponse | undefined>;

/** What one sweep did. */
export type Sweep = { expired: number; purged: number; failed: number };

const context = {
  functionName: 'retention-purge',
  awsRequestId: 'local-ttl-sweeper',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

/**
 * One sweep: every item expired at `now` is purged through `handler`, then deleted (on condition
 * that its purge date is still the one read). Items whose record failed stay for the next sweep.
 */
export async function sweepExpired(input: {
  dynamodb: DynamoDBClient;
  tableName: string;
  handler: StreamHandler;
  now?: Date;
}): Promise<Sweep> {
  const { dynamodb, tableName, handler } = input;
  const nowSeconds = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const ttl = deskTable.timeToLiveAttribute;
  const expired: Array<Record<string, AttributeValue>> = [];
  for await (const page of paginateScan(
    { client: dynamodb, pageSize: SCAN_PAGE_SIZE },
    {
      TableName: tableName,
      FilterExpression: '#ttl <= :now',
      ExpressionAttributeNames: { '#ttl': ttl },
      ExpressionAttributeValues: { ':now': { N: String(nowSeconds) } },
      ConsistentRead: true,
    },
  )) {
    expired.push(...(page.Items ?? []));
    if (page.LastEvaluatedKey !== undefined) await pause(PAUSE_BETWEEN_PAGES_MS);
  }

  let purged = 0;
  let failed = 0;
  let sequence = Date.now() * 1000;
  for (let start = 0; start < expired.length; start += BATCH_SIZE) {
    const items = expired.slice(start, start + BATCH_SIZE);
    const records = items.map((item) => ttlRemovalRecord(item, String(sequence++)));
    const answer = await handler({ Records: records.filter(isTtlRemoval) }, context);
    // As Lambda does with a stream: the first failure and everything after it come back.
    const firstFailed = answer?.batchItemFailures?.[0]?.itemIdentifier;
    const failedAt =
      firstFailed === undefined ? -1 : records.findIndex((r) => r.dynamodb?.SequenceNumber === firstFailed);
    const done = failedAt === -1 ? items : items.slice(0, failedAt);
    failed += items.length - done.length;
    for (const item of done) if (await deleteIfStillExpired(dynamodb, tableName, item)) purged += 1;
    if (failedAt !== -1) break;
  }
  return { expired: expired.length, purged, failed };
}

/** The record DynamoDB Streams writes when TTL removes `item` (stream view `OLD_IMAGE`). */
export function ttlRemovalRecord(
  item: Record<string, AttributeValue>,
  sequenceNumber: string,
): DynamoDBRecord {
  const keys = { pk: item.pk, sk: item.sk } as Record<string, AttributeValue>;
  return {
    eventID: `local-${sequenceNumber}`,
    eventName: 'REMOVE',
    eventSource: 'aws:dynamodb',
    eventVersion: '1.1',
    awsRegion: 'local',
    userIdentity: { ...ttlRemovalIdentity },
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      Keys: keys as never,
      OldImage: item as never,
      SequenceNumber: sequenceNumber,
      SizeBytes: 0,
      StreamViewType: 'OLD_IMAGE',
    },
  };
}

async function deleteIfStillExpired(
  dynamodb: DynamoDBClient,
  tableName: string,
  item: Record<string, AttributeValue>,
): Promise<boolean> {
  const ttl = deskTable.timeToLiveAttribute;
  const expiresAt = item[ttl];
  if (!expiresAt) return false;
  try {
    await dynamodb.send(
      new DeleteItemCommand({
        TableName: tableName,
        Key: { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue },
        ConditionExpression: '#ttl = :read',
        ExpressionAttributeNames: { '#ttl': ttl },
        ExpressionAttributeValues: { ':read': expiresAt },
      }),
    );
    return true;
  } catch (error) {
    // Gone already (the cascade of its partition's head), or given another purge date meanwhile.
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** How often the local sweep runs by default: DynamoDB's TTL is lazier still (days). */
export const SWEEP_EVERY_MS = 60_000;

/**
 * One sweep with the real handler, imported as Lambda would once the desk's environment is set;
 * the local scheduler (`startSchedulerTick` in stack.ts) runs it, one at a time.
 */
export async function makeTtlSweep(
  dynamodb: DynamoDBClient,
  tableName: string,
): Promise<() => Promise<void>> {
  const handler = (await import('#functions/retention-purge.ts')).handler as unknown as StreamHandler;
  return async () => {
    await sweepExpired({ dynamodb, tableName, handler });
  };
}
