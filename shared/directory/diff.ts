/**
 * What changes between two directory states, computed from the states alone so that anyone
 * holding both (the import that made the change, or a later run finishing it) derives exactly
 * the same audit entries and the same contact writes.
 *
 * - `diffStates`: one change per director, school or circonscription that differs: the audit
 *   trail and the import report are read off it.
 * - `projectContacts` / `contactWrites`: the contact entries the intake reads with one GetItem,
 *   one per address (every director address, every school mailbox), and those to rewrite.
 */
import * as z from 'zod';
import {
  type Director,
  type DirectoryMatch,
  type DirectorySchool,
  type DirectoryState,
  School,
} from '#shared/domain/directory.ts';

/** The kinds of entries the audit trail follows. */
export const AuditEntity = z.enum(['director', 'school', 'circonscription']);
export type AuditEntity = z.infer<typeof AuditEntity>;

/** What happened to an entry. */
export const ChangeAction = z.enum(['added', 'changed', 'deactivated', 'reactivated', 'removed']);
export type ChangeAction = z.infer<typeof ChangeAction>;

/** One entry that differs between two states. */
export type EntityChange = {
  entity: AuditEntity;
  /** Director id, UAI or circonscription code. */
  id: string;
  action: ChangeAction;
  /** The fields that differ (all of them for an addition). */
  fields: string[];
  /** The entry before and after, without bookkeeping stamps; absent for an addition / removal. */
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
};

const STAMPS = new Set(['createdAt', 'createdBy', 'updatedAt', 'updatedBy']);

/** The entry without its stamps: what a person would call its content. */
export function contentOf<T extends object>(entry: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entry).filter(([key]) => !STAMPS.has(key)));
}

/** A text equal for two values with the same content, whatever their key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      return Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return inner;
  });
}

/** The fields whose values differ, in a stable order. */
function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.filter((key) => canonical(before[key]) !== canonical(after[key]));
}

function diffEntries<T extends object>(
  entity: AuditEntity,
  before: ReadonlyMap<string, T>,
  after: ReadonlyMap<string, T>,
  activeOf?: (entry: T) => boolean,
): EntityChange[] {
  const changes: EntityChange[] = [];
  for (const [id, next] of after) {
    const previous = before.get(id);
    const nextContent = contentOf(next);
    if (!previous) {
      changes.push({
        entity,
        id,
        action: 'added',
        fields: Object.keys(nextContent).sort(),
        after: nextContent,
      });
      continue;
    }
    const previousContent = contentOf(previous);
    const fields = changedFields(previousContent, nextContent);
    if (fields.length === 0) continue;
    const [was, is] = activeOf ? [activeOf(previous), activeOf(next)] : [true, true];
    const action: ChangeAction = was === is ? 'changed' : is ? 'reactivated' : 'deactivated';
    changes.push({ entity, id, action, fields, before: previousContent, after: nextContent });
  }
  for (const [id, previous] of before) {
    if (!after.has(id)) {
      changes.push({ entity, id, action: 'removed', fields: [], before: contentOf(previous) });
    }
  }
  return changes;
}

/**
 * Every director, school and circonscription that differs between two states, directors first,
 * each kind in id order. Bookkeeping stamps alone never make a change.
 */
export function diffStates(before: DirectoryState, after: DirectoryState): EntityChange[] {
  const byId = <T, K extends keyof T>(entries: readonly T[], key: K) =>
    new Map(
      [...entries]
        .sort((a, b) => String(a[key]).localeCompare(String(b[key])))
        .map((e) => [String(e[key]), e]),
    );
  return [
    ...diffEntries('director', byId(before.directors, 'id'), byId(after.directors, 'id'), (d) => d.active),
    ...diffEntries('school', byId(before.schools, 'uai'), byId(after.schools, 'uai')),
    ...diffEntries(
      'circonscription',
      byId(before.circonscriptions, 'code'),
      byId(after.circonscriptions, 'code'),
    ),
  ];
}

/**
 * A contact entry: what `findByEmail` answers for one address, and whether it is still in force.
 * An inactive entry is kept (not deleted) so the address's last owner stays on record.
 */
export type ContactEntry = Omit<DirectoryMatch, 'schools'> & { schools: School[]; active: boolean };

/** A school as the intake sees it (the directory's bookkeeping left out). */
export function publicSchool(school: DirectorySchool): School {
  return School.parse(school);
}

function directorContact(director: Director, email: string, schools: ReadonlyMap<string, DirectorySchool>) {
  const known = director.assignments.flatMap((assignment) => schools.get(assignment.uai) ?? []);
  return {
    kind: 'director' as const,
    entryId: director.id,
    ...(director.civility ? { civility: director.civility } : {}),
    lastName: director.lastName,
    firstName: director.firstName,
    email,
    schools: known.map(publicSchool),
    active: director.active && known.length > 0,
  };
}

/**
 * The contact entries of a state, by address: one per school mailbox (in force while the school
 * has an active director) and one per address of every director (in force while they are
 * active). A director's own address wins over a school mailbox if a file gives a director the
 * `ce.` address itself: the director entry says more.
 */
export function projectContacts(state: DirectoryState): Map<string, ContactEntry> {
  const schools = new Map(state.schools.map((school) => [school.uai, school]));
  const directed = new Set(
    state.directors.filter((d) => d.active).flatMap((d) => d.assignments.map((a) => a.uai)),
  );
  const contacts = new Map<string, ContactEntry>();
  for (const school of [...state.schools].sort((a, b) => a.uai.localeCompare(b.uai))) {
    contacts.set(school.mailbox, {
      kind: 'school_mailbox',
      entryId: `school:${school.uai}`,
      email: school.mailbox,
      schools: [publicSchool(school)],
      active: directed.has(school.uai),
    });
  }
  // Inactive directors first, so an address that moved to an active director ends with them.
  const ordered = [...state.directors].sort(
    (a, b) => Number(a.active) - Number(b.active) || a.id.localeCompare(b.id),
  );
  for (const director of ordered) {
    for (const email of director.emails) contacts.set(email, directorContact(director, email, schools));
  }
  return contacts;
}

/**
 * The contact entries to write to go from one state's projection to the next's: those that are
 * new or differ, and those no longer projected, marked inactive (unless they already were).
 */
export function contactWrites(
  before: ReadonlyMap<string, ContactEntry>,
  after: ReadonlyMap<string, ContactEntry>,
): ContactEntry[] {
  const writes: ContactEntry[] = [];
  for (const [email, next] of after) {
    const previous = before.get(email);
    if (!previous || canonical(previous) !== canonical(next)) writes.push(next);
  }
  for (const [email, previous] of before) {
    if (!after.has(email) && previous.active) writes.push({ ...previous, active: false });
  }
  return writes;
}
