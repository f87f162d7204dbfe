/**
 * The queue consumers' one error path: a failed record is reported in the partial batch response
 * and logged once, with its own correlation keys, even when the batch's records run concurrently.
 */
import type { Context, SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { MalformedRecordError, sqsBatchConsumer, sqsConsumer } from '#shared/adapters/sqs-consumer.ts';
import { logger } from '#shared/logger.ts';

const Message = z.object({ sesMessageId: z.string(), fail: z.boolean() });
type Message = z.infer<typeof Message>;

const context = {
  awsRequestId: 'test',
  functionName: 'test',
  getRemainingTimeInMillis: () => 30_000,
} as Context;

function event(bodies: string[]): SQSEvent {
  return {
    Records: bodies.map((body, index) => ({
      messageId: `sqs-${index}`,
      receiptHandle: `handle-${index}`,
      body,
      attributes: { ApproximateReceiveCount: '1' } as SQSEvent['Records'][number]['attributes'],
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:intake',
      awsRegion: 'eu-west-1',
    })),
  };
}

const body = (message: Message) => JSON.stringify(message);
const correlate = (message: Message) => ({ sesMessageId: message.sesMessageId });

/** The failure lines logged, as their correlation keys and error. */
function failureLines(spy: { mock: { calls: unknown[][] } }): Array<Record<string, unknown>> {
  return spy.mock.calls.map(([, attributes]) => z.record(z.string(), z.unknown()).parse(attributes));
}

afterEach(() => vi.restoreAllMocks());

describe('a queue consumer', () => {
  it('fails only the records whose processing threw, each logged with its own keys', async () => {
    // Prepare: the failing record finishes last, while the others are still in flight.
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const handler = sqsConsumer(
      Message,
      async (message) => {
        await new Promise((resolve) => setTimeout(resolve, message.fail ? 20 : 1));
        if (message.fail) throw new Error('refused');
      },
      correlate,
    );
    // Act
    const response = await handler(
      event([
        body({ sesMessageId: 'ses-a', fail: false }),
        body({ sesMessageId: 'ses-b', fail: true }),
        body({ sesMessageId: 'ses-c', fail: false }),
      ]),
      context,
    );
    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'sqs-1' }] });
    expect(failureLines(errors)).toEqual([
      expect.objectContaining({ sqsMessageId: 'sqs-1', sesMessageId: 'ses-b', error: expect.any(Error) }),
    ]);
  });

  it('fails a record that is not a message of its queue, logged with its SQS id alone', async () => {
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const handler = sqsConsumer(Message, async () => undefined, correlate);
    const response = await handler(
      event(['not json', body({ sesMessageId: 'ses-a', fail: false })]),
      context,
    );
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'sqs-0' }] });
    const [line] = failureLines(errors);
    expect(line).toMatchObject({ sqsMessageId: 'sqs-0' });
    expect(line?.sesMessageId).toBeUndefined();
    expect(line?.error).toBeInstanceOf(MalformedRecordError);
  });

  it('fails every record of a batch whose processing threw as a whole, each with its keys', async () => {
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const handler = sqsBatchConsumer(
      Message,
      async () => {
        throw throttled;
      },
      correlate,
    );
    const response = await handler(
      event([body({ sesMessageId: 'ses-a', fail: false }), body({ sesMessageId: 'ses-b', fail: false })]),
      context,
    );
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: 'sqs-0' }, { itemIdentifier: 'sqs-1' }],
    });
    expect(failureLines(errors).map((line) => [line.sesMessageId, line.error])).toEqual([
      ['ses-a', throttled],
      ['ses-b', throttled],
    ]);
  });
});
