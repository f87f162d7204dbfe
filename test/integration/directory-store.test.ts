/**
 * The directory store against DynamoDB Local: what an import writes (or, in a dry run, does
 * not), and what the intake's lookup then answers.
 */
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#local/emulators.ts';
import { documentClient } from '#shared/adapters/aws-clients.ts';
import { DirectoryStoreError, directoryKeys, makeDirectoryStore } from '#shared/adapters/directory-store.ts';
import { importDirectoryFile } from '#shared/directory/import.ts';
import { parseDirectoryCsv } from '#shared/directory/rows.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';

const FIXTURE = readFileSync(new URL('../fixtures/directory/annuaire-petit.csv', import.meta.url));
const HEADER = 'uai;ecole;commune;circonscription;departement;civilite;nom;prenom;email';
const FIRST_IMPORT = new Date('2026-09-01T08:00:00Z');
const LATER = new Date('2026-09-15T08:00:00Z');

let desk: TestResources;
let client: DynamoDBDocumentClient;

beforeAll(async () => {
  desk = await makeTestResources('directory-store');
  client = documentClient(desk.clients.dynamodb);
});

afterAll(() => {
  desk?.destroy();
});

/** A fresh table per test: imports are compared with what is stored, so tests must not share it. */
async function freshStore() {
  const own = await makeTestResources('directory-store');
  const ownClient = documentClient(own.clients.dynamodb);
  const tableName = own.resources.tableName;
  return {
    store: makeDirectoryStore({ client: ownClient, tableName }),
    client: ownClient,
    tableName,
    destroy: () => own.destroy(),
    async items() {
      const answer = await ownClient.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }));
      return answer.Items ?? [];
    },
  };
}

/**
 * Counts the DynamoDB operations a document client sends, by the low-level command name
 * (`GetItemCommand`). The count lands on the wrapped client's stack, shared by every document
 * client made from it: give the counted one a client of its own.
 */
function countCommands(documents: DynamoDBDocumentClient): Map<string, number> {
  const counts = new Map<string, number>();
  documents.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  return counts;
}

describe('importDirectory', () => {
  let table: Awaited<ReturnType<typeof freshStore>>;
  beforeEach(async () => {
    table = await freshStore();
    return () => table.destroy();
  });

  it('writes nothing in a dry run, and reports what it would add', async () => {
    // Prepare
    const options = { apply: false, now: FIRST_IMPORT, actor: 'test' };

    // Act
    const report = await importDirectoryFile(FIXTURE, table.store, options);

    // Assess
    expect(report).toMatchObject({
      applied: false,
      added: 5,
      changed: 0,
      unchanged: 0,
      schools: { added: 6, changed: 0, unchanged: 0 },
    });
    expect(report.rejected.map((rejected) => rejected.line)).toEqual([8, 9]);
    expect(await table.items()).toEqual([]);
    expect(await table.store.findByEmail('camille.martin@ac-dijon.fr')).toBeUndefined();
  });

  it('loads the good lines when applied: schools, directors and one contact per address', async () => {
    // Act
    const report = await importDirectoryFile(FIXTURE, table.store, {
      apply: true,
      now: FIRST_IMPORT,
      actor: 'cli:test',
    });

    // Assess
    expect(report).toMatchObject({ applied: true, added: 5, changed: 0, unchanged: 0 });
    expect(report.rejected).toEqual([
      { line: 8, reason: 'UAI invalide (lettre de contrôle attendue : V)' },
      { line: 9, reason: 'adresse non académique (@ac-dijon.fr attendu) : anne.leroy@gmail.com' },
    ]);
    const items = await table.items();
    const byPrefix = (prefix: string) => items.filter((item) => String(item.pk).startsWith(prefix));
    expect(byPrefix('SCHOOL#')).toHaveLength(6);
    expect(byPrefix('DIRECTOR#')).toHaveLength(5);
    // Five director addresses and six school mailboxes.
    expect(byPrefix('CONTACT#')).toHaveLength(11);
    const martin = items.find((item) => item.pk === 'DIRECTOR#camille.martin@ac-dijon.fr');
    expect(martin).toMatchObject({
      sk: 'PROFILE',
      gsi1pk: 'DIRECTORS',
      gsi1sk: 'martin#camille#camille.martin@ac-dijon.fr',
      schools: ['0211234C'],
      active: true,
      createdAt: FIRST_IMPORT.toISOString(),
      updatedBy: 'cli:test',
    });
  });

  it('counts everything unchanged when the same file is applied again, and rewrites nothing', async () => {
    // Prepare
    await importDirectoryFile(FIXTURE, table.store, { apply: true, now: FIRST_IMPORT, actor: 'test' });
    const counts = countCommands(table.client);

    // Act
    const report = await importDirectoryFile(FIXTURE, table.store, {
      apply: true,
      now: LATER,
      actor: 'test',
    });

    // Assess
    expect(report).toMatchObject({
      added: 0,
      changed: 0,
      unchanged: 5,
      schools: { added: 0, changed: 0, unchanged: 6 },
    });
    expect(counts.get('BatchGetItemCommand')).toBeGreaterThan(0);
    expect(counts.get('BatchWriteItemCommand')).toBeUndefined();
    const items = await table.items();
    expect(items.every((item) => item.updatedAt === FIRST_IMPORT.toISOString())).toBe(true);
  });

  it('reports and applies changes: a renamed school, a director moved, a new director', async () => {
    // Prepare
    await importDirectoryFile(FIXTURE, table.store, { apply: true, now: FIRST_IMPORT, actor: 'test' });
    const next = parseDirectoryCsv(
      [
        HEADER,
        '0211234C;École élémentaire Les Tilleuls-Montchapet;Dijon;Dijon Centre;21;Mme;Martin;Camille;camille.martin@ac-dijon.fr',
        '0210102X;École élémentaire Victor Hugo;Talant;Dijon Nord;21;M.;Girard;Julien;julien.girard@ac-dijon.fr',
        '0580203F;École primaire Jules Ferry;Nevers;Nevers 1;58;Mme;Faure;Hélène;helene.faure@ac-dijon.fr',
        '0891406V;École primaire Colette;Saint-Fargeau;Auxerre 1;89;Mme;Leroy;Anne;anne.leroy@ac-dijon.fr',
      ].join('\n'),
    );

    // Act
    const dryRun = await table.store.importDirectory(next.rows, { apply: false, now: LATER, actor: 'test' });
    const nameAfterDryRun = (await table.store.findByEmail('camille.martin@ac-dijon.fr'))?.schools[0]?.name;
    const applied = await table.store.importDirectory(next.rows, { apply: true, now: LATER, actor: 'test' });

    // Assess: Martin unchanged herself (her school changed), Girard moved, Faure unchanged, Leroy new.
    expect(dryRun).toEqual({
      added: 1,
      changed: 1,
      unchanged: 2,
      schools: { added: 1, changed: 1, unchanged: 2 },
      rejected: [],
    });
    expect(applied).toEqual(dryRun);
    expect(nameAfterDryRun).toBe('École élémentaire Les Tilleuls');
    expect((await table.store.findByEmail('camille.martin@ac-dijon.fr'))?.schools[0]?.name).toBe(
      'École élémentaire Les Tilleuls-Montchapet',
    );
    expect((await table.store.findByEmail('ce.0211234c@ac-dijon.fr'))?.schools[0]?.name).toBe(
      'École élémentaire Les Tilleuls-Montchapet',
    );
    expect((await table.store.findByEmail('julien.girard@ac-dijon.fr'))?.schools.map((s) => s.uai)).toEqual([
      '0210102X',
    ]);
    const girard = await table.client.send(
      new GetCommand({
        TableName: table.tableName,
        Key: directoryKeys.director('julien.girard@ac-dijon.fr'),
      }),
    );
    expect(girard.Item).toMatchObject({
      createdAt: FIRST_IMPORT.toISOString(),
      updatedAt: LATER.toISOString(),
    });
  });

  it('refuses rows that contradict each other even when they do not come from the CSV reader', async () => {
    // Prepare
    const rows = parseDirectoryCsv([HEADER, FIXTURE.toString('utf8').split('\n')[1]].join('\n')).rows;
    const martin = rows[0];
    if (!martin) throw new Error('fixture changed');
    const impostor = { ...martin, line: 3, lastName: 'Petit', firstName: 'Paul' };

    // Act
    const report = await table.store.importDirectory([martin, impostor], {
      apply: true,
      now: FIRST_IMPORT,
      actor: 'test',
    });

    // Assess
    expect(report.added).toBe(0);
    expect(report.rejected.map((rejected) => rejected.line)).toEqual([2, 3]);
    expect(await table.items()).toEqual([]);
  });
});

describe('findByEmail', () => {
  let store: ReturnType<typeof makeDirectoryStore>;
  let counts: Map<string, number>;
  let lookupClient: DynamoDBDocumentClient;

  beforeAll(async () => {
    const loader = makeDirectoryStore({ client, tableName: desk.resources.tableName });
    await importDirectoryFile(FIXTURE, loader, { apply: true, now: FIRST_IMPORT, actor: 'test' });
    lookupClient = documentClient(
      new DynamoDBClient({
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        endpoint: desk.endpoints.dynamodb,
      }),
    );
    counts = countCommands(lookupClient);
    store = makeDirectoryStore({ client: lookupClient, tableName: desk.resources.tableName });
  });

  beforeEach(() => {
    counts.clear();
  });

  afterAll(() => {
    lookupClient.destroy();
  });

  it("recognises a director's address, with their school, in one GetItem", async () => {
    // Act
    const match = await store.findByEmail('camille.martin@ac-dijon.fr');

    // Assess
    expect(match).toEqual({
      kind: 'director',
      entryId: 'camille.martin@ac-dijon.fr',
      civility: 'Mme',
      lastName: 'Martin',
      firstName: 'Camille',
      email: 'camille.martin@ac-dijon.fr',
      schools: [
        {
          uai: '0211234C',
          name: 'École élémentaire Les Tilleuls',
          commune: 'Dijon',
          circonscription: 'Dijon Centre',
          departement: '21',
          mailbox: 'ce.0211234c@ac-dijon.fr',
        },
      ],
    });
    expect([...counts.entries()]).toEqual([['GetItemCommand', 1]]);
  });

  it('gives every school of a director who directs several', async () => {
    const match = await store.findByEmail('agnes.pernot@ac-dijon.fr');
    expect(match?.schools.map((school) => school.uai)).toEqual(['0891405U', '0891406V']);
  });

  it("recognises a school's functional mailbox as that school, whatever the case", async () => {
    // Act
    const match = await store.findByEmail('CE.0580203F@ac-dijon.fr');

    // Assess
    expect(match).toEqual({
      kind: 'school_mailbox',
      entryId: 'school:0580203F',
      email: 'ce.0580203f@ac-dijon.fr',
      schools: [
        expect.objectContaining({ uai: '0580203F', name: 'École primaire Jules Ferry', departement: '58' }),
      ],
    });
    expect([...counts.entries()]).toEqual([['GetItemCommand', 1]]);
  });

  it('knows nothing of an address that is not in the directory, nor of a refused line', async () => {
    expect(await store.findByEmail('inconnu@ac-dijon.fr')).toBeUndefined();
    expect(await store.findByEmail('anne.leroy@gmail.com')).toBeUndefined();
    expect(await store.findByEmail('ce.0891406w@ac-dijon.fr')).toBeUndefined();
  });

  it('ignores an entry that is no longer active', async () => {
    // Prepare: what issue #4's deactivation leaves behind.
    await client.send(
      new PutCommand({
        TableName: desk.resources.tableName,
        Item: {
          ...directoryKeys.contact('ancien.directeur@ac-dijon.fr'),
          type: 'contact',
          kind: 'director',
          entryId: 'ancien.directeur@ac-dijon.fr',
          email: 'ancien.directeur@ac-dijon.fr',
          schools: [
            {
              uai: '0211234C',
              name: 'École élémentaire Les Tilleuls',
              commune: 'Dijon',
              circonscription: 'Dijon Centre',
              departement: '21',
              mailbox: 'ce.0211234c@ac-dijon.fr',
            },
          ],
          active: false,
        },
      }),
    );

    // Act
    const match = await store.findByEmail('ancien.directeur@ac-dijon.fr');

    // Assess
    expect(match).toBeUndefined();
  });

  it('fails loudly on a malformed contact item rather than guessing', async () => {
    // Prepare
    await client.send(
      new PutCommand({
        TableName: desk.resources.tableName,
        Item: {
          ...directoryKeys.contact('abime@ac-dijon.fr'),
          type: 'contact',
          kind: 'director',
          active: true,
        },
      }),
    );

    // Act
    const lookup = store.findByEmail('abime@ac-dijon.fr');

    // Assess
    await expect(lookup).rejects.toThrow(DirectoryStoreError);
  });
});

describe('importDirectory under throttling', () => {
  // DynamoDB Local never leaves items unprocessed: the SDK mock plays that part.
  it('retries the items a batch left unprocessed until all are written', async () => {
    // Prepare
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
    const mock = mockClient(documents);
    mock.on(BatchGetCommand).resolves({ Responses: { desk: [] } });
    let calls = 0;
    const written: unknown[] = [];
    mock.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, unknown[]> }) => {
      calls++;
      const requests = input.RequestItems.desk ?? [];
      // The first call is throttled whole: every item comes back unprocessed.
      if (calls === 1) return { UnprocessedItems: { desk: requests } };
      written.push(...requests);
      return { UnprocessedItems: {} };
    });
    const store = makeDirectoryStore({ client: documents, tableName: 'desk' });
    const rows = parseDirectoryCsv([HEADER, FIXTURE.toString('utf8').split('\n')[1]].join('\n')).rows;

    // Act
    const report = await store.importDirectory(rows, { apply: true, now: FIRST_IMPORT, actor: 'test' });

    // Assess: one school, one director, two contacts (her address and the school mailbox).
    expect(report.added).toBe(1);
    expect(written).toHaveLength(4);
    expect(calls).toBeGreaterThan(1);
    mock.restore();
  });
});
