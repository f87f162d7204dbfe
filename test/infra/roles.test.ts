/**
 * Every function's role, action by action, against the written list of `role-grants.ts`: what
 * each step calls (its entry in `functions/` and the adapters it wires) and the resources it may
 * touch. Anything a construct grants beyond the list, or a call the list names that the role
 * lacks, fails here.
 */
import { describe, expect, it } from 'vitest';
import { expectedGrants, type FunctionName, type Grants, resourceStarActions } from './role-grants.ts';
import {
  asArray,
  logicalIdIn,
  resourcesOf,
  type Statement,
  type SynthesizedDesk,
  synthFullDesk,
} from './synth.ts';

const full = synthFullDesk();
const names = resourceNames(full);

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
    expect(Object.keys(full.desk.functions).sort()).toEqual(Object.keys(expectedGrants).sort());
  });

  it.each(Object.keys(expectedGrants) as FunctionName[])(
    '%s may do exactly what its step calls, on exactly its resources',
    (name) => {
      // Why: a grant wider than the step (the mailer deleting items, a reader of every index)
      // turns any flaw in that function into access to data it never needed.
      expect(grantsOf(name)).toEqual(sorted(expectedGrants[name]));
    },
  );

  it.each(Object.keys(expectedGrants) as FunctionName[])(
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
    for (const name of Object.keys(expectedGrants) as FunctionName[]) {
      for (const statement of statementsOf(name)) {
        if (!asArray(statement.Resource).includes('*')) continue;
        for (const action of asArray(statement.Action)) expect(resourceStarActions, name).toContain(action);
      }
    }
  });
});
