/**
 * The local runner delivers queue messages to handlers as the Lambda SQS event source mapping
 * does: batches of the stage's size, partial batch failures, retries through the visibility
 * timeout, the dead-letter queue after `maxReceiveCount`, bounded concurrency.
 */
import { randomUUID } from 'node:crypto';
import { SqsSchema } from '@aws-lambda-powertools/parser/schemas/sqs';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LocalClients, makeLocalClients } from '#local/emulators.ts';
import { ensureStageQueue, type StageQueue } from '#local/resources.ts';
import {
  InvalidBatchResponseError,
  type QueueConsumer,
  type QueueRunner,
  type QueueRunnerOptions,
  startQueueRunner,
} from '#local/runner.ts';
import type { QueueStage } from '#shared/pipeline.ts';
import { testEndpoints } from '../support/aws.ts';

/** A stage like the pipeline's, small enough to see batching and concurrency. */
const testStage: QueueStage = {
  queue: 'intake',
  urlVariable: 'INTAKE_QUEUE_URL',
  consumer: 'screen',
  batchSize: 3,
  maxBatchingWindowSeconds: 0,
  functionTimeoutSeconds: 5,
  maxReceiveCount: 2,
  maxConcurrency: 1,
};

let clients: LocalClients;
let runner: QueueRunner | undefined;

beforeAll(() => {
  clients = makeLocalClients(testEndpoints());
});

afterEach(async () => {
  await runner?.stop();
  runner = undefined;
});

afterAll(() => {
  for (const client of Object.values(clients)) client.destroy();
});

/** A fresh queue for `stage`; failures come back after one second instead of six times the timeout. */
async function freshQueue(stage: QueueStage): Promise<StageQueue> {
  return ensureStageQueue(clients.sqs, stage, `runner-${randomUUID().slice(0, 8)}-`, {
    visibilityTimeoutSeconds: 1,
  });
}

function run(
  stage: QueueStage,
  queue: StageQueue,
  handler: QueueConsumer,
  extra: Partial<QueueRunnerOptions> = {},
) {
  runner = startQueueRunner({
    sqs: clients.sqs,
    stages: [stage],
    queueUrls: { [stage.queue]: queue.queueUrl },
    handlers: { [stage.consumer]: handler },
    onError: () => {},
    ...extra,
  });
  return runner;
}

async function send(sqs: SQSClient, queueUrl: string, bodies: string[]): Promise<void> {
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: bodies.map((body, index) => ({ Id: String(index), MessageBody: body })),
    }),
  );
}

/** Messages still in the queue, visible or not. */
async function messagesLeft(queueUrl: string): Promise<number> {
  const found = await clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(found.Attributes?.ApproximateNumberOfMessages) +
    Number(found.Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

describe('startQueueRunner', () => {
  it('delivers Lambda-shaped batches of the stage size and deletes the records that succeeded', async () => {
    // Prepare
    const queue = await freshQueue(testStage);
    await send(clients.sqs, queue.queueUrl, ['m1', 'm2', 'm3', 'm4', 'm5']);
    const events: SQSEvent[] = [];
    const contexts: Context[] = [];
    const allSeen = deferred();
    const handler: QueueConsumer = async (event, context) => {
      events.push(event);
      contexts.push(context);
      if (events.flatMap((e) => e.Records).length === 5) allSeen.resolve();
    };

    // Act
    const started = run(testStage, queue, handler);
    await allSeen.promise;
    await started.stop();

    // Assess
    expect(events.map((event) => event.Records.length)).toEqual([3, 2]);
    expect(
      events
        .flatMap((event) => event.Records)
        .map((record) => record.body)
        .sort(),
    ).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    for (const event of events) expect(SqsSchema.safeParse(event).success).toBe(true);
    expect(events[0]?.Records[0]).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: queue.queueArn,
      awsRegion: 'eu-west-1',
      attributes: { ApproximateReceiveCount: '1' },
    });
    expect(contexts[0]?.functionName).toBe('lsun-local-screen');
    expect(contexts[0]?.getRemainingTimeInMillis()).toBeLessThanOrEqual(5_000);
    expect(await messagesLeft(queue.queueUrl)).toBe(0);
  });

  it('passes message attributes in the camel-case shape Lambda uses', async () => {
    // Prepare
    const queue = await freshQueue(testStage);
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.queueUrl,
        MessageBody: 'with attributes',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'ack' } },
      }),
    );
    const seen = deferred<SQSRecord>();

    // Act
    run(testStage, queue, async (event) => {
      if (event.Records[0]) seen.resolve(event.Records[0]);
    });
    const record = await seen.promise;

    // Assess
    expect(record.messageAttributes.kind).toEqual({
      stringValue: 'ack',
      stringListValues: [],
      binaryListValues: [],
      dataType: 'String',
    });
  });

  it('brings back a record reported in batchItemFailures and moves it to the dead-letter queue after maxReceiveCount', async () => {
    // Prepare
    const queue = await freshQueue(testStage);
    await send(clients.sqs, queue.queueUrl, ['ok-1', 'bad', 'ok-2']);
    const deliveries: { body: string; receiveCount: string }[] = [];
    const handler: QueueConsumer = async (event) => {
      deliveries.push(
        ...event.Records.map((record) => ({
          body: record.body,
          receiveCount: record.attributes.ApproximateReceiveCount,
        })),
      );
      const failed = event.Records.filter((record) => record.body === 'bad');
      return { batchItemFailures: failed.map((record) => ({ itemIdentifier: record.messageId })) };
    };

    // Act
    run(testStage, queue, handler);
    const deadLetters = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.deadLetterQueueUrl,
        WaitTimeSeconds: 20,
        MessageSystemAttributeNames: ['All'],
      }),
    );

    // Assess
    expect(deadLetters.Messages?.map((message) => message.Body)).toEqual(['bad']);
    expect(
      deliveries.filter((delivery) => delivery.body === 'bad').map((delivery) => delivery.receiveCount),
    ).toEqual(['1', '2']);
    expect(
      deliveries
        .filter((delivery) => delivery.body.startsWith('ok'))
        .map((delivery) => delivery.receiveCount),
    ).toEqual(['1', '1']);
    await runner?.stop();
    expect(await messagesLeft(queue.queueUrl)).toBe(0);
  });

  it('leaves the whole batch in the queue when the handler throws', async () => {
    // Prepare
    const queue = await freshQueue(testStage);
    await send(clients.sqs, queue.queueUrl, ['a', 'b']);
    const failures: unknown[] = [];
    const redelivered = new Map<string, string>();
    const bothBack = deferred();
    let calls = 0;
    const handler: QueueConsumer = async (event) => {
      calls += 1;
      if (calls === 1) throw new Error('database unavailable');
      for (const record of event.Records)
        redelivered.set(record.body, record.attributes.ApproximateReceiveCount);
      if (redelivered.size === 2) bothBack.resolve();
    };

    // Act
    run(testStage, queue, handler, { onError: (error) => failures.push(error) });
    await bothBack.promise;

    // Assess
    expect(Object.fromEntries(redelivered)).toEqual({ a: '2', b: '2' });
    expect(failures).toEqual([new Error('database unavailable')]);
  });

  it('fails the whole batch when the handler names a record that is not in it', async () => {
    // Prepare
    const queue = await freshQueue(testStage);
    await send(clients.sqs, queue.queueUrl, ['only']);
    const failures: unknown[] = [];
    const secondTry = deferred<string>();
    let calls = 0;
    const handler: QueueConsumer = async (event) => {
      calls += 1;
      if (calls === 1) return { batchItemFailures: [{ itemIdentifier: 'not-a-message-id' }] };
      secondTry.resolve(event.Records[0]?.attributes.ApproximateReceiveCount ?? '');
    };

    // Act
    run(testStage, queue, handler, { onError: (error) => failures.push(error) });

    // Assess
    expect(await secondTry.promise).toBe('2');
    expect(failures[0]).toBeInstanceOf(InvalidBatchResponseError);
  });

  it('runs as many handler calls at once as the stage allows', async () => {
    // Prepare
    const stage: QueueStage = { ...testStage, batchSize: 1, maxConcurrency: 2 };
    const queue = await freshQueue(stage);
    await send(clients.sqs, queue.queueUrl, ['x', 'y', 'z']);
    let active = 0;
    let mostActive = 0;
    let done = 0;
    const twoAtOnce = deferred();
    const allDone = deferred();
    const handler: QueueConsumer = async () => {
      active += 1;
      mostActive = Math.max(mostActive, active);
      if (active === 2) twoAtOnce.resolve();
      // The first calls wait for a second one: with a single poller this would never end.
      if (done === 0) await twoAtOnce.promise;
      active -= 1;
      done += 1;
      if (done === 3) allDone.resolve();
    };

    // Act
    run(stage, queue, handler);
    await allDone.promise;

    // Assess
    expect(mostActive).toBe(2);
  });

  it('stops polling on stop(), after letting the handler call under way finish', async () => {
    // Prepare
    const queue = await freshQueue(testStage);
    await send(clients.sqs, queue.queueUrl, ['in flight']);
    const entered = deferred();
    const release = deferred();
    const order: string[] = [];
    const handler: QueueConsumer = async () => {
      entered.resolve();
      await release.promise;
      order.push('handler finished');
    };
    const started = run(testStage, queue, handler);
    await entered.promise;

    // Act
    const stopped = started.stop().then(() => order.push('stop resolved'));
    release.resolve();
    await stopped;
    await send(clients.sqs, queue.queueUrl, ['after stop']);
    const left = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.queueUrl, WaitTimeSeconds: 1 }),
    );

    // Assess
    expect(order).toEqual(['handler finished', 'stop resolved']);
    expect(left.Messages?.map((message) => message.Body)).toEqual(['after stop']);
  });
});
