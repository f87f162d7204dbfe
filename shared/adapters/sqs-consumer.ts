/**
 * The middy chain every queue consumer shares: Powertools logging with the Lambda context, each
 * record parsed against its queue's schema and processed on its own, and failures reported per
 * record (partial batch response) so only those come back, and end in the dead-letter queue.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from 'zod';
import { logger } from '#shared/logger.ts';

/**
 * A Lambda handler for an SQS queue whose messages follow `schema`, that processes the whole
 * batch at once (`processBatch` returns one settled result per message, in order). A record
 * whose body does not parse fails like any other: it is retried, then kept in the dead-letter
 * queue for a person.
 */
export function sqsBatchConsumer<Schema extends z.ZodType>(
  schema: Schema,
  processBatch: (messages: Array<z.output<Schema>>) => Promise<Array<PromiseSettledResult<unknown>>>,
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
    .handler(async (event) => {
      const parsed = event.Records.map((record) => schema.safeParse(safeJson(record.body)));
      const valid = parsed.flatMap((result) => (result.success ? [result.data] : []));
      const processed = valid.length > 0 ? await processBatch(valid) : [];
      let next = 0;
      // middy's partial batch failure reads one settled result per record, in order.
      return parsed.map((result) =>
        result.success
          ? (processed[next++] ?? { status: 'rejected', reason: new Error('not processed') })
          : { status: 'rejected', reason: result.error },
      ) as unknown as SQSBatchResponse;
    });
}

/** Like `sqsBatchConsumer`, for steps that handle each message on its own. */
export function sqsConsumer<Schema extends z.ZodType>(
  schema: Schema,
  processRecord: (message: z.output<Schema>) => Promise<unknown>,
) {
  return sqsBatchConsumer(schema, (messages) => Promise.allSettled(messages.map(processRecord)));
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
