/**
 * Observability as deployed: active tracing on every function, the desk's dashboard (its widgets
 * by title) and the alarms on the desk's own metrics, each on the pipeline's alarm topic.
 */
import { describe, expect, it } from 'vitest';
import { Outcome } from '#shared/domain/outcome.ts';
import { METRICS_NAMESPACE } from '#shared/metrics.ts';
import { logicalIdIn, resourcesOf, synthFullDesk } from './synth.ts';

const full = synthFullDesk();

/** The dashboard's body, with the tokens CloudFormation would resolve left as they are. */
function dashboardBody(): { widgets: Array<{ type: string; properties: Record<string, unknown> }> } {
  const [dashboard] = Object.values(resourcesOf(full.deskTemplate, 'AWS::CloudWatch::Dashboard'));
  const body = dashboard?.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  // The body is a join of strings and tokens: the tokens become placeholders, the rest is JSON.
  const text = body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  return JSON.parse(text);
}

function alarm(id: string) {
  return resourcesOf(full.deskTemplate, 'AWS::CloudWatch::Alarm')[id]?.Properties ?? {};
}

describe('observability', () => {
  it('traces every function of the desk actively (X-Ray)', () => {
    // Why: Tracer only sends segments where Lambda samples the invocation.
    const desk = Object.values(full.desk.functions).map((fn) => logicalIdIn(full, fn.function));
    const all = resourcesOf(full.deskTemplate, 'AWS::Lambda::Function');
    expect(desk).toHaveLength(Object.keys(full.desk.functions).length);
    for (const id of desk) {
      expect(all[id]?.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
      expect(
        (all[id]?.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables,
      ).toMatchObject({
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      });
    }
  });

  it('has one dashboard with the widgets staff and engineers need', () => {
    const titles = dashboardBody().widgets.map((widget) => widget.properties.title);

    expect(titles).toEqual([
      'Alarmes',
      'Courriels reçus',
      'Issues du tri, par code',
      "Délai de l'accusé de réception (p50, p95)",
      'Envois en échec ou incertains',
      'Information globale : progression par lot',
      'Jour ouvré sans courriel',
      'Files : messages en attente',
      "Files d'erreurs (DLQ)",
      'Chaîne : erreurs Lambda',
      'Chaîne : limitations (throttles)',
      'Chaîne : durée (p95)',
      'API : erreurs 4xx et 5xx',
      'API : latence (p50, p95)',
    ]);
  });

  it('graphs each outcome code by its own line, and the latency at p50 and p95', () => {
    const widgets = dashboardBody().widgets;
    const outcomes = widgets.find((widget) => widget.properties.title === 'Issues du tri, par code');
    const latency = widgets.find((widget) => widget.properties.title?.toString().startsWith('Délai'));

    const lines = (outcomes?.properties.metrics ?? []) as unknown[][];
    expect(lines).toHaveLength(10);
    expect(lines[0]?.slice(0, 2)).toEqual([METRICS_NAMESPACE, 'IntakeOutcome']);
    expect(lines.map((line) => line[line.indexOf('outcome') + 1])).toEqual(Outcome.options);
    expect(lines.every((line) => line[line.indexOf('service') + 1] === 'screen')).toBe(true);
    const stats = ((latency?.properties.metrics ?? []) as unknown[][]).map(
      (line) => (line.at(-1) as { stat: string }).stat,
    );
    expect(stats).toEqual(['p50', 'p95']);
  });

  it('alarms on the alarm topic when a mail of the desk fails or is left uncertain, within 5 minutes', () => {
    const id = logicalIdIn(full, full.desk.observability.sendProblemsAlarm);
    const topic = logicalIdIn(full, full.desk.pipeline.alarmTopic);

    const props = alarm(id);
    expect(props).toMatchObject({
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topic }],
    });
    const metrics = props.Metrics as Array<{
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string; Dimensions: unknown[] }; Period: number };
    }>;
    expect(metrics.find((m) => m.Expression)?.Expression).toBe('FILL(mailer, 0) + FILL(sweep, 0)');
    const stats = metrics.flatMap((m) => (m.MetricStat ? [m.MetricStat] : []));
    expect(stats.map((s) => [s.Metric.MetricName, s.Metric.Dimensions, s.Period])).toEqual([
      ['SendProblems', [{ Name: 'service', Value: 'mailer' }], 300],
      ['SendProblems', [{ Name: 'service', Value: 'outbox-sweep' }], 300],
    ]);
  });

  it('alarms on the alarm topic when a school day passes its check hour without a mail', () => {
    const id = logicalIdIn(full, full.desk.observability.silentDayAlarm);
    const topic = logicalIdIn(full, full.desk.pipeline.alarmTopic);

    expect(alarm(id)).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: 'SilentSchoolDay',
      Dimensions: [{ Name: 'service', Value: 'mail-watch' }],
      Statistic: 'Maximum',
      Period: 3600,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topic }],
    });
    expect(alarm(id).OKActions).toBeUndefined();
  });

  it('lets the mail watch read the table, and nothing else of the desk', () => {
    // Why: it counts the intake log; it sends nothing and queues nothing.
    const role = logicalIdIn(full, full.desk.functions['mail-watch'].role);
    const actions = Object.values(resourcesOf(full.deskTemplate, 'AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${role}"`))
      .flatMap(
        (policy) =>
          (policy.Properties.PolicyDocument as { Statement: Array<{ Action: string | string[] }> }).Statement,
      )
      .flatMap((statement) => [statement.Action].flat());
    expect(actions.some((action) => action.startsWith('sqs:') || action.startsWith('ses:'))).toBe(false);
    expect(actions).toContain('dynamodb:Query');
    expect(actions.some((action) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(action))).toBe(false);
  });
});
