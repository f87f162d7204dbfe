/**
 * DynamoDB transactions with the two behaviours the desk relies on: the reason each action
 * was refused, and retries when concurrent transactions on the same items conflict.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

type Action = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Why each action of a cancelled transaction was refused (undefined: it was not). */
export type Refusal = { code: string; item: Record<string, unknown> | undefined } | undefined;

/** A transaction refused because one of its conditions did not hold. */
export class TransactionRefusedError extends Error {
  override name = 'TransactionRefusedError';
  constructor(
    readonly refusals: Refusal[],
    options?: ErrorOptions,
  ) {
    super(`Transaction refused: ${refusals.map((r) => r?.code ?? 'None').join(', ')}`, options);
  }
  /** Whether action `index` failed its condition. */
  failed(index: number): boolean {
    return this.refusals[index]?.code === 'ConditionalCheckFailed';
  }
}

const MAX_ATTEMPTS = 8;

/**
 * Writes the actions atomically. Concurrent transactions touching the same item (a busy quota
 * counter, the ticket sequence) cancel each other with `TransactionConflict`: those are retried
 * with jittered backoff. A failed condition is not retried: it is thrown as
 * `TransactionRefusedError` for the caller to decide.
 */
export async function transact(client: DynamoDBDocumentClient, actions: Action[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: actions }));
      return;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const refusals: Refusal[] = (error.CancellationReasons ?? []).map((reason) =>
        reason.Code && reason.Code !== 'None'
          ? { code: reason.Code, item: reason.Item ? unmarshall(reason.Item) : undefined }
          : undefined,
      );
      const conflictOnly = refusals.every((r) => !r || r.code === 'TransactionConflict');
      if (
        refusals.some((r) => r?.code === 'ConditionalCheckFailed') ||
        !conflictOnly ||
        attempt >= MAX_ATTEMPTS
      ) {
        throw new TransactionRefusedError(refusals, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** Math.min(attempt, 5)));
    }
  }
}
