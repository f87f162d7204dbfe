/**
 * Reading the académie's CSV exports as they come: UTF-8 or Windows-1252 (spreadsheets on
 * Windows still save in it), with or without a BOM, cells separated by `;` (the French Excel
 * default) or `,`. This module knows nothing of directors: it turns bytes into cells with the
 * line number a person sees in their editor.
 */
import { parse } from 'csv-parse/sync';

/** The encodings an export can come in. */
export type CsvEncoding = 'utf-8' | 'windows-1252';

/** The separators accepted, in order of preference when a header line is ambiguous. */
export const CSV_SEPARATORS = [';', ',', '\t'] as const;
export type CsvSeparator = (typeof CSV_SEPARATORS)[number];

/** One data record and the line of the file it starts on (the header is line 1). */
export type CsvRecord = { line: number; cells: string[] };

/** A whole CSV file: its header cells, its records, and what was detected to read it. */
export type CsvTable = {
  encoding: CsvEncoding;
  separator: CsvSeparator;
  header: string[];
  /** The line the header is on (1 unless the file starts with empty lines). */
  headerLine: number;
  records: CsvRecord[];
};

/** Raised when a file cannot be read as CSV at all; the message is French, for the person importing. */
export class CsvFormatError extends Error {
  override name = 'CsvFormatError';
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const windows1252 = new TextDecoder('windows-1252');

/**
 * What Windows-1252 puts at bytes 0x80–0x9F (`€`, `’`, `œ`, `Œ`…), U+FFFD where it puts nothing.
 * Node 20 (since 20.18.3) decodes `windows-1252` as plain Latin-1 and leaves C1 control
 * characters there (nodejs/node#56542); a runtime that follows the WHATWG standard already maps
 * them. Mapping whatever C1 character is left makes the result the same on both, without
 * iconv-lite's tables (480 KB of the api bundle, for the one code page read here).
 */
const WINDOWS_1252_HIGH = '€\uFFFD‚ƒ„…†‡ˆ‰Š‹Œ\uFFFDŽ\uFFFD\uFFFD‘’“”•–—˜™š›œ\uFFFDžŸ';

/**
 * Decodes an export: valid UTF-8 is taken as UTF-8 (Windows-1252 text with accents is almost
 * never valid UTF-8), anything else as Windows-1252. A leading BOM is dropped either way.
 */
export function decodeCsvBytes(bytes: Uint8Array): { text: string; encoding: CsvEncoding } {
  let text: string;
  let encoding: CsvEncoding;
  try {
    // TextDecoder drops a UTF-8 BOM itself.
    text = strictUtf8.decode(bytes);
    encoding = 'utf-8';
  } catch {
    // A fatal TextDecoder throws only on bytes that are not UTF-8: that is the answer sought.
    text = windows1252
      .decode(bytes)
      .replace(/[\u0080-\u009f]/g, (char) => WINDOWS_1252_HIGH[char.charCodeAt(0) - 0x80] ?? char);
    encoding = 'windows-1252';
  }
  // A BOM read as Windows-1252 (UTF-8 BOM on a file later edited in another encoding) shows as "ï»¿".
  return { text: text.replace(/^(\uFEFF|ï»¿)/, ''), encoding };
}

/**
 * The separator of a file, chosen from its header line: the candidate found most often outside
 * quotes, `;` when none is found (a one-column header then fails on its missing columns, which
 * says more than a guess would).
 */
export function detectSeparator(headerLine: string): CsvSeparator {
  const unquoted = headerLine.replace(/"[^"]*"/g, '');
  let best: CsvSeparator = ';';
  let bestCount = 0;
  for (const candidate of CSV_SEPARATORS) {
    const count = unquoted.split(candidate).length - 1;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

/**
 * Parses a CSV export into its header and records, keeping each record's starting line so that
 * a rejected row can be pointed at. Rows made only of empty cells (spreadsheets leave them at
 * the end) are skipped; rows with a different number of cells are kept for the caller to judge.
 * @throws CsvFormatError when the file is empty or its quoting is broken.
 */
export function readCsv(input: Uint8Array | string): CsvTable {
  const decoded =
    typeof input === 'string'
      ? { text: input.replace(/^\uFEFF/, ''), encoding: 'utf-8' as const }
      : decodeCsvBytes(input);
  // One line-ending convention, so that line numbers count what an editor shows.
  const text = decoded.text.replace(/\r\n?/g, '\n');
  const headerText = text.split('\n').find((line) => line.trim() !== '');
  if (headerText === undefined) throw new CsvFormatError('Le fichier est vide.');
  const separator = detectSeparator(headerText);

  let parsed: Array<{ record: string[]; info: { lines: number } }>;
  try {
    // The typings do not follow `info: true`, which wraps each record with its position.
    parsed = parse(text, {
      delimiter: separator,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as typeof parsed;
  } catch (error) {
    const line = (error as { lines?: unknown }).lines;
    const where = typeof line === 'number' ? ` vers la ligne ${line}` : '';
    throw new CsvFormatError(`Fichier CSV illisible${where} : guillemets mal fermés ou mal placés.`, {
      cause: error,
    });
  }

  const records: CsvRecord[] = [];
  for (const { record, info } of parsed) {
    // csv-parse reports the line a record ends on; a quoted cell may span several lines.
    const innerBreaks = record.reduce((sum, cell) => sum + (cell.split('\n').length - 1), 0);
    records.push({ line: info.lines - innerBreaks, cells: record });
  }
  const [headerRecord, ...dataRecords] = records;
  if (!headerRecord) throw new CsvFormatError('Le fichier est vide.');
  return {
    encoding: decoded.encoding,
    separator,
    header: headerRecord.cells,
    headerLine: headerRecord.line,
    records: dataRecords.filter((record) => record.cells.some((cell) => cell.trim() !== '')),
  };
}
