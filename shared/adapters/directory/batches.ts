/**
 * Writing thousands of directory items quickly and gently: in batches, a few batches at a time,
 * with retries of what DynamoDB leaves undone.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { backoffDelay, withRetries } from '#shared/retry.ts';
import { TransactionRefusedError, transact } from '../transact.ts';
import { DirectoryStoreError } from './errors.ts';
import type { Item } from './keys.ts';

/** DynamoDB's limits per call. */
export const BATCH_WRITE_SIZE = 25;
export const TRANSACTION_SIZE = 100;
/** Calls in flight at once: thousands of entries in seconds, gentle on the table. */
const CONCURRENCY = 8;
/** Calls of one batch at most, the first included. */
export const MAX_ATTEMPTS = 8;

/**
 * Runs `run` over the items in batches, a few batches at a time, reporting each batch done. When
 * a batch fails, no new batch starts and the ones in flight are waited for before the error is
 * thrown: once the caller sees the failure, nothing more is written behind its back.
 */
export async function inBatches<T>(
  items: readonly T[],
  size: number,
  run: (batch: T[]) => Promise<void>,
  onBatchDone: (count: number) => void = () => {},
): Promise<void> {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < batches.length && !failure) {
      const batch = batches[next++] ?? [];
      try {
        await run(batch);
        onBatchDone(batch.length);
      } catch (error) {
        // Kept, not swallowed: thrown below once the batches in flight are done.
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, batches.length) }, worker));
  if (failure) throw failure.error;
}

/** Items of a transaction still to write after it was refused. */
class EntriesLeftError extends DirectoryStoreError {
  override name = 'EntriesLeftError';
  constructor(
    /** Some items were settled by the refusal (a newer one stands): the rest can go at once. */
    readonly progressed: boolean,
    options: { cause: unknown },
  ) {
    super('Directory entries left unwritten after retries', options);
  }
}

/** The condition each item of a `writeInTransactions` is written under. */
export type WriteCondition = {
  ConditionExpression: string;
  ExpressionAttributeValues: Record<string, unknown>;
};

/**
 * Writes items in transactions of up to 100, a few at a time. A transaction is one round trip
 * for 100 items, and, on DynamoDB Local's disk store, one commit instead of one per item (the
 * difference between seconds and half a minute for the académie's 8,000 first entries).
 * With a `condition`, an item whose condition fails is skipped (what stands is newer), the
 * others retried.
 */
export async function writeInTransactions(
  client: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Item[],
  { onDone, condition }: { onDone: (count: number) => void; condition?: WriteCondition },
): Promise<void> {
  await inBatches(
    items,
    TRANSACTION_SIZE,
    async (batch) => {
      let pending = batch;
      await withRetries(
        async () => {
          try {
            await transact(
              client,
              pending.map((Item) => ({ Put: { TableName: tableName, Item, ...condition } })),
            );
          } catch (error) {
            if (!(error instanceof TransactionRefusedError)) {
              throw new DirectoryStoreError('Writing directory entries failed', { cause: error });
            }
            const settled = new Set(pending.filter((_, index) => error.failed(index)));
            pending = pending.filter((item) => !settled.has(item));
            if (pending.length > 0) throw new EntriesLeftError(settled.size > 0, { cause: error });
          }
        },
        {
          attempts: MAX_ATTEMPTS,
          shouldRetry: (error) => error instanceof EntriesLeftError,
          delayMs: (attempt, error) =>
            error instanceof EntriesLeftError && error.progressed ? 0 : backoffDelay(attempt),
        },
      );
    },
    onDone,
  );
}
