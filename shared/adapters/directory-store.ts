/**
 * The directory in the desk's table: every change (an import, an edit in the console) writes a
 * new generation of the whole directory, then switches to it in one conditional write. The
 * design and what a reader sees when an apply fails halfway are in `docs/directory.md`.
 *
 * Items (pk / sk):
 * - `DIRECTORY` / `CURRENT`: the pointer. Which generation is current (with its parts count and
 *   checksum, so one GetItem says how to read it), the one before, and whether the contact
 *   entries of the current one are all written (`projection: done`) or not yet (`pending`).
 * - `DIRECTORY` / `SEQUENCE`: the last generation number handed out.
 * - `DIRGEN#<n>` / `META`: one generation: who made it, when, from what, and its state
 *   (`building`, `committed`); listed on gsi1 under `DIRGENS` so old ones can be removed.
 * - `DIRGEN#<n>` / `PART#<i>`: the generation's state, gzip-compressed JSON cut into parts
 *   (`shared/directory/snapshot.ts`). Never on an index: the parts stay out of gsi1's copies.
 * - `CONTACT#<address>` / `CONTACT`: what the intake asks about a sender, ready to use, one per
 *   director address and per school mailbox, stamped with the generation that wrote it. This copy
 *   is what lets `findByEmail` answer with a single GetItem.
 * - `DIRAUDIT#<entity>#<id>` / `<at>#<generation>`: one audit entry per changed director, school
 *   or circonscription: who, when, what (before, after); listed newest first on gsi1 under
 *   `DIRAUDIT`.
 */

import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { TransactionRefusedError, transact } from '#shared/adapters/transact.ts';
import {
  type ContactEntry,
  contactWrites,
  diffStates,
  type EntityChange,
  projectContacts,
} from '#shared/directory/diff.ts';
import {
  type DirectorFields,
  deactivateDirector,
  type EditResult,
  saveDirector,
} from '#shared/directory/edit.ts';
import type { DirectoryImporter, ImportOptions, ImportReport } from '#shared/directory/import.ts';
import type { ImportInput } from '#shared/directory/input.ts';
import { planImport } from '#shared/directory/plan.ts';
import { buildDirectorSearch, type DirectorSearch } from '#shared/directory/search.ts';
import { decodeState, encodeState } from '#shared/directory/snapshot.ts';
import {
  DEFAULT_ACADEMIC_DOMAIN,
  type Director,
  type DirectoryLookup,
  type DirectorySchool,
  type DirectoryState,
  EMPTY_DIRECTORY,
} from '#shared/domain/directory.ts';
import { DeskError } from '#shared/domain/errors.ts';
import { type Zone, zonesOf } from '#shared/domain/zones.ts';
import { logger } from '#shared/logger.ts';
import { makeDirectoryLookup } from './directory-lookup.ts';
import { keys } from './keys.ts';

/** Raised when the table cannot be read or written as the directory needs; keeps the SDK error. */
export class DirectoryStoreError extends Error {
  override name = 'DirectoryStoreError';
}

/**
 * Raised when the directory changed between the moment a change was computed and the moment it
 * was to be switched in (another import or edit won), or since the dry run an apply refers to.
 * Nothing of the refused change is visible. The message is French, for the person importing.
 */
export class DirectoryConflictError extends DeskError {
  override name = 'DirectoryConflictError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('conflict', 'directory_conflict', message, options);
  }
}

/** A generation's parts are gone: removed as too old while it was being read. */
class MissingPartsError extends DirectoryStoreError {
  override name = 'MissingPartsError';
}

/** Where the directory lives. */
export type DirectoryStoreOptions = {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** The domain of academic addresses and school mailboxes (`ce.<uai>@<domain>`). Default `ac-dijon.fr`. */
  academicDomain?: string;
};

type Key = { pk: string; sk: string };
type Item = Key & Record<string, unknown>;

/** Where a generation's state is stored. */
type GenerationRef = { generation: number; parts: number; sha256: string };

/** What made a generation: stamped on its audit entries, so a resumed apply writes the same ones. */
type Provenance = { at: string; actor: string; source: 'import' | 'console' };

/** The pointer item's content. */
type Pointer = GenerationRef &
  Provenance & {
    previous: GenerationRef | null;
    projection: 'done' | 'pending';
  };

const pad = (n: number) => String(n).padStart(10, '0');

/** Keys of the directory items, exported for tests. */
export const directoryKeys = {
  pointer: { pk: 'DIRECTORY', sk: 'CURRENT' } as Key,
  sequence: { pk: 'DIRECTORY', sk: 'SEQUENCE' } as Key,
  generation: (generation: number): Key => ({ pk: `DIRGEN#${pad(generation)}`, sk: 'META' }),
  part: (generation: number, index: number): Key => ({
    pk: `DIRGEN#${pad(generation)}`,
    sk: `PART#${String(index).padStart(3, '0')}`,
  }),
  contact: keys.directoryContact as (email: string) => Key,
  audit: (entity: string, id: string, at: string, generation: number): Key => ({
    pk: `DIRAUDIT#${entity}#${id}`,
    sk: `${at}#${pad(generation)}`,
  }),
  /** gsi1 partitions. */
  generationsList: 'DIRGENS',
  auditList: 'DIRAUDIT',
} as const;

/** DynamoDB's limits per call. */
const BATCH_WRITE_SIZE = 25;
const TRANSACTION_SIZE = 100;
/** Calls in flight at once: thousands of entries in seconds, gentle on the table. */
const CONCURRENCY = 8;
const MAX_ATTEMPTS = 8;
/** Edits computed on a state that another change replaced are recomputed this many times. */
const EDIT_ATTEMPTS = 3;

/** The directory as it is now, with what the console asks of it, computed once per generation. */
export type DirectoryView = {
  generation: number;
  state: DirectoryState;
  /** An apply stopped after its switch: contact entries may still show the generation before. */
  pendingProjection: boolean;
  directorsById: ReadonlyMap<string, Director>;
  schoolsByUai: ReadonlyMap<string, DirectorySchool>;
  search: DirectorSearch;
  zones: Zone[];
};

/** One audit entry as the API lists it. */
export type AuditEntry = Provenance & {
  entity: EntityChange['entity'];
  entityId: string;
  action: EntityChange['action'];
  fields: string[];
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  generation: number;
};

/** Who makes an edit, and when. */
export type EditContext = { actor: string; now: Date };

/** What an edit saved. */
export type EditOutcome = { director: Director; generation: number; changed: boolean };

/** The directory store: the intake's lookup, the importers' port, and the console's reads and edits. */
export type DirectoryStore = DirectoryLookup &
  DirectoryImporter & {
    /** The current directory (read through a cache keyed by generation). */
    current(): Promise<DirectoryView>;
    /** Creates (`id` undefined) or replaces a director. @throws DirectoryEditError, DirectorNotFoundError */
    saveDirector(id: string | undefined, input: DirectorFields, context: EditContext): Promise<EditOutcome>;
    /** Deactivates a director. @throws DirectorNotFoundError */
    deactivateDirector(id: string, context: EditContext): Promise<EditOutcome>;
    /** Audit entries, newest first: all of them, or those of one director, school or circonscription. */
    listAudit(query: {
      entity?: EntityChange['entity'];
      id?: string;
      limit: number;
      startKey?: Record<string, unknown>;
    }): Promise<{ items: AuditEntry[]; lastKey?: Record<string, unknown> }>;
    /** Finishes an apply that stopped after its switch; true when there was one to finish. */
    repair(onProgress?: ImportOptions['onProgress']): Promise<boolean>;
  };

/** Runs a DynamoDB call, turning its failure into a `DirectoryStoreError` that keeps it. */
async function orFail<T>(failure: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof DirectoryStoreError || error instanceof DirectoryConflictError) throw error;
    throw new DirectoryStoreError(failure, { cause: error });
  }
}

function backoff(attempt: number): Promise<void> {
  const delay = Math.min(1_000, 25 * 2 ** attempt) * (0.5 + Math.random() / 2);
  return new Promise((resolve) => setTimeout(resolve, delay));
}

/**
 * Runs `run` over the items in batches, a few batches at a time, reporting each batch done. When
 * a batch fails, no new batch starts and the ones in flight are waited for before the error is
 * thrown: once the caller sees the failure, nothing more is written behind its back.
 */
async function inBatches<T>(
  items: readonly T[],
  size: number,
  run: (batch: T[]) => Promise<void>,
  onBatchDone: (count: number) => void = () => {},
): Promise<void> {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < batches.length && !failure) {
      const batch = batches[next++] ?? [];
      try {
        await run(batch);
        onBatchDone(batch.length);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, batches.length) }, worker));
  if (failure) throw failure.error;
}

function refOf(item: Record<string, unknown> | undefined): GenerationRef | null {
  if (!item || typeof item.generation !== 'number') return null;
  return { generation: item.generation, parts: Number(item.parts), sha256: String(item.sha256) };
}

function pointerOf(item: Record<string, unknown> | undefined): Pointer | undefined {
  const ref = refOf(item);
  if (!item || !ref) return undefined;
  return {
    ...ref,
    previous: refOf(item.previous as Record<string, unknown> | undefined),
    projection: item.projection === 'pending' ? 'pending' : 'done',
    at: String(item.at),
    actor: String(item.actor),
    source: item.source === 'console' ? 'console' : 'import',
  };
}

function view(state: DirectoryState, pendingProjection: boolean): DirectoryView {
  let search: DirectorSearch | undefined;
  let zones: Zone[] | undefined;
  return {
    generation: state.generation,
    state,
    pendingProjection,
    directorsById: new Map(state.directors.map((director) => [director.id, director])),
    schoolsByUai: new Map(state.schools.map((school) => [school.uai, school])),
    get search() {
      search ??= buildDirectorSearch(state);
      return search;
    },
    get zones() {
      zones ??= zonesOf(state);
      return zones;
    },
  };
}

function auditItem(change: EntityChange, provenance: Provenance, generation: number): Item {
  return {
    ...directoryKeys.audit(change.entity, change.id, provenance.at, generation),
    type: 'directory_audit',
    entity: change.entity,
    entityId: change.id,
    action: change.action,
    fields: change.fields,
    ...(change.before ? { before: change.before } : {}),
    ...(change.after ? { after: change.after } : {}),
    ...provenance,
    generation,
    gsi1pk: directoryKeys.auditList,
    gsi1sk: `${provenance.at}#${pad(generation)}#${change.entity}#${change.id}`,
  };
}

function contactItem(entry: ContactEntry, generation: number, at: string): Item {
  return { ...directoryKeys.contact(entry.email), type: 'contact', ...entry, generation, updatedAt: at };
}

/** The condition that keeps a contact entry from going back to an older generation. */
const CONTACT_NOT_NEWER = 'attribute_not_exists(generation) OR generation <= :generation';

/**
 * The directory adapter over the desk's table.
 */
export function makeDirectoryStore(options: DirectoryStoreOptions): DirectoryStore {
  const { client, tableName } = options;
  const academicDomain = (options.academicDomain ?? DEFAULT_ACADEMIC_DOMAIN).toLowerCase();
  /** Generations never change once written: the last one read is kept. */
  let cached: DirectoryView | undefined;

  async function readPointer(): Promise<Pointer | undefined> {
    const answer = await orFail('Reading the directory pointer failed', () =>
      client.send(new GetCommand({ TableName: tableName, Key: directoryKeys.pointer, ConsistentRead: true })),
    );
    return pointerOf(answer.Item);
  }

  async function loadState(ref: GenerationRef | null): Promise<DirectoryState> {
    if (!ref) return EMPTY_DIRECTORY;
    if (cached?.generation === ref.generation) return cached.state;
    const keys = Array.from({ length: ref.parts }, (_, index) => directoryKeys.part(ref.generation, index));
    const found = new Map<string, Uint8Array>();
    let pending: Key[] = keys;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS)
        throw new DirectoryStoreError('DynamoDB left directory parts unread after retries');
      if (attempt > 0) await backoff(attempt);
      const requested = pending;
      const answer = await orFail('Reading the directory failed', () =>
        client.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: requested, ConsistentRead: true } } }),
        ),
      );
      for (const item of answer.Responses?.[tableName] ?? [])
        found.set(String(item.sk), item.data as Uint8Array);
      pending = (answer.UnprocessedKeys?.[tableName]?.Keys ?? []) as Key[];
    }
    const parts = keys.map((key) => found.get(key.sk));
    if (parts.some((part) => part === undefined)) {
      throw new MissingPartsError(`Directory generation ${ref.generation} has missing parts`);
    }
    return decodeState(parts as Uint8Array[], ref.sha256);
  }

  async function readCurrent(): Promise<{ pointer: Pointer | undefined; view: DirectoryView }> {
    try {
      return await readCurrentOnce();
    } catch (error) {
      // Two changes switched in between reading the pointer and its parts, and the second
      // removed the generation this reader was about to load: the pointer has moved, read again.
      if (!(error instanceof MissingPartsError)) throw error;
      return readCurrentOnce();
    }
  }

  async function readCurrentOnce(): Promise<{ pointer: Pointer | undefined; view: DirectoryView }> {
    const pointer = await readPointer();
    const pendingProjection = pointer?.projection === 'pending';
    if (cached && cached.generation === (pointer?.generation ?? 0)) {
      cached.pendingProjection = pendingProjection;
      return { pointer, view: cached };
    }
    const current = view(await loadState(pointer ?? null), pendingProjection);
    cached = current;
    return { pointer, view: current };
  }

  async function nextGenerationNumber(): Promise<number> {
    const answer = await orFail('Numbering a directory generation failed', () =>
      client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: directoryKeys.sequence,
          UpdateExpression: 'ADD #last :one',
          ExpressionAttributeNames: { '#last': 'last' },
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      ),
    );
    return Number(answer.Attributes?.last);
  }

  /**
   * Writes items in transactions of up to 100, a few at a time. A transaction is one round trip
   * for 100 items, and, on DynamoDB Local's disk store, one commit instead of one per item (the
   * difference between seconds and half a minute for the académie's 8,000 first entries).
   * With `generation`, each item is written only if no later generation wrote it meanwhile (a
   * contact entry must never go back in time); those are skipped, the others retried.
   */
  async function writeAll(
    items: readonly Item[],
    onDone: (count: number) => void,
    generation?: number,
  ): Promise<void> {
    const condition =
      generation === undefined
        ? {}
        : {
            ConditionExpression: CONTACT_NOT_NEWER,
            ExpressionAttributeValues: { ':generation': generation },
          };
    await inBatches(
      items,
      TRANSACTION_SIZE,
      async (batch) => {
        let pending = batch;
        for (let attempt = 0; pending.length > 0; attempt++) {
          if (attempt >= MAX_ATTEMPTS)
            throw new DirectoryStoreError('Directory entries left unwritten after retries');
          try {
            await transact(
              client,
              pending.map((Item) => ({ Put: { TableName: tableName, Item, ...condition } })),
            );
            return;
          } catch (error) {
            if (!(error instanceof TransactionRefusedError)) {
              throw new DirectoryStoreError('Writing directory entries failed', { cause: error });
            }
            // A later generation already wrote these entries: theirs stand, the rest is retried.
            const newer = new Set(pending.filter((_, index) => error.failed(index)));
            if (newer.size === 0) await backoff(attempt);
            pending = pending.filter((item) => !newer.has(item));
          }
        }
      },
      onDone,
    );
  }

  /** The contact and audit items that take the directory from one state to the next. */
  function projection(before: DirectoryState, after: DirectoryState, provenance: Provenance) {
    const contacts = contactWrites(projectContacts(before), projectContacts(after)).map((entry) =>
      contactItem(entry, after.generation, provenance.at),
    );
    const audits = diffStates(before, after).map((change) => auditItem(change, provenance, after.generation));
    return { contacts, audits };
  }

  /** Writes the projection of the current generation and marks it done: the journal's replay. */
  async function finishProjection(
    pointer: Pointer,
    onProgress?: ImportOptions['onProgress'],
    known?: { before: DirectoryState; after: DirectoryState },
  ): Promise<void> {
    const [before, after] = known
      ? [known.before, known.after]
      : await Promise.all([loadState(pointer.previous), loadState(pointer)]);
    const { contacts, audits } = projection(before, after, pointer);
    const total = contacts.length + audits.length;
    let done = 0;
    const progress = (count: number) => {
      done += count;
      onProgress?.({ phase: 'write', done, total });
    };
    await writeAll(contacts, progress, pointer.generation);
    // Audit entries have one key per change and generation: writing one twice changes nothing.
    await writeAll(audits, progress);
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: directoryKeys.pointer,
          UpdateExpression: 'SET #projection = :done',
          ConditionExpression: '#generation = :generation AND #projection = :pending',
          ExpressionAttributeNames: { '#generation': 'generation', '#projection': 'projection' },
          ExpressionAttributeValues: {
            ':done': 'done',
            ':pending': 'pending',
            ':generation': pointer.generation,
          },
        }),
      );
    } catch (error) {
      // Someone finished it first, or moved on: either way this generation's projection is done.
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') {
        throw new DirectoryStoreError('Marking the directory projection done failed', { cause: error });
      }
    }
  }

  /** The pointer's condition: still the generation the change was computed on, fully projected. */
  function pointerCondition(base: Pointer | undefined) {
    return base
      ? {
          ConditionExpression: '#generation = :base AND #projection = :done',
          ExpressionAttributeNames: { '#generation': 'generation', '#projection': 'projection' },
          ExpressionAttributeValues: { ':base': base.generation, ':done': 'done' },
        }
      : { ConditionExpression: 'attribute_not_exists(pk)' };
  }

  function conflict(cause: unknown): DirectoryConflictError {
    return new DirectoryConflictError(
      "L'annuaire a été modifié par ailleurs pendant l'opération : rien n'a été changé, recommencez.",
      { cause },
    );
  }

  /**
   * Writes `next` as a new generation and switches to it. Small changes switch and write their
   * contact and audit entries in one transaction; larger ones switch first with the projection
   * marked pending, then write it: a failure in between is finished by the next write.
   * @throws DirectoryConflictError when the pointer moved since `base` was read.
   */
  async function commit(
    base: { pointer: Pointer | undefined; state: DirectoryState },
    next: DirectoryState,
    provenance: Provenance,
    onProgress?: ImportOptions['onProgress'],
  ): Promise<number> {
    const generation = await nextGenerationNumber();
    const state = { ...next, generation };
    const encoded = encodeState(state);
    const ref: GenerationRef = { generation, parts: encoded.parts.length, sha256: encoded.sha256 };
    await orFail('Writing a directory generation failed', async () => {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...directoryKeys.generation(generation),
            type: 'directory_generation',
            ...ref,
            bytes: encoded.bytes,
            basedOn: base.pointer?.generation ?? 0,
            status: 'building',
            ...provenance,
            gsi1pk: directoryKeys.generationsList,
            gsi1sk: pad(generation),
          },
        }),
      );
      for (const [index, data] of encoded.parts.entries()) {
        await client.send(
          new PutCommand({ TableName: tableName, Item: { ...directoryKeys.part(generation, index), data } }),
        );
      }
    });

    const previous = base.pointer
      ? { generation: base.pointer.generation, parts: base.pointer.parts, sha256: base.pointer.sha256 }
      : null;
    const { contacts, audits } = projection(base.state, state, provenance);
    const pointerItem = (projectionState: Pointer['projection']) => ({
      ...directoryKeys.pointer,
      type: 'directory_pointer',
      ...ref,
      ...provenance,
      previous,
      projection: projectionState,
    });
    const markCommitted = {
      TableName: tableName,
      Key: directoryKeys.generation(generation),
      UpdateExpression: 'SET #status = :committed',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':committed': 'committed' },
    };

    if (contacts.length + audits.length + 2 <= TRANSACTION_SIZE) {
      try {
        await transact(client, [
          { Put: { TableName: tableName, Item: pointerItem('done'), ...pointerCondition(base.pointer) } },
          { Update: markCommitted },
          ...contacts.map((Item) => ({
            Put: {
              TableName: tableName,
              Item,
              ConditionExpression: CONTACT_NOT_NEWER,
              ExpressionAttributeValues: { ':generation': generation },
            },
          })),
          ...audits.map((Item) => ({ Put: { TableName: tableName, Item } })),
        ]);
        onProgress?.({
          phase: 'write',
          done: contacts.length + audits.length,
          total: contacts.length + audits.length,
        });
      } catch (error) {
        if (error instanceof TransactionRefusedError && error.failed(0)) throw conflict(error);
        throw new DirectoryStoreError('Switching the directory to its new generation failed', {
          cause: error,
        });
      }
    } else {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: pointerItem('pending'),
            ...pointerCondition(base.pointer),
          }),
        );
      } catch (error) {
        if ((error as { name?: string }).name === 'ConditionalCheckFailedException') throw conflict(error);
        throw new DirectoryStoreError('Switching the directory to its new generation failed', {
          cause: error,
        });
      }
      await orFail('Marking a directory generation committed failed', () =>
        client.send(new UpdateCommand(markCommitted)),
      );
      const pointer = pointerOf(pointerItem('pending'));
      if (pointer) await finishProjection(pointer, onProgress, { before: base.state, after: state });
    }
    cached = view(state, false);
    await collectGarbage([generation, previous?.generation ?? 0]);
    return generation;
  }

  /**
   * Removes the generations no reader needs any more: those below the current one, except the
   * one before it (a resumed projection compares those two). Generations above the current one
   * belong to applies still in flight. Best effort: a failure here leaves items no reader looks
   * at, removed by the next change.
   */
  async function collectGarbage(keep: number[]): Promise<void> {
    try {
      const answer = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :list',
          ExpressionAttributeValues: { ':list': directoryKeys.generationsList },
        }),
      );
      const newest = Math.max(...keep);
      // A writer numbers its generation after reading the one it builds on, so a generation
      // numbered below the current one was built on an older one: its switch can only fail.
      // Those still `building` (an apply that died, or one that lost) go with the rest.
      const old = (answer.Items ?? []).filter((item) => {
        const generation = Number(item.generation);
        return generation < newest && !keep.includes(generation);
      });
      const keys = old.flatMap((item) => [
        directoryKeys.generation(Number(item.generation)),
        ...Array.from({ length: Number(item.parts) }, (_, index) =>
          directoryKeys.part(Number(item.generation), index),
        ),
      ]);
      await inBatches(keys, BATCH_WRITE_SIZE, async (batch) => {
        await client.send(
          new BatchWriteCommand({
            RequestItems: { [tableName]: batch.map((Key) => ({ DeleteRequest: { Key } })) },
          }),
        );
      });
    } catch (error) {
      logger.warn('Removing old directory generations failed; the next change retries', {
        error: error as Error,
      });
    }
  }

  /** The current state, after finishing an apply that stopped halfway (writes only). */
  async function currentForWrite(onProgress?: ImportOptions['onProgress']) {
    let current = await readCurrent();
    let resumed = false;
    if (current.pointer?.projection === 'pending') {
      await finishProjection(current.pointer, onProgress);
      current = await readCurrent();
      resumed = true;
    }
    return { ...current, resumed };
  }

  async function edit(
    context: EditContext,
    change: (state: DirectoryState) => EditResult,
  ): Promise<EditOutcome> {
    for (let attempt = 1; ; attempt++) {
      const { pointer, view: current } = await currentForWrite();
      const result = change(current.state);
      if (result.changes.length === 0) {
        return { director: result.director, generation: current.generation, changed: false };
      }
      try {
        const generation = await commit({ pointer, state: current.state }, result.next, {
          at: context.now.toISOString(),
          actor: context.actor,
          source: 'console',
        });
        return { director: result.director, generation, changed: true };
      } catch (error) {
        // Another change won the switch: recompute this edit on the new state.
        if (!(error instanceof DirectoryConflictError) || attempt >= EDIT_ATTEMPTS) throw error;
      }
    }
  }

  const editOptions = (context: EditContext) => ({ academicDomain, now: context.now, actor: context.actor });

  return {
    findByEmail: makeDirectoryLookup({ client, tableName }).findByEmail,

    async importDirectory(input: ImportInput, importOptions: ImportOptions): Promise<ImportReport> {
      const { apply, now, actor, onProgress, basedOn } = importOptions;
      const current = apply
        ? await currentForWrite(onProgress)
        : { ...(await readCurrent()), resumed: false };
      const state = current.view.state;
      if (basedOn !== undefined && basedOn !== state.generation) {
        throw new DirectoryConflictError(
          `L'annuaire a changé depuis la simulation (version ${basedOn}, maintenant ${state.generation}) : relancez la simulation avant d'appliquer.`,
        );
      }
      const plan = planImport(state, input, { academicDomain, now, actor });
      const report: ImportReport = {
        applied: apply,
        ...plan.directors,
        schools: plan.schools,
        rejected: plan.rejected,
        coveredDepartements: plan.coveredDepartements,
        changes: plan.directorChanges,
        basedOn: state.generation,
        generation: state.generation,
      };
      if (!apply || plan.changes.length === 0) return report;
      const generation = await commit(
        { pointer: current.pointer, state },
        plan.next,
        { at: now.toISOString(), actor, source: 'import' },
        onProgress,
      );
      return { ...report, generation };
    },

    async current() {
      return (await readCurrent()).view;
    },

    saveDirector(id, input, context) {
      return edit(context, (state) => saveDirector(state, id, input, editOptions(context)));
    },

    deactivateDirector(id, context) {
      return edit(context, (state) => deactivateDirector(state, id, editOptions(context)));
    },

    async listAudit(query) {
      const byEntity = query.entity !== undefined && query.id !== undefined;
      const answer = await orFail('Reading the directory audit failed', () =>
        client.send(
          new QueryCommand({
            TableName: tableName,
            ...(byEntity
              ? {
                  KeyConditionExpression: 'pk = :pk',
                  ExpressionAttributeValues: { ':pk': `DIRAUDIT#${query.entity}#${query.id}` },
                }
              : {
                  IndexName: 'gsi1',
                  KeyConditionExpression: 'gsi1pk = :list',
                  ExpressionAttributeValues: { ':list': directoryKeys.auditList },
                }),
            ScanIndexForward: false,
            Limit: query.limit,
            ...(query.startKey ? { ExclusiveStartKey: query.startKey } : {}),
          }),
        ),
      );
      const items = (answer.Items ?? []).map(
        ({ pk, sk, gsi1pk, gsi1sk, type, ...entry }) => entry as unknown as AuditEntry,
      );
      return { items, ...(answer.LastEvaluatedKey ? { lastKey: answer.LastEvaluatedKey } : {}) };
    },

    async repair(onProgress) {
      return (await currentForWrite(onProgress)).resumed;
    },
  };
}
