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
import { observeS3Reads } from '#shared/adapters/clients/s3-object-reader.ts';
import { observeS3Requests } from '#shared/adapters/clients/s3-object-store.ts';
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
  /** DynamoDB: the request units it is billed, from its items' sizes, when `recordAs` asked for them. */
  capacityUnits?: { read: number; write: number };
  /**
   * DynamoDB writes, item by item (a transaction's actions each apart), so that the cost
   * benchmark can bill each on its whole item and its indexes: an update's request carries only
   * its key and values, the item's other attributes must be read afterwards.
   */
  writes?: ItemWrite[];
  /** SQS sends: the bytes of the message bodies (SQS bills each 64 KB chunk as a request). */
  bytes?: number;
};

/** One item a DynamoDB request writes, as the request describes it. */
export type ItemWrite = {
  table: string;
  key: Record<string, unknown>;
  action: 'Put' | 'Update' | 'Delete';
  /** Put: the item's size; update: its key and values (a lower bound); delete: its key. */
  bytes: number;
  transactional: boolean;
  /** Put: the item written (its index keys say which indexes it enters). */
  item?: Record<string, unknown>;
  /** Update: the attribute names it sets or adds (index keys among them move the item). */
  set?: string[];
  /** Update: the attribute names it removes. */
  removed?: string[];
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

/**
 * Runs `call` as function `name`, its requests recorded (the cost benchmark, which wraps the
 * desk's handlers itself). With `consumedCapacity`, DynamoDB calls carry the request units they
 * are billed (`capacityUnits`).
 */
export function recordAs<T>(name: string, call: () => T, options: { consumedCapacity?: boolean } = {}): T {
  installRecorder(options.consumedCapacity ?? false);
  return running.run(name, call);
}

/** The function whose handler is running here, if any (log lines and metrics are attributed by it). */
export function currentFunction(): string | undefined {
  return running.getStore();
}

/** Forgets the calls recorded so far (between a warm-up and a measure). */
export function clearObservedCalls(): void {
  calls.length = 0;
}

type Input = Record<string, unknown>;
type Output = { output?: Record<string, unknown> };
type Item = Record<string, unknown>;

let askCapacity = false;

function installRecorder(consumedCapacity = false): void {
  askCapacity ||= consumedCapacity;
  if (installed) return;
  installed = true;
  const clients: Array<[string, { middlewareStack: unknown }]> = [
    ['dynamodb', dynamodbClient()],
    ['s3', s3Client()],
    ['sqs', sqsClient()],
    ['ses', sesClient()],
  ];
  // `screen` and `ticket` read S3 objects with the signed-GET reader, not the S3 client.
  observeS3Reads((input) => {
    const fn = running.getStore();
    if (fn !== undefined) calls.push(...asIam('s3', 'GetObject', input).map((call) => ({ fn, ...call })));
  });
  // `api` heads, puts and presigns without the S3 client too (a link is the call it allows).
  observeS3Requests((operation, input) => {
    const fn = running.getStore();
    if (fn !== undefined) calls.push(...asIam('s3', operation, input).map((call) => ({ fn, ...call })));
  });
  for (const [service, client] of clients) {
    (client.middlewareStack as MiddlewareStack<Input, object>).add(
      (next, context) => async (args) => {
        const fn = running.getStore();
        if (fn === undefined) return next(args);
        const command = String(context.commandName ?? '').replace(/Command$/, '');
        const input = args.input as Input;
        const observed = asIam(service, command, input).map((call) => ({ fn, ...call }));
        calls.push(...observed);
        if (service === 'sqs' && observed[0]) observed[0].bytes = messageBytes(input);
        if (service !== 'dynamodb' || !askCapacity || observed[0] === undefined) return next(args);
        const result = await next(args);
        observed[0].capacityUnits = capacityUnits(command, input, (result as Output).output ?? {});
        const writes = writesOf(command, input);
        if (writes.length > 0) observed[0].writes = writes;
        return result;
      },
      { step: 'initialize', name: 'roleCallRecorder' },
    );
  }
}

/**
 * The request units DynamoDB on demand bills for one request, from the items' sizes as the
 * request and its response carry them (DynamoDB Local reports no consumed capacity): a write
 * unit per KB of each item written, rounded up per item; a read unit per 4 KB read (rounded up
 * per item, or over the whole page for a Query), halved for an eventually consistent read;
 * transactions count double. An update is sized by its key and the values it sets (the item's
 * other attributes are not in the request: a lower bound); a delete counts one unit.
 */
export function capacityUnits(command: string, input: Input, output: Record<string, unknown>) {
  const writeUnits = (item: unknown) => Math.max(1, Math.ceil(itemBytes(item) / 1024));
  const readUnits = (bytes: number, consistent: unknown) =>
    Math.max(1, Math.ceil(bytes / 4096)) * (consistent === true ? 1 : 0.5);
  const updateBytes = (u: Item) => itemBytes(u.Key) + itemBytes(u.ExpressionAttributeValues);
  switch (command) {
    case 'PutItem':
      return { read: 0, write: writeUnits(input.Item) };
    case 'UpdateItem':
      return { read: 0, write: Math.max(1, Math.ceil(updateBytes(input) / 1024)) };
    case 'DeleteItem':
      return { read: 0, write: 1 };
    case 'BatchWriteItem': {
      const requests = Object.values(input.RequestItems as Record<string, Item[]>).flat();
      const write = requests.reduce(
        (sum, r) => sum + (r.PutRequest ? writeUnits((r.PutRequest as Item).Item) : 1),
        0,
      );
      return { read: 0, write };
    }
    case 'TransactWriteItems': {
      const write = (input.TransactItems as Array<Record<string, Item>>).reduce((sum, entry) => {
        const [kind, action] = Object.entries(entry)[0] ?? ['', {}];
        const bytes =
          kind === 'Put'
            ? itemBytes(action.Item)
            : kind === 'Update'
              ? updateBytes(action)
              : itemBytes(action.Key);
        return sum + 2 * Math.max(1, Math.ceil(bytes / 1024));
      }, 0);
      return { read: 0, write };
    }
    case 'GetItem':
      return { read: readUnits(itemBytes(output.Item), input.ConsistentRead), write: 0 };
    case 'BatchGetItem': {
      const consistent = Object.fromEntries(
        Object.entries(input.RequestItems as Record<string, Item>).map(([t, r]) => [t, r.ConsistentRead]),
      );
      const asked = Object.values(input.RequestItems as Record<string, { Keys: unknown[] }>).reduce(
        (sum, r) => sum + r.Keys.length,
        0,
      );
      const responses = Object.entries((output.Responses ?? {}) as Record<string, Item[]>);
      const found = responses.reduce((sum, [, items]) => sum + items.length, 0);
      // Keys not found still cost the smallest read.
      const read =
        responses.reduce(
          (sum, [table, items]) =>
            sum + items.reduce((s, item) => s + readUnits(itemBytes(item), consistent[table]), 0),
          0,
        ) +
        Math.max(0, asked - found) * 0.5;
      return { read, write: 0 };
    }
    case 'Query':
    case 'Scan': {
      const items = (output.Items ?? []) as Item[];
      const bytes = items.reduce((sum, item) => sum + itemBytes(item), 0);
      return { read: readUnits(bytes, input.ConsistentRead), write: 0 };
    }
    case 'TransactGetItems': {
      const responses = (output.Responses ?? []) as Array<{ Item?: unknown }>;
      const read = responses.reduce(
        (sum, r) => sum + 2 * Math.max(1, Math.ceil(itemBytes(r.Item) / 4096)),
        0,
      );
      return { read, write: 0 };
    }
    default:
      return { read: 0, write: 0 };
  }
}

/** The items a write request touches, one entry each (a batch's and a transaction's apart). */
export function writesOf(command: string, input: Input): ItemWrite[] {
  const one = (kind: string, action: Item, transactional: boolean): ItemWrite[] => {
    const table = String(action.TableName ?? '');
    if (kind === 'Put') {
      const item = action.Item as Item;
      return [{ table, key: item, action: 'Put', bytes: itemBytes(item), transactional, item }];
    }
    const key = action.Key as Record<string, unknown>;
    if (kind === 'Delete') return [{ table, key, action: 'Delete', bytes: itemBytes(key), transactional }];
    if (kind !== 'Update') return [];
    return [
      {
        table,
        key,
        action: 'Update',
        bytes: itemBytes(key) + itemBytes(action.ExpressionAttributeValues),
        transactional,
        ...touchedNames(
          String(action.UpdateExpression ?? ''),
          (action.ExpressionAttributeNames ?? {}) as Record<string, string>,
        ),
      },
    ];
  };
  switch (command) {
    case 'PutItem':
      return one('Put', input, false);
    case 'UpdateItem':
      return one('Update', input, false);
    case 'DeleteItem':
      return one('Delete', input, false);
    case 'BatchWriteItem':
      return Object.entries(input.RequestItems as Record<string, Item[]>).flatMap(([table, requests]) =>
        requests.flatMap((r) =>
          r.PutRequest
            ? one('Put', { TableName: table, ...(r.PutRequest as Item) }, false)
            : one('Delete', { TableName: table, ...(r.DeleteRequest as Item) }, false),
        ),
      );
    case 'TransactWriteItems':
      return (input.TransactItems as Array<Record<string, Item>>).flatMap((entry) => {
        const [kind, action] = Object.entries(entry)[0] ?? ['', {}];
        return one(kind, action, true);
      });
    default:
      return [];
  }
}

/** The top-level attribute names an update expression sets (or adds, or deletes from), and those it removes. */
function touchedNames(
  expression: string,
  names: Record<string, string>,
): { set: string[]; removed: string[] } {
  const set = new Set<string>();
  const removed = new Set<string>();
  const clauses = expression.split(/\b(SET|REMOVE|ADD|DELETE)\b/i).slice(1);
  for (let i = 0; i + 1 < clauses.length; i += 2) {
    const verb = (clauses[i] ?? '').toUpperCase();
    const body = clauses[i + 1] ?? '';
    // SET a = :x, b = if_not_exists(b, :y): the names are the left sides; otherwise each operand's first word.
    const targets =
      verb === 'SET'
        ? [...body.matchAll(/(?:^|,)\s*([#\w][\w.[\]#]*)\s*=/g)].map((m) => m[1] ?? '')
        : body.split(',').map((part) => part.trim().split(/\s+/)[0] ?? '');
    for (const target of targets) {
      const top = target.split(/[.[]/)[0] ?? '';
      if (top) (verb === 'REMOVE' ? removed : set).add(names[top] ?? top);
    }
  }
  return { set: [...set], removed: [...removed] };
}

/** An item's size as DynamoDB counts it: each attribute's name plus its value (marshalled form). */
export function itemBytes(item: unknown): number {
  if (item === undefined || item === null) return 0;
  return Object.entries(item as Item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + valueBytes(value),
    0,
  );
}

const TYPES = new Set(['S', 'N', 'B', 'SS', 'NS', 'BS', 'L', 'M', 'BOOL', 'NULL']);

/** A value's size, marshalled (`{ S: 'x' }`) or plain (the document client's input, before it marshals). */
function valueBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'bigint') return Math.ceil(String(value).length / 2) + 1;
  if (typeof value === 'boolean' || value === null || value === undefined) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((sum: number, v) => sum + valueBytes(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + valueBytes(v), 0);
  const entries = Object.entries(value as Item);
  if (entries.length !== 1 || !TYPES.has(entries[0]?.[0] ?? '')) {
    return 3 + entries.reduce((sum, [name, v]) => sum + 1 + Buffer.byteLength(name) + valueBytes(v), 0);
  }
  const [type, content] = entries[0] as [string, unknown];
  switch (type) {
    case 'S':
      return Buffer.byteLength(String(content));
    case 'N':
      return Math.ceil(String(content).replace(/^[-+]|\./g, '').length / 2) + 1;
    case 'B':
      return (content as Uint8Array).byteLength;
    case 'SS':
    case 'NS':
      return (content as string[]).reduce((sum, v) => sum + Buffer.byteLength(v), 0);
    case 'BS':
      return (content as Uint8Array[]).reduce((sum, v) => sum + v.byteLength, 0);
    case 'L':
      return 3 + (content as unknown[]).reduce((sum: number, v) => sum + 1 + valueBytes(v), 0);
    case 'M':
      return 3 + itemBytes(content) + Object.keys(content as Item).length;
    default:
      return 1;
  }
}

/** The bytes of the bodies and attributes a send carries (one message or a batch). */
function messageBytes(input: Input): number {
  const one = (entry: Record<string, unknown>) =>
    Buffer.byteLength(String(entry.MessageBody ?? '')) +
    Buffer.byteLength(JSON.stringify(entry.MessageAttributes ?? {}));
  if (Array.isArray(input.Entries)) {
    return (input.Entries as Array<Record<string, unknown>>).reduce((sum, entry) => sum + one(entry), 0);
  }
  return input.MessageBody === undefined ? 0 : one(input);
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
