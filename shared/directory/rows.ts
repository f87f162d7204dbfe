/**
 * Directory rows: one line of a CSV export, validated, with the line it came from.
 *
 * A row is one director at one school; the checks across rows (one address, one person; one
 * school, one description) run here, then `input.ts` groups the rows into the format-independent
 * import input that the LDIF reader produces too.
 */
import * as z from 'zod';
import { DEFAULT_ACADEMIC_DOMAIN, normalizeCivility } from '#shared/domain/directory.ts';
import { DeskError } from '#shared/domain/errors.ts';
import { withoutAccents } from '#shared/domain/text.ts';
import {
  ACADEMIE_DEPARTEMENTS,
  DEPARTEMENT_NAMES,
  departementOfUai,
  isAcademieDepartement,
  normalizeUai,
  uaiProblem,
} from '#shared/domain/uai.ts';
import { type CsvEncoding, CsvFormatError, type CsvSeparator, readCsv } from './csv.ts';

/** One director-at-a-school line of the directory, validated and normalised. */
export const DirectoryRow = z.object({
  /** Line of the source file (the CSV header is line 1), for reports. */
  line: z.number().int().positive(),
  /** Upper case, check letter verified. */
  uai: z.string(),
  schoolName: z.string().min(1),
  commune: z.string().min(1),
  circonscription: z.string().min(1),
  departement: z.enum(ACADEMIE_DEPARTEMENTS),
  civility: z.string().min(1).optional(),
  lastName: z.string().min(1),
  firstName: z.string().min(1),
  /** Lower case, in the academic domain: the principal address. */
  email: z.string(),
  /** Further addresses of the same person (lower case, academic), recognised too. */
  otherEmails: z.array(z.string()),
  /** A « faisant fonction »: acting director of this school. */
  interim: z.boolean(),
});
export type DirectoryRow = z.infer<typeof DirectoryRow>;

/** A line the import refused, and why, in French. */
export type RejectedLine = { line: number; reason: string };

/** What reading a directory file gives: the rows to load and the lines refused. */
export type DirectoryParseResult = {
  rows: DirectoryRow[];
  rejected: RejectedLine[];
  encoding: CsvEncoding;
  separator: CsvSeparator;
  /** Data lines read (header and empty lines not counted). */
  linesRead: number;
};

/** Options of the directory readers. */
export type DirectoryReadOptions = {
  /** The only e-mail domain accepted for directors, compared exactly. Default `ac-dijon.fr`. */
  academicDomain?: string;
};

/**
 * Raised when a directory file cannot be imported at all (unreadable, missing columns). The
 * message is French and meant to be shown as is; nothing has been written when it is thrown.
 */
export class DirectoryFileError extends DeskError {
  override name = 'DirectoryFileError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid', 'directory_file_invalid', message, options);
  }
}

/**
 * Runs a file reader, turning its format error (a French message for the person importing) into
 * a `DirectoryFileError`; any other error is a fault and passes as it is.
 */
export function readingFile<T>(read: () => T, formatError: new (message: string) => Error): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof formatError) throw new DirectoryFileError(error.message, { cause: error });
    throw error;
  }
}

/** The CSV columns, by their canonical header name, in the order the export writes them. */
export const DIRECTORY_COLUMNS = [
  'uai',
  'ecole',
  'commune',
  'circonscription',
  'departement',
  'civilite',
  'nom',
  'prenom',
  'email',
  'emails_secondaires',
  'faisant_fonction',
] as const;
export type DirectoryColumn = (typeof DIRECTORY_COLUMNS)[number];

/**
 * Columns an export may lack: civility is often left empty, most people have one address, and
 * few schools have an acting director. Every other column must be in the header.
 */
const OPTIONAL_COLUMNS: ReadonlySet<DirectoryColumn> = new Set([
  'civilite',
  'emails_secondaires',
  'faisant_fonction',
]);

/** The columns a file must have, for messages. */
const REQUIRED_COLUMNS = DIRECTORY_COLUMNS.filter((column) => !OPTIONAL_COLUMNS.has(column));

/**
 * Other header spellings met in the académie's exports, compared after `headerKey`. Kept
 * short on purpose: a header we do not recognise is reported as a missing column.
 */
const COLUMN_ALIASES: Readonly<Record<DirectoryColumn, readonly string[]>> = {
  uai: ['uai', 'rne', 'codeuai'],
  ecole: ['ecole', 'nomecole'],
  commune: ['commune'],
  circonscription: ['circonscription'],
  departement: ['departement'],
  civilite: ['civilite'],
  nom: ['nom'],
  prenom: ['prenom'],
  email: ['email', 'mail', 'courriel'],
  emails_secondaires: ['emailssecondaires', 'autresemails', 'autresadresses', 'emailsecondaire'],
  faisant_fonction: ['faisantfonction', 'ff', 'interim', 'interimaire'],
};

/**
 * Cells the export protected against spreadsheet formulas start with a quote before `=`, `+`,
 * `-`, `@`, a tab or a carriage return (see `export.ts`): the quote is not part of the value.
 */
export function unprotectCell(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

const YES = new Set(['oui', 'o', 'x', '1', 'vrai', 'true', 'ff', 'yes', 'y']);
const NO = new Set(['', 'non', 'n', '0', 'faux', 'false', 'no']);

/** Splits a cell of further addresses: spaces, commas, semicolons or bars between them. */
function splitAddresses(cell: string): string[] {
  return cell
    .split(/[\s,;|]+/)
    .map((address) => address.toLowerCase())
    .filter((address) => address !== '');
}

/** Folds case, accents, spaces and punctuation, so that `Prénom`, ` PRENOM ` and `e-mail` compare. */
export function headerKey(header: string): string {
  return withoutAccents(header)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** Trims and collapses inner runs of spaces (exports pad cells and double spaces). */
function tidy(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The same person whatever the case, accents or spacing of their names. */
function personKey(lastName: string, firstName: string): string {
  return `${headerKey(lastName)}|${headerKey(firstName)}`;
}

const DEPARTEMENT_BY_NAME = new Map(
  Object.entries(DEPARTEMENT_NAMES).map(([code, name]) => [headerKey(name), code]),
);

/** Reads a département cell: `21`, `021` or the département's name. */
function departementCode(cell: string): string {
  const compact = cell.replace(/\s/g, '');
  const numeric = /^0?(\d{2})$/.exec(compact);
  if (numeric?.[1]) return numeric[1];
  return DEPARTEMENT_BY_NAME.get(headerKey(cell)) ?? cell;
}

/** The schema of one row's raw cells, with the French reasons a person reads in the report. */
function rowSchema(academicDomain: string) {
  const required = (missing: string) => z.string().transform(tidy).pipe(z.string().min(1, missing));
  const domainSuffix = `@${academicDomain}`;
  const academicEmail = z
    .email({ error: (issue) => `adresse électronique invalide : « ${String(issue.input)} »` })
    .refine((email) => email.endsWith(domainSuffix), {
      error: (issue) => `adresse non académique (${domainSuffix} attendu) : ${String(issue.input)}`,
    });
  return z
    .object({
      line: z.number(),
      uai: required('UAI manquant')
        .transform(normalizeUai)
        .superRefine((uai, ctx) => {
          const problem = uaiProblem(uai);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        }),
      ecole: required("nom d'école manquant"),
      commune: required('commune manquante'),
      circonscription: required('circonscription manquante'),
      departement: required('département manquant')
        .transform(departementCode)
        .refine(isAcademieDepartement, {
          error: (issue) =>
            `département ${String(issue.input)} hors de l'académie de Dijon (${ACADEMIE_DEPARTEMENTS.join(', ')} attendus)`,
        }),
      civilite: z.string().transform(normalizeCivility),
      nom: required('nom manquant'),
      prenom: required('prénom manquant'),
      email: required('adresse électronique manquante')
        .transform((email) => email.toLowerCase())
        .pipe(academicEmail),
      emails_secondaires: z.string().transform(splitAddresses).pipe(z.array(academicEmail)),
      faisant_fonction: z
        .string()
        .transform((cell) => tidy(cell).toLowerCase())
        .refine((cell) => YES.has(cell) || NO.has(cell), {
          error: (issue) => `faisant_fonction invalide : « ${String(issue.input)} » (oui ou non attendu)`,
        })
        .transform((cell) => YES.has(cell)),
    })
    .superRefine((row, ctx) => {
      // Zod runs this even when a field failed: compare only two values that are valid on their own.
      if (!isAcademieDepartement(row.departement) || uaiProblem(row.uai ?? '') !== undefined) return;
      const fromUai = departementOfUai(row.uai);
      if (fromUai !== row.departement) {
        ctx.addIssue({
          code: 'custom',
          path: ['departement'],
          message: `le département ${row.departement} ne correspond pas à l'UAI ${row.uai}`,
        });
      }
    })
    .transform(
      (row): DirectoryRow => ({
        line: row.line,
        uai: row.uai,
        schoolName: row.ecole,
        commune: row.commune,
        circonscription: row.circonscription,
        departement: row.departement,
        ...(row.civilite ? { civility: row.civilite } : {}),
        lastName: row.nom,
        firstName: row.prenom,
        email: row.email,
        otherEmails: [...new Set(row.emails_secondaires.filter((email) => email !== row.email))],
        interim: row.faisant_fonction,
      }),
    );
}

/**
 * Maps header cells to column positions.
 * @throws DirectoryFileError naming, in French, the required columns that are missing.
 */
export function mapDirectoryHeader(header: readonly string[]): Map<DirectoryColumn, number> {
  const positions = new Map<DirectoryColumn, number>();
  header.forEach((cell, index) => {
    const key = headerKey(cell);
    const column = DIRECTORY_COLUMNS.find((candidate) => COLUMN_ALIASES[candidate].includes(key));
    if (column === undefined) return;
    if (positions.has(column)) {
      throw new DirectoryFileError(`Colonne en double dans l'en-tête : ${column}.`);
    }
    positions.set(column, index);
  });
  const missing = REQUIRED_COLUMNS.filter((column) => !positions.has(column));
  if (missing.length > 0) {
    const plural = missing.length > 1;
    throw new DirectoryFileError(
      `Colonne${plural ? 's' : ''} manquante${plural ? 's' : ''} dans l'en-tête : ${missing.join(', ')} ` +
        `(colonnes attendues : ${REQUIRED_COLUMNS.join(', ')} ; facultatives : ${[...OPTIONAL_COLUMNS].join(', ')}).`,
    );
  }
  return positions;
}

/**
 * An address as claimed by a line that failed other checks: it still shows that the address is
 * disputed, so the valid line using it is not handed the address by default.
 */
export type EmailClaim = Pick<DirectoryRow, 'line' | 'email' | 'lastName' | 'firstName'> & {
  /** The principal address of the line that claims `email` (itself for a principal address). */
  principal?: string;
};

/** Every address a row claims: its principal one and the further ones. */
function claimsOf(row: DirectoryRow): EmailClaim[] {
  const own = { line: row.line, lastName: row.lastName, firstName: row.firstName, principal: row.email };
  return [row.email, ...row.otherEmails].map((email) => ({ ...own, email }));
}

/**
 * Refuses rows that contradict each other, which no single line shows: one address used by two
 * different people, or by one person under two principal addresses (every line with it is
 * refused: we cannot tell whose it is), the same director and school twice, a school described
 * differently on two lines (the first description wins). Idempotent, so it may run again on
 * rows from any source.
 */
export function rejectConflictingRows(
  rows: readonly DirectoryRow[],
  otherClaims: readonly EmailClaim[] = [],
): {
  rows: DirectoryRow[];
  rejected: RejectedLine[];
} {
  const rejected: RejectedLine[] = [];

  const claimsByEmail = new Map<string, EmailClaim[]>();
  for (const claim of [...rows.flatMap(claimsOf), ...otherClaims]) {
    claimsByEmail.set(claim.email, [...(claimsByEmail.get(claim.email) ?? []), claim]);
  }
  const sharedEmails = new Set<string>();
  for (const [email, claims] of claimsByEmail) {
    const people = new Set(claims.map((claim) => personKey(claim.lastName, claim.firstName)));
    const principals = new Set(claims.map((claim) => claim.principal ?? claim.email));
    if (people.size < 2 && principals.size < 2) continue;
    sharedEmails.add(email);
    const lines = [...new Set(claims.map((claim) => claim.line))].sort((a, b) => a - b).join(', ');
    const reason =
      people.size > 1
        ? `adresse ${email} utilisée par plusieurs personnes (lignes ${lines})`
        : `adresse ${email} rattachée à deux adresses principales différentes (lignes ${lines}) : écrivez la même adresse principale sur toutes les lignes d'une personne`;
    for (const line of new Set(claims.map((claim) => claim.line))) rejected.push({ line, reason });
  }

  const kept: DirectoryRow[] = [];
  const firstAssignment = new Map<string, number>();
  const firstSchool = new Map<string, DirectoryRow>();
  for (const row of rows) {
    if ([row.email, ...row.otherEmails].some((email) => sharedEmails.has(email))) continue;
    const assignment = `${row.email}|${row.uai}`;
    const earlierLine = firstAssignment.get(assignment);
    if (earlierLine !== undefined) {
      rejected.push({
        line: row.line,
        reason: `ligne en double : même directeur et même école qu'à la ligne ${earlierLine}`,
      });
      continue;
    }
    const school = firstSchool.get(row.uai);
    if (school && !sameSchool(school, row)) {
      rejected.push({
        line: row.line,
        reason: `école ${row.uai} décrite autrement qu'à la ligne ${school.line} (nom, commune ou circonscription)`,
      });
      continue;
    }
    firstAssignment.set(assignment, row.line);
    if (!school) firstSchool.set(row.uai, row);
    kept.push(row);
  }
  return { rows: kept, rejected: mergeByLine(rejected) };
}

function sameSchool(a: DirectoryRow, b: DirectoryRow): boolean {
  return (
    a.schoolName === b.schoolName &&
    a.commune === b.commune &&
    a.circonscription === b.circonscription &&
    a.departement === b.departement
  );
}

/**
 * Reads a CSV export of the directory (either separator, UTF-8 or Windows-1252, BOM or not)
 * into the rows to load and the lines refused with their reason, so that one bad line never
 * stops the good ones from loading.
 * @throws DirectoryFileError when the file as a whole cannot be used.
 */
export function parseDirectoryCsv(
  input: Uint8Array | string,
  options: DirectoryReadOptions = {},
): DirectoryParseResult {
  const table = readingFile(() => readCsv(input), CsvFormatError);
  const positions = mapDirectoryHeader(table.header);
  const schema = rowSchema((options.academicDomain ?? DEFAULT_ACADEMIC_DOMAIN).toLowerCase());

  const valid: DirectoryRow[] = [];
  const rejected: RejectedLine[] = [];
  const claims: EmailClaim[] = [];
  for (const record of table.records) {
    const extra = record.cells.slice(table.header.length);
    if (record.cells.length < table.header.length || extra.some((cell) => cell.trim() !== '')) {
      rejected.push({
        line: record.line,
        reason: `nombre de cellules incorrect : ${record.cells.length} au lieu de ${table.header.length} (séparateur « ${table.separator} » dans une valeur non entourée de guillemets ?)`,
      });
      continue;
    }
    const cell = (column: DirectoryColumn) => {
      const index = positions.get(column);
      return index === undefined ? '' : unprotectCell(record.cells[index] ?? '');
    };
    const parsed = schema.safeParse({
      line: record.line,
      ...Object.fromEntries(DIRECTORY_COLUMNS.map((column) => [column, cell(column)])),
    });
    if (parsed.success) {
      valid.push(parsed.data);
      continue;
    }
    rejected.push({ line: record.line, reason: parsed.error.issues.map((i) => i.message).join(' ; ') });
    const claim = {
      line: record.line,
      email: tidy(cell('email')).toLowerCase(),
      lastName: tidy(cell('nom')),
      firstName: tidy(cell('prenom')),
    };
    if (claim.email && claim.lastName && claim.firstName) claims.push(claim);
  }

  const checked = rejectConflictingRows(valid, claims);
  return {
    rows: checked.rows,
    rejected: mergeByLine([...rejected, ...checked.rejected]),
    encoding: table.encoding,
    separator: table.separator,
    linesRead: table.records.length,
  };
}

/** One entry per line, its reasons joined, in line order: a person fixes a line once. */
export function mergeByLine(rejected: readonly RejectedLine[]): RejectedLine[] {
  const reasons = new Map<number, string[]>();
  for (const { line, reason } of rejected) {
    const known = reasons.get(line) ?? [];
    if (!known.includes(reason)) reasons.set(line, [...known, reason]);
  }
  return [...reasons.entries()]
    .sort(([a], [b]) => a - b)
    .map(([line, all]) => ({ line, reason: all.join(' ; ') }));
}
