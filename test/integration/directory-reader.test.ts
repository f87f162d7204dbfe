/**
 * The read-only directory reader `broadcast-send` uses, against DynamoDB Local: it sees what the
 * directory store wrote, generation by generation, exactly as the store itself reads it.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#shared/adapters/aws-clients.ts';
import { makeDirectoryReader } from '#shared/adapters/directory-reader.ts';
import { makeDirectoryStore } from '#shared/adapters/directory-store.ts';
import { importDirectoryFile } from '#shared/directory/import.ts';
import { EMPTY_DIRECTORY } from '#shared/domain/directory.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';

const SMALL = readFileSync(new URL('../fixtures/directory/annuaire-petit.csv', import.meta.url));
const DEMO = readFileSync(new URL('../../data/annuaire-demo.csv', import.meta.url));

describe('the read-only directory reader', () => {
  let desk: TestResources;
  beforeAll(async () => {
    desk = await makeTestResources('directory-reader');
  });
  afterAll(() => desk.destroy());

  it('reads the empty directory before any import, then each generation the store switches to', async () => {
    // Prepare
    const table = { client: documentClient(desk.clients.dynamodb), tableName: desk.resources.tableName };
    const store = makeDirectoryStore(table);
    const reader = makeDirectoryReader(table);
    const before = await reader.current();

    // Act: two imports, read after each.
    await importDirectoryFile(SMALL, store, {
      apply: true,
      now: new Date('2026-09-01T08:00:00Z'),
      actor: 'cli:test',
    });
    const first = await reader.current();
    const firstByStore = await store.current();
    await importDirectoryFile(DEMO, store, {
      apply: true,
      now: new Date('2026-09-15T08:00:00Z'),
      actor: 'cli:test',
    });
    const second = await reader.current();
    const secondByStore = await store.current();

    // Assess
    expect(before.state).toEqual(EMPTY_DIRECTORY);
    expect(first.state).toEqual(firstByStore.state);
    expect(second.state).toEqual(secondByStore.state);
    expect(second.state).not.toEqual(first.state);
  });
});
