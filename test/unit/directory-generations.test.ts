/**
 * The generations adapter's handling of what DynamoDB Local never does: a BatchGetItem that
 * leaves keys unprocessed, a lost conditional write, an item that does not read as what the
 * store wrote. Faults injected with `aws-sdk-client-mock`; the table's real behaviour is in
 * `test/integration/directory-store.test.ts`.
 */
import { readFileSync } from 'node:fs';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DirectoryConflictError, DirectoryStoreError } from '#shared/adapters/directory/errors.ts';
import { MissingPartsError, makeGenerations, type Pointer } from '#shared/adapters/directory/generations.ts';
import { directoryKeys } from '#shared/adapters/directory/keys.ts';
import { parseDirectoryFile } from '#shared/directory/import.ts';
import { planImport } from '#shared/directory/plan.ts';
import { encodeState } from '#shared/directory/snapshot.ts';
import { EMPTY_DIRECTORY } from '#shared/domain/directory.ts';

const TABLE = 'desk';
const SMALL = readFileSync(new URL('../fixtures/directory/annuaire-petit.csv', import.meta.url));
const OPTIONS = { academicDomain: 'ac-dijon.fr', now: new Date('2026-09-01T08:00:00Z'), actor: 'test' };

/** The small directory as generation 1, cut into parts of 500 bytes so that it has several. */
function storedGeneration() {
  const state = { ...planImport(EMPTY_DIRECTORY, parseDirectoryFile(SMALL), OPTIONS).next, generation: 1 };
  const encoded = encodeState(state, 500);
  const items = encoded.parts.map((data, index) => ({ ...directoryKeys.part(1, index), data }));
  return { state, ref: { generation: 1, parts: encoded.parts.length, sha256: encoded.sha256 }, items };
}

const pointer: Pointer = {
  generation: 2,
  parts: 1,
  sha256: 'abc',
  at: '2026-09-01T08:00:00.000Z',
  actor: 'cli:test',
  source: 'import',
  previous: { generation: 1, parts: 1, sha256: 'def' },
  projection: 'done',
};

describe('the generations adapter', () => {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
  const dynamodb = mockClient(client);
  const generations = makeGenerations({ client, tableName: TABLE });
  beforeEach(() => {
    dynamodb.reset();
  });

  it('reads a generation whose parts DynamoDB hands back over several calls', async () => {
    // Prepare: the first answer leaves all but the first part unprocessed.
    const { state, ref, items } = storedGeneration();
    const [first, ...rest] = items;
    expect(rest.length).toBeGreaterThan(0);
    dynamodb
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [TABLE]: [first ?? {}] },
        UnprocessedKeys: { [TABLE]: { Keys: rest.map(({ pk, sk }) => ({ pk, sk })) } },
      })
      .resolvesOnce({ Responses: { [TABLE]: rest } });

    // Act
    const loaded = await generations.loadState(ref);

    // Assess
    expect(loaded).toEqual(state);
    const calls = dynamodb.commandCalls(BatchGetCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input.RequestItems?.[TABLE]?.Keys).toEqual(
      rest.map(({ pk, sk }) => ({ pk, sk })),
    );
  });

  it('gives up with a DirectoryStoreError when DynamoDB keeps leaving the parts unread', async () => {
    // Prepare
    const { ref, items } = storedGeneration();
    dynamodb.on(BatchGetCommand).resolves({
      UnprocessedKeys: { [TABLE]: { Keys: items.map(({ pk, sk }) => ({ pk, sk })) } },
    });

    // Act
    const loading = generations.loadState(ref);

    // Assess
    await expect(loading).rejects.toThrow(DirectoryStoreError);
    await expect(loading).rejects.toThrow('DynamoDB left directory parts unread after retries');
    expect(dynamodb.commandCalls(BatchGetCommand)).toHaveLength(8);
  });

  it('says the parts are missing when the generation was removed meanwhile', async () => {
    // Prepare
    const { ref, items } = storedGeneration();
    dynamodb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: items.slice(1) } });

    // Act
    const loading = generations.loadState(ref);

    // Assess
    await expect(loading).rejects.toThrow(MissingPartsError);
  });

  it('refuses a malformed pointer as a fault of ours rather than reading it as an empty directory', async () => {
    // Prepare
    dynamodb.on(GetCommand).resolves({ Item: { ...directoryKeys.pointer, generation: 'three' } });

    // Act
    const reading = generations.readPointer();

    // Assess
    await expect(reading).rejects.toThrow(new DirectoryStoreError('The directory pointer is malformed'));
  });

  it('reads the pointer without its table attributes, and no pointer as none', async () => {
    // Prepare
    dynamodb
      .on(GetCommand)
      .resolvesOnce({ Item: { ...directoryKeys.pointer, type: 'directory_pointer', ...pointer } })
      .resolvesOnce({});

    // Act
    const found = await generations.readPointer();
    const none = await generations.readPointer();

    // Assess
    expect(found).toEqual(pointer);
    expect(none).toBeUndefined();
  });

  it('refuses a switch with a DirectoryConflictError when the pointer moved meanwhile', async () => {
    // Prepare
    dynamodb
      .on(PutCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );

    // Act
    const switching = generations.switchTo({ ...pointer, generation: 3 }, pointer);

    // Assess
    await expect(switching).rejects.toThrow(DirectoryConflictError);
    expect(dynamodb.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: '#generation = :base AND #projection = :done',
      ExpressionAttributeValues: { ':base': 2, ':done': 'done' },
    });
  });

  it('takes a projection someone else marked done as done', async () => {
    // Prepare
    dynamodb
      .on(UpdateCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );

    // Act
    const marking = generations.markProjectionDone(2);

    // Assess
    await expect(marking).resolves.toBeUndefined();
  });
});
