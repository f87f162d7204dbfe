/**
 * The fault proxy of the fault campaign (test/support/fault-proxy.ts), against the real stand-ins:
 * each fault reaches the AWS SDK as AWS's own would, so that the campaign proves what the desk
 * does with AWS's faults, not with a proxy's inventions.
 */
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#local/emulators.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';
import { type FaultProxy, refusedForGood, startFaultProxy } from '../support/fault-proxy.ts';

let test: TestResources;
const proxies: FaultProxy[] = [];
const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };

beforeAll(async () => {
  test = await makeTestResources('fault-proxy');
});

afterAll(async () => {
  for (const proxy of proxies) await proxy.stop();
  test?.destroy();
});

async function proxy(options: Parameters<typeof startFaultProxy>[0]): Promise<FaultProxy> {
  const started = await startFaultProxy(options);
  proxies.push(started);
  return started;
}

const item = (id: string) => ({
  TableName: test.resources.tableName,
  Item: { pk: { S: `FAULT#${id}` }, sk: { S: 'ITEM' } },
});

describe('the fault proxy', () => {
  it('throttles DynamoDB with an error the SDK knows as throttling, before anything is written', async () => {
    // Prepare
    const throttling = await proxy({
      service: 'dynamodb',
      target: test.endpoints.dynamodb,
      seed: 1,
      rates: { throttle: 1 },
    });
    const client = new DynamoDBClient({ ...common, endpoint: throttling.endpoint, maxAttempts: 1 });
    // Act
    const refused = await client.send(new PutItemCommand(item('throttled'))).catch((error: unknown) => error);
    // Assess
    expect((refused as Error).name).toMatch(/^(ProvisionedThroughputExceededException|ThrottlingException)$/);
    const { Item } = await test.clients.dynamodb.send(
      new GetItemCommand({ TableName: test.resources.tableName, Key: item('throttled').Item }),
    );
    expect(Item).toBeUndefined();
    expect(throttling.faults().throttle).toBe(1);
    client.destroy();
  });

  it('lets a write happen, then fails its call and every retry of it, as a function dead after its write', async () => {
    const crashing = await proxy({
      service: 'dynamodb',
      target: test.endpoints.dynamodb,
      seed: 2,
      rates: { crashAfterWrite: 1 },
    });
    const client = new DynamoDBClient({ ...common, endpoint: crashing.endpoint, maxAttempts: 3 });

    const failed = await client.send(new PutItemCommand(item('crashed'))).catch((error: unknown) => error);

    expect(failed).toBeInstanceOf(Error);
    const { Item } = await test.clients.dynamodb.send(
      new GetItemCommand({ TableName: test.resources.tableName, Key: item('crashed').Item }),
    );
    expect(Item).toBeDefined();
    const faults = crashing.faults();
    expect((faults.crash_after_write_500 ?? 0) + (faults.crash_after_write_cut ?? 0)).toBe(1);
    // The SDK's two retries of the same call met the dead function, not DynamoDB.
    expect(faults.crash_retry_refused).toBe(2);
    expect(crashing.requests().PutItem).toBe(3);
    client.destroy();
  });

  it('delivers each SQS message three times, and the same message sent again once', async () => {
    const tripling = await proxy({
      service: 'sqs',
      target: test.endpoints.sqs,
      seed: 3,
      rates: { deliveries: 3 },
    });
    const client = new SQSClient({ ...common, endpoint: tripling.endpoint, useQueueUrlAsEndpoint: false });
    const QueueUrl = test.resources.queueUrls['kb-export'];

    await client.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"n":1}' }));
    await client.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"n":1}' }));

    const { Attributes = {} } = await test.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    expect(Number(Attributes.ApproximateNumberOfMessages)).toBe(4);
    expect(tripling.faults().extra_delivery).toBe(2);
    client.destroy();
  });

  it('refuses the same recipients for good every time, as SES MessageRejected, and throttles as a 429', async () => {
    const refuses = refusedForGood(4, 0.5);
    const addresses = Array.from({ length: 40 }, (_, n) => `directeur${n}@ac-dijon.fr`);
    const refused = addresses.find(refuses);
    const accepted = addresses.find((address) => !refuses(address));
    expect(refused && accepted).toBeTruthy();
    expect(addresses.filter(refuses)).toEqual(addresses.filter(refusedForGood(4, 0.5)));
    const ses = await proxy({ service: 'ses', target: test.endpoints.ses, seed: 4, rates: { refuses } });
    const client = new SESv2Client({ ...common, endpoint: ses.endpoint, maxAttempts: 1 });
    const mail = (to: string) =>
      new SendEmailCommand({
        FromEmailAddress: 'assistance1d@ac-dijon.fr',
        Destination: { ToAddresses: [to] },
        Content: { Simple: { Subject: { Data: 'Test' }, Body: { Text: { Data: 'Bonjour' } } } },
      });

    const refusal = await client.send(mail(refused ?? '')).catch((error: unknown) => error);
    const sent = await client.send(mail(accepted ?? ''));

    expect((refusal as Error).name).toBe('MessageRejected');
    expect(sent.MessageId).toBeTruthy();

    const throttling = await proxy({
      service: 'ses',
      target: test.endpoints.ses,
      seed: 5,
      rates: { throttle: 1 },
    });
    const throttled = new SESv2Client({ ...common, endpoint: throttling.endpoint, maxAttempts: 1 });
    const answer = await throttled.send(mail(accepted ?? '')).catch((error: unknown) => error);
    expect((answer as Error).name).toBe('TooManyRequestsException');
    expect((answer as { $metadata: { httpStatusCode?: number } }).$metadata.httpStatusCode).toBe(429);
    client.destroy();
    throttled.destroy();
  });
});
