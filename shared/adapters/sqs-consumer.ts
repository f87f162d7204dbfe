/**
 * The middy chain every queue consumer shares: Powertools logging with the Lambda context, each
 * record parsed against its queue's schema and processed on its own, and failures reported per
 * record (partial batch response) so only those come back, and end in the dead-letter queue.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import { logger } from '#shared/logger.ts';

/**
 * A Lambda handler for an SQS queue whose messages follow `schema`. A record whose body does not
 * parse fails like any other: it is retried, then kept in the dead-letter queue for a person.
 */
export function sqsConsumer<Schema extends z.ZodType>(
  schema: Schema,
  processRecord: (message: z.output<Schema>, record: SQSRecord) => Promise<unknown>,
) {
  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger))
    .use(
      sqsPartialBatchFailure({
        logger: (reason, record: SQSRecord) =>
          logger.error('Record failed; it will be retried, then dead-lettered', {
            sqsMessageId: record.messageId,
            receiveCount: record.attributes?.ApproximateReceiveCount,
            error: reason,
          }),
      }),
    )
    .handler(
      async (event) =>
        Promise.allSettled(
          event.Records.map(async (record) => processRecord(schema.parse(JSON.parse(record.body)), record)),
        ) as unknown as SQSBatchResponse,
    );
}
