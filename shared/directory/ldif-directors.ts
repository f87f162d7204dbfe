/**
 * The directors of an LDIF export of the académie's LDAP annuaire, read through the attributes
 * of the Éducation nationale schema (the mapping is documented in `docs/directory.md`):
 *
 * - an entry is a director when `FrEduFonctAdm` is `DIR` (the administrative function
 *   « directeur d'école »); other entries (teachers, inspectors) are skipped and counted;
 * - the schools are the UAIs of `FrEduRneResp` (the structures the person is responsible for),
 *   each value being the UAI followed by further `$`-separated fields; when it is missing or `X`,
 *   the UAIs of `FrEduRne` (where the person is posted) whose function field is `DIR`;
 * - a director none of whose posts (`FrEduRne`) has the function `DIR` directs « faisant
 *   fonction »: a teacher (`ENS`) acting as director, who counts as one; a titular director posted
 *   as `DIR` at one school of a group (RPI) is titular at each school of `FrEduRneResp`;
 * - `sn`, `givenName`, `personalTitle` and every value of `mail` give the name, civility and
 *   addresses (the first `mail` is the principal address).
 *
 * An LDAP export describes people, not schools: the schools named must already be in the
 * directory (a CSV import describes them); `plan.ts` refuses those it does not know.
 */
import { normalizeCivility } from '#shared/domain/directory.ts';
import { academieUaiProblem, normalizeUai } from '#shared/domain/uai.ts';
import type { ImportedDirector } from './input.ts';
import { type LdifEntry, valuesOf } from './ldif.ts';
import { mergeByLine, type RejectedLine } from './rows.ts';

/** The function code of a school director in `FrEduFonctAdm` and in `FrEduRne`'s function field. */
export const DIRECTOR_FUNCTION = 'DIR';

/** A `FrEduRne` value: `UAI$type$category$function$UAI of attachment$…`. */
type Posting = { uai: string; fn: string };

function postingOf(value: string): Posting {
  const [uai = '', , , fn = ''] = value.split('$');
  return { uai: normalizeUai(uai), fn: fn.trim().toUpperCase() };
}

/** The UAI at the head of a `FrEduRneResp` value (`0211234C$UAJ$PU$N$T1$EEPU$151`), or none for `X`. */
function responsibilityOf(value: string): string | undefined {
  const uai = normalizeUai(value.split('$')[0] ?? '');
  return uai === '' || uai === 'X' ? undefined : uai;
}

/** What the entries of a file give: the directors, the entries refused and the others skipped. */
export type LdifDirectors = { directors: ImportedDirector[]; rejected: RejectedLine[]; ignored: number };

/** Whether the entry is a school director's. */
export function isDirectorEntry(entry: LdifEntry): boolean {
  return valuesOf(entry, 'FrEduFonctAdm').some((value) => value.toUpperCase() === DIRECTOR_FUNCTION);
}

function directorOf(entry: LdifEntry, academicDomain: string): ImportedDirector | { problems: string[] } {
  const problems: string[] = [];
  const lastName = valuesOf(entry, 'sn')[0]?.replace(/\s+/g, ' ');
  const firstName = valuesOf(entry, 'givenName')[0]?.replace(/\s+/g, ' ');
  if (!lastName) problems.push('nom (sn) manquant');
  if (!firstName) problems.push('prénom (givenName) manquant');

  const suffix = `@${academicDomain}`;
  const emails = [...new Set(valuesOf(entry, 'mail').map((mail) => mail.toLowerCase()))];
  if (emails.length === 0) problems.push('adresse électronique (mail) manquante');
  for (const email of emails) {
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
      problems.push(`adresse électronique invalide : « ${email} »`);
    else if (!email.endsWith(suffix)) problems.push(`adresse non académique (${suffix} attendu) : ${email}`);
  }

  const postings = valuesOf(entry, 'FrEduRne').map(postingOf);
  const responsibilities = valuesOf(entry, 'FrEduRneResp').flatMap((value) => responsibilityOf(value) ?? []);
  const fromPostings = postings.filter((posting) => posting.fn === DIRECTOR_FUNCTION).map((p) => p.uai);
  const uais = [...new Set(responsibilities.length > 0 ? responsibilities : fromPostings)];
  if (uais.length === 0) {
    problems.push('aucune école : ni FrEduRneResp, ni FrEduRne de fonction DIR');
  }
  for (const uai of uais) {
    const problem = academieUaiProblem(uai);
    if (problem) problems.push(`école ${uai} : ${problem}`);
  }
  if (problems.length > 0 || !lastName || !firstName) return { problems };

  const civility = normalizeCivility(valuesOf(entry, 'personalTitle')[0]);
  // Without any post in the export we cannot tell; a titular director is the usual case.
  const interim = postings.length > 0 && !postings.some((posting) => posting.fn === DIRECTOR_FUNCTION);
  return {
    lines: [entry.line],
    ...(civility ? { civility } : {}),
    lastName,
    firstName,
    emails,
    assignments: uais.map((uai) => ({ uai, interim })),
  };
}

/**
 * The directors of an LDIF file's entries. An address found in two entries refuses both: we
 * cannot tell whose it is.
 */
export function directorsFromLdif(entries: readonly LdifEntry[], academicDomain: string): LdifDirectors {
  const rejected: RejectedLine[] = [];
  const read: ImportedDirector[] = [];
  let ignored = 0;
  for (const entry of entries) {
    if (!isDirectorEntry(entry)) {
      ignored++;
      continue;
    }
    const director = directorOf(entry, academicDomain.toLowerCase());
    if ('problems' in director) rejected.push({ line: entry.line, reason: director.problems.join(' ; ') });
    else read.push(director);
  }

  const linesByEmail = new Map<string, number[]>();
  for (const director of read) {
    for (const email of director.emails) {
      linesByEmail.set(email, [...(linesByEmail.get(email) ?? []), ...director.lines]);
    }
  }
  const directors: ImportedDirector[] = [];
  for (const director of read) {
    const shared = director.emails.filter((email) => (linesByEmail.get(email)?.length ?? 0) > 1);
    if (shared.length === 0) {
      directors.push(director);
      continue;
    }
    for (const email of shared) {
      const lines = (linesByEmail.get(email) ?? []).sort((a, b) => a - b).join(', ');
      rejected.push({
        line: director.lines[0] ?? 0,
        reason: `adresse ${email} présente dans plusieurs entrées (lignes ${lines})`,
      });
    }
  }
  return { directors, rejected: mergeByLine(rejected), ignored };
}
