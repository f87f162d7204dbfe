/**
 * The purge's side of DynamoDB and S3: the rest of a removed item's partition, its deletion, the
 * deletion of raw mails, and the stream consumer that hands each TTL removal to the purge step.
 *
 * The same consumer serves DynamoDB Streams in AWS and the local TTL sweeper
 * (`local/ttl-sweeper.ts`), which builds records of the same shape: one purge code path.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import * as z from 'zod';
import { type RemovedItem, ttlRemovalIdentity } from '#shared/domain/retention.ts';
import { logger } from '#shared/logger.ts';
import { queryAll } from './table-queries.ts';

/** Deletions at once: quick on a long ticket, few enough not to throttle. */
const PARALLEL_DELETES = 10;

/** Whether a stream record is a TTL removal (what `ttlRemovalFilter` lets through). */
export function isTtlRemoval(record: DynamoDBRecord): boolean {
  const identity = record.userIdentity as { type?: string; principalId?: string } | undefined;
  return (
    record.eventName === 'REMOVE' &&
    identity?.type === ttlRemovalIdentity.type &&
    identity.principalId === ttlRemovalIdentity.principalId
  );
}

const RemovedItemSchema = z.looseObject({ pk: z.string(), sk: z.string() });

/** The item a removal record carries (its old image), parsed. */
export function removedItemOf(record: DynamoDBRecord): RemovedItem {
  const image = record.dynamodb?.OldImage;
  if (!image) throw new MissingOldImageError(record.dynamodb?.SequenceNumber);
  return RemovedItemSchema.parse(unmarshall(image as Record<string, AttributeValue>)) as RemovedItem;
}

/** Raised when a removal carries no old image: the stream is not `OLD_IMAGE` (or `NEW_AND_OLD_IMAGES`). */
export class MissingOldImageError extends Error {
  override name = 'MissingOldImageError';
  constructor(sequenceNumber: string | undefined) {
    super(`Stream record ${sequenceNumber ?? '?'} has no old image: the table's stream must carry OLD_IMAGE`);
  }
}

/**
 * A Lambda handler for the table's stream that gives each TTL removal to `purge`, in stream
 * order. Records that are not TTL removals are skipped (the filter already leaves them out in
 * AWS). At the first failure it stops and reports that record (partial batch response): Lambda
 * retries from it, so a purge is never skipped, and after the mapping's retries the batch's
 * description goes to its dead-letter queue, which has an alarm.
 */
export function ttlRemovalConsumer(purge: (item: RemovedItem) => Promise<unknown>) {
  return middy<DynamoDBStreamEvent, DynamoDBBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger))
    .handler(async (event) => {
      for (const record of event.Records) {
        if (!isTtlRemoval(record)) continue;
        try {
          await purge(removedItemOf(record));
        } catch (error) {
          const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
          // Keys only: a partition key names a ticket or an SES message id, never mail text.
          const keys = record.dynamodb?.Keys;
          logger.error('Purge failed', { sequenceNumber, pk: keys?.pk?.S, sk: keys?.sk?.S, error });
          return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
        }
      }
      return { batchItemFailures: [] };
    });
}

/** The purge's reads and deletions in the desk table. */
export function makePurgeStore({ client, tableName }: { client: DynamoDBDocumentClient; tableName: string }) {
  return {
    /** Every item left in a partition, with what the cascade reads (raw mail, link). */
    async partition(pk: string): Promise<RemovedItem[]> {
      const { items } = await queryAll(
        { client, tableName },
        {
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ProjectionExpression: 'pk, sk, ticketNumber, sesMessageId, direction, rawMail',
          ConsistentRead: true,
        },
      );
      return items.map((item) => RemovedItemSchema.parse(item) as RemovedItem);
    },

    /**
     * Deletes items by key, a few at a time. One DeleteItem each rather than BatchWriteItem,
     * so the purge's role may delete and never write (BatchWriteItem would also allow puts).
     */
    async deleteItems(items: ReadonlyArray<{ pk: string; sk: string }>): Promise<void> {
      for (let start = 0; start < items.length; start += PARALLEL_DELETES) {
        await Promise.all(
          items
            .slice(start, start + PARALLEL_DELETES)
            .map(({ pk, sk }) => client.send(new DeleteCommand({ TableName: tableName, Key: { pk, sk } }))),
        );
      }
    },
  };
}

/** Deletes raw mails from the raw-mail bucket (a missing object is no error: S3 says nothing). */
export function makeRawMailPurge({ client, bucket }: { client: S3Client; bucket: string }) {
  return {
    async deleteRawMails(keys: readonly string[]): Promise<void> {
      for (const key of keys) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}

export type PurgeStore = ReturnType<typeof makePurgeStore>;
export type RawMailPurge = ReturnType<typeof makeRawMailPurge>;
