/**
 * The desk's queues as the benchmark watches them, through its own SQS client (not the
 * handlers', whose requests are counted): how deep each stage's backlog gets, and when the
 * pipeline has gone quiet.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { queueDepths } from '#local/queue-depths.ts';

/**
 * Waits until every queue is empty (15 s at most), then a little more: the runner deletes a
 * batch just after its handler returns. A phase's counters are read only then.
 */
export async function waitForIdleQueues(sqs: SQSClient, urls: Record<string, string>): Promise<void> {
  const deadline = performance.now() + 15_000;
  while (performance.now() < deadline) {
    const depths = await queueDepths(sqs, urls);
    if (Object.values(depths).every((depth) => depth === 0)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
}

/** Samples each queue's depth every 250 ms and keeps the peak: where a backlog piles up is the slow stage. */
export function sampleBacklog(
  sqs: SQSClient,
  urls: Record<string, string>,
): { stop(): Promise<Record<string, number>> } {
  const peak: Record<string, number> = {};
  let running = true;
  const loop = (async () => {
    while (running) {
      const depths = await queueDepths(sqs, urls).catch(() => ({}) as Record<string, number>);
      for (const [queue, depth] of Object.entries(depths)) peak[queue] = Math.max(peak[queue] ?? 0, depth);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return peak;
    },
  };
}

/** A queue still held messages when the benchmark could wait no longer. */
export class QueueNotDrainedError extends Error {
  override name = 'QueueNotDrainedError';
}

/**
 * Waits until `url` holds no message, waiting or in flight: until the work it carries is done.
 * @throws QueueNotDrainedError after `timeoutMs`.
 */
export async function waitForDrainedQueue(sqs: SQSClient, url: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const { queue } = await queueDepths(sqs, { queue: url });
    if (queue === 0) return;
    if (performance.now() > deadline)
      throw new QueueNotDrainedError(`${url} : encore ${queue} message(s) après ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
