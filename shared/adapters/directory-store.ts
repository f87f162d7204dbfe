/**
 * The directory in the desk's table.
 *
 * Item layout (pk / sk):
 * - `SCHOOL#<UAI>` / `PROFILE`: a school; listed on gsi1 under `SCHOOLS`, sorted by
 *   département, circonscription, UAI.
 * - `DIRECTOR#<id>` / `PROFILE`: a director (id = lower-case address, see `directorIdOf`) with
 *   the UAIs of their schools; listed on gsi1 under `DIRECTORS`, sorted by name, so the console
 *   can page through them.
 * - `CONTACT#<address>` / `CONTACT`: what the intake asks about a sender, ready to use: one per
 *   director address and one per school mailbox `ce.<uai>@…`, each carrying the full schools.
 *   This copy is what lets `findByEmail` answer with a single GetItem; an import rewrites the
 *   contacts whose content changed, so they follow the schools and directors they copy.
 *
 * Issue #4 adds here: deactivating the directors of the covered départements that are missing
 * from a file (setting `active: false` on their profile and contacts, and on a school mailbox
 * contact once its school has no active director), manual edits, an audit item per change
 * (`actor` and `now` are already threaded through for it), and applying in a way that a
 * failure halfway leaves no half-updated directory (today a rerun repairs it: every item is
 * compared, contacts included, and only differences are written).
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  buildDirectorySnapshot,
  type DirectorEntry,
  type DirectoryImporter,
  type ImportCounts,
  type ImportOptions,
  type ImportReport,
} from '#shared/directory/import.ts';
import { type DirectoryRow, rejectConflictingRows } from '#shared/directory/rows.ts';
import { type DirectoryLookup, DirectoryMatch, type School } from '#shared/domain/directory.ts';

/** Raised when the table cannot be read or written as the directory needs; keeps the SDK error. */
export class DirectoryStoreError extends Error {
  override name = 'DirectoryStoreError';
}

/** Where the directory lives. */
export type DirectoryStoreOptions = {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** The domain of school mailboxes (`ce.<uai>@<domain>`). Default `ac-dijon.fr`. */
  academicDomain?: string;
};

type Key = { pk: string; sk: string };
type Item = Key & Record<string, unknown>;

/** Keys of the directory items, exported for the code of issue #4 and for tests. */
export const directoryKeys = {
  school: (uai: string): Key => ({ pk: `SCHOOL#${uai.toUpperCase()}`, sk: 'PROFILE' }),
  director: (id: string): Key => ({ pk: `DIRECTOR#${id}`, sk: 'PROFILE' }),
  contact: (email: string): Key => ({ pk: `CONTACT#${email.trim().toLowerCase()}`, sk: 'CONTACT' }),
  /** gsi1 partitions listing every director and every school. */
  directorsList: 'DIRECTORS',
  schoolsList: 'SCHOOLS',
} as const;

/** DynamoDB's limits per call. */
const BATCH_GET_SIZE = 100;
const BATCH_WRITE_SIZE = 25;
/** Calls in flight at once: enough to load thousands of directors in seconds, gentle on the table. */
const CONCURRENCY = 4;
const MAX_ATTEMPTS = 8;

/** Sort key text: case and accents folded so that « Émile » sorts with « Emile ». */
function sortable(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function schoolItem(school: School): Item {
  return {
    ...directoryKeys.school(school.uai),
    type: 'school',
    ...school,
    active: true,
    gsi1pk: directoryKeys.schoolsList,
    gsi1sk: `${school.departement}#${sortable(school.circonscription)}#${school.uai}`,
  };
}

function directorItem(director: DirectorEntry, schools: ReadonlyMap<string, School>): Item {
  const departements = [...new Set(director.schoolUais.map((uai) => schools.get(uai)?.departement))];
  return {
    ...directoryKeys.director(director.id),
    type: 'director',
    id: director.id,
    email: director.email,
    ...(director.civility ? { civility: director.civility } : {}),
    lastName: director.lastName,
    firstName: director.firstName,
    schools: director.schoolUais,
    departements: departements.filter((code): code is string => code !== undefined).sort(),
    active: true,
    gsi1pk: directoryKeys.directorsList,
    gsi1sk: `${sortable(director.lastName)}#${sortable(director.firstName)}#${director.email}`,
  };
}

/**
 * The contact items of a snapshot. A director's own address wins over a school mailbox if a
 * file gives a director the `ce.` address itself: the director entry says more.
 */
function contactItems(
  directors: readonly DirectorEntry[],
  schools: ReadonlyMap<string, School>,
): Map<string, Item> {
  const contacts = new Map<string, Item>();
  for (const school of schools.values()) {
    const match: DirectoryMatch = {
      kind: 'school_mailbox',
      entryId: `school:${school.uai}`,
      email: school.mailbox,
      schools: [school],
    };
    contacts.set(school.mailbox, {
      ...directoryKeys.contact(school.mailbox),
      type: 'contact',
      ...match,
      active: true,
    });
  }
  for (const director of directors) {
    const match: DirectoryMatch = {
      kind: 'director',
      entryId: director.id,
      ...(director.civility ? { civility: director.civility } : {}),
      lastName: director.lastName,
      firstName: director.firstName,
      email: director.email,
      schools: director.schoolUais.flatMap((uai) => schools.get(uai) ?? []),
    };
    contacts.set(director.email, {
      ...directoryKeys.contact(director.email),
      type: 'contact',
      ...match,
      active: true,
    });
  }
  return contacts;
}

/** Bookkeeping attributes, left out when deciding whether an item changed. */
const STAMPS = new Set(['createdAt', 'createdBy', 'updatedAt', 'updatedBy']);

/** A text equal for two items with the same content, whatever their attribute order. */
function contentOf(item: Record<string, unknown>): string {
  return JSON.stringify(item, (key, value: unknown) => {
    if (STAMPS.has(key)) return undefined;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return value;
  });
}

function keyOf(item: Key): string {
  return `${item.pk}\u0000${item.sk}`;
}

async function inBatches<T>(
  items: readonly T[],
  size: number,
  run: (batch: T[]) => Promise<void>,
  onBatchDone: (count: number) => void,
): Promise<void> {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++] ?? [];
      await run(batch);
      onBatchDone(batch.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, batches.length) }, worker));
}

/** Runs a DynamoDB call, turning its failure into a `DirectoryStoreError` that keeps it. */
async function orFail<T>(failure: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new DirectoryStoreError(failure, { cause: error });
  }
}

function backoff(attempt: number): Promise<void> {
  const delay = Math.min(1_000, 25 * 2 ** attempt) * (0.5 + Math.random() / 2);
  return new Promise((resolve) => setTimeout(resolve, delay));
}

/**
 * The directory adapter: the intake's `DirectoryLookup` and the importers' `DirectoryImporter`
 * over the desk's table.
 */
export function makeDirectoryStore(options: DirectoryStoreOptions): DirectoryLookup & DirectoryImporter {
  const { client, tableName } = options;
  const academicDomain = options.academicDomain ?? 'ac-dijon.fr';

  /** Reads items by key, strongly consistent so a dry run right after an apply sees it. */
  async function getMany(keys: readonly Key[], onDone: (count: number) => void): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    await inBatches(
      keys,
      BATCH_GET_SIZE,
      async (batch) => {
        let pending: Record<string, unknown>[] = batch;
        for (let attempt = 0; pending.length > 0; attempt++) {
          if (attempt >= MAX_ATTEMPTS) {
            throw new DirectoryStoreError(
              `DynamoDB left ${pending.length} directory keys unread after retries`,
            );
          }
          if (attempt > 0) await backoff(attempt);
          const keys = pending;
          const answer = await orFail('Reading the directory failed', () =>
            client.send(
              new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }),
            ),
          );
          for (const item of answer.Responses?.[tableName] ?? [])
            found.set(keyOf(item as Item), item as Item);
          pending = answer.UnprocessedKeys?.[tableName]?.Keys ?? [];
        }
      },
      onDone,
    );
    return found;
  }

  async function putMany(items: readonly Item[], onDone: (count: number) => void): Promise<void> {
    await inBatches(
      items,
      BATCH_WRITE_SIZE,
      async (batch) => {
        let pending = batch.map((item) => ({ PutRequest: { Item: item } }));
        for (let attempt = 0; pending.length > 0; attempt++) {
          if (attempt >= MAX_ATTEMPTS) {
            throw new DirectoryStoreError(
              `DynamoDB left ${pending.length} directory items unwritten after retries`,
            );
          }
          if (attempt > 0) await backoff(attempt);
          const requests = pending;
          const answer = await orFail('Writing the directory failed', () =>
            client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } })),
          );
          pending = (answer.UnprocessedItems?.[tableName] ?? []).flatMap((request) =>
            request.PutRequest?.Item ? [{ PutRequest: { Item: request.PutRequest.Item as Item } }] : [],
          );
        }
      },
      onDone,
    );
  }

  return {
    async findByEmail(email) {
      const answer = await orFail('Looking up a sender in the directory failed', () =>
        client.send(new GetCommand({ TableName: tableName, Key: directoryKeys.contact(email) })),
      );
      const item = answer.Item;
      if (item?.active !== true) return undefined;
      const match = DirectoryMatch.safeParse(item);
      if (!match.success) {
        throw new DirectoryStoreError(`Directory contact item ${String(item.pk)} is malformed`, {
          cause: match.error,
        });
      }
      return match.data;
    },

    async importDirectory(
      rows: readonly DirectoryRow[],
      importOptions: ImportOptions,
    ): Promise<ImportReport> {
      const { apply, now, actor, onProgress } = importOptions;
      const checked = rejectConflictingRows(rows);
      const snapshot = buildDirectorySnapshot(checked.rows, { academicDomain });
      const schools = new Map(snapshot.schools.map((school) => [school.uai, school]));

      const schoolItems = snapshot.schools.map(schoolItem);
      const directorItems = snapshot.directors.map((director) => directorItem(director, schools));
      const contacts = [...contactItems(snapshot.directors, schools).values()];
      const wanted = [...schoolItems, ...directorItems, ...contacts];

      let read = 0;
      const stored = await getMany(
        wanted.map(({ pk, sk }) => ({ pk, sk })),
        (count) => {
          read += count;
          onProgress?.({ phase: 'read', done: read, total: wanted.length });
        },
      );

      const stamp = now.toISOString();
      const compare = (items: readonly Item[]) => {
        const counts: ImportCounts = { added: 0, changed: 0, unchanged: 0 };
        const writes: Item[] = [];
        for (const item of items) {
          const existing = stored.get(keyOf(item));
          if (existing && contentOf(existing) === contentOf(item)) {
            counts.unchanged++;
            continue;
          }
          if (existing) counts.changed++;
          else counts.added++;
          writes.push({
            ...item,
            createdAt: existing?.createdAt ?? stamp,
            createdBy: existing?.createdBy ?? actor,
            updatedAt: stamp,
            updatedBy: actor,
          });
        }
        return { counts, writes };
      };
      const schoolPlan = compare(schoolItems);
      const directorPlan = compare(directorItems);
      const contactPlan = compare(contacts);

      if (apply) {
        const total = schoolPlan.writes.length + directorPlan.writes.length + contactPlan.writes.length;
        let written = 0;
        const progress = (count: number) => {
          written += count;
          onProgress?.({ phase: 'write', done: written, total });
        };
        // One kind after the other, contacts last: they copy the schools and directors, so a run
        // cut short leaves contacts that still differ, and the next run rewrites them.
        await putMany(schoolPlan.writes, progress);
        await putMany(directorPlan.writes, progress);
        await putMany(contactPlan.writes, progress);
      }
      return { ...directorPlan.counts, schools: schoolPlan.counts, rejected: checked.rejected };
    },
  };
}
