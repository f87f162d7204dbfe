/**
 * The local desk's CloudWatch: the handlers' metrics (embedded metric format blobs, as they would
 * print on Lambda) are caught in memory instead of the terminal, and summed up for staff at
 * `GET /api/metrics`, the figures the deployed dashboard shows (mails received, outcomes by code,
 * acknowledgment latency p50/p95, send problems, broadcast progress).
 *
 * A local route rather than a contract route: on AWS these figures live in CloudWatch and the
 * dashboard shows them; the `api` function has no such store and needs no such route.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { authorize } from '#shared/http/auth.ts';
import { ClientError } from '#shared/http/errors.ts';
import { METRICS_NAMESPACE, type MetricsSink, metricNames } from '#shared/metrics.ts';

/** The values of one metric with one set of dimensions (the service included). */
export type MetricSeries = {
  name: string;
  unit: string;
  dimensions: Record<string, string>;
  samples: number;
  sum: number;
  min: number;
  max: number;
  p50: number;
  p95: number;
};

/** What `GET /api/metrics` answers. */
export type MetricsSummary = {
  namespace: string;
  since: string;
  mailsReceived: number;
  /** Mails screened, by outcome code (`shared/domain/outcome.ts`). */
  outcomes: Record<string, number>;
  /** From a mail's receipt to SES accepting its acknowledgment. */
  acknowledgmentLatencyMs: { samples: number; p50: number; p95: number; max: number } | null;
  /** Mails refused for good or left « envoi incertain ». */
  sendProblems: number;
  broadcast: { sent: number; failed: number; requeued: number };
  series: MetricSeries[];
};

/** At most this many values are kept per series for the percentiles: a long local run stays small. */
const MAX_VALUES = 10_000;

type Stored = {
  name: string;
  unit: string;
  dimensions: Record<string, string>;
  values: number[];
  samples: number;
  sum: number;
  min: number;
  max: number;
};

/** An in-memory store of the desk's metrics: `sink` is handed to `setMetricsSink`. */
export function makeMetricsStore(now: () => Date = () => new Date()) {
  const since = now().toISOString();
  const series = new Map<string, Stored>();

  const sink: MetricsSink = (emf) => {
    const directives = (emf._aws as { CloudWatchMetrics?: unknown[] } | undefined)?.CloudWatchMetrics ?? [];
    for (const directive of directives as Array<{
      Dimensions?: string[][];
      Metrics?: Array<{ Name: string; Unit?: string }>;
    }>) {
      const dimensionNames = directive.Dimensions?.[0] ?? [];
      const dimensions = Object.fromEntries(dimensionNames.map((name) => [name, String(emf[name] ?? '')]));
      for (const metric of directive.Metrics ?? []) {
        const raw = emf[metric.Name];
        const values = (Array.isArray(raw) ? raw : [raw]).filter(
          (value): value is number => typeof value === 'number',
        );
        if (values.length === 0) continue;
        const key = JSON.stringify([metric.Name, Object.entries(dimensions).sort()]);
        let stored = series.get(key);
        if (!stored) {
          stored = {
            name: metric.Name,
            unit: metric.Unit ?? 'None',
            dimensions,
            values: [],
            samples: 0,
            sum: 0,
            min: Number.POSITIVE_INFINITY,
            max: Number.NEGATIVE_INFINITY,
          };
          series.set(key, stored);
        }
        for (const value of values) {
          stored.samples += 1;
          stored.sum += value;
          stored.min = Math.min(stored.min, value);
          stored.max = Math.max(stored.max, value);
          if (stored.values.length < MAX_VALUES) stored.values.push(value);
        }
      }
    }
  };

  function summary(): MetricsSummary {
    const all = [...series.values()].map(
      (s): MetricSeries => ({
        name: s.name,
        unit: s.unit,
        dimensions: s.dimensions,
        samples: s.samples,
        sum: s.sum,
        min: s.min,
        max: s.max,
        p50: percentile(s.values, 50),
        p95: percentile(s.values, 95),
      }),
    );
    const total = (name: string) => all.filter((s) => s.name === name).reduce((sum, s) => sum + s.sum, 0);
    const outcomes: Record<string, number> = {};
    for (const s of all.filter((s) => s.name === metricNames.intakeOutcome)) {
      const outcome = s.dimensions.outcome ?? '';
      outcomes[outcome] = (outcomes[outcome] ?? 0) + s.sum;
    }
    const latencies = [...series.values()]
      .filter((s) => s.name === metricNames.acknowledgmentLatency)
      .flatMap((s) => s.values);
    return {
      namespace: METRICS_NAMESPACE,
      since,
      mailsReceived: total(metricNames.mailsReceived),
      outcomes,
      acknowledgmentLatencyMs:
        latencies.length === 0
          ? null
          : {
              samples: latencies.length,
              p50: percentile(latencies, 50),
              p95: percentile(latencies, 95),
              max: Math.max(...latencies),
            },
      sendProblems: total(metricNames.sendProblems),
      broadcast: {
        sent: total(metricNames.broadcastSent),
        failed: total(metricNames.broadcastFailed),
        requeued: total(metricNames.broadcastRequeued),
      },
      series: all,
    };
  }

  return { sink, summary };
}

export type MetricsStore = ReturnType<typeof makeMetricsStore>;

/** Nearest-rank percentile, as CloudWatch's pNN on raw values; 0 for no value. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? 0;
}

/** An answer of a local API route: status and JSON body. */
export type LocalApiAnswer = { status: number; body: unknown };

/**
 * `GET /api/metrics`: for staff (agent or admin), checked as the router checks a contract route,
 * once the front has checked the token like API Gateway's authorizer.
 */
export function metricsRoute(store: MetricsStore) {
  return async (claims: Record<string, string>): Promise<LocalApiAnswer> => {
    try {
      authorize(
        {
          requestContext: { authorizer: { jwt: { claims, scopes: null } } },
        } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer,
        'agent',
      );
    } catch (error) {
      if (error instanceof ClientError)
        return {
          status: error.status,
          body: { error: { code: error.code, message: error.message } },
        };
      throw error;
    }
    return { status: 200, body: store.summary() };
  };
}
