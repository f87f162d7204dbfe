/**
 * The directory store against DynamoDB Local: what an import writes (or, in a dry run, does
 * not), what the intake's lookup then answers, the audit trail, and what is left when an apply
 * fails halfway (faults injected into a real client, so the table's state is real).
 */

import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#local/emulators.ts';
import { documentClient } from '#shared/adapters/aws-clients.ts';
import { DirectoryLookupError } from '#shared/adapters/directory-lookup.ts';
import {
  DirectoryConflictError,
  DirectoryStoreError,
  directoryKeys,
  makeDirectoryStore,
} from '#shared/adapters/directory-store.ts';
import { canonical, projectContacts } from '#shared/directory/diff.ts';
import { DirectorInput } from '#shared/directory/edit.ts';
import { importDirectoryFile, parseDirectoryFile } from '#shared/directory/import.ts';
import { planImport } from '#shared/directory/plan.ts';
import { EMPTY_DIRECTORY } from '#shared/domain/directory.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';

const SMALL = readFileSync(new URL('../fixtures/directory/annuaire-petit.csv', import.meta.url));
const SAMPLE_LDIF = readFileSync(new URL('../fixtures/directory/annuaire-extrait.ldif', import.meta.url));
const DEMO = readFileSync(new URL('../../data/annuaire-demo.csv', import.meta.url));
const HEADER = 'uai;ecole;commune;circonscription;departement;civilite;nom;prenom;email';
const FIRST_IMPORT = new Date('2026-09-01T08:00:00Z');
const LATER = new Date('2026-09-15T08:00:00Z');

/** A fault the emulator cannot make: raised by the client before the request leaves. */
class InjectedFault extends Error {
  override name = 'InjectedFault';
}

/** Commands sent, by low-level name (`TransactWriteItemsCommand`), for counting and fault injection. */
type Watch = {
  counts: Map<string, number>;
  failWhen?: (name: string, input: unknown, nth: number) => boolean;
  /** Runs to completion before the command is sent: another writer's change, say. */
  before?: (name: string, nth: number) => Promise<void>;
};

/**
 * A table of the test's own, and stores over it. Each store gets a client of its own: a
 * middleware added to a client's stack is shared by every document client made from it.
 */
async function freshTable() {
  const own = await makeTestResources('directory-store');
  const tableName = own.resources.tableName;
  const clients: DynamoDBClient[] = [];
  const watched = (watch?: Watch) => {
    const raw = new DynamoDBClient({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: own.endpoints.dynamodb,
    });
    clients.push(raw);
    const documents = documentClient(raw);
    if (watch) {
      documents.middlewareStack.add(
        (next, context) => async (args) => {
          const name = context.commandName ?? 'unknown';
          const nth = (watch.counts.get(name) ?? 0) + 1;
          watch.counts.set(name, nth);
          await watch.before?.(name, nth);
          if (watch.failWhen?.(name, args.input, nth))
            throw new InjectedFault(`injected fault on ${name} #${nth}`);
          return next(args);
        },
        { step: 'initialize', name: 'watch' },
      );
    }
    return documents;
  };
  const client = watched();
  return {
    tableName,
    client,
    store: (watch?: Watch) => makeDirectoryStore({ client: watched(watch), tableName }),
    async items(prefix = '') {
      const answer = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }));
      return (answer.Items ?? []).filter((item) => String(item.pk).startsWith(prefix));
    },
    async pointer() {
      return (
        await client.send(
          new GetCommand({ TableName: tableName, Key: directoryKeys.pointer, ConsistentRead: true }),
        )
      ).Item;
    },
    destroy() {
      for (const raw of clients) raw.destroy();
      own.destroy();
    },
  };
}
type Table = Awaited<ReturnType<typeof freshTable>>;

const apply = { apply: true, now: FIRST_IMPORT, actor: 'cli:test' } as const;

/** Each contact item as the intake would read it, keyed by address. */
async function contactsOf(table: Table) {
  const items = await table.items('CONTACT#');
  return new Map(
    items.map(({ pk, sk, type, generation, updatedAt, ...entry }) => [
      String(entry.email),
      entry as Record<string, unknown>,
    ]),
  );
}

describe('importDirectory', () => {
  let table: Table;
  beforeEach(async () => {
    table = await freshTable();
    return () => table.destroy();
  });

  it('writes nothing in a dry run, and reports what it would add and refuse', async () => {
    // Act
    const report = await importDirectoryFile(SMALL, table.store(), { ...apply, apply: false });

    // Assess
    expect(report).toMatchObject({
      applied: false,
      added: 5,
      changed: 0,
      unchanged: 0,
      deactivated: 0,
      schools: { added: 6, changed: 0, unchanged: 0 },
      coveredDepartements: ['21', '58', '71', '89'],
      basedOn: 0,
      generation: 0,
    });
    expect(report.rejected).toEqual([
      { line: 8, reason: 'UAI invalide (lettre de contrôle attendue : V)' },
      { line: 9, reason: 'adresse non académique (@ac-dijon.fr attendu) : anne.leroy@gmail.com' },
    ]);
    expect(await table.items()).toEqual([]);
  });

  it('applies in one transaction: the pointer, the contacts of every address and an audit entry per change', async () => {
    // Prepare
    const watch: Watch = { counts: new Map() };

    // Act
    const report = await importDirectoryFile(SMALL, table.store(watch), apply);

    // Assess
    expect(report).toMatchObject({ applied: true, added: 5, basedOn: 0, generation: 1 });
    expect(watch.counts.get('TransactWriteItemsCommand')).toBe(1);
    expect(await table.pointer()).toMatchObject({
      generation: 1,
      projection: 'done',
      previous: null,
      actor: 'cli:test',
    });
    // Five director addresses and six school mailboxes.
    expect(await table.items('CONTACT#')).toHaveLength(11);
    const audit = await table.items('DIRAUDIT#');
    expect(audit.filter((item) => item.entity === 'director')).toHaveLength(5);
    expect(audit.filter((item) => item.entity === 'school')).toHaveLength(6);
    expect(audit.find((item) => item.entityId === 'agnes.pernot@ac-dijon.fr')).toMatchObject({
      action: 'added',
      actor: 'cli:test',
      at: FIRST_IMPORT.toISOString(),
      source: 'import',
      generation: 1,
    });
  });

  it('writes nothing at all when the same file is applied again', async () => {
    // Prepare
    await importDirectoryFile(SMALL, table.store(), apply);
    const watch: Watch = { counts: new Map() };

    // Act
    const report = await importDirectoryFile(SMALL, table.store(watch), { ...apply, now: LATER });

    // Assess
    expect(report).toMatchObject({ added: 0, changed: 0, unchanged: 5, deactivated: 0, generation: 1 });
    const writes = [...watch.counts.keys()].filter((name) => !/^(Get|BatchGet|Query)/.test(name));
    expect(writes).toEqual([]);
  });

  it('deactivates the directors a file of their département leaves out: their contacts stop matching', async () => {
    // Prepare
    const store = table.store();
    await importDirectoryFile(SMALL, store, apply);
    const aboutDijon = [
      HEADER,
      '0211234C;École élémentaire Les Tilleuls;Dijon;Dijon Centre;21;Mme;Martin;Camille;camille.martin@ac-dijon.fr',
    ].join('\n');

    // Act
    const dryRun = await importDirectoryFile(aboutDijon, store, { ...apply, apply: false, now: LATER });
    const stillThere = await store.findByEmail('julien.girard@ac-dijon.fr');
    const applied = await importDirectoryFile(aboutDijon, store, {
      ...apply,
      now: LATER,
      actor: 'admin@ac-dijon.fr',
    });

    // Assess
    expect(dryRun).toMatchObject({ deactivated: 1, unchanged: 1, coveredDepartements: ['21'] });
    expect(stillThere?.entryId).toBe('julien.girard@ac-dijon.fr');
    expect(applied).toMatchObject({ deactivated: 1, generation: 2 });
    expect(await store.findByEmail('julien.girard@ac-dijon.fr')).toBeUndefined();
    expect(await store.findByEmail('ce.0210101w@ac-dijon.fr')).toBeUndefined();
    expect(await store.findByEmail('helene.faure@ac-dijon.fr')).toBeDefined();
    const history = await store.listAudit({ entity: 'director', id: 'julien.girard@ac-dijon.fr', limit: 10 });
    expect(history.items.map((entry) => [entry.action, entry.actor, entry.at])).toEqual([
      ['deactivated', 'admin@ac-dijon.fr', LATER.toISOString()],
      ['added', 'cli:test', FIRST_IMPORT.toISOString()],
    ]);
  });

  it('imports the LDIF sample against the schools the CSV described', async () => {
    // Prepare
    const store = table.store();
    await importDirectoryFile(SMALL, store, apply);

    // Act
    const report = await importDirectoryFile(SAMPLE_LDIF, store, {
      ...apply,
      now: LATER,
      fileName: 'annuaire.ldif',
    });

    // Assess
    expect(report).toMatchObject({ format: 'ldif', changed: 2, unchanged: 3, deactivated: 0, ignored: 2 });
    expect(report.rejected.map((rejected) => rejected.line)).toEqual([138, 155]);
    expect((await store.findByEmail('j.girard@ac-dijon.fr'))?.entryId).toBe('julien.girard@ac-dijon.fr');
    const faure = (await store.current()).directorsById.get('helene.faure@ac-dijon.fr');
    expect(faure?.assignments).toEqual([{ uai: '0580203F', interim: true }]);
  });

  it('refuses to apply against another version than the dry run it was reviewed as', async () => {
    // Prepare
    const store = table.store();
    const dryRun = await importDirectoryFile(SMALL, store, { ...apply, apply: false });
    await importDirectoryFile(DEMO, table.store(), apply);

    // Act
    const late = importDirectoryFile(SMALL, store, { ...apply, basedOn: dryRun.basedOn });

    // Assess
    await expect(late).rejects.toThrow(DirectoryConflictError);
    await expect(late).rejects.toThrow("L'annuaire a changé depuis la simulation (version 0, maintenant 1)");
  });

  it('keeps only the current generation and the one before it', async () => {
    // Prepare
    const store = table.store();

    // Act
    await importDirectoryFile(SMALL, store, apply);
    await importDirectoryFile(DEMO, store, { ...apply, now: LATER });
    await importDirectoryFile(SMALL, store, { ...apply, now: new Date('2026-10-01T08:00:00Z') });

    // Assess
    const generations = await table.items('DIRGEN#');
    expect([...new Set(generations.map((item) => item.pk))].sort()).toEqual([
      directoryKeys.generation(2).pk,
      directoryKeys.generation(3).pk,
    ]);
  });
});

describe('an apply that fails halfway', () => {
  let table: Table;
  beforeEach(async () => {
    table = await freshTable();
    await importDirectoryFile(SMALL, table.store(), apply);
    return () => table.destroy();
  });

  it('changes nothing a reader sees when it fails before the switch, and a rerun applies it', async () => {
    // Prepare: the directory's state writes fail.
    const contactsBefore = await contactsOf(table);
    const failing = table.store({
      counts: new Map(),
      failWhen: (name, input) => name === 'PutItemCommand' && JSON.stringify(input).includes('PART#'),
    });

    // Act
    const attempt = importDirectoryFile(DEMO, failing, { ...apply, now: LATER });

    // Assess
    await expect(attempt).rejects.toThrow(DirectoryStoreError);
    const reader = table.store();
    expect(await table.pointer()).toMatchObject({ generation: 1, projection: 'done' });
    expect((await reader.current()).state.directors).toHaveLength(5);
    expect(await contactsOf(table)).toEqual(contactsBefore);
    expect(await reader.findByEmail('julien.girard@ac-dijon.fr')).toBeDefined();
    // The first import's entries only: five directors, six schools, five circonscriptions.
    expect(await table.items('DIRAUDIT#')).toHaveLength(5 + 6 + 5);

    const rerun = await importDirectoryFile(DEMO, reader, { ...apply, now: LATER });
    expect(rerun).toMatchObject({ applied: true, basedOn: 1, deactivated: 4 });
    expect(await reader.findByEmail('julien.girard@ac-dijon.fr')).toBeUndefined();
  });

  it('shows the new directory once switched, with contacts that converge when any later write finishes the projection', async () => {
    // Prepare: the second batch of contact entries fails, after the switch.
    const failing = table.store({
      counts: new Map(),
      failWhen: (name, _input, nth) => name === 'TransactWriteItemsCommand' && nth === 2,
    });
    const target = projectContacts(parseDemoState());

    // Act
    const attempt = importDirectoryFile(DEMO, failing, { ...apply, now: LATER });

    // Assess: switched, projection pending; every contact is wholly the old or wholly the new one.
    await expect(attempt).rejects.toThrow(DirectoryStoreError);
    expect(await table.pointer()).toMatchObject({ generation: 2, projection: 'pending' });
    const reader = table.store();
    const seen = await reader.current();
    expect(seen).toMatchObject({ generation: 2, pendingProjection: true });
    expect(seen.state.directors.filter((d) => d.active)).toHaveLength(122);
    const halfway = await contactsOf(table);
    const written = [...halfway.entries()].filter(([email, entry]) => sameEntry(entry, target.get(email)));
    expect(written.length).toBeGreaterThan(0);
    expect(written.length).toBeLessThan(target.size);

    // Act: a rerun of the same command finishes the projection, then finds nothing more to do.
    const rerun = await importDirectoryFile(DEMO, reader, {
      ...apply,
      now: new Date('2026-09-16T08:00:00Z'),
    });

    // Assess
    expect(rerun).toMatchObject({ added: 0, changed: 0, deactivated: 0, generation: 2 });
    expect(await table.pointer()).toMatchObject({ generation: 2, projection: 'done' });
    const converged = await contactsOf(table);
    for (const [email, entry] of target)
      expect(sameEntry(converged.get(email) ?? {}, entry), email).toBe(true);
    // Addresses of the first file that the demo does not know are out of force.
    expect(await reader.findByEmail('julien.girard@ac-dijon.fr')).toBeUndefined();
    // One audit entry per change, not one per attempt.
    const audit = await table.items('DIRAUDIT#');
    expect(audit.filter((item) => item.generation === 2 && item.entity === 'director')).toHaveLength(
      122 + 4 - 1,
    );
  });

  it('changes nothing when the one transaction of a small apply fails', async () => {
    // Prepare
    const contactsBefore = await contactsOf(table);
    const failing = table.store({
      counts: new Map(),
      failWhen: (name) => name === 'TransactWriteItemsCommand',
    });
    const small = [
      HEADER,
      '0211234C;École élémentaire Les Tilleuls;Dijon;Dijon Centre;21;M.;Roy;Paul;paul.roy@ac-dijon.fr',
    ];

    // Act
    const attempt = importDirectoryFile(small.join('\n'), failing, { ...apply, now: LATER });

    // Assess
    await expect(attempt).rejects.toThrow(DirectoryStoreError);
    expect(await table.pointer()).toMatchObject({ generation: 1, projection: 'done' });
    expect(await contactsOf(table)).toEqual(contactsBefore);
    expect(await table.store().findByEmail('paul.roy@ac-dijon.fr')).toBeUndefined();
  });
});

/** The demo directory as imported over the small one, for comparing contact entries (stamps aside). */
function parseDemoState() {
  const options = { academicDomain: 'ac-dijon.fr', now: FIRST_IMPORT, actor: 'x' };
  const first = planImport(EMPTY_DIRECTORY, parseDirectoryFile(SMALL), options).next;
  return planImport(first, parseDirectoryFile(DEMO), options).next;
}

function sameEntry(a: Record<string, unknown>, b: Record<string, unknown> | undefined): boolean {
  return b !== undefined && canonical(a) === canonical(b);
}

describe('edits from the console', () => {
  let table: Table;
  beforeEach(async () => {
    table = await freshTable();
    await importDirectoryFile(SMALL, table.store(), apply);
    return () => table.destroy();
  });

  const paul = DirectorInput.parse({
    civility: 'M.',
    lastName: 'Petit',
    firstName: 'Paul',
    emails: ['paul.petit@ac-dijon.fr', 'p.petit@ac-dijon.fr'],
    schools: [{ uai: '0211234C', interim: true }],
  });

  it('creates a director in one transaction: recognised at once by each address, and audited', async () => {
    // Prepare
    const watch: Watch = { counts: new Map() };
    const store = table.store(watch);

    // Act
    const saved = await store.saveDirector(undefined, paul, { actor: 'admin@ac-dijon.fr', now: LATER });

    // Assess
    expect(saved).toMatchObject({ generation: 2, changed: true, director: { id: 'paul.petit@ac-dijon.fr' } });
    expect(watch.counts.get('TransactWriteItemsCommand')).toBe(1);
    expect((await store.findByEmail('p.petit@ac-dijon.fr'))?.schools.map((s) => s.uai)).toEqual(['0211234C']);
    const history = await store.listAudit({ entity: 'director', id: 'paul.petit@ac-dijon.fr', limit: 5 });
    expect(history.items).toEqual([
      expect.objectContaining({
        action: 'added',
        actor: 'admin@ac-dijon.fr',
        source: 'console',
        generation: 2,
      }),
    ]);
  });

  it('recomputes an edit on the new directory when another change switched in first', async () => {
    // Prepare: just before the edit's transaction, another admin deactivates Camille Martin.
    const other = table.store();
    const racing = table.store({
      counts: new Map(),
      before: async (name, nth) => {
        if (name === 'TransactWriteItemsCommand' && nth === 1) {
          await other.deactivateDirector('camille.martin@ac-dijon.fr', {
            actor: 'autre@ac-dijon.fr',
            now: LATER,
          });
        }
      },
    });

    // Act
    const saved = await racing.saveDirector(undefined, paul, { actor: 'admin@ac-dijon.fr', now: LATER });

    // Assess: both changes are in; neither was lost.
    const current = await other.current();
    expect(current.directorsById.get('camille.martin@ac-dijon.fr')?.active).toBe(false);
    expect(current.directorsById.get('paul.petit@ac-dijon.fr')?.active).toBe(true);
    // The edit's first attempt numbered a generation it could not switch to; its retry made the current one.
    expect(saved.generation).toBe(current.generation);
    expect(await table.pointer()).toMatchObject({
      generation: saved.generation,
      source: 'console',
      actor: 'admin@ac-dijon.fr',
    });
  });

  it('deactivates a director: their addresses stop matching, their history shows who did it', async () => {
    // Prepare
    const store = table.store();

    // Act
    const outcome = await store.deactivateDirector('agnes.pernot@ac-dijon.fr', {
      actor: 'admin@ac-dijon.fr',
      now: LATER,
    });

    // Assess
    expect(outcome.director.active).toBe(false);
    expect(await store.findByEmail('agnes.pernot@ac-dijon.fr')).toBeUndefined();
    expect(await store.findByEmail('ce.0891405u@ac-dijon.fr')).toBeUndefined();
    const [latest] = (await store.listAudit({ limit: 1 })).items;
    expect(latest).toMatchObject({
      entityId: 'agnes.pernot@ac-dijon.fr',
      action: 'deactivated',
      actor: 'admin@ac-dijon.fr',
    });
  });
});

describe('findByEmail', () => {
  let desk: TestResources;
  let lookupClient: DynamoDBDocumentClient;
  let store: ReturnType<typeof makeDirectoryStore>;
  let counts: Map<string, number>;

  beforeAll(async () => {
    desk = await makeTestResources('directory-lookup');
    const loader = makeDirectoryStore({
      client: documentClient(desk.clients.dynamodb),
      tableName: desk.resources.tableName,
    });
    await importDirectoryFile(SMALL, loader, apply);
    await loader.deactivateDirector('loic.bidault@ac-dijon.fr', { actor: 'admin@ac-dijon.fr', now: LATER });
    lookupClient = documentClient(
      new DynamoDBClient({
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        endpoint: desk.endpoints.dynamodb,
      }),
    );
    counts = new Map();
    lookupClient.middlewareStack.add(
      (next, context) => async (args) => {
        counts.set(context.commandName ?? '', (counts.get(context.commandName ?? '') ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'count' },
    );
    store = makeDirectoryStore({ client: lookupClient, tableName: desk.resources.tableName });
  });

  beforeEach(() => {
    counts.clear();
  });

  afterAll(() => {
    lookupClient?.destroy();
    desk?.destroy();
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

  it("recognises a school's functional mailbox as that school, whatever the case, in one GetItem", async () => {
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

  it('knows nothing of an address outside the directory, nor of a refused line', async () => {
    expect(await store.findByEmail('inconnu@ac-dijon.fr')).toBeUndefined();
    expect(await store.findByEmail('anne.leroy@gmail.com')).toBeUndefined();
    expect(await store.findByEmail('ce.0891406w@ac-dijon.fr')).toBeUndefined();
  });

  it('no longer recognises a deactivated director, nor the mailbox of the school they left without one', async () => {
    expect(await store.findByEmail('loic.bidault@ac-dijon.fr')).toBeUndefined();
    expect(await store.findByEmail('ce.0711304g@ac-dijon.fr')).toBeUndefined();
  });

  it('fails loudly on a malformed contact item rather than guessing', async () => {
    // Prepare
    await lookupClient.send(
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
    await expect(lookup).rejects.toThrow(DirectoryLookupError);
  });
});

describe('contact entries and generations', () => {
  let table: Table;
  beforeEach(async () => {
    table = await freshTable();
    return () => table.destroy();
  });

  it('never takes a contact entry back to an older generation: a late writer leaves the newer one, writes the rest', async () => {
    // Prepare: a later generation (a concurrent apply that won) already wrote Camille Martin's entry.
    const newer = {
      ...directoryKeys.contact('camille.martin@ac-dijon.fr'),
      type: 'contact',
      kind: 'director',
      entryId: 'camille.martin@ac-dijon.fr',
      email: 'camille.martin@ac-dijon.fr',
      schools: [],
      active: false,
      generation: 99,
    };
    await table.client.send(new PutCommand({ TableName: table.tableName, Item: newer }));

    // Act: the demo is large enough to be projected in several transactions after its switch.
    const report = await importDirectoryFile(DEMO, table.store(), apply);

    // Assess
    expect(report.rejected).toEqual([]);
    const contacts = await table.items('CONTACT#');
    expect(contacts.find((item) => item.email === 'camille.martin@ac-dijon.fr')).toMatchObject({
      generation: 99,
    });
    expect(contacts.filter((item) => item.generation === 1)).toHaveLength(contacts.length - 1);
    expect(await table.pointer()).toMatchObject({ generation: 1, projection: 'done' });
  });
});
