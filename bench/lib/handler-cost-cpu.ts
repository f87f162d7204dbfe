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
 * count as the handler's. That difference is kept as a cross-check (`windowUs`).
 *
 * The measure costs some CPU itself: one `process.cpuUsage()` per hook event (`events`), whose
 * price `calibrate()` measures, so a report can say how much of a figure is the measure.
 */
import { AsyncLocalStorage, createHook } from 'node:async_hooks';

/** CPU µs and hook events charged to one owner. */
export type OwnerCpu = { us: number; events: number };

export type CpuAttribution = {
  /** Runs `call` as `owner`'s: everything it causes is charged to `owner`. */
  run<T>(owner: string, call: () => Promise<T>): Promise<T>;
  /** A copy of the totals so far, by owner; `''` is everything not run by an owner. */
  snapshot(): Map<string, OwnerCpu>;
  /** The owner running now, undefined outside any owner's call. */
  owner(): string | undefined;
  stop(): void;
};

const OTHER = '';

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** The mean CPU µs of one `process.cpuUsage()` call here, the price of one hook event. */
export function calibrate(calls = 50_000): number {
  const start = cpuMicros();
  for (let i = 0; i < calls; i++) cpuMicros();
  return (cpuMicros() - start) / calls;
}

/** Starts charging this process's CPU to owners; `stop` removes the hook. */
export function attributeCpu(): CpuAttribution {
  const storage = new AsyncLocalStorage<string>();
  const totals = new Map<string, OwnerCpu>();
  const stack: string[] = [];
  let current = OTHER;
  let last = cpuMicros();

  const charge = (next: string) => {
    const now = cpuMicros();
    const owner = totals.get(current) ?? { us: 0, events: 0 };
    owner.us += now - last;
    owner.events++;
    totals.set(current, owner);
    last = now;
    current = next;
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
      charge(current);
      return new Map([...totals].map(([owner, cpu]) => [owner, { ...cpu }]));
    },
    owner() {
      return storage.getStore();
    },
    stop() {
      hook.disable();
    },
  };
}
