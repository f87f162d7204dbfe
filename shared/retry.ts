/**
 * Retries of DynamoDB calls, in one place: how many calls at most, which failures are worth
 * another call, and how long to wait between them.
 *
 * The wait is exponential with jitter: concurrent writers that failed together (a conflict, a
 * throttled burst) spread out instead of failing together again. The caller decides what is
 * retryable: a failed condition is an answer, not a fault, and retrying it only repeats it.
 */

/** How `withRetries` retries. */
export type RetryOptions = {
  /** Calls at most, the first one included (1: no retry). */
  attempts: number;
  /**
   * Whether the failure of call number `attempt` (from 1) is worth another call. Any other
   * failure is thrown at once, as it is. Default: every failure is.
   */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  /**
   * How long to wait after the failure of call number `attempt` before the next one, in ms.
   * Default: `backoffDelay(attempt)`. Return 0 when the failure already made progress (some
   * items were settled) and the rest can go at once.
   */
  delayMs?: (attempt: number, error: unknown) => number;
  /** How to wait; tests pass one that does not. Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
};

/** The first wait, and the longest: a DynamoDB partition recovers within a second. */
const BASE_DELAY_MS = 25;
const MAX_DELAY_MS = 1_000;

/**
 * The wait after the failure of call number `attempt` (from 1): 25 ms doubled at each failure,
 * capped at 1 s, of which a random half is taken off ("equal jitter": never a burst at 0 ms,
 * never two callers in step).
 */
export function backoffDelay(
  attempt: number,
  { baseMs = BASE_DELAY_MS, maxMs = MAX_DELAY_MS, random = Math.random } = {},
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return ceiling * (0.5 + random() / 2);
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `call` until it succeeds, a failure is not worth retrying, or `attempts` calls failed;
 * the last failure is then thrown as it is, so the caller's own error (with its `cause`) is
 * what reaches the logs. `call` gets the number of the attempt, from 1.
 *
 * A call that makes partial progress (a batch with unprocessed items) keeps what is left in
 * its closure and throws an error of its own to be called again for the rest.
 */
export async function withRetries<T>(
  call: (attempt: number) => Promise<T>,
  {
    attempts,
    shouldRetry = () => true,
    delayMs = (attempt) => backoffDelay(attempt),
    sleep = sleepFor,
  }: RetryOptions,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      if (attempt >= attempts || !shouldRetry(error, attempt)) throw error;
      const delay = delayMs(attempt, error);
      if (delay > 0) await sleep(delay);
    }
  }
}
