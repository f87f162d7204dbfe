import { describe, expect, it } from 'vitest';
import { startSchedulerTick, startSchedulerTicks } from '#local/stack.ts';
import { pipeline, type TickEntry } from '#shared/pipeline.ts';

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

describe('the local scheduler ticks', () => {
  it('run every tick of shared/pipeline.ts with its own handler, as EventBridge Scheduler does in AWS', async () => {
    // Prepare
    const calls = new Map<TickEntry, number>();
    const handler = (entry: TickEntry) => async () => {
      calls.set(entry, (calls.get(entry) ?? 0) + 1);
    };

    // Act
    const ticks = startSchedulerTicks(
      {
        'broadcast-plan': handler('broadcast-plan'),
        'ticket-housekeeping': handler('ticket-housekeeping'),
        'outbox-sweep': handler('outbox-sweep'),
        'mail-watch': handler('mail-watch'),
      },
      5,
    );
    while (pipeline.ticks.some((tick) => (calls.get(tick.entry) ?? 0) < 2)) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await ticks.stop();
    const after = new Map(calls);
    await new Promise((resolve) => setTimeout(resolve, 30));

    // Assess: each ran, and none runs after stop.
    expect([...calls.keys()].sort()).toEqual([
      'broadcast-plan',
      'mail-watch',
      'outbox-sweep',
      'ticket-housekeeping',
    ]);
    expect(calls).toEqual(after);
  });
});
