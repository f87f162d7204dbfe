/**
 * Edits made by hand in the console: a director created, changed or deactivated. They are held
 * to the same rules as an import (valid UAI of the académie, département consistent with it,
 * academic addresses, an address belongs to one person) and give French reasons a person can act
 * on, field by field. Pure: the store writes the state returned.
 */
import * as z from 'zod';
import {
  compareDirectors,
  type Director,
  type DirectorySchool,
  type DirectoryState,
  directorIdOf,
  schoolMailboxOf,
} from '#shared/domain/directory.ts';
import { DeskError } from '#shared/domain/errors.ts';
import { academieUaiProblem, departementOfUai, normalizeUai } from '#shared/domain/uai.ts';
import { circonscriptionCodeOf } from '#shared/domain/zones.ts';
import { canonical, contentOf, diffStates, type EntityChange } from './diff.ts';

const text = (missing: string) =>
  z
    .string({ error: missing })
    .transform((value) => value.replace(/\s+/g, ' ').trim())
    .pipe(z.string().min(1, missing));

/** One school of a director as the console sends it; a school new to the directory is described. */
export const SchoolInput = z.object({
  uai: z.string({ error: 'UAI manquant' }),
  /** A « faisant fonction » of this school. */
  interim: z.boolean().default(false),
  name: text("nom d'école manquant").optional(),
  commune: text('commune manquante').optional(),
  circonscription: text('circonscription manquante').optional(),
  departement: z.string().optional(),
});
export type SchoolInput = z.input<typeof SchoolInput>;

/** A director as the console sends it (`POST` and `PUT` alike: the whole director). */
export const DirectorInput = z.object({
  civility: z.enum(['M.', 'Mme'], { error: 'civilité invalide (M. ou Mme attendu)' }).optional(),
  lastName: text('nom manquant'),
  firstName: text('prénom manquant'),
  /** The principal address first. */
  emails: z.array(z.string(), { error: 'adresses manquantes' }).min(1, 'au moins une adresse électronique'),
  schools: z.array(SchoolInput, { error: 'écoles manquantes' }).min(1, 'au moins une école'),
  active: z.boolean().default(true),
});
export type DirectorInput = z.input<typeof DirectorInput>;
/** A director as the console sent them, once parsed (defaults filled in). */
export type DirectorFields = z.output<typeof DirectorInput>;

/** One problem of an edit, attached to the field concerned (`emails.1`, `schools.0.uai`). */
export type EditProblem = { path: string; message: string };

/** Raised when an edit breaks a rule of the directory; the message and details are French. */
export class DirectoryEditError extends DeskError {
  override name = 'DirectoryEditError';
  constructor(readonly problems: EditProblem[]) {
    super('invalid', 'invalid_director', `Fiche refusée : ${problems.map((p) => p.message).join(' ; ')}.`, {
      details: problems,
    });
  }
}

/** Raised when the director to change does not exist. */
export class DirectorNotFoundError extends DeskError {
  override name = 'DirectorNotFoundError';
  constructor(readonly id: string) {
    super('not_found', 'director_not_found', `Le directeur ${id} n'existe pas dans l'annuaire.`);
  }
}

/** Who edits and when, and the rules that depend on configuration. */
export type EditOptions = { academicDomain: string; now: Date; actor: string };

/** The state after an edit, the director as saved, and what changed (empty: nothing to write). */
export type EditResult = { next: DirectoryState; director: Director; changes: EntityChange[] };

function displayName(director: Director): string {
  return [director.civility, director.firstName, director.lastName].filter(Boolean).join(' ');
}

/** The schools of the edit, new ones described, or the problems found. */
function resolveSchools(
  state: DirectoryState,
  inputs: z.output<typeof SchoolInput>[],
  options: EditOptions,
  problems: EditProblem[],
): { schools: Map<string, DirectorySchool>; assignments: Director['assignments'] } {
  const stamp = options.now.toISOString();
  const schools = new Map(state.schools.map((school) => [school.uai, school]));
  const assignments: Director['assignments'] = [];
  inputs.forEach((input, index) => {
    const path = `schools.${index}`;
    const uai = normalizeUai(input.uai);
    const departement = input.departement?.trim().replace(/^0(\d{2})$/, '$1');
    const problem = academieUaiProblem(uai, departement || undefined);
    if (problem) {
      problems.push({
        path: departement && !academieUaiProblem(uai) ? `${path}.departement` : `${path}.uai`,
        message: problem,
      });
      return;
    }
    if (assignments.some((assignment) => assignment.uai === uai)) {
      problems.push({ path: `${path}.uai`, message: `école ${uai} indiquée deux fois` });
      return;
    }
    const existing = schools.get(uai);
    const described = [input.name, input.commune, input.circonscription].filter((v) => v !== undefined);
    if (!existing && described.length < 3) {
      problems.push({
        path,
        message: `école ${uai} inconnue de l'annuaire : précisez son nom, sa commune et sa circonscription`,
      });
      return;
    }
    if (described.length > 0 && described.length < 3) {
      problems.push({
        path,
        message: `école ${uai} : précisez ensemble son nom, sa commune et sa circonscription`,
      });
      return;
    }
    if (input.name && input.commune && input.circonscription) {
      const dept = departement || existing?.departement || departementOfUai(uai) || '';
      const content = {
        uai,
        name: input.name,
        commune: input.commune,
        circonscription: input.circonscription,
        departement: dept,
        mailbox: existing?.mailbox ?? schoolMailboxOf(uai, options.academicDomain),
        circonscriptionCode: circonscriptionCodeOf(dept, input.circonscription),
      };
      if (!existing || canonical(contentOf(existing)) !== canonical(content)) {
        schools.set(uai, {
          ...content,
          createdAt: existing?.createdAt ?? stamp,
          createdBy: existing?.createdBy ?? options.actor,
          updatedAt: stamp,
          updatedBy: options.actor,
        });
      }
    }
    assignments.push({ uai, interim: input.interim });
  });
  return { schools, assignments };
}

/** The addresses of the edit, lower case, or the problems found. */
function resolveEmails(
  state: DirectoryState,
  inputs: string[],
  id: string | undefined,
  options: EditOptions,
  problems: EditProblem[],
): string[] {
  const suffix = `@${options.academicDomain.toLowerCase()}`;
  const owners = new Map(state.directors.flatMap((d) => d.emails.map((email) => [email, d] as const)));
  const emails: string[] = [];
  inputs.forEach((raw, index) => {
    const path = `emails.${index}`;
    const email = raw.trim().toLowerCase();
    if (!z.email().safeParse(email).success) {
      problems.push({ path, message: `adresse électronique invalide : « ${raw.trim()} »` });
    } else if (!email.endsWith(suffix)) {
      problems.push({ path, message: `adresse non académique (${suffix} attendu) : ${email}` });
    } else if (emails.includes(email)) {
      problems.push({ path, message: `adresse ${email} indiquée deux fois` });
    } else {
      const owner = owners.get(email);
      if (owner && owner.id !== id) {
        problems.push({
          path,
          message: `adresse ${email} déjà attribuée à ${displayName(owner)} (${owner.id}${owner.active ? '' : ', inactif'})`,
        });
      } else emails.push(email);
    }
  });
  return emails;
}

/**
 * Creates (no `id`) or replaces (with `id`) a director as the console describes them.
 * @throws DirectoryEditError listing every problem, field by field.
 * @throws DirectorNotFoundError when `id` is not in the directory.
 */
export function saveDirector(
  state: DirectoryState,
  id: string | undefined,
  raw: DirectorFields,
  options: EditOptions,
): EditResult {
  const existing = id === undefined ? undefined : state.directors.find((d) => d.id === id);
  if (id !== undefined && !existing) throw new DirectorNotFoundError(id);
  const problems: EditProblem[] = [];
  const emails = resolveEmails(state, raw.emails, id, options, problems);
  const { schools, assignments } = resolveSchools(state, raw.schools, options, problems);
  if (problems.length > 0) throw new DirectoryEditError(problems);

  const stamp = options.now.toISOString();
  const taken = new Set(state.directors.map((d) => d.id));
  let newId = directorIdOf(emails[0] ?? '');
  for (let n = 2; !existing && taken.has(newId); n++) newId = `${directorIdOf(emails[0] ?? '')}~${n}`;
  const content = {
    id: existing?.id ?? newId,
    ...(raw.civility ? { civility: raw.civility } : {}),
    lastName: raw.lastName,
    firstName: raw.firstName,
    emails,
    assignments: [...assignments].sort((a, b) => a.uai.localeCompare(b.uai)),
    active: raw.active,
  };
  const unchanged = existing && canonical(contentOf(existing)) === canonical(content);
  const director: Director = unchanged
    ? existing
    : {
        ...content,
        createdAt: existing?.createdAt ?? stamp,
        createdBy: existing?.createdBy ?? options.actor,
        updatedAt: stamp,
        updatedBy: options.actor,
      };
  return withDirector(state, director, schools);
}

/**
 * Deactivates a director: they stop being recognised, keep their schools on record, and can be
 * reactivated by a `PUT` with `active: true`. Deactivating an inactive director changes nothing.
 * @throws DirectorNotFoundError
 */
export function deactivateDirector(state: DirectoryState, id: string, options: EditOptions): EditResult {
  const existing = state.directors.find((d) => d.id === id);
  if (!existing) throw new DirectorNotFoundError(id);
  const director = existing.active
    ? { ...existing, active: false, updatedAt: options.now.toISOString(), updatedBy: options.actor }
    : existing;
  return withDirector(state, director, new Map(state.schools.map((s) => [s.uai, s])));
}

function withDirector(
  state: DirectoryState,
  director: Director,
  schools: ReadonlyMap<string, DirectorySchool>,
): EditResult {
  const directors = [...state.directors.filter((d) => d.id !== director.id), director].sort(compareDirectors);
  const allSchools = [...schools.values()].sort((a, b) => a.uai.localeCompare(b.uai));
  const circonscriptions = new Map(state.circonscriptions.map((c) => [c.code, c]));
  for (const school of allSchools) {
    if (!circonscriptions.has(school.circonscriptionCode)) {
      circonscriptions.set(school.circonscriptionCode, {
        code: school.circonscriptionCode,
        name: school.circonscription,
        departement: school.departement,
      });
    }
  }
  const used = new Set(allSchools.map((s) => s.circonscriptionCode));
  const next: DirectoryState = {
    generation: state.generation,
    directors,
    schools: allSchools,
    circonscriptions: [...circonscriptions.values()]
      .filter((c) => used.has(c.code))
      .sort((a, b) => a.code.localeCompare(b.code)),
  };
  return { next, director, changes: diffStates(state, next) };
}
