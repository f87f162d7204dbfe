/**
 * The intake and gateway benchmarks' agent inside the desk's own process (`local/desk-process.ts`
 * bundles it as the child's entry): the probes that must sit beside the handlers, the very AWS
 * client instances they use (`probeClient`), the HTTP round trips of that process
 * (`countHttpRequests`), its event loop and its heap, counted there exactly as when the desk ran
 * in the bench's process, and handed to the bench over IPC. Each mail's recorded and ticketed
 * moments go to the bench as events, on the epoch clock (each process has its own
 * `performance.now()`).
 */
import { monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks';
import { serveDesk } from '#local/desk-child.ts';
import type { RunningDesk } from '#local/stack.ts';
import { awsClients } from '#shared/adapters/aws-clients.ts';
import type { Outcome } from '#shared/domain/outcome.ts';
import { nodeMemory } from './machine.ts';
import { countHttpRequests, probeClient, RequestCounters, Tracker } from './probes.ts';
import { startProfile } from './profile.ts';

/** What the bench asks its agent. */
export type AgentRequest =
  | { type: 'probe'; portBase: number }
  | { type: 'take' }
  | { type: 'window-open' }
  | { type: 'window-close' }
  | { type: 'stop-counting' }
  | { type: 'profile-start' }
  | { type: 'profile-stop'; folder: string; name: string };

/** A mail's step seen by the probes, sent as it happens. */
export type AgentEvent =
  | { type: 'recorded'; sesMessageId: string; outcome: Outcome; reply: string | undefined; atEpochMs: number }
  | { type: 'ticketed'; sesMessageId: string; ticketNumber: string; atEpochMs: number };

/** The tracker of this process: it keeps nothing, it tells the bench. */
class ForwardingTracker extends Tracker {
  constructor(private readonly notify: (event: AgentEvent) => void) {
    super();
  }
  override recorded(sesMessageId: string, outcome: Outcome, reply: string | undefined, at: number): void {
    this.notify({ type: 'recorded', sesMessageId, outcome, reply, atEpochMs: performance.timeOrigin + at });
  }
  override ticketed(sesMessageId: string, ticketNumber: string, at: number): void {
    this.notify({ type: 'ticketed', sesMessageId, ticketNumber, atEpochMs: performance.timeOrigin + at });
  }
}

let desk: RunningDesk | undefined;
let notify: (event: AgentEvent) => void = () => undefined;
const counters = new RequestCounters();
let http: ReturnType<typeof countHttpRequests> | undefined;
let unprobe: Array<() => void> = [];
let profile: Awaited<ReturnType<typeof startProfile>> | undefined;
let window:
  | {
      elu: ReturnType<typeof performance.eventLoopUtilization>;
      delay: ReturnType<typeof monitorEventLoopDelay>;
      gc: PerformanceObserver;
      gcMs: number;
      gcCount: number;
    }
  | undefined;

async function answer(request: AgentRequest): Promise<unknown> {
  switch (request.type) {
    case 'probe': {
      const tracker = new ForwardingTracker(notify);
      unprobe = [
        probeClient(awsClients.dynamodb(), 'dynamodb', counters, tracker),
        probeClient(awsClients.ses(), 'ses', counters, tracker),
        probeClient(awsClients.sqs(), 'sqs', counters, tracker),
        probeClient(awsClients.s3(), 's3', counters, tracker),
      ];
      const p = request.portBase;
      http = countHttpRequests({
        dynamodb: p + 3,
        fauxqs: p + 4,
        ses: p + 2,
        rawMailBucket: desk?.resources.bucket ?? '',
      });
      return null;
    }
    case 'take':
      return counters.take();
    case 'window-open': {
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      // The garbage collector's pauses on this thread: what a smaller heap costs in CPU.
      const gc = new PerformanceObserver((list) => {
        if (window === undefined) return;
        for (const entry of list.getEntries()) {
          window.gcMs += entry.duration;
          window.gcCount++;
        }
      });
      gc.observe({ entryTypes: ['gc'] });
      window = { elu: performance.eventLoopUtilization(), delay, gc, gcMs: 0, gcCount: 0 };
      http?.take();
      counters.take();
      return null;
    }
    case 'window-close': {
      const snapshot = counters.take();
      const httpRequests = http?.take() ?? {};
      const opened = window;
      // The observer's last entries come asynchronously; those seen so far are counted.
      window = undefined;
      opened?.delay.disable();
      opened?.gc.disconnect();
      return {
        gc: { pauses: opened?.gcCount ?? 0, ms: opened?.gcMs ?? 0 },
        snapshot,
        httpRequests,
        nodeMemoryAtEnd: nodeMemory(),
        eventLoopUtilization: opened ? performance.eventLoopUtilization(opened.elu).utilization : 0,
        eventLoopDelayP99Ms: opened ? opened.delay.percentile(99) / 1e6 : 0,
      };
    }
    // The CPU profile of this process, the desk's: where the handlers and the runner spend it.
    case 'profile-start':
      profile = await startProfile();
      return null;
    case 'profile-stop': {
      const summary = await profile?.stop(request.folder, request.name);
      profile = undefined;
      return summary ?? null;
    }
    case 'stop-counting':
      for (const remove of unprobe) remove();
      unprobe = [];
      http?.stop();
      return null;
  }
}

// Bundled as the desk's process's entry (startDeskProcess sets the mark); imported, it does nothing.
if (process.env.LSUN_DESK_PROCESS === 'agent' && process.send !== undefined) {
  serveDesk({
    attach(running, send) {
      desk = running;
      notify = send;
    },
    answer: (request) => answer(request as AgentRequest),
  }).catch((error: unknown) => {
    process.stderr.write(
      `Le desk n’a pas pu démarrer : ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  });
}
