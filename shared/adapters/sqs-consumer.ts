/**
 * The middy chain every queue consumer shares: Powertools logging with the Lambda context, each
 * record parsed against its queue's schema and processed on its own, and failures reported per
 * record (partial batch response) so only those come back, and end in the dead-letter queue.
 *
 * A failed record is logged once, here, with its correlation keys (SES message id, ticket
 * number, outbox id: what `correlate` finds in the message). The keys go on that log line
 * explicitly rather than through `logger.appendKeys`: appended keys belong to the logger for the
 * whole invocation, and a batch's records are processed concurrently, so one record's keys would
 * end up on another's lines.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from 'zod/mini';
import { logger } from '#shared/logger.ts';

/** The keys that tie a record's log lines to a mail, a ticket or an outgoing mail. Never mail text or addresses. */
export type CorrelationKeys = {
  sesMessageId?: string | undefined;
  ticketNumber?: string | undefined;
  outboxId?: string | undefined;
  broadcastId?: string | undefined;
};

/** How a consumer finds the correlation keys of one of its messages. */
export type Correlate<Message> = (message: Message) => CorrelationKeys;

/** What a consumer publishes besides its logs: its metrics, flushed once per invocation. */
export type ConsumerOptions = { metrics?: Metrics };

/**
 * A Lambda handler for an SQS queue whose messages follow `schema`, that processes the whole
 * batch at once (`processBatch` returns one settled result per message, in order). A record
 * whose body does not parse fails like any other: it is retried, then kept in the dead-letter
 * queue for a person. A rejected result fails its record, logged with `correlate(message)`.
 */
export function sqsBatchConsumer<Schema extends z.ZodMiniType>(
  schema: Schema,
  processBatch: (messages: Array<z.output<Schema>>) => Promise<Array<PromiseSettledResult<unknown>>>,
  correlate: Correlate<z.output<Schema>>,
  options: ConsumerOptions = {},
) {
  const chain = middy<SQSEvent, SQSBatchResponse, Error, Context>().use(injectLambdaContext(logger));
  // Flushes what the records added (points without a dimension) once, after the batch.
  if (options.metrics) chain.use(logMetrics(options.metrics));
  return (
    chain
      // Failures are logged by the handler, which knows each record's message; it never throws,
      // so middy's own per-record log (which does not) is left out.
      .use(sqsPartialBatchFailure({ logger: () => undefined }))
      .handler(async (event) => {
        const records = event.Records.map((record) => ({
          record,
          parsed: schema.safeParse(safeJson(record.body)),
        }));
        const valid = records.flatMap(({ parsed }) => (parsed.success ? [parsed.data] : []));
        // A fault of the whole batch fails each of its records, each logged with its own keys.
        const processed: Array<PromiseSettledResult<unknown>> =
          valid.length > 0
            ? await processBatch(valid).catch((error: unknown) =>
                valid.map((): PromiseRejectedResult => ({ status: 'rejected', reason: error })),
              )
            : [];
        let next = 0;
        const settled = records.map(({ record, parsed }): PromiseSettledResult<unknown> => {
          if (!parsed.success) {
            const reason = new MalformedRecordError({ cause: parsed.error });
            logFailure(record, {}, reason);
            return { status: 'rejected', reason };
          }
          const outcome = processed[next++] ?? { status: 'rejected', reason: new RecordNotProcessedError() };
          if (outcome.status === 'rejected') logFailure(record, correlate(parsed.data), outcome.reason);
          return outcome;
        });
        // middy's partial batch failure reads one settled result per record, in order.
        return settled as unknown as SQSBatchResponse;
      })
  );
}

/** Like `sqsBatchConsumer`, for steps that handle each message on its own. */
export function sqsConsumer<Schema extends z.ZodMiniType>(
  schema: Schema,
  processRecord: (message: z.output<Schema>) => Promise<unknown>,
  correlate: Correlate<z.output<Schema>>,
  options: ConsumerOptions = {},
) {
  return sqsBatchConsumer(
    schema,
    (messages) => Promise.allSettled(messages.map(processRecord)),
    correlate,
    options,
  );
}

/** One line per failed record: the SQS ids, the record's correlation keys, and the error (by name, code, message and cause). */
function logFailure(record: SQSRecord, keys: CorrelationKeys, error: unknown): void {
  logger.error('Record failed; it will be retried, then dead-lettered', {
    sqsMessageId: record.messageId,
    receiveCount: record.attributes?.ApproximateReceiveCount,
    ...keys,
    error,
  });
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    // Not JSON: the schema refuses `undefined`, and the record fails as malformed.
    return undefined;
  }
}

/** A record whose body is not a message of its queue: a bug at the producer. */
export class MalformedRecordError extends Error {
  override name = 'MalformedRecordError';
  constructor(options?: ErrorOptions) {
    super('The record is not a message of its queue', options);
  }
}

/** The step answered fewer results than it was given messages: a fault of the step. */
export class RecordNotProcessedError extends Error {
  override name = 'RecordNotProcessedError';
  constructor() {
    super('The step gave no result for this record');
  }
}
