/**
 * Records what each desk function really asks AWS for on the local desk, in IAM's terms (action
 * and resource), so a test can hold it against the written list of `test/infra/role-grants.ts`.
 *
 * Each handler runs inside an AsyncLocalStorage carrying its function's name; a middleware on the
 * four shared clients (`shared/adapters/clients/`) reads that name and the command's input. Calls
 * made outside a handler (the local queue runner's polls, seeding, the test itself) are not
 * recorded: on AWS they belong to the event source mapping, or to nobody's role.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { MiddlewareStack } from '@smithy/types';
import { dynamodbClient } from '#shared/adapters/clients/dynamodb.ts';
import { s3Client } from '#shared/adapters/clients/s3.ts';
import { sesClient } from '#shared/adapters/clients/ses.ts';
import { sqsClient } from '#shared/adapters/clients/sqs.ts';
import { allStages } from '#shared/pipeline.ts';

/** One request a function made, as IAM authorizes it. */
export type ObservedCall = {
  fn: string;
  action: string;
  /** Named as the written list names resources (`table/index/gsi2`, `queue outbox`, ...). */
  resource: string;
  /** What a condition of the grant reads: `s3:prefix`, `ses:FromAddress`. */
  context?: Record<string, string>;
};

const running = new AsyncLocalStorage<string>();
const calls: ObservedCall[] = [];
let installed = false;

/** Every call recorded so far. */
export function observedCalls(): readonly ObservedCall[] {
  return calls;
}

/**
 * The function module with its handler run as `name` (for `vi.mock` of `#functions/<name>.ts`).
 * Installs the recorder on the shared clients the first time: by then the module has made them
 * with the local desk's endpoints.
 */
export function attributed<M extends { handler: unknown }>(name: string, module: M): M {
  installRecorder();
  const handler = module.handler as (...args: unknown[]) => unknown;
  return { ...module, handler: (...args: unknown[]) => running.run(name, () => handler(...args)) };
}

type Input = Record<string, unknown>;

function installRecorder(): void {
  if (installed) return;
  installed = true;
  const clients: Array<[string, { middlewareStack: unknown }]> = [
    ['dynamodb', dynamodbClient()],
    ['s3', s3Client()],
    ['sqs', sqsClient()],
    ['ses', sesClient()],
  ];
  for (const [service, client] of clients) {
    (client.middlewareStack as MiddlewareStack<Input, object>).add(
      (next, context) => async (args) => {
        const fn = running.getStore();
        if (fn !== undefined) {
          const command = String(context.commandName ?? '').replace(/Command$/, '');
          for (const call of asIam(service, command, args.input as Input)) calls.push({ fn, ...call });
        }
        return next(args);
      },
      { step: 'initialize', name: 'roleCallRecorder' },
    );
  }
}

/** A command and its input as the IAM actions and resources it needs. */
function asIam(service: string, command: string, input: Input): Array<Omit<ObservedCall, 'fn'>> {
  switch (service) {
    case 'dynamodb':
      return dynamodbCalls(command, input);
    case 's3':
      return s3Calls(command, input);
    case 'sqs':
      return [{ action: `sqs:${command.replace(/Batch$/, '')}`, resource: queueName(input.QueueUrl) }];
    default:
      return sesCalls(command, input);
  }
}

function tableName(name: unknown, index?: unknown): string {
  const table = name === process.env.DESK_TABLE ? 'table' : `table ${String(name)}`;
  return index === undefined ? table : `${table}/index/${String(index)}`;
}

function dynamodbCalls(command: string, input: Input): Array<Omit<ObservedCall, 'fn'>> {
  // A transaction is authorized item by item.
  const transactActions: Record<string, string> = {
    Put: 'PutItem',
    Update: 'UpdateItem',
    Delete: 'DeleteItem',
    ConditionCheck: 'ConditionCheckItem',
    Get: 'GetItem',
  };
  if (command === 'TransactWriteItems' || command === 'TransactGetItems') {
    return (input.TransactItems as Array<Record<string, { TableName: string }>>).flatMap((item) =>
      Object.entries(item).map(([kind, action]) => ({
        action: `dynamodb:${transactActions[kind] ?? kind}`,
        resource: tableName(action.TableName),
      })),
    );
  }
  if (command === 'BatchGetItem' || command === 'BatchWriteItem') {
    return Object.keys(input.RequestItems as object).map((table) => ({
      action: `dynamodb:${command}`,
      resource: tableName(table),
    }));
  }
  return [{ action: `dynamodb:${command}`, resource: tableName(input.TableName, input.IndexName) }];
}

function bucketName(bucket: unknown): string {
  if (bucket === process.env.RAW_MAIL_BUCKET) return 'raw-mail bucket';
  if (bucket === process.env.KB_BUCKET) return 'kb bucket';
  return `bucket ${String(bucket)}`;
}

function s3Calls(command: string, input: Input): Array<Omit<ObservedCall, 'fn'>> {
  const bucket = bucketName(input.Bucket);
  if (command === 'ListObjectsV2' || command === 'ListObjects') {
    return [
      { action: 's3:ListBucket', resource: bucket, context: { 's3:prefix': String(input.Prefix ?? '') } },
    ];
  }
  if (command === 'DeleteObjects') {
    return (input.Delete as { Objects: Array<{ Key: string }> }).Objects.map(({ Key }) => ({
      action: 's3:DeleteObject',
      resource: `${bucket}/${Key}`,
    }));
  }
  // S3 authorizes a HEAD of an object with s3:GetObject: there is no s3:HeadObject action.
  const action = command === 'HeadObject' ? 'GetObject' : command;
  return [{ action: `s3:${action}`, resource: `${bucket}/${String(input.Key)}` }];
}

function queueName(url: unknown): string {
  const stage = allStages.find((candidate) => process.env[candidate.urlVariable] === url);
  return stage ? `queue ${stage.queue}` : `queue ${String(url)}`;
}

function sesCalls(command: string, input: Input): Array<Omit<ObservedCall, 'fn'>> {
  const action = `ses:${command}`;
  if (command !== 'SendEmail' && command !== 'SendBulkEmail') return [{ action, resource: '*' }];
  // `Name <address>` → address: what ses:FromAddress holds.
  const from = String(input.FromEmailAddress ?? '');
  const address = (from.match(/<([^>]+)>/)?.[1] ?? from).trim();
  const context = { 'ses:FromAddress': address };
  return [
    { action, resource: `ses identity/${address}`, context },
    ...(input.ConfigurationSetName === undefined
      ? []
      : [{ action, resource: 'ses configuration-set/<configuration set>', context }]),
  ];
}
