/**
 * What an import file says, whatever its format: the directors it lists (each with every school
 * they direct and every address they use) and the schools it describes. The CSV reader and the
 * LDIF reader both end here, so the comparison with the directory (`plan.ts`) is written once.
 */
import type { Assignment } from '#shared/domain/directory.ts';
import type { DirectoryRow, RejectedLine } from './rows.ts';

/** A director as a file describes them. */
export type ImportedDirector = {
  /** The lines (CSV) or entry starts (LDIF) this director comes from, for reports. */
  lines: number[];
  civility?: string;
  lastName: string;
  firstName: string;
  /** Lower case, academic, the principal address first, no repeats. */
  emails: string[];
  /** Upper-case UAIs, file order, no repeats. */
  assignments: Assignment[];
};

/** A school as a file describes it (CSV only: an LDAP export of people does not describe schools). */
export type ImportedSchool = {
  line: number;
  uai: string;
  name: string;
  commune: string;
  circonscription: string;
  departement: string;
};

/** The good part of a file, ready to compare with the directory. */
export type ImportInput = {
  directors: ImportedDirector[];
  schools: ImportedSchool[];
};

/** The file formats an import reads. */
export type ImportFormat = 'csv' | 'ldif';

/** A file read: what to import, and what was refused while reading it. */
export type ParsedImport = ImportInput & {
  format: ImportFormat;
  rejected: RejectedLine[];
  encoding: 'utf-8' | 'windows-1252';
  /** CSV only. */
  separator?: string;
  /** Data lines (CSV) or entries (LDIF) read. */
  recordsRead: number;
  /** LDIF entries that are not directors (no `FrEduFonctAdm: DIR`), skipped without complaint. */
  ignored: number;
};

/**
 * Groups checked CSV rows (see `rejectConflictingRows`) into directors and schools: the rows of
 * one principal address become one director with every school they direct and the union of
 * their further addresses; the first row naming a school describes it.
 */
export function inputFromRows(rows: readonly DirectoryRow[]): ImportInput {
  const schools = new Map<string, ImportedSchool>();
  const directors = new Map<string, ImportedDirector>();
  for (const row of rows) {
    if (!schools.has(row.uai)) {
      schools.set(row.uai, {
        line: row.line,
        uai: row.uai,
        name: row.schoolName,
        commune: row.commune,
        circonscription: row.circonscription,
        departement: row.departement,
      });
    }
    const director = directors.get(row.email);
    if (director) {
      director.lines.push(row.line);
      if (!director.assignments.some((assignment) => assignment.uai === row.uai)) {
        director.assignments.push({ uai: row.uai, interim: row.interim });
      }
      for (const email of row.otherEmails) if (!director.emails.includes(email)) director.emails.push(email);
      continue;
    }
    directors.set(row.email, {
      lines: [row.line],
      ...(row.civility ? { civility: row.civility } : {}),
      lastName: row.lastName,
      firstName: row.firstName,
      emails: [row.email, ...row.otherEmails],
      assignments: [{ uai: row.uai, interim: row.interim }],
    });
  }
  return { directors: [...directors.values()], schools: [...schools.values()] };
}
