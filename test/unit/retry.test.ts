import { describe, expect, it } from 'vitest';
import { backoffDelay, withRetries } from '#shared/retry.ts';

class Busy extends Error {
  override name = 'Busy';
}

/** A call that fails with `Busy` the first `failures` times, then answers its attempt number. */
function flaky(failures: number) {
  const calls: number[] = [];
  return {
    calls,
    call: async (attempt: number) => {
      calls.push(attempt);
      if (calls.length <= failures) throw new Busy(`busy #${attempt}`);
      return `done at ${attempt}`;
    },
  };
}

/** Records the waits instead of waiting. */
function recordedSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe('withRetries', () => {
  it('answers what the first successful call answers, after waiting between the failed ones', async () => {
    // Prepare
    const { calls, call } = flaky(2);
    const { waits, sleep } = recordedSleep();

    // Act
    const result = await withRetries(call, { attempts: 5, sleep });

    // Assess
    expect(result).toBe('done at 3');
    expect(calls).toEqual([1, 2, 3]);
    expect(waits).toHaveLength(2);
  });

  it('throws the last failure, as it is, once the attempts are spent', async () => {
    // Prepare
    const { calls, call } = flaky(10);
    const { sleep } = recordedSleep();

    // Act
    const outcome = withRetries(call, { attempts: 3, sleep });

    // Assess
    await expect(outcome).rejects.toThrow(new Busy('busy #3'));
    expect(calls).toEqual([1, 2, 3]);
  });

  it('throws at once a failure that is not worth retrying, without waiting', async () => {
    // Prepare
    const { waits, sleep } = recordedSleep();
    const refused = new Error('condition failed');
    let calls = 0;

    // Act
    const outcome = withRetries(
      async () => {
        calls++;
        throw refused;
      },
      { attempts: 5, shouldRetry: (error) => error instanceof Busy, sleep },
    );

    // Assess
    await expect(outcome).rejects.toBe(refused);
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it('tells the decision and the delay which attempt failed, and does not wait when the delay is 0', async () => {
    // Prepare
    const { call } = flaky(3);
    const { waits, sleep } = recordedSleep();
    const asked: number[] = [];

    // Act
    await withRetries(call, {
      attempts: 5,
      shouldRetry: (_error, attempt) => {
        asked.push(attempt);
        return true;
      },
      delayMs: (attempt) => (attempt === 2 ? 0 : attempt * 10),
      sleep,
    });

    // Assess
    expect(asked).toEqual([1, 2, 3]);
    expect(waits).toEqual([10, 30]);
  });
});

describe('backoffDelay', () => {
  it('doubles from 25 ms at each failure, up to 1 s, keeping between half and all of it', () => {
    const lowest = (attempt: number) => backoffDelay(attempt, { random: () => 0 });
    const highest = (attempt: number) => backoffDelay(attempt, { random: () => 1 });
    expect([1, 2, 3, 4].map(highest)).toEqual([25, 50, 100, 200]);
    expect([1, 2, 3, 4].map(lowest)).toEqual([12.5, 25, 50, 100]);
    expect(highest(12)).toBe(1_000);
  });

  it('takes another base and ceiling', () => {
    expect(backoffDelay(3, { baseMs: 10, maxMs: 30, random: () => 1 })).toBe(30);
  });
});
