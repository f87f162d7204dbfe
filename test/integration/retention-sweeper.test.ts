/**
 * The local TTL sweeper against DynamoDB Local: it hands only expired items to the handler, as
 * TTL removals of the stream's shape, deletes them once purged, leaves an item whose purge
 * failed for the next sweep, and never deletes an item whose purge date moved meanwhile.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepExpired } from '#local/ttl-sweeper.ts';
import { documentClient } from '#shared/adapters/aws-clients.ts';
import { isTtlRemoval } from '#shared/adapters/purge-store.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';

const NOW = new Date('2027-06-01T00:00:00.000Z');
const PAST = Math.floor(NOW.getTime() / 1000) - 60;
const FUTURE = Math.floor(NOW.getTime() / 1000) + 86_400;

let test: TestResources;

beforeAll(async () => {
  test = await makeTestResources('ttl-sweeper');
});

afterAll(() => test?.destroy());

describe('the local TTL sweeper', () => {
  it('purges and deletes expired items only, keeps a failed one for the next sweep, and spares one given a new date', async () => {
    // Prepare
    const db = documentClient(test.clients.dynamodb);
    const tableName = test.resources.tableName;
    const put = (pk: string, expiresAt?: number) =>
      db.send(
        new PutCommand({ TableName: tableName, Item: { pk, sk: 'X', ...(expiresAt ? { expiresAt } : {}) } }),
      );
    const exists = async (pk: string) =>
      (await db.send(new GetCommand({ TableName: tableName, Key: { pk, sk: 'X' }, ConsistentRead: true })))
        .Item !== undefined;
    await put('EXPIRED#1', PAST);
    await put('FAILS#1', PAST);
    await put('LATER#1', FUTURE);
    await put('KEPT#1');
    const seen: DynamoDBRecord[] = [];
    let failOn: string | undefined = 'FAILS#1';
    const handler = async (event: DynamoDBStreamEvent) => {
      for (const record of event.Records) {
        const pk = record.dynamodb?.OldImage?.pk?.S;
        if (pk === failOn)
          return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
        seen.push(record);
        if (pk === 'EXPIRED#1') {
          // A writer gives the item a new purge date while its purge runs: it must stay.
          await db.send(
            new UpdateCommand({
              TableName: tableName,
              Key: { pk, sk: 'X' },
              UpdateExpression: 'SET expiresAt = :later',
              ExpressionAttributeValues: { ':later': FUTURE },
            }),
          );
        }
      }
      return { batchItemFailures: [] };
    };

    // Act: a sweep where one purge fails, then another where it succeeds.
    const first = await sweepExpired({ dynamodb: test.clients.dynamodb, tableName, handler, now: NOW });
    const failedStill = await exists('FAILS#1');
    failOn = undefined;
    const second = await sweepExpired({ dynamodb: test.clients.dynamodb, tableName, handler, now: NOW });

    // Assess
    expect(first.expired).toBe(2);
    expect(first.failed).toBeGreaterThanOrEqual(1);
    expect(failedStill).toBe(true);
    // Scan order decides whether the other expired item went in the first sweep or waited.
    expect(second.failed).toBe(0);
    expect(await exists('FAILS#1')).toBe(false);
    expect(await exists('EXPIRED#1')).toBe(true);
    expect(await exists('LATER#1')).toBe(true);
    expect(await exists('KEPT#1')).toBe(true);
    expect(seen.every(isTtlRemoval)).toBe(true);
    expect(seen.map((record) => record.dynamodb?.OldImage?.pk?.S).sort()).toEqual(['EXPIRED#1', 'FAILS#1']);
  });
});
