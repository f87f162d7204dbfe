/**
 * The CPU time of this process, split by who ran: a handler (named when it was called) or
 * anything else (the in-process stand-ins serving its requests, the runner's polls, the SMTP
 * receiver). A handler's call runs in an `AsyncLocalStorage` context of its name, which every
 * callback and promise continuation it causes inherits, its keep-alive sockets included (the HTTP
 * agent resets a reused socket's context to the request's); a stand-in's server runs in the
 * context it was started in. An async hook reads `process.cpuUsage()` each time a callback starts
 * or ends, and charges the CPU since the last reading to whoever was running.
 *
 * Why not the plain difference of `process.cpuUsage()` around each call: while a handler awaits
 * its request, fauxqs and the SES stand-in serve it in this same process, and their CPU would
 * count as the handler's. That difference is kept as a cross-check (`windowUs`). The hook only
 * narrows it: the stand-ins run on a worker thread of this process, and the process's clock
 * still charges the owner running here whatever that thread burns at the same moment (Node 20
 * has no per-thread clock; `/proc/thread-self/schedstat` lags, tried and reverted in `15c1547`).
 *
 * The measure costs some CPU itself: the hook runs on every callback and promise continuation
 * (enabling async hooks makes every promise dearer), and reads `process.cpuUsage()` when the owner
 * changes (`switches`), whose price `calibrate()` measures.
 */
import { AsyncLocalStorage, createHook } from 'node:async_hooks';

/** CPU µs charged to one owner, and how many times it took the processor over from another. */
export type OwnerCpu = { us: number; switches: number };

export type CpuAttribution = {
  /** Runs `call` as `owner`'s: everything it causes is charged to `owner`. */
  run<T>(owner: string, call: () => Promise<T>): Promise<T>;
  /** A copy of the totals so far, by owner; `''` is everything not run by an owner. */
  snapshot(): Map<string, OwnerCpu>;
  /** The owner running now, undefined outside any owner's call. */
  owner(): string | undefined;
  /**
   * When asked for: each switch as [monotonic µs, new owner], on the clock of V8's CPU profiles,
   * so that a profile's samples can be told apart by owner (`handler-cost-profile.ts`).
   */
  timeline: Array<[number, string]> | undefined;
  stop(): void;
};

const OTHER = '';

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** The mean CPU µs of one `process.cpuUsage()` call here, the price of one owner switch. */
export function calibrate(calls = 50_000): number {
  const start = cpuMicros();
  for (let i = 0; i < calls; i++) cpuMicros();
  return (cpuMicros() - start) / calls;
}

/** Starts charging this process's CPU to owners; `stop` removes the hook. */
export function attributeCpu(options: { timeline?: boolean } = {}): CpuAttribution {
  const timeline: Array<[number, string]> | undefined = options.timeline ? [] : undefined;
  const storage = new AsyncLocalStorage<string>();
  const totals = new Map<string, OwnerCpu>();
  const stack: string[] = [];
  let current = OTHER;
  let last = cpuMicros();

  // The clock is read only when the owner changes: a handler's promise chain mostly hands over
  // to itself, and each reading is a system call.
  const charge = (next: string) => {
    if (next === current) return;
    const now = cpuMicros();
    const owner = totals.get(current) ?? { us: 0, switches: 0 };
    owner.us += now - last;
    owner.switches++;
    totals.set(current, owner);
    last = now;
    current = next;
    timeline?.push([Number(process.hrtime.bigint() / 1000n), next]);
  };
  const settle = () => {
    const now = cpuMicros();
    const owner = totals.get(current) ?? { us: 0, switches: 0 };
    owner.us += now - last;
    totals.set(current, owner);
    last = now;
  };

  const hook = createHook({
    before() {
      stack.push(current);
      charge(storage.getStore() ?? OTHER);
    },
    after() {
      charge(stack.pop() ?? OTHER);
    },
  });
  hook.enable();

  return {
    run(owner, call) {
      const previous = current;
      charge(owner);
      try {
        // Only the call's synchronous start is charged here; what it causes later, through the hook.
        return storage.run(owner, call);
      } finally {
        charge(previous);
      }
    },
    snapshot() {
      settle();
      return new Map([...totals].map(([owner, cpu]) => [owner, { ...cpu }]));
    },
    owner() {
      return storage.getStore();
    },
    timeline,
    stop() {
      hook.disable();
    },
  };
}
