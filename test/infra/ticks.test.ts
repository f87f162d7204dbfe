import { describe, expect, it } from 'vitest';
import { pipeline } from '#shared/pipeline.ts';
import { asArray, logicalIdIn, resourcesOf, type Statement, synthFullDesk } from './synth.ts';

const full = synthFullDesk();

function statementsOf(role: string): Statement[] {
  return Object.values(resourcesOf(full.deskTemplate, 'AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${role}"`))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

describe('the scheduler ticks', () => {
  it('are one schedule per tick of shared/pipeline.ts, at its rate, invoking its function', () => {
    // Why: the CDK app and the local runner read the same list, so a tick cannot exist in one only.
    const schedules = resourcesOf(full.deskTemplate, 'AWS::Scheduler::Schedule');
    expect(Object.keys(schedules)).toHaveLength(pipeline.ticks.length);
    for (const tick of pipeline.ticks) {
      const scheduled = full.desk.pipeline.tickOf(tick.entry);
      expect(scheduled, tick.entry).toBeDefined();
      const rate = {
        'broadcast-plan': 'rate(1 minute)',
        'ticket-housekeeping': 'rate(1 hour)',
        'outbox-sweep': 'rate(5 minutes)',
        'mail-watch': 'rate(1 hour)',
      }[tick.entry];
      expect(schedules[logicalIdIn(full, scheduled?.schedule as never)]?.Properties).toMatchObject({
        ScheduleExpression: rate,
        State: 'ENABLED',
        Target: {
          Arn: { 'Fn::GetAtt': [logicalIdIn(full, full.desk.functions[tick.entry].function), 'Arn'] },
        },
      });
    }
  });

  it('runs auto-close hourly, with a dead-letter queue and both alarms to the alarm topic', () => {
    // Why: a tick lost silently is tickets left open for ever; staff must be told.
    expect(pipeline.ticks.find((tick) => tick.entry === 'ticket-housekeeping')).toMatchObject({
      everyMinutes: 60,
    });
    const tick = full.desk.pipeline.tickOf('ticket-housekeeping');
    const schedule = resourcesOf(full.deskTemplate, 'AWS::Scheduler::Schedule')[
      logicalIdIn(full, tick?.schedule as never)
    ];
    const target = schedule?.Properties.Target as { DeadLetterConfig: { Arn: unknown } };
    expect(target.DeadLetterConfig.Arn).toEqual({
      'Fn::GetAtt': [logicalIdIn(full, tick?.deadLetterQueue as never), 'Arn'],
    });
    const alarms = resourcesOf(full.deskTemplate, 'AWS::CloudWatch::Alarm');
    for (const alarm of [tick?.deadLetterAlarm, tick?.failingAlarm]) {
      const properties = alarms[logicalIdIn(full, alarm as never)]?.Properties;
      expect(properties?.AlarmActions).toEqual([{ Ref: logicalIdIn(full, full.desk.pipeline.alarmTopic) }]);
      expect(String(properties?.AlarmDescription)).toContain('clôturés automatiquement');
    }
    full.deskTemplate.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalIdIn(full, full.desk.functions['ticket-housekeeping'].function) },
      MaximumRetryAttempts: 0,
    });
  });

  it("lets each schedule's role invoke its own function and nothing else; no other role invokes", () => {
    // Why: the roles are assumed by a service; one tick's role must not start another's work.
    const tickRoles = pipeline.ticks.map((tick) => ({
      role: logicalIdIn(full, full.desk.pipeline.tickOf(tick.entry)?.role as never),
      target: logicalIdIn(full, full.desk.functions[tick.entry].function),
    }));
    const invoking = Object.values(resourcesOf(full.deskTemplate, 'AWS::IAM::Policy')).filter((policy) =>
      (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement.some((statement) =>
        asArray(statement.Action).includes('lambda:InvokeFunction'),
      ),
    );
    expect(invoking).toHaveLength(pipeline.ticks.length);
    for (const { role, target } of tickRoles) {
      const invokes = statementsOf(role).filter((statement) =>
        asArray(statement.Action).includes('lambda:InvokeFunction'),
      );
      expect(invokes.length).toBeGreaterThan(0);
      for (const statement of invokes)
        for (const resource of asArray(statement.Resource))
          expect(JSON.stringify(resource)).toContain(`"${target}"`);
    }
  });

  it('lets auto-close read and write the table and send to the outbox only, never mail or bulk-send itself', () => {
    // Why: the notice goes through the outbox and the mailer like every mail, so it is sent once.
    const role = logicalIdIn(full, full.desk.functions['ticket-housekeeping'].role);
    const actions = statementsOf(role).flatMap((statement) => asArray(statement.Action));
    // A transaction is authorised item by item: the close updates, the notice and history put.
    for (const action of ['dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:PutItem'])
      expect(actions).toContain(action);
    expect(actions).toContain('sqs:SendMessage');
    expect(actions.some((action) => action.startsWith('ses:'))).toBe(false);
    const queues = statementsOf(role)
      .filter((statement) => asArray(statement.Action).includes('sqs:SendMessage'))
      .flatMap((statement) => asArray(statement.Resource));
    expect(queues).toEqual([
      { 'Fn::GetAtt': [logicalIdIn(full, full.desk.pipeline.stages.outbox.queue), 'Arn'] },
    ]);
  });

  it('runs the outbox sweeper every 5 minutes: it reads and updates the table and re-queues on the outbox only, never mails', () => {
    // Why: a mail whose queue message was lost must be queued again through the mailer, whose
    // claim sends it once; a sweeper that mailed itself would bypass that claim.
    expect(pipeline.ticks.find((tick) => tick.entry === 'outbox-sweep')).toMatchObject({ everyMinutes: 5 });
    const role = logicalIdIn(full, full.desk.functions['outbox-sweep'].role);
    const actions = statementsOf(role).flatMap((statement) => asArray(statement.Action));
    for (const action of ['dynamodb:Query', 'dynamodb:UpdateItem', 'sqs:SendMessage'])
      expect(actions).toContain(action);
    expect(actions.some((action) => action.startsWith('ses:'))).toBe(false);
    const queues = statementsOf(role)
      .filter((statement) => asArray(statement.Action).includes('sqs:SendMessage'))
      .flatMap((statement) => asArray(statement.Resource));
    expect(queues).toEqual([
      { 'Fn::GetAtt': [logicalIdIn(full, full.desk.pipeline.stages.outbox.queue), 'Arn'] },
    ]);
    const tick = full.desk.pipeline.tickOf('outbox-sweep');
    const alarms = resourcesOf(full.deskTemplate, 'AWS::CloudWatch::Alarm');
    for (const alarm of [tick?.deadLetterAlarm, tick?.failingAlarm])
      expect(String(alarms[logicalIdIn(full, alarm as never)]?.Properties.AlarmDescription)).toContain(
        'ne partent plus',
      );
  });
});
