/**
 * DynamoDB Local on a data folder (SQLite under `-dbPath`) keeps what it acknowledged when its
 * Java process is killed with SIGKILL in the middle of writes, and applies each transaction
 * whole or not at all: the local desk's recovery after a crash (issue 11) relies on both.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  ScanCommand,
  TransactWriteItemsCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal } from '#local/emulators.ts';

const ITEMS_PER_TRANSACTION = 25;
const dataDir = mkdtempSync(path.join(tmpdir(), 'lsun-dynamodb-crash-'));

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

/** The Java process of the DynamoDB Local started on `dir` (not its watchdog shell). */
function javaOf(dir: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (path.basename(command[0] ?? '') === 'java' && command.includes(dir)) return Number(entry);
    } catch {
      // Gone meanwhile.
    }
  }
  return undefined;
}

function clientOf(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
}

describe('DynamoDB Local on disk, killed with SIGKILL during transactions', () => {
  it('keeps every acknowledged transaction and no part of any other', async () => {
    // Prepare
    const port = await freePort();
    let dynamodb = await startDynamoDbLocal({ port, dbPath: dataDir });
    const client = clientOf(dynamodb.endpoint);
    await client.send(
      new CreateTableCommand({
        TableName: 'crash',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: 'crash' });
    const acknowledged = new Set<number>();
    let attempted = 0;
    let killed = false;
    const writer = async () => {
      while (!killed) {
        const id = attempted++;
        await client
          .send(
            new TransactWriteItemsCommand({
              TransactItems: Array.from({ length: ITEMS_PER_TRANSACTION }, (_, index) => ({
                Put: {
                  TableName: 'crash',
                  Item: {
                    pk: { S: `T${id}#${index}` },
                    transaction: { N: String(id) },
                    pad: { S: 'x'.repeat(400) },
                  },
                },
              })),
            }),
          )
          .then(
            () => acknowledged.add(id),
            () => undefined,
          );
      }
    };

    // Act: eight writers, then the kill in the middle of their transactions.
    const writers = Array.from({ length: 8 }, writer);
    while (acknowledged.size < 20) await new Promise((wake) => setTimeout(wake, 20));
    const java = javaOf(path.resolve(dataDir));
    expect(java).toBeDefined();
    process.kill(java as number, 'SIGKILL');
    killed = true;
    await Promise.all(writers);
    client.destroy();
    await dynamodb.stop();
    dynamodb = await startDynamoDbLocal({ port, dbPath: dataDir });
    const reader = clientOf(dynamodb.endpoint);
    const found = new Map<number, number>();
    let start: Record<string, never> | undefined;
    do {
      const page = await reader.send(new ScanCommand({ TableName: 'crash', ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) {
        const id = Number(item.transaction?.N);
        found.set(id, (found.get(id) ?? 0) + 1);
      }
      start = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (start);
    reader.destroy();
    await dynamodb.stop();

    // Assess: the kill cut transactions under way; every acknowledged one is whole, and every
    // one found is whole.
    expect(attempted).toBeGreaterThan(acknowledged.size);
    expect([...acknowledged].filter((id) => found.get(id) !== ITEMS_PER_TRANSACTION)).toEqual([]);
    expect([...found].filter(([, count]) => count !== ITEMS_PER_TRANSACTION)).toEqual([]);
  }, 120_000);
});
