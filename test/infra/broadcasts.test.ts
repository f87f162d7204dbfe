import { describe, expect, it } from 'vitest';
import { allStages, pipeline } from '#shared/pipeline.ts';
import {
  asArray,
  logicalIdIn,
  resourcesOf,
  type Statement,
  type SynthesizedDesk,
  synthDesk,
  synthFullDesk,
} from './synth.ts';

type FunctionName = keyof SynthesizedDesk['desk']['functions'];

const full = synthFullDesk();

/** Every IAM policy of the desk stack with the role logical ids it is attached to. */
function policies(): { roles: string; statements: Statement[] }[] {
  return Object.values(resourcesOf(full.deskTemplate, 'AWS::IAM::Policy')).map((policy) => ({
    roles: JSON.stringify(policy.Properties.Roles),
    statements: (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
  }));
}

/** The roles (by function name) whose policies allow `action`, with the statements allowing it. */
function allowedTo(action: string): Map<FunctionName | 'other', Statement[]> {
  const found = new Map<FunctionName | 'other', Statement[]>();
  const roleOf = Object.entries(full.desk.functions).map(
    ([name, fn]) => [name as FunctionName, logicalIdIn(full, fn.role)] as const,
  );
  for (const policy of policies()) {
    for (const statement of policy.statements) {
      if (statement.Effect !== 'Allow' || !asArray(statement.Action).includes(action)) continue;
      const owner = roleOf.find(([, role]) => policy.roles.includes(`"${role}"`))?.[0] ?? 'other';
      found.set(owner, [...(found.get(owner) ?? []), statement]);
    }
  }
  return found;
}

describe('the broadcast and ses-events queues', () => {
  it('come from shared/pipeline.ts, each with a dead-letter queue after five receives and an alarm on it', () => {
    // Why: a chunk that keeps failing is fifty directors without the message; it must land
    // somewhere staff are told about, never loop or vanish.
    const queues = resourcesOf(full.deskTemplate, 'AWS::SQS::Queue');
    const alarms = Object.values(resourcesOf(full.deskTemplate, 'AWS::CloudWatch::Alarm'));
    const alarmTopic = logicalIdIn(full, full.desk.pipeline.alarmTopic);
    for (const name of ['broadcast', 'ses-events'] as const) {
      const description = allStages.find((stage) => stage.queue === name);
      expect(description, name).toBeDefined();
      const deployed = full.desk.pipeline.stages[name];
      const redrive = queues[logicalIdIn(full, deployed.queue)]?.Properties.RedrivePolicy as {
        maxReceiveCount: number;
        deadLetterTargetArn: unknown;
      };
      expect(redrive.maxReceiveCount).toBeGreaterThanOrEqual(5);
      expect(redrive.deadLetterTargetArn).toEqual({
        'Fn::GetAtt': [logicalIdIn(full, deployed.deadLetterQueue), 'Arn'],
      });
      const alarm = alarms.find((candidate) =>
        JSON.stringify(candidate.Properties.Dimensions).includes(
          `"${logicalIdIn(full, deployed.deadLetterQueue)}"`,
        ),
      );
      expect(alarm?.Properties, name).toMatchObject({ Threshold: 0, AlarmActions: [{ Ref: alarmTopic }] });
    }
  });

  it('are consumed by broadcast-send and ses-events, one chunk per broadcast-send invocation', () => {
    // Why: broadcast-send paces itself chunk by chunk; a batch of chunks would outrun its timeout.
    const send = allStages.find((stage) => stage.queue === 'broadcast');
    full.deskTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalIdIn(full, full.desk.pipeline.stages.broadcast.queue), 'Arn'] },
      FunctionName: { Ref: logicalIdIn(full, full.desk.functions['broadcast-send'].function) },
      BatchSize: send?.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    full.deskTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: {
        'Fn::GetAtt': [logicalIdIn(full, full.desk.pipeline.stages['ses-events'].queue), 'Arn'],
      },
      FunctionName: { Ref: logicalIdIn(full, full.desk.functions['ses-events'].function) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });
});

describe('the scheduler tick', () => {
  it('is one EventBridge Scheduler schedule invoking broadcast-plan every minute, with no flexible window', () => {
    // Why: a broadcast set for 08:00 Paris must start within a minute of it; a flexible window
    // would let Scheduler drift by up to its width.
    const schedule = full.desk.pipeline.tickOf('broadcast-plan')?.schedule;
    expect(pipeline.ticks.filter((tick) => tick.entry === 'broadcast-plan')).toMatchObject([
      { entry: 'broadcast-plan', everyMinutes: 1 },
    ]);
    expect(
      resourcesOf(full.deskTemplate, 'AWS::Scheduler::Schedule')[logicalIdIn(full, schedule as never)]
        ?.Properties,
    ).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': [logicalIdIn(full, full.desk.functions['broadcast-plan'].function), 'Arn'] },
      },
    });
  });

  it('retries a tick Scheduler could not deliver, then keeps it in an alarmed dead-letter queue', () => {
    // Why: a tick lost silently is a scheduled broadcast that never leaves; staff must be told.
    const tick = full.desk.pipeline.tickOf('broadcast-plan');
    expect(tick).toBeDefined();
    const schedule = resourcesOf(full.deskTemplate, 'AWS::Scheduler::Schedule')[
      logicalIdIn(full, tick?.schedule as never)
    ];
    const target = schedule?.Properties.Target as {
      RetryPolicy: { MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number };
      DeadLetterConfig: { Arn: unknown };
    };
    expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
    expect(target.RetryPolicy.MaximumEventAgeInSeconds).toBeGreaterThanOrEqual(60);
    expect(target.DeadLetterConfig.Arn).toEqual({
      'Fn::GetAtt': [logicalIdIn(full, tick?.deadLetterQueue as never), 'Arn'],
    });
    const alarmTopic = logicalIdIn(full, full.desk.pipeline.alarmTopic);
    for (const alarm of [tick?.deadLetterAlarm, tick?.failingAlarm]) {
      const properties = resourcesOf(full.deskTemplate, 'AWS::CloudWatch::Alarm')[
        logicalIdIn(full, alarm as never)
      ]?.Properties;
      expect(properties?.AlarmActions).toEqual([{ Ref: alarmTopic }]);
    }
  });

  it('lets Scheduler invoke broadcast-plan and nothing else, and Lambda not retry a failed tick', () => {
    // Why: the schedule's role is assumed by a service; the next tick, a minute later, is the retry,
    // so Lambda's own retries would only make ticks overlap.
    const role = logicalIdIn(full, full.desk.pipeline.tickOf('broadcast-plan')?.role as never);
    const invokers = policies().filter(
      (policy) =>
        policy.roles.includes(`"${role}"`) &&
        policy.statements.some((statement) => asArray(statement.Action).includes('lambda:InvokeFunction')),
    );
    expect(invokers).toHaveLength(1);
    const plan = logicalIdIn(full, full.desk.functions['broadcast-plan'].function);
    for (const statement of invokers[0]?.statements ?? []) {
      if (!asArray(statement.Action).includes('lambda:InvokeFunction')) continue;
      for (const resource of asArray(statement.Resource))
        expect(JSON.stringify(resource)).toContain(`"${plan}"`);
    }
    full.deskTemplate.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: plan },
      MaximumRetryAttempts: 0,
    });
  });
});

describe('bulk sending', () => {
  it('lets only broadcast-send (the chunks) and api (the test copy) call SendBulkEmail, from the desk addresses, through the configuration set', () => {
    // Why: a bulk send reaches 1,600 directors; any other function able to do it widens the
    // blast radius. The API needs it for « Envoyer un test » (sendTest uses the bulk sender).
    const allowed = allowedTo('ses:SendBulkEmail');
    expect([...allowed.keys()].sort()).toEqual(['api', 'broadcast-send']);
    const configurationSet = logicalIdIn(full, full.desk.sending.configurationSet);
    for (const statement of [...allowed.values()].flat()) {
      const targets = JSON.stringify(statement.Resource);
      expect(targets).toContain(':identity/ac-dijon.fr');
      expect(targets).toContain(`"${configurationSet}"`);
      expect(targets).not.toContain('"*"');
      expect(statement.Condition).toEqual({
        StringEqualsIgnoreCase: { 'ses:FromAddress': full.settings.deskAddresses },
      });
    }
  });

  it('lets only broadcast-send read the sending quota, in a policy holding nothing else', () => {
    // Why: GetAccount has no resource-level permission; its Resource * is acknowledged in cdk-nag
    // on that policy alone, so the policy must hold only that action.
    const allowed = allowedTo('ses:GetAccount');
    expect([...allowed.keys()]).toEqual(['broadcast-send']);
    const holding = policies().filter((policy) =>
      policy.statements.some((statement) => asArray(statement.Action).includes('ses:GetAccount')),
    );
    expect(holding).toHaveLength(1);
    expect(holding[0]?.statements).toEqual([
      expect.objectContaining({ Action: 'ses:GetAccount', Resource: '*', Effect: 'Allow' }),
    ]);
  });

  it('gives every function the broadcast queues and pacing variables of shared/config.ts', () => {
    // Why: a function missing BROADCAST_QUEUE_URL fails at its first broadcast, not at deployment.
    const functions = resourcesOf(full.deskTemplate, 'AWS::Lambda::Function');
    for (const [name, fn] of Object.entries(full.desk.functions)) {
      const environment = functions[logicalIdIn(full, fn.function)]?.Properties.Environment as
        | { Variables: Record<string, unknown> }
        | undefined;
      const variables = environment?.Variables ?? {};
      expect(variables.BROADCAST_QUEUE_URL, name).toEqual({
        Ref: logicalIdIn(full, full.desk.pipeline.stages.broadcast.queue),
      });
      expect(variables.SES_EVENTS_QUEUE_URL, name).toEqual({
        Ref: logicalIdIn(full, full.desk.pipeline.stages['ses-events'].queue),
      });
      expect(variables.BROADCAST_RATE_SHARE, name).toBe('0.5');
      // Unset: the functions ask SES (GetAccount), so a raised quota applies without a deployment.
      expect(variables.BROADCAST_MAX_SEND_RATE, name).toBeUndefined();
    }
  });
});

describe('the pacing settings', () => {
  it('passes a configured rate and share to the functions, and refuses a share the functions would refuse', () => {
    // Why: a share above 1 would let broadcasts starve the acknowledgments; it must stop the
    // synthesis, not the first broadcast after deployment.
    const paced = synthDesk({ context: { broadcastRateShare: '0.3', broadcastMaxSendRate: '14' } });
    const send = paced.desk.functions['broadcast-send'].function.node.defaultChild as never;
    const variables = (
      paced.deskTemplate.toJSON().Resources[paced.desk.getLogicalId(send)] as {
        Properties: { Environment: { Variables: Record<string, unknown> } };
      }
    ).Properties.Environment.Variables;
    expect(variables).toMatchObject({ BROADCAST_RATE_SHARE: '0.3', BROADCAST_MAX_SEND_RATE: '14' });
    expect(() => synthDesk({ context: { broadcastRateShare: '1.5' } })).toThrow(/BROADCAST_RATE_SHARE/);
  });
});

describe('SES events', () => {
  it('reach the ses-events queue: configuration set → events topic → raw SQS subscription', () => {
    // Why: without this path no bounce or complaint ever updates a recipient; raw delivery puts
    // SES's event JSON itself in the body, the shape shared/domain/messages.ts parses.
    const topic = logicalIdIn(full, full.desk.sending.eventsTopic);
    const queue = logicalIdIn(full, full.desk.pipeline.stages['ses-events'].queue);
    full.deskTemplate.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: logicalIdIn(full, full.desk.sending.configurationSet) },
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ['delivery', 'bounce', 'complaint'],
        SnsDestination: { TopicARN: { Ref: topic } },
      },
    });
    full.deskTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      RawMessageDelivery: true,
      TopicArn: { Ref: topic },
      Endpoint: { 'Fn::GetAtt': [queue, 'Arn'] },
    });
  });

  it('lets the events topic, and only it, send to the ses-events queue', () => {
    // Why: anyone able to write to this queue could mark a director's address as bounced.
    const topic = logicalIdIn(full, full.desk.sending.eventsTopic);
    const queue = logicalIdIn(full, full.desk.pipeline.stages['ses-events'].queue);
    const policy = Object.values(resourcesOf(full.deskTemplate, 'AWS::SQS::QueuePolicy')).find((candidate) =>
      JSON.stringify(candidate.Properties.Queues).includes(`"${queue}"`),
    );
    const document = policy?.Properties.PolicyDocument as
      | { Statement: (Statement & { Principal?: unknown })[] }
      | undefined;
    const statements = document?.Statement ?? [];
    const fromSns = statements.filter((statement) => statement.Effect === 'Allow');
    expect(fromSns).toEqual([
      expect.objectContaining({
        Action: 'sqs:SendMessage',
        Principal: { Service: 'sns.amazonaws.com' },
        Condition: { ArnEquals: { 'aws:SourceArn': { Ref: topic } } },
      }),
    ]);
  });
});
