/**
 * What the intake and gateway benchmarks watch on a running desk, set up once. The desk runs in
 * a process of its own (`local/desk-process.ts`), with the bench's agent bundled in
 * (`desk-agent.ts`): there the handlers' own AWS clients are probed, the HTTP round trips of that
 * process counted, its event loop and heap read; the figures cross over IPC. Here: the outbox
 * feed, each mail's trace, the queues' backlog, the CPU of every process, and the memory of the
 * desk's process tree (the desk, the stand-ins, DynamoDB Local), with the bench's own process,
 * the load generator, sampled apart. One measuring window per timed run, opened before the run's
 * mails are pushed and closed after.
 */
import { fileURLToPath } from 'node:url';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DeskProcess } from '#local/desk-process.ts';
import type { AgentEvent, AgentRequest } from './desk-agent.ts';
import type { NodeMemory } from './machine.ts';
import { type CounterSnapshot, hookOutbox, Tracker } from './probes.ts';
import type { ProfileSummary } from './profile.ts';
import { sampleBacklog } from './queues.ts';
import { type BenchRules, sampleTreeMemory, type TreeCpu, type TreeMemory } from './rules.ts';

/** The probes of one desk, from its start to the end of the bench. */
export type DeskProbes = {
  tracker: Tracker;
  /** The requests counted since the last take (or window), and counting afresh. */
  take(): Promise<CounterSnapshot>;
  /** How many mails the SES stand-in reported storing (to check the feed saw them all). */
  storedCount(): number;
  /** Opens the window of one timed run (`name` as the rules report it). */
  openWindow(name: string): Promise<MeasuringWindow>;
  /** Starts a CPU profile of the desk's process; `stop` saves it in `folder` and summarises it. */
  startProfile(): Promise<{ stop(folder: string, name: string): Promise<ProfileSummary> }>;
  /** Stops counting requests (before the bench reads the desk through its API, which the handlers' clients serve). */
  stopCounting(): Promise<void>;
  /** Stops the outbox feed and the memory sampling; gives the memory peaks over the whole bench. */
  stop(): TreeMemory;
};

/** One timed run's window; `close()` gives what was measured between its opening and now. */
export type MeasuringWindow = { close(): Promise<WindowFigures> };

export type WindowFigures = {
  snapshot: CounterSnapshot;
  /** HTTP round trips of the desk's process, without the benchmark's own looks at the queues. */
  httpRequests: Record<string, number>;
  memory: TreeMemory;
  nodeMemoryAtEnd: NodeMemory;
  backlogPeak: Record<string, number>;
  eventLoopUtilization: number;
  eventLoopDelayP99Ms: number;
  /** The desk's garbage collector during the window: pauses, and their summed duration (ms). */
  gc: { pauses: number; ms: number };
  cpu: TreeCpu;
};

/** The path of the agent bundled as the desk's process's entry (`startDeskProcess({ entry })`). */
export const DESK_AGENT = fileURLToPath(new URL('./desk-agent.ts', import.meta.url));

/**
 * Probes `desk`, started on `portBase` (smtp, http, ses, dynamodb, sqs in that order, as both
 * benchmarks start it) with `DESK_AGENT` as its entry; `sqs` is the bench's own client, to sample
 * the queues' backlog.
 */
export async function probeDesk(
  desk: DeskProcess,
  portBase: number,
  rules: BenchRules,
  sqs: SQSClient,
): Promise<DeskProbes> {
  const ask = (request: AgentRequest) => desk.ask(request);
  const tracker = new Tracker();
  const at = (epochMs: number) => epochMs - performance.timeOrigin;
  const unlisten = desk.onEvent((body) => {
    const event = body as AgentEvent;
    if (event.type === 'recorded')
      tracker.recorded(event.sesMessageId, event.outcome, event.reply, at(event.atEpochMs));
    else if (event.type === 'ticketed')
      tracker.ticketed(event.sesMessageId, event.ticketNumber, at(event.atEpochMs));
  });
  await ask({ type: 'probe', portBase });
  const outbox = hookOutbox(tracker, desk);
  // The desk's memory: its process and every descendant (the stand-ins, DynamoDB Local's Java);
  // the bench's own process (the corpus, the SMTP client, the pending sends) apart.
  const memory = sampleTreeMemory(desk.pids.desk, 100, '/proc', [process.pid]);
  return {
    tracker,
    take: () => ask({ type: 'take' }) as Promise<CounterSnapshot>,
    storedCount: () => outbox.storedCount(),
    async openWindow(name) {
      const cpu = rules.run(name);
      const backlog = sampleBacklog(sqs, desk.resources.queueUrls);
      memory.window();
      await ask({ type: 'window-open' });
      return {
        async close() {
          const inDesk = (await ask({ type: 'window-close' })) as Omit<
            WindowFigures,
            'memory' | 'backlogPeak' | 'cpu'
          >;
          // GetQueueAttributes: the benchmark's own look at the queues, not the desk's work
          // (counted apart since the bench left the desk's process; kept out as before).
          const { 'SQS GetQueueAttributes': _ours, ...httpRequests } = inDesk.httpRequests;
          const memoryPeaks = memory.window();
          const backlogPeak = await backlog.stop();
          return {
            ...inDesk,
            httpRequests,
            memory: memoryPeaks,
            backlogPeak,
            cpu: cpu.stop(),
          };
        },
      };
    },
    async startProfile() {
      await ask({ type: 'profile-start' });
      return {
        stop: async (folder, name) => (await ask({ type: 'profile-stop', folder, name })) as ProfileSummary,
      };
    },
    async stopCounting() {
      await ask({ type: 'stop-counting' });
    },
    stop() {
      outbox.unhook();
      unlisten();
      return memory.stop();
    },
  };
}
