/**
 * The staff console left open during a load: progress read through the API at a steady rate,
 * the way the console's lists refresh (the mail log, then the ticket list, in turn), with an
 * agent's token from the local identity provider. It measures its own latency: what staff feel
 * while mail pours in. Requests start on schedule whether or not the previous one answered,
 * like several agents' browsers, so a slow API does not lower the load it is given.
 */
import { performance } from 'node:perf_hooks';
import { issueToken } from '#local/jwt.ts';
import { type Distribution, distribution } from './stats.ts';

/** What the poller saw during a run. */
export type PollerReport = {
  requests: number;
  /** Answers other than 200, and requests that got no answer. */
  failed: number;
  /** Requests started per second over the run (the rate asked for, unless the run was short). */
  perSecond: number;
  latency: Distribution;
  byRoute: Record<string, Distribution>;
};

/** The console's two progress lists, polled in turn. */
const ROUTES = ['/api/intake?limit=50', '/api/tickets?limit=50&sort=updated'] as const;

/** Starts polling `httpUrl` at `perSecond`; `stop()` waits for the requests in flight and reports. */
export async function startPoller(
  httpUrl: string,
  jwtKeyPath: string,
  perSecond: number,
): Promise<{ stop(): Promise<PollerReport> }> {
  const token = await issueToken(
    { email: 'agent.suivi@ac-dijon.fr', groups: ['agent'], ttlSeconds: 3 * 3600 },
    { keyPath: jwtKeyPath },
  );
  const durations: Record<string, number[]> = Object.fromEntries(ROUTES.map((r) => [r, []]));
  const inFlight = new Set<Promise<void>>();
  let failed = 0;
  let requests = 0;
  let running = true;
  const started = performance.now();

  const poll = async (route: string) => {
    const at = performance.now();
    try {
      const response = await fetch(`${httpUrl}${route}`, { headers: { authorization: `Bearer ${token}` } });
      await response.arrayBuffer();
      if (response.status !== 200) failed++;
      else durations[route]?.push(performance.now() - at);
    } catch {
      failed++;
    }
  };

  const loop = (async () => {
    for (let i = 0; running; i++) {
      const due = started + (i * 1000) / perSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (!running) break;
      requests++;
      const request = poll(ROUTES[i % ROUTES.length] as string);
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
    }
  })();

  return {
    async stop() {
      running = false;
      await loop;
      await Promise.all(inFlight);
      const seconds = Math.max(1e-3, (performance.now() - started) / 1000);
      return {
        requests,
        failed,
        perSecond: requests / seconds,
        latency: distribution(Object.values(durations).flat()),
        byRoute: Object.fromEntries(Object.entries(durations).map(([route, d]) => [route, distribution(d)])),
      };
    },
  };
}
