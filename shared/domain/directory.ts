/**
 * The directory of school directors: schools, the people who direct them, and the state of the
 * whole directory at one point in time (a generation). Plain data and small verbs: the imports,
 * the console's edits and the store all speak these types.
 */
// zod/mini: built at the import of the Lambda functions (see shared/domain/zod.ts).

import { withoutAccents } from './text.ts';
import * as z from './zod.ts';

/**
 * Builds a schema where it is declared, and says so to the bundler (`@__NO_SIDE_EFFECTS__`): a
 * function that never reads one of these schemas leaves its construction out of its bundle. The
 * mail chain reads a school and a match; the whole directory's schemas are the api's.
 */
/* @__NO_SIDE_EFFECTS__ */
function declared<T>(build: () => T): T {
  return build();
}

/** A school of the académie, as the directory knows it. */
export const School = declared(() =>
  z.object({
    uai: z.string(),
    name: z.string(),
    commune: z.string(),
    /** The circonscription's name, as people write it (`Dijon Centre`). */
    circonscription: z.string(),
    /** Département number as two digits: '21', '58', '71', '89'. */
    departement: z.string(),
    /** The school's functional mailbox, `ce.<uai>@ac-dijon.fr`, lower case. */
    mailbox: z.string(),
  }),
);
export type School = z.infer<typeof School>;

/**
 * Who the directory says a sender is: a director (by one of their addresses) or a school's
 * functional mailbox, which is read as that school's director.
 */
export const DirectoryMatch = declared(() =>
  z.object({
    kind: z.enum(['director', 'school_mailbox']),
    /** Directory entry that matched (director id, or `school:<uai>` for a mailbox). */
    entryId: z.string(),
    civility: z.optional(z.string()),
    lastName: z.optional(z.string()),
    firstName: z.optional(z.string()),
    email: z.string(),
    schools: z.array(School).check(z.minLength(1)),
  }),
);
export type DirectoryMatch = z.infer<typeof DirectoryMatch>;

/** The port through which the intake asks who a sender is. */
export type DirectoryLookup = {
  /** The active directory entry for this address (lower case), if any. */
  findByEmail(email: string): Promise<DirectoryMatch | undefined>;
};

/** Who changed an entry, and when: kept on every entry, and in the audit trail. */
const Stamps = declared(() => ({
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
}));

/** A school in the directory: what the intake sees, plus the key of its circonscription. */
export const DirectorySchool = declared(() =>
  z.extend(School, {
    /** Key of its circonscription zone (see `circonscriptionCodeOf` in `zones.ts`). */
    circonscriptionCode: z.string(),
    ...Stamps,
  }),
);
export type DirectorySchool = z.infer<typeof DirectorySchool>;

/** A circonscription: the district of an IEN inside one département. */
export const Circonscription = declared(() =>
  z.object({
    /** `<département>-<name folded>`, e.g. `21-dijon-centre`: stable while the name is. */
    code: z.string(),
    name: z.string(),
    departement: z.string(),
  }),
);
export type Circonscription = z.infer<typeof Circonscription>;

/**
 * One school a director directs. `interim` marks a « faisant fonction »: a teacher acting as the
 * school's director, who counts as its director for the desk.
 */
export const Assignment = declared(() => z.object({ uai: z.string(), interim: z.boolean() }));
export type Assignment = z.infer<typeof Assignment>;

/** A director: one person, whatever the number of their schools and addresses. */
export const Director = declared(() =>
  z.object({
    /**
     * Stable id: the address the person was first known by, in lower case. It does not change
     * when their addresses do, so the intake log and the audit trail keep pointing at them.
     */
    id: z.string(),
    civility: z.optional(z.string()),
    lastName: z.string(),
    firstName: z.string(),
    /** Academic addresses, lower case, the principal one first; each one is recognised. */
    emails: z.array(z.string()).check(z.minLength(1)),
    /** The schools they direct, in UAI order (a file's line order carries no meaning). */
    assignments: z.array(Assignment),
    /** false: no longer a director (left, or missing from an import); kept for the record. */
    active: z.boolean(),
    ...Stamps,
  }),
);
export type Director = z.infer<typeof Director>;

/**
 * The whole directory at one generation. Every change (an import, an edit in the console)
 * produces a new generation; the store switches from one to the next in a single write.
 */
export const DirectoryState = declared(() =>
  z.object({
    generation: z.number().check(z.int(), z.nonnegative()),
    directors: z.array(Director),
    schools: z.array(DirectorySchool),
    circonscriptions: z.array(Circonscription),
  }),
);
export type DirectoryState = z.infer<typeof DirectoryState>;

/** The directory before anything was imported. */
export const EMPTY_DIRECTORY: DirectoryState = Object.freeze({
  generation: 0,
  directors: [],
  schools: [],
  circonscriptions: [],
}) as DirectoryState;

/** The domain of academic addresses when none is configured. */
export const DEFAULT_ACADEMIC_DOMAIN = 'ac-dijon.fr';

/**
 * The id a new director gets: their address in lower case. Readable in logs and URLs, and how
 * the académie's exports identify a person.
 */
export function directorIdOf(email: string): string {
  return email.trim().toLowerCase();
}

/** A school's functional mailbox, `ce.<uai>@<domain>`, in lower case as it is used. */
export function schoolMailboxOf(uai: string, academicDomain = DEFAULT_ACADEMIC_DOMAIN): string {
  return `ce.${uai.trim().toLowerCase()}@${academicDomain.toLowerCase()}`;
}

const CIVILITIES: Readonly<Record<string, string>> = {
  m: 'M.',
  mr: 'M.',
  monsieur: 'M.',
  mme: 'Mme',
  madame: 'Mme',
  mlle: 'Mme',
  mademoiselle: 'Mme',
};

/**
 * `M.` or `Mme` for the spellings exports use (`M`, `MME`, `Madame`…), so that one person is
 * not « changed » by every import from a source that spells it differently. Anything else is
 * kept as written; an empty text gives `undefined`.
 */
export function normalizeCivility(text: string | undefined): string | undefined {
  const tidy = (text ?? '').replace(/\s+/g, ' ').trim();
  if (tidy === '') return undefined;
  return CIVILITIES[tidy.toLowerCase().replace(/\.$/, '')] ?? tidy;
}

/** Case and accents folded, for sorting and searching: « Émile » sorts and matches as « emile ». */
export function foldText(text: string): string {
  // Spaces are left as they are: search and circonscription codes split on them themselves.
  return withoutAccents(text).toLowerCase();
}

/** Sorts directors as people read a list: last name, first name, then id to be stable. */
export function compareDirectors(a: Director, b: Director): number {
  return (
    foldText(a.lastName).localeCompare(foldText(b.lastName)) ||
    foldText(a.firstName).localeCompare(foldText(b.firstName)) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}
