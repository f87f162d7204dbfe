import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  type LocalClients,
  makeLocalClients,
  type RunningEmulator,
  startDynamoDbLocal,
} from '#local/emulators.ts';
import { ensureDeskTable } from '#local/resources.ts';
import { deskTable } from '#shared/table.ts';
import { testEndpoints } from '../support/aws.ts';

// A DynamoDB Local of its own: building an index scans the whole database, and the shared one
// holds every other test file's tables.
let dynamodb: RunningEmulator;
let clients: LocalClients;
beforeAll(async () => {
  dynamodb = await startDynamoDbLocal({ port: await freePort() });
  clients = makeLocalClients({ ...testEndpoints(), dynamodb: dynamodb.endpoint });
});
afterAll(async () => {
  clients.dynamodb.destroy();
  await dynamodb.stop();
});

describe('the local desk table', () => {
  it('gains the indexes added since it was created, keeping its data (a .data/ folder from an earlier version)', async () => {
    // Prepare: a table as an earlier version made it, with one index only.
    const tableName = `old-desk-${Date.now()}`;
    await clients.dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((name) => ({
          AttributeName: name,
          AttributeType: 'S',
        })),
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
    // Act
    await ensureDeskTable(clients.dynamodb, tableName);
    // Assess
    const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    const names = (Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName).sort();
    expect(names).toEqual(deskTable.globalSecondaryIndexes.map((index) => index.indexName).sort());
    const sweeper = Table?.GlobalSecondaryIndexes?.find((index) => index.IndexName === 'gsi4');
    expect(sweeper?.Projection?.ProjectionType).toBe('KEYS_ONLY');
  });
});
