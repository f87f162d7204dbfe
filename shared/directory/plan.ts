/**
 * An import compared with the directory: the state the directory would be in once the file is
 * applied, and the lines that cannot be applied. Pure: a dry run and an apply compute the same
 * plan; only the store decides whether to write it.
 *
 * The rule of an import: a file describes the current state of the départements it covers (the
 * départements of the schools its accepted directors direct). Directors listed are added or
 * updated; active directors of those départements that the file does not list lose their schools
 * there, and are deactivated when they have none left; other départements are left untouched.
 */
import {
  type Circonscription,
  compareDirectors,
  type Director,
  type DirectorySchool,
  type DirectoryState,
  directorIdOf,
  schoolMailboxOf,
} from '#shared/domain/directory.ts';
import { departementOfUai } from '#shared/domain/uai.ts';
import { circonscriptionCodeOf } from '#shared/domain/zones.ts';
import { canonical, contentOf, diffStates, type EntityChange } from './diff.ts';
import type { ImportedDirector, ImportedSchool, ImportInput } from './input.ts';
import { mergeByLine, type RejectedLine } from './rows.ts';

/** Who imports and when: stamped on what changes. */
export type PlanOptions = { academicDomain: string; now: Date; actor: string };

/** Counts of one kind of entry. */
export type ImportCounts = { added: number; changed: number; unchanged: number };

/** One director the import adds, changes or deactivates, for the person reviewing a dry run. */
export type DirectorChange = {
  action: 'added' | 'changed' | 'deactivated' | 'reactivated';
  id: string;
  name: string;
  email: string;
  /** The fields that change (`assignments`, `lastName`...); empty for an addition. */
  fields: string[];
  /** The file lines the director comes from; empty for a deactivation. */
  lines: number[];
};

/** The comparison of a file with the directory. */
export type ImportPlan = {
  /** The state to write (its generation is the current one: the store numbers the new one). */
  next: DirectoryState;
  /** Every entry that differs: what the audit trail records. */
  changes: EntityChange[];
  /** Directors: `added`, `changed` (reactivations included), `unchanged` among those listed, `deactivated`. */
  directors: ImportCounts & { deactivated: number };
  /** Schools the file describes. */
  schools: ImportCounts;
  /** The directors that change, for review. */
  directorChanges: DirectorChange[];
  /** Lines refused because of what the directory holds (unknown school, addresses of two people). */
  rejected: RejectedLine[];
  /** The départements the file describes, in order. */
  coveredDepartements: string[];
};

type Candidate = { imported: ImportedDirector; match: Director | undefined };

function displayName(director: { civility?: string; lastName: string; firstName: string }): string {
  return [director.civility, director.firstName, director.lastName].filter(Boolean).join(' ');
}

/**
 * Compares an import's input with the directory's current state.
 * Nothing here reads the clock or the table: the options carry who and when.
 */
export function planImport(current: DirectoryState, input: ImportInput, options: PlanOptions): ImportPlan {
  const stamp = options.now.toISOString();
  const schools = new Map(current.schools.map((school) => [school.uai, school]));
  const described = new Map(input.schools.map((school) => [school.uai, school]));
  const ownerOf = new Map<string, Director>();
  for (const director of current.directors) for (const email of director.emails) ownerOf.set(email, director);
  const rejected: RejectedLine[] = [];
  const refuse = (imported: ImportedDirector, reason: string) => {
    for (const line of imported.lines) rejected.push({ line, reason });
  };

  // 1. Each listed director on its own: schools known, addresses not split between two people.
  const candidates: Candidate[] = [];
  for (const imported of input.directors) {
    const problems: string[] = [];
    for (const { uai } of imported.assignments) {
      if (!described.has(uai) && !schools.has(uai)) {
        problems.push(
          `école ${uai} inconnue de l'annuaire : décrivez-la d'abord (import CSV avec son nom, sa commune et sa circonscription)`,
        );
      }
    }
    const owners = [...new Set(imported.emails.flatMap((email) => ownerOf.get(email) ?? []))];
    if (owners.length > 1) {
      problems.push(
        `adresses appartenant à ${owners.length} directeurs différents de l'annuaire (${owners.map((o) => `${displayName(o)}, ${o.id}`).join(' ; ')})`,
      );
    }
    if (problems.length > 0) refuse(imported, problems.join(' ; '));
    else candidates.push({ imported, match: owners[0] });
  }

  // 2. Two people of the file who are one person of the directory: neither can be applied.
  const byMatch = new Map<string, Candidate[]>();
  for (const candidate of candidates) {
    if (candidate.match)
      byMatch.set(candidate.match.id, [...(byMatch.get(candidate.match.id) ?? []), candidate]);
  }
  const accepted = candidates.filter((candidate) => {
    const same = candidate.match ? (byMatch.get(candidate.match.id) ?? []) : [];
    if (same.length < 2) return true;
    const lines = same
      .flatMap((c) => c.imported.lines)
      .sort((a, b) => a - b)
      .join(', ');
    refuse(
      candidate.imported,
      `lignes ${lines} : adresses d'une seule personne de l'annuaire (${candidate.match?.id}) réparties sur plusieurs personnes du fichier`,
    );
    return false;
  });

  // 3. The schools the accepted directors direct, described by the file where it does.
  const departementOf = (uai: string) =>
    described.get(uai)?.departement ?? schools.get(uai)?.departement ?? departementOfUai(uai) ?? '';
  const usedUais = new Set(accepted.flatMap((c) => c.imported.assignments.map((a) => a.uai)));
  const covered = new Set([...usedUais].map(departementOf));
  const schoolCounts: ImportCounts = { added: 0, changed: 0, unchanged: 0 };
  const nextSchools = new Map(schools);
  for (const uai of usedUais) {
    const description = described.get(uai);
    if (!description) continue;
    const existing = schools.get(uai);
    const school = schoolOf(description, existing, options, stamp);
    if (!existing) schoolCounts.added++;
    else if (school === existing) schoolCounts.unchanged++;
    else schoolCounts.changed++;
    nextSchools.set(uai, school);
  }

  // 4. Directors: the listed ones as the file says, the missing ones of covered départements out.
  const nextDirectors = new Map(current.directors.map((director) => [director.id, director]));
  const takenIds = new Set(nextDirectors.keys());
  const listed = new Map<string, number[]>();
  for (const { imported, match } of accepted) {
    const kept = (match?.assignments ?? []).filter((a) => !covered.has(departementOf(a.uai)));
    // In UAI order: the order of a file's lines says nothing, and must not make a change.
    const assignments = [
      ...imported.assignments,
      ...kept.filter((a) => !imported.assignments.some((b) => b.uai === a.uai)),
    ].sort((a, b) => a.uai.localeCompare(b.uai));
    const id = match?.id ?? freshId(imported.emails[0] ?? '', takenIds);
    takenIds.add(id);
    const content = {
      id,
      ...(imported.civility ? { civility: imported.civility } : {}),
      lastName: imported.lastName,
      firstName: imported.firstName,
      emails: imported.emails,
      assignments,
      active: true,
    };
    nextDirectors.set(id, withStamps(content, match, options.actor, stamp));
    listed.set(id, imported.lines);
  }
  for (const director of current.directors) {
    if (listed.has(director.id) || !director.active) continue;
    const inCovered = director.assignments.filter((a) => covered.has(departementOf(a.uai)));
    if (inCovered.length === 0) continue;
    const remaining = director.assignments.filter((a) => !inCovered.includes(a));
    // Deactivated, they keep their schools on record: « ancien directeur de… ».
    const content =
      remaining.length === 0 ? { ...director, active: false } : { ...director, assignments: remaining };
    nextDirectors.set(director.id, withStamps(content, director, options.actor, stamp));
  }

  const next: DirectoryState = {
    generation: current.generation,
    directors: [...nextDirectors.values()].sort(compareDirectors),
    schools: [...nextSchools.values()].sort((a, b) => a.uai.localeCompare(b.uai)),
    circonscriptions: circonscriptionsOf(current.circonscriptions, [...nextSchools.values()], described),
  };
  const changes = diffStates(current, next);
  return {
    next,
    changes,
    ...summarize(changes, listed, next),
    schools: schoolCounts,
    rejected: mergeByLine(rejected),
    coveredDepartements: [...covered].filter(Boolean).sort(),
  };
}

/** An id for a new director: their principal address, made unique if another director holds it. */
function freshId(email: string, taken: ReadonlySet<string>): string {
  const base = directorIdOf(email);
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}~${n}`;
  return id;
}

/** The entry with its stamps: the previous one itself when nothing but stamps would differ. */
function withStamps<T extends object>(
  content: T,
  previous: (T & { createdAt: string; createdBy: string }) | undefined,
  actor: string,
  stamp: string,
): T & { createdAt: string; createdBy: string; updatedAt: string; updatedBy: string } {
  if (previous && canonical(contentOf(previous)) === canonical(contentOf(content))) {
    return previous as T & { createdAt: string; createdBy: string; updatedAt: string; updatedBy: string };
  }
  return {
    ...content,
    createdAt: previous?.createdAt ?? stamp,
    createdBy: previous?.createdBy ?? actor,
    updatedAt: stamp,
    updatedBy: actor,
  };
}

function schoolOf(
  description: ImportedSchool,
  existing: DirectorySchool | undefined,
  options: PlanOptions,
  stamp: string,
): DirectorySchool {
  const content = {
    uai: description.uai,
    name: description.name,
    commune: description.commune,
    circonscription: description.circonscription,
    departement: description.departement,
    mailbox: existing?.mailbox ?? schoolMailboxOf(description.uai, options.academicDomain),
    circonscriptionCode: circonscriptionCodeOf(description.departement, description.circonscription),
  };
  return withStamps(content, existing, options.actor, stamp);
}

/**
 * The circonscriptions the schools belong to: named as the file writes them when it describes
 * one of their schools, as before otherwise; those left without a school are dropped.
 */
function circonscriptionsOf(
  previous: readonly Circonscription[],
  schools: readonly DirectorySchool[],
  described: ReadonlyMap<string, ImportedSchool>,
): Circonscription[] {
  const known = new Map(previous.map((c) => [c.code, c]));
  const result = new Map<string, Circonscription>();
  for (const school of schools) {
    const code = school.circonscriptionCode;
    const fromFile = described.has(school.uai) && !result.has(code) ? school.circonscription : undefined;
    const name = fromFile ?? result.get(code)?.name ?? known.get(code)?.name ?? school.circonscription;
    result.set(code, { code, name, departement: school.departement });
  }
  return [...result.values()].sort((a, b) => a.code.localeCompare(b.code));
}

/** The report's director counts and review list, read off the changes. */
function summarize(
  changes: readonly EntityChange[],
  listed: ReadonlyMap<string, number[]>,
  next: DirectoryState,
): Pick<ImportPlan, 'directors' | 'directorChanges'> {
  const byId = new Map(next.directors.map((director) => [director.id, director]));
  const counts = { added: 0, changed: 0, unchanged: 0, deactivated: 0 };
  const directorChanges: DirectorChange[] = [];
  const changed = new Set<string>();
  for (const change of changes) {
    if (change.entity !== 'director' || change.action === 'removed') continue;
    changed.add(change.id);
    if (change.action === 'added') counts.added++;
    else if (change.action === 'deactivated') counts.deactivated++;
    else counts.changed++;
    const director = byId.get(change.id);
    if (!director) continue;
    directorChanges.push({
      action: change.action,
      id: director.id,
      name: displayName(director),
      email: director.emails[0] ?? '',
      fields: change.action === 'added' ? [] : change.fields,
      lines: listed.get(director.id) ?? [],
    });
  }
  for (const id of listed.keys()) if (!changed.has(id)) counts.unchanged++;
  return { directors: counts, directorChanges };
}
