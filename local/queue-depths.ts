/**
 * How many messages each queue holds, waiting or in flight: what the local desk's shutdown, the
 * tests and the benchmarks read to know the chain has gone quiet (a record failing stays in
 * flight until its retry, so in-flight messages count).
 */
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** Messages waiting or in flight in each queue, by the names of `urls`. */
export async function queueDepths<Name extends string>(
  sqs: SQSClient,
  urls: Record<Name, string>,
): Promise<Record<Name, number>> {
  const entries = await Promise.all(
    (Object.entries(urls) as [Name, string][]).map(async ([name, QueueUrl]) => {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return [
        name,
        Number(Attributes.ApproximateNumberOfMessages ?? 0) +
          Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
      ] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<Name, number>;
}

/** The messages of all `urls` together. */
export async function messagesIn(sqs: SQSClient, urls: Record<string, string>): Promise<number> {
  return Object.values(await queueDepths(sqs, urls)).reduce((sum, depth) => sum + depth, 0);
}
