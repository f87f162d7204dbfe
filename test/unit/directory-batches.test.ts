/**
 * Batched directory writes: several batches in flight, nothing started after a failure, and a
 * refused transaction retried without the items a newer generation already wrote. Transaction
 * refusals injected with `aws-sdk-client-mock`.
 */
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { inBatches, writeInTransactions } from '#shared/adapters/directory/batches.ts';
import { DirectoryStoreError } from '#shared/adapters/directory/errors.ts';

describe('inBatches', () => {
  it('runs every batch and reports each one done', async () => {
    // Prepare
    const seen: number[][] = [];
    const done: number[] = [];

    // Act
    await inBatches(
      [1, 2, 3, 4, 5],
      2,
      async (batch) => void seen.push(batch),
      (count) => done.push(count),
    );

    // Assess
    expect(seen).toEqual([[1, 2], [3, 4], [5]]);
    expect(done).toEqual([2, 2, 1]);
  });

  it('starts no batch after one failed, and throws only once those in flight are done', async () => {
    // Prepare: batch 0 fails while batch 1 is still running.
    const items = Array.from({ length: 40 }, (_, index) => index);
    const started: number[] = [];
    const finished: number[] = [];
    let releaseSecond: () => void = () => {};
    const secondRunning = new Promise<void>((resolve) => {
      releaseSecond = resolve;
    });

    // Act
    const running = inBatches(items, 1, async ([item = -1]) => {
      started.push(item);
      if (item === 0) {
        await Promise.resolve();
        throw new Error('batch 0 failed');
      }
      if (item === 1) await secondRunning;
      finished.push(item);
    });
    const outcome = running.then(
      () => 'resolved',
      () => 'rejected',
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    const settledBeforeRelease = await Promise.race([outcome, Promise.resolve('pending')]);
    releaseSecond();

    // Assess
    expect(settledBeforeRelease).toBe('pending');
    await expect(running).rejects.toThrow('batch 0 failed');
    expect(finished).toContain(1);
    expect(started.length).toBeLessThan(items.length);
  });
});

describe('writeInTransactions', () => {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
  const dynamodb = mockClient(client);
  beforeEach(() => {
    dynamodb.reset();
  });

  const items = ['a', 'b', 'c'].map((email) => ({ pk: `CONTACT#${email}`, sk: 'CONTACT', generation: 2 }));
  const condition = {
    ConditionExpression: 'attribute_not_exists(generation) OR generation <= :generation',
    ExpressionAttributeValues: { ':generation': 2 },
  };
  const refused = (...codes: string[]) =>
    new TransactionCanceledException({
      message: 'Transaction cancelled',
      $metadata: {},
      CancellationReasons: codes.map((Code) => ({ Code })),
    });

  it('leaves the items a newer generation wrote, and writes the rest at once', async () => {
    // Prepare: `b` fails its condition.
    dynamodb
      .on(TransactWriteCommand)
      .rejectsOnce(refused('None', 'ConditionalCheckFailed', 'None'))
      .resolvesOnce({});
    const done: number[] = [];

    // Act
    await writeInTransactions(client, 'desk', items, { onDone: (count) => done.push(count), condition });

    // Assess
    const calls = dynamodb.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input.TransactItems?.map((action) => action.Put?.Item?.pk)).toEqual([
      'CONTACT#a',
      'CONTACT#c',
    ]);
    expect(calls[1]?.args[0].input.TransactItems?.[0]?.Put).toMatchObject(condition);
    expect(done).toEqual([3]);
  });

  it('retries a transaction refused for another reason than a condition', async () => {
    // Prepare
    dynamodb
      .on(TransactWriteCommand)
      .rejectsOnce(refused('ThrottlingError', 'None', 'None'))
      .resolvesOnce({});

    // Act
    await writeInTransactions(client, 'desk', items, { onDone: () => {} });

    // Assess
    const calls = dynamodb.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input.TransactItems).toHaveLength(3);
  });

  it('throws a DirectoryStoreError at once on a fault that is not a refusal', async () => {
    // Prepare
    dynamodb.on(TransactWriteCommand).rejects(new Error('socket hang up'));

    // Act
    const writing = writeInTransactions(client, 'desk', items, { onDone: () => {} });

    // Assess
    await expect(writing).rejects.toThrow(new DirectoryStoreError('Writing directory entries failed'));
    expect(dynamodb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });
});
