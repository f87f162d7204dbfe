/**
 * Reading LDIF (RFC 2849) as `ldapsearch` and the académie's annuaire exports write it: entries
 * separated by blank lines, long values folded on lines starting with one space, comments,
 * `attr:: base64` for values that are not plain ASCII, attribute options (`cn;lang-fr`). This
 * module knows nothing of directors: it turns bytes into entries, each with the line its `dn:`
 * is on, so that a refused entry can be pointed at.
 */
import { decodeCsvBytes } from './csv.ts';

/** One entry: its DN, and its attributes by lower-case name (options dropped), values in file order. */
export type LdifEntry = {
  /** The line of its `dn:` (the first line is 1). */
  line: number;
  dn: string;
  attributes: Map<string, string[]>;
};

/** A problem with one entry or one line, in French. */
export type LdifProblem = { line: number; reason: string };

/** A whole LDIF file. */
export type LdifFile = {
  encoding: 'utf-8' | 'windows-1252';
  entries: LdifEntry[];
  /** Entries that could not be read at all (no `dn:`, a change record, a broken line). */
  rejected: LdifProblem[];
};

/** Raised when a file cannot be read as LDIF at all; the message is French, for the person importing. */
export class LdifFormatError extends Error {
  override name = 'LdifFormatError';
}

type LogicalLine = { line: number; text: string };

/**
 * Physical lines to logical ones: continuations (a line starting with one space) joined to the
 * line before, comments dropped with their continuations, records split on empty lines.
 */
function records(text: string): LogicalLine[][] {
  const result: LogicalLine[][] = [];
  let current: LogicalLine[] = [];
  let inComment = false;
  const physical = text.split(/\r\n|\n|\r/);
  physical.forEach((raw, index) => {
    const line = index + 1;
    if (raw === '') {
      if (current.length > 0) result.push(current);
      current = [];
      inComment = false;
      return;
    }
    if (raw.startsWith(' ')) {
      if (inComment) return;
      const last = current.at(-1);
      // A continuation with nothing to continue: keep it as a line of its own, reported below.
      if (last) last.text += raw.slice(1);
      else current.push({ line, text: raw });
      return;
    }
    inComment = raw.startsWith('#');
    if (!inComment) current.push({ line, text: raw });
  });
  if (current.length > 0) result.push(current);
  return result;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A base64 value's bytes as text: UTF-8 as the RFC says, Windows-1252 if an exporter did otherwise. */
function decodeBase64Value(value: string): string {
  const bytes = Buffer.from(value.replace(/\s/g, ''), 'base64');
  try {
    return strictUtf8.decode(bytes);
  } catch {
    // A fatal TextDecoder throws only on bytes that are not UTF-8: read them as an exporter's
    // Windows-1252 instead.
    return decodeCsvBytes(bytes).text;
  }
}

const ATTRIBUTE_LINE = /^([A-Za-z0-9][A-Za-z0-9-]*(?:;[A-Za-z0-9-]+)*)(::|:<|:)\s*(.*)$/;

type ParsedLine = { name: string; value: string } | { problem: string };

function parseLine(text: string): ParsedLine {
  const match = ATTRIBUTE_LINE.exec(text);
  if (!match) return { problem: `ligne LDIF illisible : « ${text.slice(0, 60)} »` };
  const [, fullName = '', kind, value = ''] = match;
  const name = (fullName.split(';')[0] ?? '').toLowerCase();
  if (kind === ':<') return { problem: `valeur par URL non prise en charge (attribut ${name})` };
  return { name, value: kind === '::' ? decodeBase64Value(value) : value.trimEnd() };
}

/**
 * Reads an LDIF export into its entries. An entry that cannot be read is reported with its line
 * and skipped, so one broken entry never stops the others.
 * @throws LdifFormatError when the file holds no entry at all.
 */
export function readLdif(input: Uint8Array | string): LdifFile {
  const decoded =
    typeof input === 'string'
      ? { text: input.replace(/^\uFEFF/, ''), encoding: 'utf-8' as const }
      : decodeCsvBytes(input);
  const entries: LdifEntry[] = [];
  const rejected: LdifProblem[] = [];

  for (const record of records(decoded.text)) {
    const lines = [...record];
    // `version: 1` opens the file, alone or directly above the first entry.
    if (/^version:/i.test(lines[0]?.text ?? '')) lines.shift();
    const first = lines[0];
    if (!first) continue;
    // `ldapsearch` without -LLL ends with `search: 2` / `result: 0 Success`: not an entry.
    if (/^search:\s*\d+$/i.test(first.text)) continue;
    const head = parseLine(first.text);
    if ('problem' in head || head.name !== 'dn') {
      rejected.push({ line: first.line, reason: 'entrée LDIF sans « dn: » en tête' });
      continue;
    }
    const attributes = new Map<string, string[]>();
    let problem: LdifProblem | undefined;
    for (const { line, text } of lines.slice(1)) {
      const parsed = parseLine(text);
      if ('problem' in parsed) {
        problem = { line, reason: parsed.problem };
        break;
      }
      if (parsed.name === 'changetype') {
        problem = {
          line: first.line,
          reason: `enregistrement de modification LDIF (changetype: ${parsed.value}) non pris en charge : exportez les entrées elles-mêmes`,
        };
        break;
      }
      attributes.set(parsed.name, [...(attributes.get(parsed.name) ?? []), parsed.value]);
    }
    if (problem) {
      rejected.push(problem);
      continue;
    }
    entries.push({ line: first.line, dn: head.value, attributes });
  }

  if (entries.length === 0 && rejected.length === 0) {
    throw new LdifFormatError('Le fichier LDIF ne contient aucune entrée.');
  }
  return { encoding: decoded.encoding, entries, rejected };
}

/** The values of an attribute (name in any case), trimmed, empty ones dropped. */
export function valuesOf(entry: LdifEntry, name: string): string[] {
  return (entry.attributes.get(name.toLowerCase()) ?? [])
    .map((value) => value.trim())
    .filter((value) => value !== '');
}
