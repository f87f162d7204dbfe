/**
 * Creates the desk's resources on the local stand-ins, from the same descriptions the CDK
 * stack reads (`shared/table.ts`, `shared/pipeline.ts`), so the local desk and AWS have the
 * same table, bucket, queues and dead-letter queues.
 *
 * Every function here is idempotent: `npm start` calls it on each start (DynamoDB Local keeps
 * its data in `.data/`, fauxqs starts empty), and each test file calls it with its own names.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueNameExists,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { allStages, type QueueStage, type StageName, visibilityTimeoutSeconds } from '#shared/pipeline.ts';
import { deskTable } from '#shared/table.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, type LocalEndpoints } from './emulators.ts';

/** The names a local desk (or one test file) uses for its resources. */
export type DeskResourceNames = {
  tableName: string;
  bucket: string;
  /** The knowledge base's public files (`kb/…`). Default: `<bucket>-kb`. */
  kbBucket?: string;
  /** Put before each stage's queue name: `<prefix>intake`, `<prefix>intake-dlq`. */
  queuePrefix: string;
};

/** What `ensureDeskResources` made, with the URLs the handlers and the runner need. */
export type DeskResources = {
  tableName: string;
  bucket: string;
  kbBucket: string;
  queueUrls: Record<StageName, string>;
  deadLetterQueueUrls: Record<StageName, string>;
};

/** A stage's queue and its dead-letter queue. */
export type StageQueue = {
  queueUrl: string;
  queueArn: string;
  deadLetterQueueUrl: string;
  deadLetterQueueArn: string;
};

/** Raised when a local resource cannot be created (a stand-in down, a name refused). */
export class LocalResourceError extends Error {
  override name = 'LocalResourceError';
}

/** Dead letters wait the longest SQS allows, so a person has time to look at them. */
const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600;

/**
 * Creates the desk's table if missing (and any index it lacks): on-demand, string keys, each index
 * with the projection `shared/table.ts` gives it, TTL on `expiresAt`. DynamoDB Local accepts the TTL setting but
 * never deletes anything: readers check expiry themselves.
 */
export async function ensureDeskTable(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  const keyNames = [
    ...new Set([
      deskTable.partitionKey,
      deskTable.sortKey,
      ...deskTable.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
    ]),
  ];
  const attributeDefinitions = keyNames.map((name) => ({ AttributeName: name, AttributeType: 'S' as const }));
  const indexDefinition = (index: (typeof deskTable.globalSecondaryIndexes)[number]) => ({
    IndexName: index.indexName,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: index.projection },
  });
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributeDefinitions,
        KeySchema: [
          { AttributeName: deskTable.partitionKey, KeyType: 'HASH' },
          { AttributeName: deskTable.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: deskTable.globalSecondaryIndexes.map(indexDefinition),
      }),
    );
  } catch (error) {
    // Already there from an earlier start: keep it and its data.
    if (!(error instanceof ResourceInUseException)) {
      throw new LocalResourceError(`Création de la table ${tableName} impossible`, { cause: error });
    }
  }
  await waitUntilTableExists({ client: dynamodb, maxWaitTime: 30, minDelay: 1 }, { TableName: tableName });

  // A table kept in .data/ from an earlier version may lack an index added since: add it.
  const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
  const existing = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  for (const index of deskTable.globalSecondaryIndexes.filter((i) => !existing.has(i.indexName))) {
    await dynamodb.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: attributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: indexDefinition(index) }],
      }),
    );
    // One index at a time: DynamoDB refuses to build two at once on a table.
    await waitForIndex(dynamodb, tableName, index.indexName);
  }

  const ttl = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
    await dynamodb.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: deskTable.timeToLiveAttribute, Enabled: true },
      }),
    );
  }
}

/** Waits until an index being built is active (backfilled). */
async function waitForIndex(dynamodb: DynamoDBClient, tableName: string, indexName: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    const index = Table?.GlobalSecondaryIndexes?.find((candidate) => candidate.IndexName === indexName);
    if (index?.IndexStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new LocalResourceError(`L'index ${indexName} de la table ${tableName} ne devient pas actif`);
}

/** Creates a bucket (the raw mails', the knowledge base's) if missing. */
export async function ensureBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') {
      throw new LocalResourceError(`Création du bucket ${bucket} impossible`, { cause: error });
    }
  }
}

/** Creates a queue with `attributes`, or brings an existing one to them. */
async function ensureQueue(sqs: SQSClient, name: string, attributes: Record<string, string>) {
  let queueUrl: string | undefined;
  try {
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl;
  } catch (error) {
    // Same name, other settings (the pipeline changed): align the queue rather than fail.
    if (!(error instanceof QueueNameExists)) {
      throw new LocalResourceError(`Création de la file ${name} impossible`, { cause: error });
    }
    queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: attributes }));
  }
  if (queueUrl === undefined) throw new LocalResourceError(`La file ${name} n’a pas d’URL`);
  const found = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queueArn = found.Attributes?.QueueArn;
  if (queueArn === undefined) throw new LocalResourceError(`La file ${name} n’a pas d’ARN`);
  return { queueUrl, queueArn };
}

/**
 * Creates a stage's queue `<prefix><queue>` and its dead-letter queue `<prefix><queue>-dlq`,
 * with the stage's visibility timeout and receive count before dead-lettering.
 *
 * `visibilityTimeoutSeconds` overrides the stage's (six times its function timeout), so a test
 * can see a failed message come back within a second.
 */
export async function ensureStageQueue(
  sqs: SQSClient,
  stage: QueueStage,
  queuePrefix: string,
  options: { visibilityTimeoutSeconds?: number } = {},
): Promise<StageQueue> {
  const deadLetter = await ensureQueue(sqs, `${queuePrefix}${stage.queue}-dlq`, {
    MessageRetentionPeriod: String(DEAD_LETTER_RETENTION_SECONDS),
  });
  const main = await ensureQueue(sqs, `${queuePrefix}${stage.queue}`, {
    VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? visibilityTimeoutSeconds(stage)),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: deadLetter.queueArn,
      maxReceiveCount: stage.maxReceiveCount,
    }),
  });
  return {
    queueUrl: main.queueUrl,
    queueArn: main.queueArn,
    deadLetterQueueUrl: deadLetter.queueUrl,
    deadLetterQueueArn: deadLetter.queueArn,
  };
}

/**
 * Creates everything the desk needs on the stand-ins (table, raw-mail bucket, the knowledge
 * base's bucket, one queue and one dead-letter queue per pipeline stage) and returns their
 * names and URLs.
 */
export async function ensureDeskResources(
  clients: { dynamodb: DynamoDBClient; sqs: SQSClient; s3: S3Client },
  names: DeskResourceNames,
): Promise<DeskResources> {
  const kbBucket = names.kbBucket ?? `${names.bucket}-kb`;
  const [, , , queues] = await Promise.all([
    ensureDeskTable(clients.dynamodb, names.tableName),
    ensureBucket(clients.s3, names.bucket),
    ensureBucket(clients.s3, kbBucket),
    Promise.all(allStages.map((stage) => ensureStageQueue(clients.sqs, stage, names.queuePrefix))),
  ]);
  const queueUrls = {} as Record<StageName, string>;
  const deadLetterQueueUrls = {} as Record<StageName, string>;
  allStages.forEach((stage, index) => {
    const queue = queues[index];
    if (queue === undefined) throw new LocalResourceError(`File ${stage.queue} manquante`);
    queueUrls[stage.queue] = queue.queueUrl;
    deadLetterQueueUrls[stage.queue] = queue.deadLetterQueueUrl;
  });
  return { tableName: names.tableName, bucket: names.bucket, kbBucket, queueUrls, deadLetterQueueUrls };
}

/** Where `npm start` serves the desk (its HTTP front), when nothing else is said. */
export const DEFAULT_PUBLIC_BASE_URL = 'http://127.0.0.1:3000';

/**
 * The environment a handler needs to run against the stand-ins: the desk's own variables
 * (read by `shared/config.ts`) and the AWS SDK's standard ones, so handlers create their
 * clients exactly as on Lambda and the SDK sends each call to the right stand-in.
 *
 * `publicBaseUrl` is the HTTP front's own address (the public pages' links name it); a test
 * without a front gets `npm start`'s.
 */
export function deskEnvironment(
  resources: DeskResources,
  endpoints: LocalEndpoints,
  options: { publicBaseUrl?: string } = {},
): Record<string, string> {
  const queueVariables = Object.fromEntries(
    allStages.map((stage) => [stage.urlVariable, resources.queueUrls[stage.queue]]),
  );
  return {
    DESK_TABLE: resources.tableName,
    RAW_MAIL_BUCKET: resources.bucket,
    KB_BUCKET: resources.kbBucket,
    PUBLIC_BASE_URL: options.publicBaseUrl ?? DEFAULT_PUBLIC_BASE_URL,
    ...queueVariables,
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_SESV2: endpoints.ses,
    // aws-ses-v2-local answers GetAccount only when told an account: give the rate instead
    // (SES's usual production rate).
    BROADCAST_MAX_SEND_RATE: '14',
  };
}
