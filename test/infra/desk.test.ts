/**
 * What matters in the synthesized stacks, checked on the templates (no bundling, no
 * CloudFormation validation: those run once, in nag.test.ts).
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BroadcastEnv, DeskEnv } from '#shared/config.ts';
import { allStages, pipeline, type StageName } from '#shared/pipeline.ts';
import { deskTable } from '#shared/table.ts';
import { apiMethods } from '../../infra/constructs/staff-api.ts';
import { fullContext, removeSyntheses, type SynthesizedDesk, synthDesk } from './synth.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

const dataServices = ['dynamodb', 's3', 'sqs', 'ses', 'sns', 'kms', 'logs'];

let full: SynthesizedDesk;
let defaults: SynthesizedDesk;

beforeAll(() => {
  full = synthDesk({ context: fullContext });
  defaults = synthDesk();
});

afterAll(removeSyntheses);

function resources(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

function only<T>(record: Record<string, T>): [string, T] {
  const entries = Object.entries(record);
  expect(entries).toHaveLength(1);
  return entries[0] as [string, T];
}

function asArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** Every IAM statement of a template: managed, inline and default policies alike. */
function statements(template: Template): { owner: string; statement: Statement }[] {
  const found: { owner: string; statement: Statement }[] = [];
  for (const [id, policy] of Object.entries(resources(template, 'AWS::IAM::Policy'))) {
    const document = policy.Properties.PolicyDocument as { Statement: Statement[] };
    for (const statement of document.Statement) found.push({ owner: id, statement });
  }
  for (const [id, role] of Object.entries(resources(template, 'AWS::IAM::Role'))) {
    const inline = (role.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[];
    for (const policy of inline) {
      for (const statement of policy.PolicyDocument.Statement) found.push({ owner: id, statement });
    }
  }
  return found;
}

/** The logical id of the role of a desk function (`Receive`, `Screen`, ...). */
function functionLogicalId(desk: SynthesizedDesk, name: keyof SynthesizedDesk['desk']['functions']): string {
  return desk.desk.getLogicalId(desk.desk.functions[name].function.node.defaultChild as never);
}

function roleLogicalId(desk: SynthesizedDesk, name: keyof SynthesizedDesk['desk']['functions']): string {
  return desk.desk.getLogicalId(desk.desk.functions[name].role.node.defaultChild as never);
}

/** The actions granted to a function's role, with the resources as JSON for matching. */
function grantsOf(desk: SynthesizedDesk, name: keyof SynthesizedDesk['desk']['functions']) {
  const role = roleLogicalId(desk, name);
  const policies = resources(desk.deskTemplate, 'AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${role}"`))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
    .flatMap((statement) =>
      asArray(statement.Action).map((action) => ({ action, resource: JSON.stringify(statement.Resource) })),
    );
}

function queueLogicalId(desk: SynthesizedDesk, stage: StageName): string {
  return desk.desk.getLogicalId(desk.desk.pipeline.stages[stage].queue.node.defaultChild as never);
}

describe('the pipeline queues', () => {
  it('gives every queue of shared/pipeline.ts a dead-letter queue after its maxReceiveCount', () => {
    // Why: a mail that keeps failing must end somewhere visible, never be dropped or loop forever.
    const queues = resources(full.deskTemplate, 'AWS::SQS::Queue');
    const withRedrive = Object.entries(queues).filter(([, queue]) => queue.Properties.RedrivePolicy);
    expect(withRedrive).toHaveLength(allStages.length);
    for (const stage of allStages) {
      const queue = queues[queueLogicalId(full, stage.queue)];
      const redrive = queue?.Properties.RedrivePolicy as {
        maxReceiveCount: number;
        deadLetterTargetArn: unknown;
      };
      expect(redrive.maxReceiveCount).toBe(stage.maxReceiveCount);
      expect(redrive.maxReceiveCount).toBeGreaterThanOrEqual(5);
      expect(JSON.stringify(redrive.deadLetterTargetArn)).toContain('DeadLetterQueue');
    }
  });

  it('raises an alarm to the alarm topic as soon as any dead-letter queue holds a message', () => {
    // Why: a dead-lettered mail is a director without an answer; someone must know at once.
    const alarms = Object.values(resources(full.deskTemplate, 'AWS::CloudWatch::Alarm'));
    const queues = resources(full.deskTemplate, 'AWS::SQS::Queue');
    // Every queue nothing drains automatically: the pipeline's DLQs, receive's failure queue,
    // each scheduler tick's dead-letter queue and the retention purge's (the table stream's).
    // The stream's mapping reads no queue: its dead-letter queue is a destination, not a source.
    const deadLetterQueues = Object.keys(queues).filter(
      (id) =>
        !Object.values(resources(full.deskTemplate, 'AWS::Lambda::EventSourceMapping')).some((mapping) =>
          JSON.stringify(mapping.Properties.EventSourceArn).includes(`"${id}"`),
        ),
    );
    expect(deadLetterQueues).toHaveLength(allStages.length + 1 + pipeline.ticks.length + 1);
    const topic = full.desk.getLogicalId(full.desk.pipeline.alarmTopic.node.defaultChild as never);
    for (const dlq of deadLetterQueues) {
      const alarm = alarms.find((candidate) =>
        JSON.stringify(candidate.Properties.Dimensions).includes(`"${dlq}"`),
      );
      expect(alarm?.Properties).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        AlarmActions: [{ Ref: topic }],
      });
    }
    full.deskTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: fullContext.alarmEmail,
      TopicArn: { Ref: topic },
    });
  });

  it('keeps each message invisible at least six times its consumer timeout', () => {
    // Why: a shorter visibility lets SQS hand a mail to a second consumer while the first still runs.
    const queues = resources(full.deskTemplate, 'AWS::SQS::Queue');
    const functions = resources(full.deskTemplate, 'AWS::Lambda::Function');
    // The queues' mappings (the table stream's has no visibility: test/infra/retention.test.ts).
    const mappings = Object.values(resources(full.deskTemplate, 'AWS::Lambda::EventSourceMapping')).filter(
      (mapping) => !JSON.stringify(mapping.Properties.EventSourceArn).includes('StreamArn'),
    );
    expect(mappings).toHaveLength(allStages.length);
    for (const mapping of mappings) {
      const queueId = (mapping.Properties.EventSourceArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
      const functionId = (mapping.Properties.FunctionName as { Ref: string }).Ref;
      const visibility = queues[queueId]?.Properties.VisibilityTimeout as number;
      const timeout = functions[functionId]?.Properties.Timeout as number;
      expect(visibility).toBeGreaterThanOrEqual(6 * timeout);
    }
  });

  it('maps each queue to its consumer with partial batch responses, batch size and bounded concurrency', () => {
    // Why: one bad mail must not send its whole batch back, and a burst must not exhaust quotas.
    for (const stage of allStages) {
      full.deskTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [queueLogicalId(full, stage.queue), 'Arn'] },
        FunctionName: { Ref: functionLogicalId(full, stage.consumer) },
        BatchSize: stage.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: stage.maxConcurrency },
      });
    }
  });

  it('encrypts every queue and refuses plain-HTTP access to it', () => {
    // Why: queue messages carry addresses and subjects of directors' mails.
    const queues = resources(full.deskTemplate, 'AWS::SQS::Queue');
    for (const queue of Object.values(queues)) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    }
    const policies = Object.values(resources(full.deskTemplate, 'AWS::SQS::QueuePolicy'));
    expect(policies).toHaveLength(Object.keys(queues).length);
    for (const policy of policies) {
      expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });
});

describe('SES receiving', () => {
  it('accepts exactly the desk addresses, with TLS required and spam and virus scanning on', () => {
    // Why: scanning off makes every verdict DISABLED, and the spam_or_virus outcome would never fire.
    full.deskTemplate.hasResourceProperties('AWS::SES::ReceiptRule', {
      Rule: Match.objectLike({
        Recipients: full.settings.deskAddresses,
        ScanEnabled: true,
        TlsPolicy: 'Require',
        Enabled: true,
      }),
    });
    expect(full.settings.deskAddresses).toEqual([
      'assistance1d@ac-dijon.fr',
      'assistance.1erdegre@ac-dijon.fr',
    ]);
  });

  it('keeps the events of receive invocations that fail every retry, in an alarmed queue', () => {
    // Why: SES invokes receive asynchronously; without a destination a failing event vanishes.
    const failures = full.desk.pipeline.failedInvocations.get('receive');
    const queue = full.desk.getLogicalId(failures?.queue.node.defaultChild as never);
    full.deskTemplate.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: functionLogicalId(full, 'receive') },
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } } },
    });
  });

  it('stores the raw mail in S3 under the raw-mail prefix before invoking receive asynchronously', () => {
    // Why: the Lambda action's event has no body; receive can only find the mail if S3 ran first.
    const [, rule] = only(resources(full.deskTemplate, 'AWS::SES::ReceiptRule'));
    const actions = (rule.Properties.Rule as { Actions: Record<string, Record<string, unknown>>[] }).Actions;
    expect(actions.map((action) => Object.keys(action)[0])).toEqual(['S3Action', 'LambdaAction']);
    expect(actions[0]?.S3Action?.ObjectKeyPrefix).toBe(pipeline.rawMailPrefix);
    expect(JSON.stringify(actions[0]?.S3Action?.BucketName)).toContain('RawMailBucket');
    expect(actions[1]?.LambdaAction).toEqual({
      FunctionArn: { 'Fn::GetAtt': [functionLogicalId(full, 'receive'), 'Arn'] },
      InvocationType: 'Event',
    });
  });

  it('lets only this account’s receipt rule put objects in the raw-mail bucket, and only SES invoke receive', () => {
    // Why: without source conditions, another account's SES rule could write into our bucket.
    full.statefulTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: 'RawMailBucket' },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'ses.amazonaws.com' },
            Action: 's3:PutObject',
            Condition: {
              StringEquals: {
                'aws:SourceAccount': { Ref: 'AWS::AccountId' },
                'aws:SourceArn': Match.anyValue(),
              },
            },
          }),
        ]),
      },
    });
    full.deskTemplate.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [functionLogicalId(full, 'receive'), 'Arn'] },
      Principal: 'ses.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: Match.anyValue(),
    });
  });

  it('activates the rule set only when the context asks for it', () => {
    // Why: activation replaces whatever rule set the account has active; it must be a decision.
    const [, activation] = only(resources(full.deskTemplate, 'Custom::AWS'));
    expect(JSON.stringify(activation.Properties.Create)).toContain('SetActiveReceiptRuleSet');
    defaults.deskTemplate.resourceCountIs('Custom::AWS', 0);
  });
});

describe('SES sending', () => {
  it('sends through a configuration set that publishes delivery, bounce and complaint events', () => {
    // Why: later issues act on bounces and complaints; without the destination they never see them.
    full.deskTemplate.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: Match.arrayEquals(['delivery', 'bounce', 'complaint']),
        SnsDestination: Match.anyValue(),
      }),
    });
    const configurationSet = full.desk.getLogicalId(
      full.desk.sending.configurationSet.node.defaultChild as never,
    );
    for (const fn of Object.values(resources(full.deskTemplate, 'AWS::Lambda::Function'))) {
      const variables = (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables;
      if (variables?.DESK_TABLE) {
        expect(variables.SES_CONFIGURATION_SET).toEqual({ Ref: configurationSet });
      }
    }
  });

  it('gives every desk function the targets of the response clocks and the auto-close delay, defaults resolved', () => {
    // Why: the ticket list, the dashboard and the auto-close must count with the same targets in every function.
    const functions = Object.values(resources(defaults.deskTemplate, 'AWS::Lambda::Function'));
    const deskVariables = functions
      .map(
        (fn) => (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables,
      )
      .filter((variables) => variables?.DESK_TABLE);
    expect(deskVariables.length).toBeGreaterThan(0);
    for (const variables of deskVariables) {
      expect(variables).toMatchObject({
        FIRST_RESPONSE_TARGET_HOURS: '8',
        RESOLUTION_TARGET_HOURS: '40',
        AUTO_CLOSE_WORKING_DAYS: '10',
      });
    }
  });

  it('gives the mail watch the school holidays of the context, checked, and none by default', () => {
    // Why: a silent-day alarm ringing every day of the summer holidays would teach staff to ignore it.
    const watch = (synthesis: SynthesizedDesk) => {
      const fn = resources(synthesis.deskTemplate, 'AWS::Lambda::Function')[
        functionLogicalId(synthesis, 'mail-watch')
      ];
      const environment = fn?.Properties.Environment as { Variables?: Record<string, unknown> } | undefined;
      return environment?.Variables?.SCHOOL_HOLIDAYS;
    };
    expect(watch(full)).toBe('2026-12-19/2027-01-03,2027-02-06/2027-02-21');
    expect(watch(defaults)).toBe('');
    expect(() => synthDesk({ context: { ...fullContext, schoolHolidays: '2027-01-03/2026-12-19' } })).toThrow(
      /SCHOOL_HOLIDAYS/,
    );
  });

  it('creates the sender domain identity only when one is configured', () => {
    // Why: an identity cannot be created twice; an académie that already verified it must not collide.
    full.deskTemplate.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'ac-dijon.fr' });
    defaults.deskTemplate.resourceCountIs('AWS::SES::EmailIdentity', 0);
  });
});

describe('the stateful stack', () => {
  it('keeps the table recoverable, encrypted, on demand, with TTL, under a fixed logical id', () => {
    // Why: the table is the desk's memory; a refactor or a stack deletion must never lose it.
    const table = full.statefulTemplate.findResources('AWS::DynamoDB::Table').DeskTable as Resource;
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: deskTable.timeToLiveAttribute, Enabled: true },
      DeletionProtectionEnabled: true,
    });
    const indexes = (table.Properties.GlobalSecondaryIndexes as { IndexName: string }[]).map(
      (i) => i.IndexName,
    );
    expect(indexes).toEqual(deskTable.globalSecondaryIndexes.map((index) => index.indexName));
  });

  it('projects whole items only into the console’s listing indexes, keys only into the outbox sweeper’s', () => {
    // Why: an index projecting ALL is billed the item's full size at every write that touches
    // it; the sweeper's index is written at each mail's entry and exit, and reads its state.
    const table = full.statefulTemplate.findResources('AWS::DynamoDB::Table').DeskTable as Resource;
    const projections = Object.fromEntries(
      (
        table.Properties.GlobalSecondaryIndexes as {
          IndexName: string;
          Projection: { ProjectionType: string };
        }[]
      ).map((index) => [index.IndexName, index.Projection.ProjectionType]),
    );
    expect(projections).toEqual({
      gsi1: 'ALL',
      gsi2: 'ALL',
      gsi3: 'ALL',
      gsi4: 'KEYS_ONLY',
      gsi5: 'ALL',
      gsi6: 'ALL',
    });
  });

  it('expires raw mails after the backstop and blocks every public access to them', () => {
    // Why: raw mails are personal data, kept no longer than needed and never public.
    const bucket = full.statefulTemplate.findResources('AWS::S3::Bucket').RawMailBucket as Resource;
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: { ServerSideEncryptionConfiguration: [expect.anything()] },
      LoggingConfiguration: { DestinationBucketName: { Ref: 'RawMailAccessLogBucket' } },
    });
    const rules = (bucket.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules).toContainEqual(
      expect.objectContaining({
        Prefix: pipeline.rawMailPrefix,
        ExpirationInDays: full.settings.rawMailBackstopDays,
        Status: 'Enabled',
      }),
    );
    full.statefulTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: 'RawMailBucket' },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it("takes the raw mails' backstop from the context", () => {
    // Why: the académie decides how long mails are kept; the bucket must follow the setting
    // (the purge deletes them with their ticket: test/infra/retention.test.ts).
    const shorter = synthDesk({ context: { rawMailBackstopDays: '900' } });
    const bucket = shorter.statefulTemplate.findResources('AWS::S3::Bucket').RawMailBucket as Resource;
    expect(JSON.stringify(bucket.Properties.LifecycleConfiguration)).toContain('"ExpirationInDays":900');
  });
});

describe('the staff API', () => {
  it('puts the JWT authorizer on every route except GET /api/health and the public search', () => {
    // Why: every route but the probe and the public articles reads or changes directors' data.
    const routes = Object.values(resources(full.deskTemplate, 'AWS::ApiGatewayV2::Route'));
    const keys = routes.map((route) => route.Properties.RouteKey);
    const open = ['GET /api/health', 'GET /api/public/articles'];
    // The portal's routes have their own authorizer (test/infra/portal.test.ts).
    const portal = ['POST /api/portal/requests', 'POST /api/portal/uploads'];
    expect(keys.sort()).toEqual(
      [...apiMethods.map((method) => `${method} /api/{proxy+}`), ...open, ...portal].sort(),
    );
    for (const route of routes) {
      if (open.includes(route.Properties.RouteKey as string)) {
        expect(route.Properties.AuthorizationType).toBe('NONE');
      } else {
        expect(route.Properties.AuthorizationType).toBe('JWT');
        expect(route.Properties.AuthorizerId).toBeDefined();
      }
    }
    full.deskTemplate.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: Match.objectLike({ Audience: [Match.anyValue()] }),
    });
  });

  it('serves an explicit stage with access logs and throttling', () => {
    // Why: who called what must be traceable, and a runaway client must not drain the quotas.
    full.deskTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      DefaultRouteSettings: { ThrottlingBurstLimit: Match.anyValue(), ThrottlingRateLimit: Match.anyValue() },
    });
  });

  it('lets no one sign up, requires strong passwords and knows the agent and admin groups', () => {
    // Why: staff accounts open the directors' mails; only an administrator creates them.
    full.deskTemplate.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: Match.anyValue(),
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      MfaConfiguration: 'OPTIONAL',
    });
    const groups = Object.values(resources(full.deskTemplate, 'AWS::Cognito::UserPoolGroup')).map(
      (group) => group.Properties.GroupName,
    );
    expect(groups.sort()).toEqual(['admin', 'agent']);
    full.deskTemplate.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
    });
  });
});

describe('the functions', () => {
  it('run on the current Node runtime, ARM64, traced, with the whole desk configuration', () => {
    // Why: a missing variable stops a function at its first mail; the schema names them all.
    const deskFunctions = Object.values(full.desk.functions).map((fn) =>
      full.desk.getLogicalId(fn.function.node.defaultChild as never),
    );
    const functions = resources(full.deskTemplate, 'AWS::Lambda::Function');
    for (const id of deskFunctions) {
      const properties = functions[id]?.Properties ?? {};
      expect(properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: expect.anything() },
      });
      const variables = Object.keys((properties.Environment as { Variables: object }).Variables);
      // BROADCAST_MAX_SEND_RATE only overrides what SES's GetAccount says: unset unless configured.
      expect(variables).toEqual(
        expect.arrayContaining(
          [...Object.keys(DeskEnv.shape), ...Object.keys(BroadcastEnv.shape)].filter(
            (name) => name !== 'BROADCAST_MAX_SEND_RATE',
          ),
        ),
      );
      expect(variables).toEqual(expect.arrayContaining(['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_LOG_LEVEL']));
    }
  });

  it('gives each function only the grants its step needs', () => {
    // Why: receive only enqueues; a flaw in it must not expose the table or the mails.
    const services = (name: keyof SynthesizedDesk['desk']['functions']) =>
      new Set(
        grantsOf(full, name)
          .map((grant) => grant.action.split(':')[0])
          .filter((service) => service !== 'logs' && service !== 'xray'),
      );
    expect([...services('receive')]).toEqual(['sqs']);
    expect([...services('screen')].sort()).toEqual(['dynamodb', 's3', 'sqs']);
    // ticket reads the public search index for the acknowledgment's suggested articles.
    expect([...services('ticket')].sort()).toEqual(['dynamodb', 's3', 'sqs']);
    // The consumers' sqs grants include consuming their own queue.
    expect([...services('mailer')].sort()).toEqual(['dynamodb', 'ses', 'sqs']);
    expect([...services('api')].sort()).toEqual(['dynamodb', 's3', 'ses', 'sqs']);
    expect([...services('broadcast-plan')].sort()).toEqual(['dynamodb', 'sqs']);
    // Auto-close mails through the outbox, like every mail: no ses of its own.
    expect([...services('ticket-housekeeping')].sort()).toEqual(['dynamodb', 'sqs']);
    // The outbox sweeper re-queues through the outbox: the mailer's claim still sends once.
    expect([...services('outbox-sweep')].sort()).toEqual(['dynamodb', 'sqs']);
    expect([...services('broadcast-send')].sort()).toEqual(['dynamodb', 'ses', 'sqs']);
    expect([...services('ses-events')].sort()).toEqual(['dynamodb', 'sqs']);
    expect([...services('kb-export')].sort()).toEqual(['dynamodb', 's3', 'sqs']);

    const sendsTo = (name: keyof SynthesizedDesk['desk']['functions']) =>
      allStages
        .filter((stage) =>
          grantsOf(full, name).some(
            (grant) =>
              grant.action === 'sqs:SendMessage' &&
              grant.resource.includes(queueLogicalId(full, stage.queue)),
          ),
        )
        .map((stage) => stage.queue);
    expect(sendsTo('receive')).toEqual(['intake']);
    expect(sendsTo('screen')).toEqual(['tickets', 'outbox']);
    expect(sendsTo('ticket')).toEqual(['outbox']);
    expect(sendsTo('mailer')).toEqual([]);
    expect(sendsTo('api')).toEqual(['tickets', 'outbox', 'broadcast', 'kb-export']);
    // broadcast-send re-queues the chunks SES throttled; the tick queues the chunks of due broadcasts.
    expect(sendsTo('broadcast-plan')).toEqual(['broadcast']);
    expect(sendsTo('ticket-housekeeping')).toEqual(['outbox']);
    expect(sendsTo('outbox-sweep')).toEqual(['outbox']);
    expect(sendsTo('broadcast-send')).toEqual(['broadcast']);
    expect(sendsTo('ses-events')).toEqual([]);
    expect(sendsTo('kb-export')).toEqual([]);
  });
});

/** The logical id of the role uploading the console (CDK's bucket-deployment handler). */
function consoleDeploymentPolicy(desk: SynthesizedDesk): string {
  const policy = desk.desk.console.deployments[0]?.handlerRole.node.tryFindChild('DefaultPolicy');
  return desk.desk.getLogicalId(policy?.node.defaultChild as never);
}

describe('IAM', () => {
  it('grants no wildcard action, and no wildcard on a data service', () => {
    // Why: `s3:*` or `dynamodb:*` on a role turns any bug into a data breach.
    const uploader = consoleDeploymentPolicy(full);
    for (const template of [full.deskTemplate, full.statefulTemplate]) {
      for (const { owner, statement } of statements(template)) {
        if (statement.Effect !== 'Allow') continue;
        for (const action of asArray(statement.Action)) {
          expect(action, owner).not.toBe('*');
          const [service, verb] = action.split(':');
          if (!dataServices.includes(service ?? '') || !verb?.includes('*')) continue;
          // The one exception, CDK's own grants to the console uploader: s3 prefixes such as
          // GetObject*, and only on the CDK asset bucket and the console's public files.
          expect(owner, action).toBe(uploader);
          const targets = JSON.stringify(statement.Resource);
          expect(targets.includes('cdk-hnb659fds-assets') || targets.includes('ConsoleBucket'), targets).toBe(
            true,
          );
        }
      }
    }
  });

  it('allows Resource * only for X-Ray, the rule set activation, CloudFront invalidations and SES GetAccount', () => {
    // Why: the cdk-nag acknowledgments of Resource * are only honest if nothing else uses it.
    for (const template of [full.deskTemplate, full.statefulTemplate]) {
      for (const { owner, statement } of statements(template)) {
        if (statement.Effect !== 'Allow' || !asArray(statement.Resource).includes('*')) continue;
        for (const action of asArray(statement.Action)) {
          expect(
            [
              'xray:PutTraceSegments',
              'xray:PutTelemetryRecords',
              'ses:SetActiveReceiptRuleSet',
              // CDK's console uploader empties the edge caches after a deployment.
              'cloudfront:CreateInvalidation',
              'cloudfront:GetInvalidation',
              // The sending quota that paces broadcasts: SES has no resource for it.
              'ses:GetAccount',
              // The table stream's mapping lists streams: DynamoDB has no narrower resource.
              'dynamodb:ListStreams',
            ],
            owner,
          ).toContain(action);
        }
      }
    }
  });

  it('names the table indexes instead of granting index/*', () => {
    // Why: a wildcard index grant also covers every index added later.
    for (const { statement } of statements(full.deskTemplate)) {
      expect(JSON.stringify(statement.Resource)).not.toContain('/index/*');
    }
  });
});

describe('the app', () => {
  it('deploys to eu-west-1 by default and to the configured region otherwise', () => {
    // Why: SES receiving is not confirmed in eu-west-3; the default must be a receiving region.
    expect(defaults.desk.region).toBe('eu-west-1');
    expect(defaults.stateful.region).toBe('eu-west-1');
    const frankfurt = synthDesk({ context: { region: 'eu-central-1' } });
    expect(frankfurt.desk.region).toBe('eu-central-1');
  });

  it('refuses a context value the functions would refuse', () => {
    // Why: a bad setting must stop the synthesis, not the first mail after deployment.
    expect(() => synthDesk({ context: { deskAddresses: 'pas-une-adresse' } })).toThrow(
      /deskAddresses|DESK_ADDRESSES/,
    );
  });
});
