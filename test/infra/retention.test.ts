/**
 * Retention in the templates: the table's stream of old images and point-in-time recovery's
 * window, the purge's event source mapping filtered on TTL removals with partial batch
 * responses, a dead-letter queue and its alarm, the purge's grants (delete, nothing else), the
 * raw mails' lifecycle as a long backstop, and each kind's duration in the functions'
 * environment. No bundling and no CloudFormation validation (nag.test.ts runs those once).
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { retentionVariables } from '#shared/config.ts';
import { pipeline } from '#shared/pipeline.ts';
import {
  asArray,
  logicalIdIn,
  type Resource,
  resourcesOf,
  type Statement,
  synthDesk,
  synthFullDesk,
} from './synth.ts';

const full = synthFullDesk();

function statementsOf(template: Template, role: string): Statement[] {
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${role}"`))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

const table = () => resourcesOf(full.statefulTemplate, 'AWS::DynamoDB::Table').DeskTable as Resource;
const purgeRole = () => logicalIdIn(full, full.desk.functions['retention-purge'].role as never);

describe('the table', () => {
  it('streams the old image of every removed item, which the purge reads to cascade', () => {
    // Why: without the old image the purge cannot know a removed ticket's raw mails or link.
    expect(table().Properties.StreamSpecification).toEqual({ StreamViewType: 'OLD_IMAGE' });
  });

  it("keeps point-in-time recovery's window as configured: 35 days by default, the context's otherwise", () => {
    // Why: purged items remain restorable (so kept) that long; the DPO's document states it.
    expect(table().Properties.PointInTimeRecoverySpecification).toEqual({
      PointInTimeRecoveryEnabled: true,
      RecoveryPeriodInDays: 35,
    });
    const shorter = synthDesk({ context: { pointInTimeRecoveryDays: '7' } });
    const shortTable = resourcesOf(shorter.statefulTemplate, 'AWS::DynamoDB::Table').DeskTable as Resource;
    expect(shortTable.Properties.PointInTimeRecoverySpecification).toMatchObject({ RecoveryPeriodInDays: 7 });
    expect(() => synthDesk({ context: { pointInTimeRecoveryDays: '36' } })).toThrow(
      /pointInTimeRecoveryDays/,
    );
  });
});

describe('the purge', () => {
  it("reads the table's stream filtered on TTL removals, reports partial failures, and gives up to a dead-letter queue", () => {
    // Why: a person's deletions (a merge moving mails) must not purge; a failed purge must not be lost.
    const mappings = Object.values(resourcesOf(full.deskTemplate, 'AWS::Lambda::EventSourceMapping')).filter(
      (mapping) => JSON.stringify(mapping.Properties.EventSourceArn).includes('StreamArn'),
    );
    expect(mappings).toHaveLength(1);
    const mapping = mappings[0]?.Properties ?? {};
    expect(mapping.FunctionName).toEqual({
      Ref: logicalIdIn(full, full.desk.functions['retention-purge'].function),
    });
    expect(mapping.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(mapping.StartingPosition).toBe('TRIM_HORIZON');
    expect(mapping.MaximumRetryAttempts).toBe(10);
    const filters = (mapping.FilterCriteria as { Filters: Array<{ Pattern: string }> }).Filters;
    expect(filters.map((filter) => JSON.parse(filter.Pattern))).toEqual([
      {
        eventName: ['REMOVE'],
        userIdentity: { type: ['Service'], principalId: ['dynamodb.amazonaws.com'] },
      },
    ]);
    const deadLetterQueue = logicalIdIn(full, full.desk.retentionPurge.deadLetterQueue);
    expect(mapping.DestinationConfig).toEqual({
      OnFailure: { Destination: { 'Fn::GetAtt': [deadLetterQueue, 'Arn'] } },
    });
    const alarm = resourcesOf(full.deskTemplate, 'AWS::CloudWatch::Alarm')[
      logicalIdIn(full, full.desk.retentionPurge.alarm)
    ] as Resource;
    expect(JSON.stringify(alarm.Properties.Dimensions)).toContain(deadLetterQueue);
    expect(alarm.Properties.AlarmActions).toEqual([
      { Ref: logicalIdIn(full, full.desk.pipeline.alarmTopic) },
    ]);
  });

  it('may delete items and raw mails and read the stream, and nothing else', () => {
    // Why: the purge holds the power to erase; it must not be able to read mails or write items.
    const statements = statementsOf(full.deskTemplate, purgeRole());
    const actions = statements.flatMap((statement) => asArray(statement.Action)).sort();
    expect(actions).toEqual(
      [
        'dynamodb:DeleteItem',
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:ListStreams',
        'dynamodb:Query',
        // Every desk function's own log group and traces.
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        's3:DeleteObject',
        // Its dead-letter queue: send only.
        'sqs:SendMessage',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
    const deleteObject = statements.find((statement) =>
      asArray(statement.Action).includes('s3:DeleteObject'),
    );
    expect(JSON.stringify(deleteObject?.Resource)).toContain(`/${pipeline.rawMailPrefix}*`);
    const tableWrites = statements.find((statement) =>
      asArray(statement.Action).includes('dynamodb:DeleteItem'),
    );
    expect(JSON.stringify(tableWrites?.Resource)).not.toContain('index');
    // No other role may delete raw mails (nor anything in the raw-mail bucket).
    const others = Object.values(resourcesOf(full.deskTemplate, 'AWS::IAM::Policy'))
      .filter((policy) => !JSON.stringify(policy.Properties.Roles).includes(`"${purgeRole()}"`))
      .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
      .filter((statement) => JSON.stringify(statement.Resource).includes('RawMailBucket'));
    expect(others.length).toBeGreaterThan(0);
    expect(others.flatMap((statement) => asArray(statement.Action))).not.toContain('s3:DeleteObject');
  });

  it("gives every function each kind's duration, each following retentionDays unless set", () => {
    // Why: the steps set each kind's purge date from these; the context is where the DPO changes them.
    const custom = synthDesk({ context: { retentionDays: '200', retentionTicketDays: '90' } });
    const purge = resourcesOf(custom.deskTemplate, 'AWS::Lambda::Function')[
      custom.desk.getLogicalId(custom.desk.functions['retention-purge'].function.node.defaultChild as never)
    ];
    const environment = (purge?.Properties.Environment as { Variables: Record<string, string> } | undefined)
      ?.Variables;
    expect(environment).toMatchObject({
      RETENTION_DAYS: '200',
      RETENTION_TICKET_DAYS: '90',
      RETENTION_INTAKE_DAYS: '200',
      RETENTION_AUDIT_DAYS: '200',
    });
    for (const variable of Object.values(retentionVariables)) expect(environment?.[variable]).toBeDefined();
  });
});

describe('the raw mails', () => {
  it('expire in S3 only after a ten-year backstop, not a year after receipt', () => {
    // Why: a raw mail lives as long as its ticket; a rule at the retention period would take an
    // open ticket's original mail away.
    const bucket = resourcesOf(full.statefulTemplate, 'AWS::S3::Bucket').RawMailBucket as Resource;
    const rules = (bucket.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    // The day-long rules on the download copies (`downloads/`, test/infra/downloads.test.ts) and
    // the portal's uploads (test/infra/portal.test.ts) never reach a raw mail.
    const onRawMails = rules.filter(
      (rule) =>
        rule.ExpirationInDays !== undefined &&
        rule.Prefix !== pipeline.downloadPrefix &&
        rule.Id !== 'PurgePortalUploads',
    );
    expect(onRawMails).toEqual([
      expect.objectContaining({ Id: 'PurgeRawMail', Prefix: pipeline.rawMailPrefix, ExpirationInDays: 3650 }),
    ]);
  });

  it('refuse a backstop shorter than what the desk keeps', () => {
    // Why: S3 would then delete the raw mails of tickets the desk still keeps.
    expect(() => synthDesk({ context: { rawMailBackstopDays: '300' } })).toThrow(/rawMailBackstopDays/);
    const longer = synthDesk({ context: { rawMailBackstopDays: '5000', retentionTicketDays: '1000' } });
    const bucket = resourcesOf(longer.statefulTemplate, 'AWS::S3::Bucket').RawMailBucket as Resource;
    expect(JSON.stringify(bucket.Properties.LifecycleConfiguration)).toContain('"ExpirationInDays":5000');
  });
});
