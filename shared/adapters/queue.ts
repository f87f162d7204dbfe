/** Sending to the pipeline's queues: each message is checked against its schema at the source. */
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type * as z from 'zod';
import type { QueueProducer } from '#shared/domain/intake-ports.ts';

/** A producer for one queue whose messages follow `schema`. */
export function makeQueue<Schema extends z.ZodType>({
  client,
  queueUrl,
  schema,
}: {
  client: SQSClient;
  queueUrl: string;
  schema: Schema;
}) {
  return {
    /** Sends one message; throws if it does not follow the queue's schema (a bug at the source). */
    async send(message: z.input<Schema>, options?: { delaySeconds?: number }): Promise<void> {
      const body = JSON.stringify(schema.parse(message));
      const delay = options?.delaySeconds;
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: body,
          ...(delay ? { DelaySeconds: Math.min(900, Math.max(0, Math.round(delay))) } : {}),
        }),
      );
    },
    /** Sends several messages, ten per request; throws if any was not accepted. */
    async sendAll(messages: Array<z.input<Schema>>): Promise<void> {
      for (let start = 0; start < messages.length; start += 10) {
        const entries = messages.slice(start, start + 10).map((message, index) => ({
          Id: String(index),
          MessageBody: JSON.stringify(schema.parse(message)),
        }));
        const { Failed = [] } = await client.send(
          new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
        );
        if (Failed.length > 0)
          throw new QueueSendError(
            queueUrl,
            Failed.map((f) => f.Code ?? 'unknown'),
          );
      }
    },
  } satisfies QueueProducer<z.input<Schema>>;
}

/** A queue producer; the port is the domain's (`QueueProducer`), named here for the callers that wire one. */
export type Queue<T> = QueueProducer<T>;

/** SQS refused some messages of a batch. */
export class QueueSendError extends Error {
  override name = 'QueueSendError';
  constructor(queueUrl: string, codes: string[]) {
    super(`SQS refused ${codes.length} message(s) on ${queueUrl}: ${codes.join(', ')}`);
  }
}
