/**
 * The desk's metrics (Powertools Metrics, CloudWatch embedded metric format), beside the logger.
 *
 * The steps stay plain: they return what happened (an intake entry, a delivery, a chunk's
 * counts), and the functions turn that into points with the pure functions below, then publish
 * them. Points without a dimension are stored and flushed once per invocation by the
 * `logMetrics` middleware; a point with a dimension (the outcome code, the mail's purpose) goes
 * out as a single metric at once, since a batch's records run concurrently and Powertools'
 * dimensions belong to the whole instance. Dimension values are enumerated codes only (outcomes,
 * purposes, results): bounded cardinality, and never an address, a subject or a ticket number.
 *
 * On Lambda the blobs go to stdout, where CloudWatch reads them. The local desk installs a sink
 * (`setMetricsSink`) so that they land in memory, are served at `/api/metrics`, and never reach
 * the terminal.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { OutboxMessage, OutboxPurpose } from '#shared/domain/messages.ts';
import type { Outcome } from '#shared/domain/outcome.ts';
import type { IntakeEntry } from '#shared/domain/records.ts';

/** The CloudWatch namespace of every desk metric (the dashboard and alarms read it). */
export const METRICS_NAMESPACE = 'AssistanceLSUN';

/** The metrics' names, one place for the functions, the dashboard and the alarms. */
export const metricNames = {
  /** `receive`: raw mails SES handed to the desk. */
  mailsReceived: 'MailsReceived',
  /** `screen`: one per mail, dimension `outcome` (the intake log's codes). */
  intakeOutcome: 'IntakeOutcome',
  /** `mailer`: from the mail's receipt to SES accepting its acknowledgment, in ms. */
  acknowledgmentLatency: 'AcknowledgmentLatency',
  /** `mailer`: one per delivery, dimension `result` (`sent`, `failed`, `unknown`). */
  mailDelivery: 'MailDelivery',
  /** `mailer`: mails SES refused for good, or left « envoi incertain »: each one a person must check. */
  sendProblems: 'SendProblems',
  /** `broadcast-send`: recipients SES accepted, per chunk. */
  broadcastSent: 'BroadcastSent',
  /** `broadcast-send`: recipients failed for good (refused, or a dead worker's claims). */
  broadcastFailed: 'BroadcastFailed',
  /** `broadcast-send`: recipients throttled and queued again for later. */
  broadcastRequeued: 'BroadcastRequeued',
  /** `mail-watch`: 1 when a school day has passed its check hour with no mail received. */
  silentSchoolDay: 'SilentSchoolDay',
} as const;

/** A dimension a point may carry: its values are enumerated codes, never personal data. */
export type MetricDimension = 'outcome' | 'purpose' | 'result';

/** One value of one metric, as a step's result gives it. */
export type MetricPoint = {
  name: (typeof metricNames)[keyof typeof metricNames];
  unit: 'Count' | 'Milliseconds';
  value: number;
  dimensions?: Partial<Record<MetricDimension, string>>;
};

/** `receive`: how many raw mails one invocation queued. */
export function receivedMetrics(count: number): MetricPoint[] {
  return [{ name: metricNames.mailsReceived, unit: 'Count', value: count }];
}

/** `screen`: the outcome of one mail, by its code. */
export function screenedMetrics(entry: Pick<IntakeEntry, 'outcome'>): MetricPoint[] {
  return [outcomePoint(entry.outcome)];
}

function outcomePoint(outcome: Outcome): MetricPoint {
  return { name: metricNames.intakeOutcome, unit: 'Count', value: 1, dimensions: { outcome } };
}

/** What the mailer's step said of one delivery (`Delivery` of `shared/steps/mailer.ts`, by outcome only). */
export type DeliveryResult = { outcome: 'sent' | 'failed' | 'unknown' | 'skipped' };

/**
 * `mailer`: one delivery. A mail sent, refused for good or left uncertain counts by result and
 * purpose; a skipped delivery (another one did the work) counts nothing. An acknowledgment sent
 * also gives its latency, from the mail's receipt (its record's `at`) to `sentAt`.
 */
export function deliveryMetrics(
  message: Pick<OutboxMessage, 'purpose' | 'record'>,
  delivery: DeliveryResult,
  sentAt: Date,
): MetricPoint[] {
  if (delivery.outcome === 'skipped') return [];
  const points: MetricPoint[] = [
    {
      name: metricNames.mailDelivery,
      unit: 'Count',
      value: 1,
      dimensions: { result: delivery.outcome, purpose: message.purpose satisfies OutboxPurpose },
    },
  ];
  if (delivery.outcome !== 'sent') {
    points.push({ name: metricNames.sendProblems, unit: 'Count', value: 1 });
    return points;
  }
  if (message.purpose === 'acknowledgment' && message.record.on === 'ticket') {
    const receivedAt = Date.parse(message.record.at);
    if (Number.isFinite(receivedAt))
      points.push({
        name: metricNames.acknowledgmentLatency,
        unit: 'Milliseconds',
        value: Math.max(0, sentAt.getTime() - receivedAt),
      });
  }
  return points;
}

/** `broadcast-send`: one chunk's progress (`ChunkOutcome` of the fan-out step). A chunk ignored counts nothing. */
export function chunkMetrics(chunk: {
  sent: number;
  failed: number;
  deferred: number;
  expired: number;
  ignored: boolean;
}): MetricPoint[] {
  if (chunk.ignored) return [];
  return [
    { name: metricNames.broadcastSent, unit: 'Count', value: chunk.sent },
    { name: metricNames.broadcastFailed, unit: 'Count', value: chunk.failed + chunk.expired },
    { name: metricNames.broadcastRequeued, unit: 'Count', value: chunk.deferred },
  ];
}

/**
 * `mail-watch`: 1 for a silent school day, 0 for a day that heard from someone or was not
 * checked, so the metric is continuous and the alarm reads missing data as a tick that failed
 * (its own alarm) rather than as silence.
 */
export function silentDayMetrics(report: { silent: boolean }): MetricPoint[] {
  return [{ name: metricNames.silentSchoolDay, unit: 'Count', value: report.silent ? 1 : 0 }];
}

/** Where the local desk collects the metrics' blobs instead of stdout. */
export type MetricsSink = (emf: Record<string, unknown>) => void;

let sink: MetricsSink | undefined;

/**
 * Sends every desk metric to `next` instead of stdout (the local desk and its tests; undefined
 * puts stdout back). Process-wide, like stdout: the handlers run in the desk's process.
 */
export function setMetricsSink(next: MetricsSink | undefined): void {
  sink = next;
}

/**
 * Powertools' `Metrics`, except where the blobs go: to the sink when one is installed, and no
 * warning when an invocation had nothing to say (a tick on a quiet day, a skipped delivery).
 */
class DeskMetrics extends Metrics {
  readonly #service: string;

  constructor(service: string, single = false) {
    super({ namespace: METRICS_NAMESPACE, serviceName: service, singleMetric: single });
    this.#service = service;
  }

  override publishStoredMetrics(): this {
    if (!this.hasStoredMetrics()) return this;
    if (sink === undefined) return super.publishStoredMetrics();
    try {
      sink(this.serializeMetrics() as Record<string, unknown>);
    } finally {
      this.clearMetrics();
      this.clearDimensions();
      this.clearMetadata();
    }
    return this;
  }

  override singleMetric(): DeskMetrics {
    return new DeskMetrics(this.#service, true);
  }
}

/** The metrics of one function: namespace `AssistanceLSUN`, its own `service` dimension. */
export function deskMetrics(service: string): Metrics {
  return new DeskMetrics(service);
}

/**
 * Adds the points to `metrics`: those without a dimension are stored for the invocation's flush
 * (`logMetrics`), each one with a dimension is published at once on its own.
 */
export function publishMetrics(metrics: Metrics, points: MetricPoint[]): void {
  for (const point of points) {
    const dimensions = Object.entries(point.dimensions ?? {});
    if (dimensions.length === 0) {
      metrics.addMetric(point.name, MetricUnit[point.unit], point.value);
      continue;
    }
    const single = metrics.singleMetric();
    for (const [name, value] of dimensions) if (value !== undefined) single.addDimension(name, value);
    single.addMetric(point.name, MetricUnit[point.unit], point.value);
  }
}
