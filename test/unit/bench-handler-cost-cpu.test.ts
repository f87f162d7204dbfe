/**
 * The handler-cost benchmark charges a handler the CPU of the thread it runs on: the stand-ins
 * serve its requests on a worker thread of the same process (local/stand-ins-worker.ts), and what
 * they burn meanwhile is not the handler's.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { attributeCpu } from '../../bench/lib/handler-cost-cpu.ts';

/** Keeps this thread on the processor for `ms` of wall time. */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

describe('CPU charged to a handler', () => {
  it('is its own thread’s, not what another thread of the process burns meanwhile', async () => {
    // Prepare: another thread busy for longer than the handler's call, on the other core.
    const busy = new Worker('const until = performance.now() + 1500; while (performance.now() < until) {} ', {
      eval: true,
    });
    await new Promise((online) => busy.once('online', online));
    const attribution = attributeCpu();

    try {
      // Act
      const started = performance.now();
      await attribution.run('screen', async () => spin(400));
      const wall = performance.now() - started;
      const charged = attribution.snapshot().get('screen')?.us ?? 0;

      // Assess: at most the call's own wall time (the process's clock would give nearly twice it).
      expect(charged / 1000).toBeGreaterThan(100);
      expect(charged / 1000).toBeLessThanOrEqual(wall * 1.1);
    } finally {
      attribution.stop();
      await busy.terminate();
    }
  });
});
