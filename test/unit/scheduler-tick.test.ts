import { describe, expect, it } from 'vitest';
import { startSchedulerTick } from '#local/stack.ts';

describe('the local scheduler tick', () => {
  it('calls the tick again and again, one call at a time, survives a failing tick, and waits for the last on stop', async () => {
    // Prepare
    let calls = 0;
    let running = 0;
    let overlapped = false;
    let finished = 0;
    const tick = async () => {
      calls += 1;
      running += 1;
      if (running > 1) overlapped = true;
      await new Promise((resolve) => setTimeout(resolve, 15));
      running -= 1;
      finished += 1;
      if (calls === 1) throw new Error('first tick fails');
    };
    const stderr = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;

    // Act
    const scheduler = startSchedulerTick(tick, 5);
    while (calls < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    await scheduler.stop();
    process.stderr.write = stderr;

    // Assess
    expect(overlapped).toBe(false);
    expect(finished).toBe(calls);
  });
});
