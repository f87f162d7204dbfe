/**
 * Every function's role, action by action, against a written list: what each step calls (its
 * entry in `functions/` and the adapters it wires) and the resources it may touch. Anything a
 * construct grants beyond the list, or a call the list names that the role lacks, fails here.
 *
 * To change a grant: change the construct's intention method, then the function's entry below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipeline } from '#shared/pipeline.ts';
import {
  asArray,
  fullContext,
  logicalIdIn,
  removeSyntheses,
  resourcesOf,
  type Statement,
  type SynthesizedDesk,
  synthDesk,
} from './synth.ts';

type FunctionName = keyof SynthesizedDesk['desk']['functions'];

/** Action → the resources it may touch, as {@link label} names them. */
type Grants = Record<string, string[]>;

/** `cdk.json`'s desk addresses: the only `From` the SES grants allow. */
const deskAddresses = ['assistance1d@ac-dijon.fr', 'assistance.1erdegre@ac-dijon.fr'];

const raw = `raw-mail bucket/${pipeline.rawMailPrefix}*`;
const fromDesk = ` if StringEqualsIgnoreCase ses:FromAddress ${deskAddresses.join('|')}`;
/** SESv2 authorizes a send on the From identity and on the configuration set named in the call. */
const sendingResources = [
  'ses configuration-set/<configuration set>',
  'ses identity/ac-dijon.fr',
  ...deskAddresses.map((address) => `ses identity/${address}`),
].map((resource) => resource + fromDesk);

/** What every desk function has: its own log group, and X-Ray (active tracing). */
function basics(name: string): Grants {
  return {
    'logs:CreateLogStream': [`log group ${name}`],
    'logs:PutLogEvents': [`log group ${name}`],
    // X-Ray supports no resource-level permission for these two.
    'xray:PutTraceSegments': ['*'],
    'xray:PutTelemetryRecords': ['*'],
  };
}

/** What Lambda's SQS poller does with the consumer's role (SQS event source mapping). */
function polls(queue: string): Grants {
  return {
    'sqs:ReceiveMessage': [`queue ${queue}`],
    'sqs:DeleteMessage': [`queue ${queue}`],
    'sqs:GetQueueAttributes': [`queue ${queue}`],
  };
}

/** The written list: one entry per function. */
const expected: Record<FunctionName, Grants> = {
  // Validates the SES event and queues it; failed asynchronous invocations go to its own queue.
  receive: {
    ...basics('receive'),
    'sqs:SendMessage': ['queue intake', 'queue receive failures'],
  },
  screen: {
    ...basics('screen'),
    ...polls('intake'),
    's3:GetObject': [raw],
    'dynamodb:GetItem': ['table'],
    'dynamodb:PutItem': ['table'],
    'dynamodb:UpdateItem': ['table'],
    'sqs:SendMessage': ['queue outbox', 'queue tickets'],
  },
  ticket: {
    ...basics('ticket'),
    ...polls('tickets'),
    'dynamodb:GetItem': ['table'],
    'dynamodb:BatchGetItem': ['table'],
    'dynamodb:Query': ['table'],
    'dynamodb:PutItem': ['table'],
    'dynamodb:UpdateItem': ['table'],
    'sqs:SendMessage': ['queue outbox'],
    // The acknowledgment's suggestions: the public search index, and nothing else of the bucket.
    's3:GetObject': ['kb bucket/kb/search-index.json'],
    's3:ListBucket': ['kb bucket if StringEquals s3:prefix kb/search-index.json'],
  },
  mailer: {
    ...basics('mailer'),
    ...polls('outbox'),
    'dynamodb:UpdateItem': ['table'],
    'ses:SendEmail': sendingResources,
  },
  'broadcast-plan': {
    ...basics('broadcast-plan'),
    'dynamodb:GetItem': ['table'],
    'dynamodb:BatchGetItem': ['table'],
    'dynamodb:Query': ['table', 'table/index/gsi2'],
    'dynamodb:PutItem': ['table'],
    'dynamodb:UpdateItem': ['table'],
    'sqs:SendMessage': ['queue broadcast'],
  },
  'broadcast-send': {
    ...basics('broadcast-send'),
    ...polls('broadcast'),
    'dynamodb:GetItem': ['table'],
    'dynamodb:BatchGetItem': ['table'],
    'dynamodb:Query': ['table'],
    'dynamodb:PutItem': ['table'],
    'dynamodb:UpdateItem': ['table'],
    // Re-queues the chunks SES throttled.
    'sqs:SendMessage': ['queue broadcast'],
    'ses:SendBulkEmail': sendingResources,
    // The account's quota and rate: SES has no resource for it.
    'ses:GetAccount': ['*'],
  },
  'ses-events': {
    ...basics('ses-events'),
    ...polls('ses-events'),
    'dynamodb:GetItem': ['table'],
    'dynamodb:BatchGetItem': ['table'],
    'dynamodb:PutItem': ['table'],
    'dynamodb:UpdateItem': ['table'],
  },
  'ticket-housekeeping': {
    ...basics('ticket-housekeeping'),
    'dynamodb:Query': ['table', 'table/index/gsi2'],
    'dynamodb:PutItem': ['table'],
    'dynamodb:UpdateItem': ['table'],
    'dynamodb:ConditionCheckItem': ['table'],
    'sqs:SendMessage': ['queue outbox'],
  },
  'outbox-sweep': {
    ...basics('outbox-sweep'),
    'dynamodb:Query': ['table/index/gsi2'],
    'dynamodb:UpdateItem': ['table'],
    'sqs:SendMessage': ['queue outbox'],
  },
  'kb-export': {
    ...basics('kb-export'),
    ...polls('kb-export'),
    'dynamodb:GetItem': ['table'],
    'dynamodb:Query': ['table/index/gsi2'],
    's3:PutObject': ['kb bucket/kb/*'],
    's3:DeleteObject': ['kb bucket/kb/*'],
    's3:ListBucket': ['kb bucket if StringLike s3:prefix kb/*'],
  },
  api: {
    ...basics('api'),
    'dynamodb:GetItem': ['table'],
    'dynamodb:BatchGetItem': ['table'],
    'dynamodb:Query': ['table', 'table/index/gsi1', 'table/index/gsi2', 'table/index/gsi3'],
    'dynamodb:PutItem': ['table'],
    'dynamodb:UpdateItem': ['table'],
    'dynamodb:DeleteItem': ['table'],
    'dynamodb:ConditionCheckItem': ['table'],
    'dynamodb:BatchWriteItem': ['table'],
    's3:GetObject': ['kb bucket/kb/search-index.json', raw],
    's3:ListBucket': ['kb bucket if StringEquals s3:prefix kb/search-index.json'],
    'sqs:SendMessage': ['queue broadcast', 'queue kb-export', 'queue outbox', 'queue tickets'],
    // « Envoyer un test » goes through the bulk sender, one destination.
    'ses:SendBulkEmail': sendingResources,
  },
  'retention-purge': {
    ...basics('retention-purge'),
    'dynamodb:Query': ['table'],
    'dynamodb:DeleteItem': ['table'],
    's3:DeleteObject': [raw],
    // The stream's event source mapping; ListStreams has no resource narrower than *.
    'dynamodb:DescribeStream': ['table stream'],
    'dynamodb:GetRecords': ['table stream'],
    'dynamodb:GetShardIterator': ['table stream'],
    'dynamodb:ListStreams': ['*'],
    // A batch that keeps failing is described in the purge's dead-letter queue.
    'sqs:SendMessage': ['queue retention-purge dead letters'],
  },
};

/** The only actions allowed on `Resource *`: AWS offers no narrower resource for them. */
const resourceStarActions = [
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'ses:GetAccount',
  'dynamodb:ListStreams',
];

let full: SynthesizedDesk;
let names: Map<string, string>;

beforeAll(() => {
  full = synthDesk({ context: fullContext });
  names = resourceNames(full);
});

afterAll(removeSyntheses);

/** Readable names for the desk stack's resources that grants point at, by logical id. */
function resourceNames(desk: SynthesizedDesk): Map<string, string> {
  const found = new Map<string, string>();
  const id = (construct: { node: { defaultChild?: unknown } }) => logicalIdIn(desk, construct);
  for (const [stage, deployed] of Object.entries(desk.desk.pipeline.stages)) {
    found.set(id(deployed.queue), `queue ${stage}`);
    found.set(id(deployed.deadLetterQueue), `queue ${stage} dead letters`);
  }
  for (const [name, { queue }] of desk.desk.pipeline.failedInvocations) {
    found.set(id(queue), `queue ${name} failures`);
  }
  found.set(id(desk.desk.retentionPurge.deadLetterQueue), 'queue retention-purge dead letters');
  for (const [name, fn] of Object.entries(desk.desk.functions))
    found.set(id(fn.logGroup), `log group ${name}`);
  found.set(id(desk.desk.kb.bucket), 'kb bucket');
  found.set(id(desk.desk.sending.configurationSet), '<configuration set>');
  return found;
}

/** A resource of a statement as the written list names it (`table/index/gsi2`, `queue outbox`, ...). */
function label(value: unknown): string {
  if (typeof value === 'string') return value;
  const intrinsic = value as Record<string, unknown>;
  if ('Ref' in intrinsic) {
    const ref = intrinsic.Ref as string;
    return names.get(ref) ?? `<${ref}>`;
  }
  if ('Fn::GetAtt' in intrinsic) {
    const [ref, attribute] = intrinsic['Fn::GetAtt'] as [string, string];
    return `${names.get(ref) ?? ref}${attribute === 'Arn' ? '' : `.${attribute}`}`;
  }
  if ('Fn::Join' in intrinsic) {
    const [separator, parts] = intrinsic['Fn::Join'] as [string, unknown[]];
    const joined = parts.map(label).join(separator);
    // SES ARNs: `arn:aws:ses:<region>:<account>:identity/x` → `ses identity/x`.
    return joined.replace(/^arn:aws:ses:[a-z0-9-]+:<AWS::AccountId>:/, 'ses ');
  }
  // The stateful stack's resources, as the desk stack imports them.
  const imported = JSON.stringify(intrinsic);
  if (imported.includes('DeskTableStreamArn')) return 'table stream';
  if (imported.includes('DeskTableArn')) return 'table';
  if (imported.includes('RawMailBucketArn')) return 'raw-mail bucket';
  return imported;
}

/** ` if StringLike s3:prefix kb/*`: a statement's condition, appended to each of its resources. */
function conditionOf(statement: Statement): string {
  if (!statement.Condition) return '';
  return Object.entries(statement.Condition as Record<string, Record<string, unknown>>)
    .flatMap(([operator, keys]) =>
      Object.entries(keys).map(([key, values]) => ` if ${operator} ${key} ${asArray(values).join('|')}`),
    )
    .join('');
}

/** The statements of every policy attached to a function's role. */
function statementsOf(name: FunctionName): Statement[] {
  const role = logicalIdIn(full, full.desk.functions[name].role);
  return Object.values(resourcesOf(full.deskTemplate, 'AWS::IAM::Policy'))
    .filter((policy) =>
      asArray(policy.Properties.Roles as unknown[]).some((ref) => label(ref) === `<${role}>`),
    )
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

/** A role's grants in the written list's shape: action → sorted resource names. */
function grantsOf(name: FunctionName): Grants {
  const grants: Record<string, Set<string>> = {};
  for (const statement of statementsOf(name)) {
    expect(statement.Effect, JSON.stringify(statement)).toBe('Allow');
    const resources = asArray(statement.Resource).map((resource) => label(resource) + conditionOf(statement));
    for (const action of asArray(statement.Action)) {
      grants[action] ??= new Set();
      for (const resource of resources) grants[action].add(resource);
    }
  }
  return Object.fromEntries(
    Object.entries(grants).map(([action, resources]) => [action, [...resources].sort()]),
  );
}

function sorted(grants: Grants): Grants {
  return Object.fromEntries(
    Object.entries(grants).map(([action, resources]) => [action, [...resources].sort()]),
  );
}

describe('each function role', () => {
  it('is in the written list, and the list names no function the stack lacks', () => {
    // Why: a function added without an entry would escape the checks below.
    expect(Object.keys(full.desk.functions).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.keys(expected) as FunctionName[])(
    '%s may do exactly what its step calls, on exactly its resources',
    (name) => {
      // Why: a grant wider than the step (the mailer deleting items, a reader of every index)
      // turns any flaw in that function into access to data it never needed.
      expect(grantsOf(name)).toEqual(sorted(expected[name]));
    },
  );

  it.each(Object.keys(expected) as FunctionName[])(
    '%s has no inline or managed policy beside the ones listed',
    (name) => {
      // Why: grants hidden on the role itself would escape the list.
      const role = resourcesOf(full.deskTemplate, 'AWS::IAM::Role')[
        logicalIdIn(full, full.desk.functions[name].role)
      ];
      expect(role?.Properties.Policies).toBeUndefined();
      expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    },
  );
});

describe('the desk stack', () => {
  it('grants no wildcard action and no index wildcard, in any policy', () => {
    // Why: `dynamodb:*` or `index/*` covers every action and index added later, unreviewed.
    for (const template of [full.deskTemplate, full.statefulTemplate]) {
      for (const [id, policy] of Object.entries(resourcesOf(template, 'AWS::IAM::Policy'))) {
        for (const statement of (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement) {
          for (const action of asArray(statement.Action)) {
            if (!action.startsWith('dynamodb:') && !action.startsWith('ses:') && !action.startsWith('sqs:'))
              continue;
            expect(action, id).not.toContain('*');
          }
          expect(JSON.stringify(statement.Resource), id).not.toContain('/index/*');
        }
      }
    }
  });

  it('gives the functions Resource * only for actions AWS offers no resource for', () => {
    // Why: X-Ray's two actions, SES's GetAccount and DynamoDB's ListStreams take no resource
    // (Service Authorization Reference); anything else on * is a grant too wide.
    for (const name of Object.keys(expected) as FunctionName[]) {
      for (const statement of statementsOf(name)) {
        if (!asArray(statement.Resource).includes('*')) continue;
        for (const action of asArray(statement.Action)) expect(resourceStarActions, name).toContain(action);
      }
    }
  });
});
