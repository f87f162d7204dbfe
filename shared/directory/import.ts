/**
 * A directory import, independent of where the directory is stored: validated rows are grouped
 * into schools and directors (one person may direct several schools), then handed to a store
 * that compares them with what it holds and, when asked to, writes the difference.
 *
 * Issue #4 extends this without changing its shape: removals (directors of the covered
 * départements missing from the file, reported as `deactivated`), LDIF as a second reader
 * feeding the same rows, and an audit entry per change.
 */
import type { School } from '#shared/domain/directory.ts';
import {
  type DirectoryParseResult,
  type DirectoryReadOptions,
  type DirectoryRow,
  parseDirectoryCsv,
  type RejectedLine,
} from './rows.ts';

/** A director as the directory holds them: one entry per person, keyed by their address. */
export type DirectorEntry = {
  /** Stable id, derived from the address: see `directorIdOf`. */
  id: string;
  email: string;
  civility?: string;
  lastName: string;
  firstName: string;
  /** The UAIs of the schools they direct, in file order. */
  schoolUais: string[];
  /** The source lines this entry was built from. */
  lines: number[];
};

/** What a file says the directory is: its schools and its directors. */
export type DirectorySnapshot = { schools: School[]; directors: DirectorEntry[] };

/** How many entries an import adds, changes or leaves as they are. */
export type ImportCounts = { added: number; changed: number; unchanged: number };

/**
 * The outcome of an import, dry run or applied. The top-level counts are directors (what a
 * person checks); `schools` details the schools. Issue #4 adds `deactivated`.
 */
export type ImportReport = ImportCounts & {
  schools: ImportCounts;
  /** Lines the store refused (rows contradicting each other), in line order. */
  rejected: RejectedLine[];
};

/** Progress of a long import, for a CLI to show. */
export type ImportProgress = { phase: 'read' | 'write'; done: number; total: number };

/** How to run an import. */
export type ImportOptions = {
  /** false: compare and report only, nothing is written. */
  apply: boolean;
  /** Stamped on what is written (the domain never reads the clock). */
  now: Date;
  /** Who imports (an e-mail, `cli:<user>`, `npm start`), stamped on what is written. */
  actor: string;
  onProgress?: (progress: ImportProgress) => void;
};

/** The port through which the CLI and the API import a directory. */
export type DirectoryImporter = {
  importDirectory(rows: readonly DirectoryRow[], options: ImportOptions): Promise<ImportReport>;
};

/** An import from a file: the store's report with the file's own rejections merged in. */
export type DirectoryFileReport = ImportReport & {
  applied: boolean;
  encoding: DirectoryParseResult['encoding'];
  separator: DirectoryParseResult['separator'];
  linesRead: number;
};

/**
 * The id of a director: their address in lower case. Readable in logs and URLs, and stable for
 * as long as the académie keeps the address, which is how its exports identify a person.
 */
export function directorIdOf(email: string): string {
  return email.trim().toLowerCase();
}

/** A school's functional mailbox, `ce.<uai>@<domain>`, in lower case as it is used. */
export function schoolMailboxOf(uai: string, academicDomain = 'ac-dijon.fr'): string {
  return `ce.${uai.trim().toLowerCase()}@${academicDomain.toLowerCase()}`;
}

/**
 * Groups rows into schools and directors: the rows of one address become one director with
 * every school they direct; the first row naming a school describes it. Rows are expected to
 * have passed `rejectConflictingRows`.
 */
export function buildDirectorySnapshot(
  rows: readonly DirectoryRow[],
  options: DirectoryReadOptions = {},
): DirectorySnapshot {
  const schools = new Map<string, School>();
  const directors = new Map<string, DirectorEntry>();
  for (const row of rows) {
    if (!schools.has(row.uai)) {
      schools.set(row.uai, {
        uai: row.uai,
        name: row.schoolName,
        commune: row.commune,
        circonscription: row.circonscription,
        departement: row.departement,
        mailbox: schoolMailboxOf(row.uai, options.academicDomain),
      });
    }
    const id = directorIdOf(row.email);
    const director = directors.get(id);
    if (director) {
      if (!director.schoolUais.includes(row.uai)) director.schoolUais.push(row.uai);
      director.lines.push(row.line);
      continue;
    }
    directors.set(id, {
      id,
      email: row.email,
      ...(row.civility ? { civility: row.civility } : {}),
      lastName: row.lastName,
      firstName: row.firstName,
      schoolUais: [row.uai],
      lines: [row.line],
    });
  }
  return { schools: [...schools.values()], directors: [...directors.values()] };
}

/**
 * Reads a CSV file and imports its good rows: what the CLI, `npm start` and the API run. Lines
 * refused by the reader and by the store come back together, in line order.
 * @throws DirectoryFileError when the file as a whole cannot be used (nothing is written).
 */
export async function importDirectoryFile(
  input: Uint8Array | string,
  importer: DirectoryImporter,
  options: ImportOptions & DirectoryReadOptions,
): Promise<DirectoryFileReport> {
  const parsed = parseDirectoryCsv(input, options);
  const report = await importer.importDirectory(parsed.rows, options);
  return {
    ...report,
    rejected: [...parsed.rejected, ...report.rejected].sort((a, b) => a.line - b.line),
    applied: options.apply,
    encoding: parsed.encoding,
    separator: parsed.separator,
    linesRead: parsed.linesRead,
  };
}
