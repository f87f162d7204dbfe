/**
 * A directory import from a file, whatever its format: read (CSV or LDIF), compare with the
 * directory, and, when asked to, apply. The CLI, `npm start` and the API all go through
 * `importDirectoryFile`; the store behind `DirectoryImporter` does the comparing and the writing.
 */
import { DEFAULT_ACADEMIC_DOMAIN } from '#shared/domain/directory.ts';
import { type ImportFormat, type ImportInput, inputFromRows, type ParsedImport } from './input.ts';
import { LdifFormatError, readLdif } from './ldif.ts';
import { directorsFromLdif } from './ldif-directors.ts';
import type { DirectorChange, ImportCounts } from './plan.ts';
import {
  type DirectoryReadOptions,
  mergeByLine,
  parseDirectoryCsv,
  type RejectedLine,
  readingFile,
} from './rows.ts';

export type { DirectorChange, ImportCounts, ImportFormat, RejectedLine };

/** Progress of a long import, for a CLI to show. */
export type ImportProgress = {
  /** `write`: contact entries and audit entries of an applied import. */
  phase: 'read' | 'write';
  done: number;
  total: number;
};

/** How to run an import. */
export type ImportOptions = {
  /** false: compare and report only, nothing is written. */
  apply: boolean;
  /** Stamped on what is written (the domain never reads the clock). */
  now: Date;
  /** Who imports (an e-mail, `cli:<user>`, `npm start`), stamped on what is written and audited. */
  actor: string;
  /**
   * The generation a dry run was made against: the apply is refused if the directory changed
   * since, so what is applied is what was reviewed. Absent: apply against the current one.
   */
  basedOn?: number;
  onProgress?: (progress: ImportProgress) => void;
};

/**
 * The outcome of an import, dry run or applied. The top-level counts are directors (what a
 * person checks); `schools` counts the schools the file describes.
 */
export type ImportReport = ImportCounts & {
  applied: boolean;
  /** Active directors of the covered départements missing from the file (shown as removals). */
  deactivated: number;
  schools: ImportCounts;
  /** Lines refused, in line order, each with its French reason. */
  rejected: RejectedLine[];
  /** The départements the file describes: only those are changed. */
  coveredDepartements: string[];
  /** Each director added, changed or deactivated. */
  changes: DirectorChange[];
  /** The generation compared against (pass it back as `basedOn` to apply exactly this). */
  basedOn: number;
  /** The generation after the import: `basedOn` when nothing was written. */
  generation: number;
};

/** The port through which the CLI and the API import a directory. */
export type DirectoryImporter = {
  importDirectory(input: ImportInput, options: ImportOptions): Promise<ImportReport>;
};

/** An import from a file: the store's report with the file's own rejections merged in. */
export type DirectoryFileReport = ImportReport & {
  format: ImportFormat;
  encoding: ParsedImport['encoding'];
  separator?: string;
  /** Data lines (CSV) or entries (LDIF) read. */
  recordsRead: number;
  /** LDIF entries skipped because they are not directors' entries. */
  ignored: number;
};

/** Hints about a file's format, from its name or the request that carried it. */
export type FormatHint = { format?: ImportFormat; fileName?: string; contentType?: string };

/**
 * The format of a file: an explicit format, else its name's extension, else its content type,
 * else its first meaningful line (`dn:` or `version:` opens an LDIF file).
 */
export function detectFormat(input: Uint8Array | string, hint: FormatHint = {}): ImportFormat {
  if (hint.format) return hint.format;
  const extension = /\.(csv|ldif)$/i.exec(hint.fileName ?? '')?.[1]?.toLowerCase();
  if (extension === 'csv' || extension === 'ldif') return extension;
  const type = (hint.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (/ldif$/.test(type)) return 'ldif';
  if (type === 'text/csv') return 'csv';
  const head = (typeof input === 'string' ? input : Buffer.from(input).subarray(0, 4096).toString('latin1'))
    .replace(/^(\uFEFF|ï»¿)/, '')
    .split(/\r\n|\n|\r/)
    .find((line) => line.trim() !== '' && !line.startsWith('#'));
  return /^(dn|version)::?\s/i.test(head ?? '') ? 'ldif' : 'csv';
}

/**
 * Reads a directory file (CSV or LDIF) into what to import and what it refuses.
 * @throws DirectoryFileError when the file as a whole cannot be used.
 */
export function parseDirectoryFile(
  input: Uint8Array | string,
  options: DirectoryReadOptions & FormatHint = {},
): ParsedImport {
  const format = detectFormat(input, options);
  if (format === 'csv') {
    const parsed = parseDirectoryCsv(input, options);
    return {
      format,
      ...inputFromRows(parsed.rows),
      rejected: parsed.rejected,
      encoding: parsed.encoding,
      separator: parsed.separator,
      recordsRead: parsed.linesRead,
      ignored: 0,
    };
  }
  const file = readingFile(() => readLdif(input), LdifFormatError);
  const read = directorsFromLdif(file.entries, options.academicDomain ?? DEFAULT_ACADEMIC_DOMAIN);
  return {
    format,
    directors: read.directors,
    schools: [],
    rejected: mergeByLine([...file.rejected, ...read.rejected]),
    encoding: file.encoding,
    recordsRead: file.entries.length + file.rejected.length,
    ignored: read.ignored,
  };
}

/**
 * Reads a file and imports its good part: what the CLI, `npm start` and the API run. Lines
 * refused by the reader and by the store come back together, in line order.
 * @throws DirectoryFileError when the file as a whole cannot be used (nothing is written).
 */
export async function importDirectoryFile(
  input: Uint8Array | string,
  importer: DirectoryImporter,
  options: ImportOptions & DirectoryReadOptions & FormatHint,
): Promise<DirectoryFileReport> {
  const parsed = parseDirectoryFile(input, options);
  const report = await importer.importDirectory(parsed, options);
  return {
    ...report,
    rejected: mergeByLine([...parsed.rejected, ...report.rejected]),
    format: parsed.format,
    encoding: parsed.encoding,
    ...(parsed.separator === undefined ? {} : { separator: parsed.separator }),
    recordsRead: parsed.recordsRead,
    ignored: parsed.ignored,
  };
}
