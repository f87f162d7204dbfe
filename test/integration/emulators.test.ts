/**
 * The stand-ins behave as the desk's code expects AWS to: these tests pin the behaviours the
 * handlers rely on, so a change of emulator version that breaks one shows up here first.
 */
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDeskResources } from '#local/resources.ts';
import { pipeline, visibilityTimeoutSeconds } from '#shared/pipeline.ts';
import { makeTestResources, type TestResources, useDeskEnvironment } from '../support/aws.ts';

let desk: TestResources;
let restoreEnvironment: () => void;

beforeAll(async () => {
  desk = await makeTestResources('emulators');
  restoreEnvironment = useDeskEnvironment(desk.env);
});

afterAll(() => {
  restoreEnvironment();
  desk.destroy();
});

/** A client built the way a handler builds it on Lambda: no endpoint, no settings. */
function documentClientFromEnvironment(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({}));
}

describe('DynamoDB Local', () => {
  it('applies every action of a transaction whose conditions hold', async () => {
    // Prepare
    const db = documentClientFromEnvironment();
    const table = desk.resources.tableName;

    // Act
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table,
              Item: { pk: 'T#1', sk: 'A', n: 1 },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: table,
              Item: { pk: 'T#1', sk: 'B', n: 2 },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );

    // Assess
    const a = await db.send(new GetCommand({ TableName: table, Key: { pk: 'T#1', sk: 'A' } }));
    const b = await db.send(new GetCommand({ TableName: table, Key: { pk: 'T#1', sk: 'B' } }));
    expect([a.Item?.n, b.Item?.n]).toEqual([1, 2]);
  });

  it('cancels a transaction on a failed condition, with the old item in the cancellation reasons', async () => {
    // Prepare
    const db = documentClientFromEnvironment();
    const table = desk.resources.tableName;
    await db.send(
      new TransactWriteCommand({
        TransactItems: [{ Put: { TableName: table, Item: { pk: 'T#2', sk: 'A', owner: 'first' } } }],
      }),
    );

    // Act
    const failure = await db
      .send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: table,
                Item: { pk: 'T#2', sk: 'A', owner: 'second' },
                ConditionExpression: 'attribute_not_exists(pk)',
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            { Put: { TableName: table, Item: { pk: 'T#2', sk: 'B', owner: 'second' } } },
          ],
        }),
      )
      .catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(TransactionCanceledException);
    const reasons = (failure as TransactionCanceledException).CancellationReasons ?? [];
    expect(reasons.map((reason) => reason.Code)).toEqual(['ConditionalCheckFailed', 'None']);
    // The low-level shape: the document client does not unmarshall cancellation reasons.
    expect(reasons[0]?.Item).toEqual({ pk: { S: 'T#2' }, sk: { S: 'A' }, owner: { S: 'first' } });
    const untouched = await db.send(new GetCommand({ TableName: table, Key: { pk: 'T#2', sk: 'B' } }));
    expect(untouched.Item).toBeUndefined();
  });

  it('leaves the old item out of the cancellation reasons when not asked for it', async () => {
    // Prepare
    const db = documentClientFromEnvironment();
    const table = desk.resources.tableName;
    await db.send(
      new TransactWriteCommand({
        TransactItems: [{ Put: { TableName: table, Item: { pk: 'T#3', sk: 'A' } } }],
      }),
    );

    // Act
    const failure = await db
      .send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: table,
                Item: { pk: 'T#3', sk: 'A' },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      )
      .catch((error: unknown) => error);

    // Assess
    const reasons = (failure as TransactionCanceledException).CancellationReasons ?? [];
    expect(reasons[0]?.Code).toBe('ConditionalCheckFailed');
    expect(reasons[0]?.Item).toBeUndefined();
  });
});

describe('ensureDeskResources', () => {
  it('creates the table of shared/table.ts with its indexes and TTL', async () => {
    // Act
    const described = await desk.clients.dynamodb.send(
      new DescribeTableCommand({ TableName: desk.resources.tableName }),
    );
    const ttl = await desk.clients.dynamodb.send(
      new DescribeTimeToLiveCommand({ TableName: desk.resources.tableName }),
    );

    // Assess
    const indexes = described.Table?.GlobalSecondaryIndexes ?? [];
    expect(indexes.map((index) => [index.IndexName, index.Projection?.ProjectionType]).sort()).toEqual([
      ['gsi1', 'ALL'],
      ['gsi2', 'ALL'],
      ['gsi3', 'ALL'],
      ['gsi4', 'KEYS_ONLY'],
      ['gsi5', 'ALL'],
      ['gsi6', 'ALL'],
    ]);
    expect(ttl.TimeToLiveDescription).toMatchObject({
      AttributeName: 'expiresAt',
      TimeToLiveStatus: 'ENABLED',
    });
  });

  it('gives each stage a queue with its visibility timeout and a redrive to its dead-letter queue', async () => {
    for (const stage of pipeline.stages) {
      // Act
      const main = await desk.clients.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: desk.resources.queueUrls[stage.queue],
          AttributeNames: ['All'],
        }),
      );
      const dlq = await desk.clients.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: desk.resources.deadLetterQueueUrls[stage.queue],
          AttributeNames: ['QueueArn'],
        }),
      );

      // Assess
      expect(main.Attributes?.VisibilityTimeout).toBe(String(visibilityTimeoutSeconds(stage)));
      expect(JSON.parse(main.Attributes?.RedrivePolicy ?? '{}')).toEqual({
        deadLetterTargetArn: dlq.Attributes?.QueueArn,
        maxReceiveCount: stage.maxReceiveCount,
      });
    }
  });

  it('returns the same resources when called again', async () => {
    // Prepare
    const names = {
      tableName: desk.resources.tableName,
      bucket: desk.resources.bucket,
      queuePrefix:
        desk.resources.queueUrls.intake
          .split('/')
          .at(-1)
          ?.replace(/intake$/, '') ?? '',
    };

    // Act
    const again = await ensureDeskResources(desk.clients, names);

    // Assess
    expect(again).toEqual(desk.resources);
  });
});

describe('fauxqs and the SES stand-in', () => {
  it('hands out queue URLs that an SQS client configured from the environment can use', async () => {
    // Prepare
    const sqs = new SQSClient({});
    const queueUrl = desk.resources.queueUrls.outbox;

    // Act
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"hello":"world"}' }));
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));

    // Assess
    expect(received.Messages?.map((message) => message.Body)).toEqual(['{"hello":"world"}']);
    sqs.destroy();
  });

  it('stores and returns raw mail through an S3 client configured from the environment', async () => {
    // Prepare
    const s3 = new S3Client({});
    const key = `${pipeline.rawMailPrefix}message-1`;

    // Act
    await s3.send(
      new PutObjectCommand({ Bucket: desk.resources.bucket, Key: key, Body: 'Subject: LSUN\r\n\r\nBonjour' }),
    );
    const stored = await s3.send(new GetObjectCommand({ Bucket: desk.resources.bucket, Key: key }));

    // Assess
    expect(await stored.Body?.transformToString()).toBe('Subject: LSUN\r\n\r\nBonjour');
    s3.destroy();
  });

  it('keeps the custom headers of a simple SESv2 mail in the outbox', async () => {
    // Prepare
    const ses = new SESv2Client({});
    const subject = `[LSUN-2026-00001] Accès LSUN ${Date.now()}`;

    // Act
    await ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'assistance1d@ac-dijon.fr',
        Destination: { ToAddresses: ['directeur.test@ac-dijon.fr'] },
        Content: {
          Simple: {
            Subject: { Data: subject, Charset: 'UTF-8' },
            Body: { Text: { Data: 'Votre demande est enregistrée.', Charset: 'UTF-8' } },
            Headers: [
              { Name: 'In-Reply-To', Value: '<original@ac-dijon.fr>' },
              { Name: 'Auto-Submitted', Value: 'auto-replied' },
            ],
          },
        },
      }),
    );
    const store = (await (await fetch(`${desk.endpoints.ses}/store`)).json()) as {
      emails: { subject: string; headers: { name: string; value: string }[] }[];
    };

    // Assess
    const sent = store.emails.find((email) => email.subject === subject);
    expect(sent?.headers).toEqual(
      expect.arrayContaining([
        { name: 'In-Reply-To', value: '<original@ac-dijon.fr>' },
        { name: 'Auto-Submitted', value: 'auto-replied' },
      ]),
    );
    ses.destroy();
  });
});
