/**
 * What the intake and gateway benchmarks watch on a running desk, set up once: the handlers' own
 * AWS clients probed (they live in the bench's process, the very instances the handlers use), the
 * outbox feed, the HTTP round trips and the memory of the desk's whole process tree; and one
 * measuring window per timed run, opened before the run's mails are pushed and closed after.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { RunningDesk } from '#local/stack.ts';
import { awsClients } from '#shared/adapters/aws-clients.ts';
import { type NodeMemory, nodeMemory } from './machine.ts';
import {
  type CounterSnapshot,
  countHttpRequests,
  hookOutbox,
  probeClient,
  RequestCounters,
  Tracker,
} from './probes.ts';
import { sampleBacklog } from './queues.ts';
import { type BenchRules, sampleTreeMemory, type TreeCpu, type TreeMemory } from './rules.ts';

/** The probes of one desk, from its start to the end of the bench. */
export type DeskProbes = {
  tracker: Tracker;
  counters: RequestCounters;
  /** How many mails the SES stand-in reported storing (to check the feed saw them all). */
  storedCount(): number;
  /** Opens the window of one timed run (`name` as the rules report it). */
  openWindow(name: string): MeasuringWindow;
  /** Stops counting requests (before the bench reads the desk through its API, which the handlers' clients serve). */
  stopCounting(): void;
  /** Stops the outbox feed and the memory sampling; gives the memory peaks over the whole bench. */
  stop(): TreeMemory;
};

/** One timed run's window; `close()` gives what was measured between its opening and now. */
export type MeasuringWindow = { close(): Promise<WindowFigures> };

export type WindowFigures = {
  snapshot: CounterSnapshot;
  /** HTTP round trips of the bench's process, without the benchmark's own looks at the queues. */
  httpRequests: Record<string, number>;
  memory: TreeMemory;
  nodeMemoryAtEnd: NodeMemory;
  backlogPeak: Record<string, number>;
  eventLoopUtilization: number;
  eventLoopDelayP99Ms: number;
  cpu: TreeCpu;
};

/**
 * Probes `desk`, started on `portBase` (smtp, http, ses, dynamodb, sqs in that order, as both
 * benchmarks start it); `sqs` is the bench's own client, to sample the queues' backlog.
 */
export function probeDesk(
  desk: RunningDesk,
  portBase: number,
  rules: BenchRules,
  sqs: SQSClient,
): DeskProbes {
  const tracker = new Tracker();
  const counters = new RequestCounters();
  const unprobe = [
    probeClient(awsClients.dynamodb(), 'dynamodb', counters, tracker),
    probeClient(awsClients.ses(), 'ses', counters, tracker),
    probeClient(awsClients.sqs(), 'sqs', counters, tracker),
    probeClient(awsClients.s3(), 's3', counters, tracker),
  ];
  const outbox = hookOutbox(tracker, desk);
  const http = countHttpRequests({
    dynamodb: portBase + 3,
    fauxqs: portBase + 4,
    ses: portBase + 2,
    rawMailBucket: desk.resources.bucket,
  });
  // The desk's memory: this process and every descendant (DynamoDB Local's Java, the stand-ins).
  const memory = sampleTreeMemory();
  return {
    tracker,
    counters,
    storedCount: () => outbox.storedCount(),
    openWindow(name) {
      const cpu = rules.run(name);
      const elu = performance.eventLoopUtilization();
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const backlog = sampleBacklog(sqs, desk.resources.queueUrls);
      memory.window();
      http.take();
      counters.take();
      return {
        async close() {
          const snapshot = counters.take();
          // GetQueueAttributes: the benchmark's own look at the queues, not the desk's work.
          const { 'SQS GetQueueAttributes': _ours, ...httpRequests } = http.take();
          const memoryPeaks = memory.window();
          const nodeMemoryAtEnd = nodeMemory();
          const backlogPeak = await backlog.stop();
          delay.disable();
          const eventLoop = performance.eventLoopUtilization(elu);
          return {
            snapshot,
            httpRequests,
            memory: memoryPeaks,
            nodeMemoryAtEnd,
            backlogPeak,
            eventLoopUtilization: eventLoop.utilization,
            eventLoopDelayP99Ms: delay.percentile(99) / 1e6,
            cpu: cpu.stop(),
          };
        },
      };
    },
    stopCounting() {
      for (const remove of unprobe) remove();
      http.stop();
    },
    stop() {
      outbox.unhook();
      return memory.stop();
    },
  };
}
