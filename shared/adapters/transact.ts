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
import { withRetries } from '#shared/retry.ts';

/** One action of a transaction (a Put, an Update, a ConditionCheck, a Delete). */
export type TransactAction = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Why each action of a cancelled transaction was refused (undefined: it was not). */
export type Refusal = { code: string; item: Record<string, unknown> | undefined } | undefined;

/**
 * A cancelled transaction: one of its conditions did not hold, or DynamoDB gave up on it
 * (conflicts that outlasted the retries, throttling of an item). `refusals` says why, per action.
 */
export class TransactionRefusedError extends Error {
  override name = 'TransactionRefusedError';
  constructor(
    readonly refusals: Refusal[],
    options?: ErrorOptions,
    /** The actions' names, in order, when the transaction was written with `transactNamed`. */
    readonly actionNames: readonly string[] = [],
  ) {
    super(`Transaction refused: ${refusals.map((r) => r?.code ?? 'None').join(', ')}`, options);
  }

  /** Whether an action (by position, or by name with `transactNamed`) failed its condition. */
  failed(action: number | string): boolean {
    return this.refusals[this.#indexOf(action)]?.code === 'ConditionalCheckFailed';
  }

  /** The item as it was when an action failed its condition (if the action asked for it). */
  refusedItem(action: number | string): Record<string, unknown> | undefined {
    return this.failed(action) ? this.refusals[this.#indexOf(action)]?.item : undefined;
  }

  /**
   * Whether the transaction was refused by what the desk plans for: a condition that did not
   * hold, or concurrent transactions on the same items. Anything else (throttling, a validation
   * error, an item collection too large) is a fault, for the caller to let through.
   */
  /** Whether only concurrent transactions refused it (no condition failed): worth writing again. */
  get conflictOnly(): boolean {
    return this.refusals.every((refusal) => !refusal || refusal.code === 'TransactionConflict');
  }

  get expected(): boolean {
    return (
      this.refusals.length > 0 &&
      this.refusals.every(
        (refusal) =>
          !refusal || refusal.code === 'ConditionalCheckFailed' || refusal.code === 'TransactionConflict',
      )
    );
  }

  #indexOf(action: number | string): number {
    return typeof action === 'number' ? action : this.actionNames.indexOf(action);
  }
}

const MAX_ATTEMPTS = 8;

/**
 * Writes the actions atomically. Concurrent transactions touching the same item (a busy quota
 * counter, the ticket sequence) cancel each other with `TransactionConflict`: those are retried
 * with jittered backoff. A failed condition is not retried: it is thrown as
 * `TransactionRefusedError` for the caller to decide.
 */
export async function transact(client: DynamoDBDocumentClient, actions: TransactAction[]): Promise<void> {
  await withRetries(
    async () => {
      try {
        await client.send(new TransactWriteCommand({ TransactItems: actions }));
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        throw new TransactionRefusedError(refusalsOf(error), { cause: error });
      }
    },
    {
      attempts: MAX_ATTEMPTS,
      shouldRetry: (error) => error instanceof TransactionRefusedError && error.conflictOnly,
      // Short waits: the items in conflict (a quota counter, the sequence) are free again within
      // one transaction's time.
      delayMs: (attempt) => Math.random() * 20 * 2 ** Math.min(attempt, 5),
    },
  );
}

/** Why each action of a cancelled transaction was refused, with the item where it was returned. */
function refusalsOf(error: TransactionCanceledException): Refusal[] {
  return (error.CancellationReasons ?? []).map((reason) =>
    reason.Code && reason.Code !== 'None'
      ? { code: reason.Code, item: reason.Item ? unmarshall(reason.Item) : undefined }
      : undefined,
  );
}

/**
 * Like `transact`, with each action named and optional actions left out: a refusal is then read
 * by name (`error.failed('claim')`), whichever actions were present, instead of by a position
 * that shifts when one is absent.
 */
export async function transactNamed(
  client: DynamoDBDocumentClient,
  named: ReadonlyArray<readonly [string, TransactAction | undefined]>,
): Promise<void> {
  const present = named.filter((entry): entry is readonly [string, TransactAction] => entry[1] !== undefined);
  try {
    await transact(
      client,
      present.map(([, action]) => action),
    );
  } catch (error) {
    if (!(error instanceof TransactionRefusedError)) throw error;
    throw new TransactionRefusedError(
      error.refusals,
      { cause: error.cause },
      present.map(([name]) => name),
    );
  }
}
