/**
 * The directory in the desk's table: every change (an import, an edit in the console) writes a
 * new generation of the whole directory, then switches to it in one conditional write. The
 * design and what a reader sees when an apply fails halfway are in `docs/directory.md`.
 *
 * This façade composes the parts in `./directory/`: the generations (state written, pointer
 * switched, old ones removed), the contact projection the intake reads, and the audit log. The
 * items and their keys are listed in `./directory/keys.ts`.
 */

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { diffStates } from '#shared/directory/diff.ts';
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
import {
  DEFAULT_ACADEMIC_DOMAIN,
  type Director,
  type DirectoryLookup,
  type DirectorySchool,
  type DirectoryState,
  EMPTY_DIRECTORY,
} from '#shared/domain/directory.ts';
import { type Zone, zonesOf } from '#shared/domain/zones.ts';
import { withRetries } from '#shared/retry.ts';
import { type AuditEntry, type AuditQuery, auditItems, makeAuditLog } from './directory/audit.ts';
import { TRANSACTION_SIZE } from './directory/batches.ts';
import { changedMeanwhile, DirectoryConflictError, DirectoryStoreError } from './directory/errors.ts';
import {
  type GenerationRef,
  MissingPartsError,
  makeGenerations,
  type Pointer,
  type Provenance,
} from './directory/generations.ts';
import { contactItems, makeContactProjection } from './directory/projection.ts';
import { makeDirectoryLookup } from './directory-lookup.ts';
import { TransactionRefusedError, transact } from './transact.ts';

export { directoryKeys } from './directory/keys.ts';
export { type AuditEntry, DirectoryConflictError, DirectoryStoreError };

/** Where the directory lives. */
export type DirectoryStoreOptions = {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** The domain of academic addresses and school mailboxes (`ce.<uai>@<domain>`). Default `ac-dijon.fr`. */
  academicDomain?: string;
  /** Days an audit entry is kept after its change (`RETENTION_AUDIT_DAYS`). Undefined: kept. */
  auditRetentionDays?: number | undefined;
};

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
    listAudit(query: AuditQuery): Promise<{ items: AuditEntry[]; lastKey?: Record<string, unknown> }>;
    /** Finishes an apply that stopped after its switch; true when there was one to finish. */
    repair(onProgress?: ImportOptions['onProgress']): Promise<boolean>;
  };

/** A state with what the console asks of it; search and zones are built on first use. */
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

/** The contact and audit items that take the directory from one state to the next. */
function projection(
  before: DirectoryState,
  after: DirectoryState,
  provenance: Provenance,
  auditRetentionDays?: number,
) {
  return {
    contacts: contactItems(before, after, provenance.at),
    audits: auditItems(diffStates(before, after), provenance, after.generation, auditRetentionDays),
  };
}

/**
 * The directory adapter over the desk's table.
 */
export function makeDirectoryStore(options: DirectoryStoreOptions): DirectoryStore {
  const { client, tableName } = options;
  const academicDomain = (options.academicDomain ?? DEFAULT_ACADEMIC_DOMAIN).toLowerCase();
  const generations = makeGenerations({ client, tableName });
  const contacts = makeContactProjection({ client, tableName });
  const audit = makeAuditLog({ client, tableName });
  /** Generations never change once written: the last one read is kept. */
  let cached: DirectoryView | undefined;

  async function loadState(ref: GenerationRef | null): Promise<DirectoryState> {
    if (!ref) return EMPTY_DIRECTORY;
    if (cached?.generation === ref.generation) return cached.state;
    return generations.loadState(ref);
  }

  async function readCurrentOnce(): Promise<{ pointer: Pointer | undefined; view: DirectoryView }> {
    const pointer = await generations.readPointer();
    const pendingProjection = pointer?.projection === 'pending';
    if (cached && cached.generation === (pointer?.generation ?? 0)) {
      cached.pendingProjection = pendingProjection;
      return { pointer, view: cached };
    }
    const current = view(await loadState(pointer ?? null), pendingProjection);
    cached = current;
    return { pointer, view: current };
  }

  function readCurrent(): Promise<{ pointer: Pointer | undefined; view: DirectoryView }> {
    // Two changes switched in between reading the pointer and its parts, and the second
    // removed the generation this reader was about to load: the pointer has moved, read again.
    return withRetries(readCurrentOnce, {
      attempts: 2,
      shouldRetry: (error) => error instanceof MissingPartsError,
      delayMs: () => 0,
    });
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
    const items = projection(before, after, pointer, options.auditRetentionDays);
    const total = items.contacts.length + items.audits.length;
    let done = 0;
    const progress = (count: number) => {
      done += count;
      onProgress?.({ phase: 'write', done, total });
    };
    await contacts.write(items.contacts, pointer.generation, progress);
    // Audit entries have one key per change and generation: writing one twice changes nothing.
    await audit.write(items.audits, progress);
    await generations.markProjectionDone(pointer.generation);
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
    const generation = await generations.nextNumber();
    const state = { ...next, generation };
    const ref = await generations.write(state, provenance, base.pointer?.generation ?? 0);
    const previous = base.pointer
      ? { generation: base.pointer.generation, parts: base.pointer.parts, sha256: base.pointer.sha256 }
      : null;
    const items = projection(base.state, state, provenance, options.auditRetentionDays);
    const pointer = (entries: Pointer['projection']): Pointer => ({
      ...ref,
      ...provenance,
      previous,
      projection: entries,
    });

    const count = items.contacts.length + items.audits.length;
    // The pointer's Put and the generation's Update take two of the transaction's actions.
    if (count + 2 <= TRANSACTION_SIZE) {
      try {
        await transact(client, [
          { Put: generations.pointerPut(pointer('done'), base.pointer) },
          { Update: generations.committedUpdate(generation) },
          ...contacts.putActions(items.contacts, generation),
          ...audit.putActions(items.audits),
        ]);
        onProgress?.({ phase: 'write', done: count, total: count });
      } catch (error) {
        if (error instanceof TransactionRefusedError && error.failed(0)) throw changedMeanwhile(error);
        throw new DirectoryStoreError('Switching the directory to its new generation failed', {
          cause: error,
        });
      }
    } else {
      await generations.switchTo(pointer('pending'), base.pointer);
      await generations.markCommitted(generation);
      await finishProjection(pointer('pending'), onProgress, { before: base.state, after: state });
    }
    cached = view(state, false);
    await generations.collectGarbage([generation, previous?.generation ?? 0]);
    return generation;
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

  function edit(context: EditContext, change: (state: DirectoryState) => EditResult): Promise<EditOutcome> {
    return withRetries(
      async () => {
        const { pointer, view: current } = await currentForWrite();
        const result = change(current.state);
        if (result.changes.length === 0) {
          return { director: result.director, generation: current.generation, changed: false };
        }
        const generation = await commit({ pointer, state: current.state }, result.next, {
          at: context.now.toISOString(),
          actor: context.actor,
          source: 'console',
        });
        return { director: result.director, generation, changed: true };
      },
      {
        attempts: EDIT_ATTEMPTS,
        // Another change won the switch: recompute this edit on the new state, at once (the
        // winner is done, there is nothing to wait for).
        shouldRetry: (error) => error instanceof DirectoryConflictError,
        delayMs: () => 0,
      },
    );
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

    listAudit(query) {
      return audit.list(query);
    },

    async repair(onProgress) {
      return (await currentForWrite(onProgress)).resumed;
    },
  };
}
