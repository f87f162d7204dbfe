/**
 * The written list of what each desk function's role may do: action by action, and for each the
 * resources it may touch, as the construct grants them (test/infra/roles.test.ts checks the
 * synthesized roles against it; test/e2e/roles-observed.test.ts checks that what the handlers
 * really call on the local desk is in it).
 *
 * Resource names: `table`, `table/index/gsi2`, `table stream`, `queue <stage>`,
 * `raw-mail bucket/<prefix>*`, `kb bucket/<key>`, `ses identity/<identity>`,
 * `log group <function>`, `*`; a statement's condition follows as ` if <operator> <key> <values>`.
 *
 * To change a grant: change the construct's intention method, then the function's entry here.
 */
import { PORTAL_ID_PREFIX, PORTAL_UPLOADS_PREFIX } from '#shared/domain/portal.ts';
import { pipeline } from '#shared/pipeline.ts';
import type { SynthesizedDesk } from './synth.ts';

export type FunctionName = keyof SynthesizedDesk['desk']['functions'];

/** Action → the resources it may touch, as {@link label} names them. */
export type Grants = Record<string, string[]>;

/** `cdk.json`'s desk addresses: the only `From` the SES grants allow. */
export const deskAddresses = ['assistance1d@ac-dijon.fr', 'assistance.1erdegre@ac-dijon.fr'];

const raw = `raw-mail bucket/${pipeline.rawMailPrefix}*`;
/** The attachments taken out of raw mails for staff downloads (`RawMailStore.grantStaffDownloads`). */
const downloadCopies = `raw-mail bucket/${pipeline.downloadPrefix}*`;
const portalRequests = `raw-mail bucket/${pipeline.rawMailPrefix}${PORTAL_ID_PREFIX}*`;
const portalUploads = `raw-mail bucket/${PORTAL_UPLOADS_PREFIX}*`;
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
export const expectedGrants: Record<FunctionName, Grants> = {
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
    'dynamodb:GetItem': ['table'],
    'dynamodb:BatchGetItem': ['table'],
    'dynamodb:Query': ['table', 'table/index/gsi1', 'table/index/gsi2'],
    'dynamodb:PutItem': ['table'],
    'dynamodb:UpdateItem': ['table'],
    'dynamodb:ConditionCheckItem': ['table'],
    'sqs:SendMessage': ['queue outbox'],
  },
  'outbox-sweep': {
    ...basics('outbox-sweep'),
    'dynamodb:GetItem': ['table'],
    'dynamodb:Query': ['table/index/gsi4'],
    'dynamodb:UpdateItem': ['table'],
    'sqs:SendMessage': ['queue outbox'],
  },
  // Counts the intake log's entries since midnight; publishes its metric through its logs.
  'mail-watch': {
    ...basics('mail-watch'),
    'dynamodb:Query': ['table/index/gsi1'],
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
    'dynamodb:Query': [
      'table',
      'table/index/gsi1',
      'table/index/gsi2',
      'table/index/gsi3',
      'table/index/gsi5',
      'table/index/gsi6',
    ],
    'dynamodb:PutItem': ['table'],
    'dynamodb:UpdateItem': ['table'],
    'dynamodb:DeleteItem': ['table'],
    'dynamodb:ConditionCheckItem': ['table'],
    'dynamodb:BatchWriteItem': ['table'],
    // Raw mails (accepting a held mail, a download link's size and its signer's grant), the
    // download copies (read when followed, written when an attachment is taken out); the
    // portal's requests (their MIME messages beside the raw mails) and uploads (read back).
    's3:GetObject': ['kb bucket/kb/search-index.json', raw, downloadCopies, portalUploads],
    's3:PutObject': [downloadCopies, portalRequests, portalUploads],
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
export const resourceStarActions = [
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'ses:GetAccount',
  'dynamodb:ListStreams',
];
