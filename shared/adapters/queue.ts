/** Sending to the pipeline's queues: each message is checked against its schema at the source. */
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type * as z from 'zod/mini';
import type { QueueProducer } from '#shared/domain/intake-ports.ts';

/** A producer for one queue whose messages follow `schema`. */
export function makeQueue<Schema extends z.ZodMiniType>({
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
      const body = sqsBody(schema.parse(message));
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
          MessageBody: sqsBody(schema.parse(message)),
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

/**
 * Characters SQS refuses in a body (it takes #x9, #xA, #xD, #x20–#xD7FF, #xE000–#xFFFD and
 * #x10000–#x10FFFF): U+FFFE, U+FFFF, and the UTF-16 halves of characters beyond the BMP, since
 * fauxqs checks code units where SQS checks characters. JSON.stringify already escapes control
 * characters and lone halves, but not these.
 */
const OUTSIDE_SQS_CHARACTERS = /[\uD800-\uDFFF\uFFFE\uFFFF]/g;

/**
 * The message as JSON that SQS accepts whatever a mail held: the characters it refuses are
 * written as `\uXXXX` escapes, which JSON.parse reads back as the same string. A subject with an
 * emoji or a stray U+FFFF would otherwise make SQS refuse the message at every retry.
 */
export function sqsBody(message: unknown): string {
  return JSON.stringify(message).replace(
    OUTSIDE_SQS_CHARACTERS,
    (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
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
