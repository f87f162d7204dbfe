/**
 * Removing personal data from a draft made from a ticket, before anyone edits it: the director's
 * question and the staff reply become an article that other directors (and PANDA) may read, so
 * addresses, phone numbers, identifiers and names are replaced by the placeholders of
 * `REDACTION_PLACEHOLDERS`, counted per kind, and the capitalised words that only look like names
 * (« l'élève Lucas ») are flagged for the reviewer rather than guessed at.
 *
 * The replacements run in a fixed order, each one only outside the placeholders already put:
 * an e-mail address holds a name and sometimes a UAI (`ce.0211234C@ac-dijon.fr`), and a ticket
 * number holds digits, so they go first; names go last.
 *
 * Formats taken:
 * - e-mail: `local@domain.tld`, letters with accents allowed;
 * - phone: a French number of 10 digits starting with 0 then 1–9, or `+33` / `0033` (optionally
 *   `(0)`, or a stray `0`) then 9 digits, in pairs separated by nothing, a space, a dot or a
 *   hyphen; not when it is part of a longer run of digits;
 * - UAI: 7 digits and a letter, standing alone, whose letter is the right check letter
 *   (`isValidUai`); a wrong letter is not a UAI and stays;
 * - INE (the pupil's national number): 11 characters standing alone, 10 digits and a letter or
 *   9 digits and two letters, any letter (the keys differ between the INE's kinds and are not
 *   checked);
 * - ticket number: `LSUN-2026-00042`, with its brackets when it is written `[LSUN-2026-00042]`;
 * - names: see `nameMatcher`.
 */
import {
  REDACTION_PATTERN,
  REDACTION_PLACEHOLDERS,
  type RedactionCount,
  type RedactionFlag,
  RedactionKind,
} from './article.ts';
import { withoutAccents } from './text.ts';
import { isValidUai } from './uai.ts';

/**
 * The names to look for: the ticket's participants and the directory's directors (`people`: as
 * people write them, « Camille Martin », « Mme Camille MARTIN », « MARTIN Camille »; a bare
 * address gives the name in its local part, `camille.martin@…` « camille martin »), the
 * directory's schools (« École élémentaire Les Tilleuls », upper case accepted) and communes.
 */
export type KnownNames = {
  people: readonly string[];
  schools: readonly string[];
  communes: readonly string[];
};

type NameKind = Extract<RedactionKind, 'person' | 'school' | 'commune'>;

/** A name as compiled: its kind, and which kind wins when two names are spelt the same. */
type NameEntry = { kind: NameKind; priority: number };

/**
 * The known names compiled once: each spelling by its folded words joined with spaces, and for
 * each first word the most words a spelling starting with it has, so that a draft is read word
 * by word with a few lookups whatever the number of names (thousands of directors, schools and
 * communes). Opaque: only `redactDraft` and `redactText` read it.
 */
export type NameMatcher = {
  /** How many spellings were compiled (full names, their parts, schools without « École … »). */
  readonly size: number;
  readonly spellings: ReadonlyMap<string, NameEntry>;
  readonly longest: ReadonlyMap<string, number>;
};

/** A kind's priority when a spelling belongs to several: lower wins. */
const PRIORITY = { school: 0, commune: 1, person: 2, schoolShort: 3 } as const;

/**
 * Words that never count as a name on their own and may be written in lower case inside one
 * (« Is-sur-Tille », « Marsannay-la-Côte », « École élémentaire Colette »). Folded.
 */
const FREE_WORDS = new Set([
  ...['a', 'au', 'aux', 'd', 'de', 'des', 'du', 'en', 'et', 'l', 'la', 'le', 'les', 'lez', 'sous', 'sur'],
  ...['ecole', 'elementaire', 'maternelle', 'primaire', 'groupe', 'scolaire', 'publique', 'privee'],
  ...['ee', 'em', 'ep', 'eepu', 'empu', 'eppu', 'rpi', 'intercommunal', 'intercommunale'],
]);

/**
 * Words too common to be taken for a name when a directory entry is only such words (« Saint »,
 * a director called « Avril », a school « du Centre », a participant « Assistance LSUN »): a
 * mail writes them for other reasons.
 * « Mme Avril » is then flagged rather than replaced. Folded.
 */
const COMMON_WORDS = new Set([
  ...['saint', 'sainte', 'st', 'ste', 'france', 'europe', 'bourgogne', 'franche', 'comte'],
  ...['cote', 'or', 'nievre', 'saone', 'loire', 'yonne', 'centre', 'bourg', 'village', 'ville'],
  ...['bonjour', 'bonsoir', 'merci', 'cordialement', 'madame', 'monsieur', 'mademoiselle'],
  ...['mme', 'mlle', 'college', 'lycee', 'academie', 'rectorat', 'mairie', 'directeur', 'directrice'],
  ...['assistance', 'service', 'support', 'equipe', 'secretariat', 'direction', 'ecole', 'ecoles'],
  ...['lsu', 'lsun', 'onde', 'bulletin', 'bulletins', 'livret', 'livrets', 'eduscol', 'education'],
  ...['nationale', 'janvier', 'fevrier', 'mars', 'avril', 'mai', 'juin', 'juillet', 'aout'],
  ...['septembre', 'octobre', 'novembre', 'decembre', 'lundi', 'mardi', 'mercredi', 'jeudi'],
  ...['vendredi', 'samedi', 'dimanche'],
]);

/** The shortest word that may be a name on its own (« Roy », « Rey »; not « Li »). */
const MIN_SINGLE_WORD = 3;

/** Titles a participant's display name may start with; not part of the name. Folded. */
const CIVILITIES = new Set(['m', 'mr', 'mme', 'mlle', 'madame', 'monsieur', 'mademoiselle', 'dr']);

/** A school's name without what kind of school it is: « École élémentaire Jules Ferry » → « Jules Ferry ». */
const SCHOOL_TYPE =
  /^\s*(?:groupe\s+scolaire|[eé]cole|e\.?[emp]\.?(?:pu\.?)?|rpi)(?![\p{L}\p{N}])[\s.]*(?:(?:[eé]l[eé]mentaire|maternelle|primaire|publique|priv[eé]e|intercommunale?)(?![\p{L}\p{N}])\s*)*/iu;

const WORD = /[\p{L}\p{N}]+/gu;

type Word = { start: number; end: number; folded: string; capitalised: boolean };

function fold(text: string): string {
  const lower = text.toLowerCase();
  // Most words are plain ASCII: the Unicode decomposition is only paid for the others.
  return /[^ -~]/.test(lower) ? withoutAccents(lower).replace(/œ/g, 'oe').replace(/æ/g, 'ae') : lower;
}

function wordsOf(text: string): Word[] {
  return [...text.matchAll(WORD)].map((match) => ({
    start: match.index,
    end: match.index + match[0].length,
    folded: fold(match[0]),
    capitalised: /^\p{Lu}/u.test(match[0]),
  }));
}

function isFree(folded: string): boolean {
  return FREE_WORDS.has(folded) || /^\d+$/.test(folded);
}

/** Whether a spelling is specific enough to replace wherever it is written capitalised. */
function isSafeName(words: readonly string[]): boolean {
  const significant = words.filter((word) => !isFree(word));
  if (significant.every((word) => COMMON_WORDS.has(word))) return false;
  return significant.length > 1 || (significant[0] ?? '').length >= MIN_SINGLE_WORD;
}

/** A name's folded words. */
function foldedWords(name: string): string[] {
  return fold(name).match(WORD) ?? [];
}

/**
 * The spellings under which a person is looked for, as folded words: « Camille Martin »,
 * « Martin Camille », « Martin », « Camille » (« Jean-Pierre » stays whole), without a civility.
 */
function personSpellings(name: string): string[][] {
  // « Camille Martin <camille.martin@ac-dijon.fr> » is « Camille Martin »; a bare address, its local part.
  const display = name.replace(/<[^>]*>/g, ' ').trim();
  const written = display.includes('@') ? (display.split('@')[0] ?? '').replace(/[._-]+/g, ' ') : display;
  const parts = fold(written)
    .trim()
    .split(/\s+/)
    .map((part) => part.match(WORD) ?? [])
    .filter((part) => part.length > 0);
  while (parts.length > 1 && CIVILITIES.has(parts[0]?.join(' ') ?? '')) parts.shift();
  if (parts.length < 2) return parts;
  const last = parts.at(-1) ?? [];
  return [parts.flat(), [...last, ...parts.slice(0, -1).flat()], ...parts];
}

/**
 * Compiles the known names once, for the drafts of one request.
 *
 * Names are matched on whole words, without accents or case, across spaces, hyphens and
 * apostrophes (« Is sur Tille » is « Is-sur-Tille »), but never from inside a hyphenated word
 * (« Jean » is not taken out of « Jean-Pierre »), and only where the text writes them
 * capitalised: each word of the name but the small ones (« de », « sur », « la », « école »,
 * « élémentaire »…) must start with a capital, so that a director called « Petit » leaves
 * « un petit souci » alone. Upper-case entries (« ECOLE PRIMAIRE JULES FERRY ») match the same.
 *
 * A person is looked for by their full name either way round and by each part alone; a school by
 * its full name and by its name without its kind (« Jules Ferry »); a commune by its name.
 * Ignored, because a mail writes them for other reasons: an entry (or part) that is a single
 * word under 3 letters, one made only of small words, and one that is only a common word
 * (« Saint », « France », a month, « Bulletin », « LSU »…: `COMMON_WORDS`).
 * When two kinds share a spelling, a school's full name wins, then a commune, then a person.
 *
 * Known limit: a capitalised word at the start of a sentence is taken like any other, so a
 * director called « Petit » still turns the subject « Petit souci » into « [nom] souci »; the
 * reviewer sees the placeholder highlighted and puts the word back.
 */
export function nameMatcher(names: KnownNames): NameMatcher {
  const spellings = new Map<string, NameEntry>();
  const longest = new Map<string, number>();
  const add = (words: readonly string[], entry: NameEntry) => {
    const [first] = words;
    if (first === undefined || !isSafeName(words)) return;
    const key = words.join(' ');
    const known = spellings.get(key);
    if (!known || known.priority > entry.priority) spellings.set(key, entry);
    longest.set(first, Math.max(longest.get(first) ?? 0, words.length));
  };
  for (const school of names.schools) {
    const folded = fold(school);
    add(foldedWords(folded), { kind: 'school', priority: PRIORITY.school });
    const short = folded.replace(SCHOOL_TYPE, '');
    if (short !== folded) add(foldedWords(short), { kind: 'school', priority: PRIORITY.schoolShort });
  }
  for (const commune of names.communes) {
    add(foldedWords(commune), { kind: 'commune', priority: PRIORITY.commune });
  }
  for (const person of names.people) {
    for (const words of personSpellings(person)) add(words, { kind: 'person', priority: PRIORITY.person });
  }
  return { size: spellings.size, spellings, longest };
}

/** What may stand between two words of one name: spaces (one line break at most), a hyphen, an apostrophe. */
const JOIN = /^[ \t\u00A0\u202F]*(?:\r?\n|[-‐'’])?[ \t\u00A0\u202F]*$/;

/** Whether a match starting or ending here would cut a hyphenated word in two. */
function cutsCompound(text: string, start: number, end: number): boolean {
  return (
    /[\p{L}\p{N}][-‐]$/u.test(text.slice(Math.max(0, start - 2), start)) ||
    /^[-‐][\p{L}\p{N}]/u.test(text.slice(end, end + 2))
  );
}

/** The folded words from `i` to `j` as a spelling's key. */
function keyOf(words: readonly Word[], i: number, j: number): string {
  let key = (words[i] as Word).folded;
  for (let k = i + 1; k <= j; k++) key += ` ${(words[k] as Word).folded}`;
  return key;
}

type Found = { start: number; end: number; kind: RedactionKind };

/** The known names in a text without placeholders, longest first from left to right, adjacent parts of people's names as one. */
/** What comes before a town's name when it names the académie's institutions. */
const INSTITUTION_BEFORE = /\b(?:acad[ée]mie|rectorat|r[ée]gion acad[ée]mique)\s+de\s+$/iu;

function findNames(text: string, matcher: NameMatcher): Found[] {
  const words = wordsOf(text);
  const found: Found[] = [];
  let i = 0;
  while (i < words.length) {
    const first = words[i] as Word;
    // How far a name starting here may go: joined words, each capitalised unless a small word.
    let last = i - 1;
    const most = Math.min(words.length, i + (matcher.longest.get(first.folded) ?? 0));
    for (let j = i; j < most; j++) {
      const word = words[j] as Word;
      if (j > i && !JOIN.test(text.slice((words[j - 1] as Word).end, word.start))) break;
      if (!isFree(word.folded) && !word.capitalised) break;
      last = j;
    }
    let best: { last: number; kind: NameKind } | undefined;
    for (let j = last; j >= i && !best; j--) {
      const entry = matcher.spellings.get(keyOf(words, i, j));
      if (entry && !cutsCompound(text, first.start, (words[j] as Word).end))
        best = { last: j, kind: entry.kind };
    }
    if (!best) {
      i += 1;
      continue;
    }
    const start = first.start;
    const end = (words[best.last] as Word).end;
    // « académie de Dijon », « rectorat de Dijon » name the institution, not where a pupil lives.
    if (INSTITUTION_BEFORE.test(text.slice(Math.max(0, start - 24), start))) {
      i = best.last + 1;
      continue;
    }
    const previous = found.at(-1);
    // « Hervé Simon » where each is known on its own is one person, not two.
    if (
      previous?.kind === 'person' &&
      best.kind === 'person' &&
      /^[ \t\u00A0\u202F]+$/.test(text.slice(previous.end, start))
    ) {
      previous.end = end;
    } else {
      found.push({ start, end, kind: best.kind });
    }
    i = best.last + 1;
  }
  return found;
}

const EMAIL =
  /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}(?![\p{L}\p{N}])/gu;
const TICKET = /\[LSUN-\d{4}-\d{5,}\]|(?<![\p{L}\p{N}])LSUN-\d{4}-\d{5,}(?![\p{L}\p{N}])/giu;
const INE = /(?<![\p{L}\p{N}])(?:\d{10}[A-Za-z]|\d{9}[A-Za-z]{2})(?![\p{L}\p{N}])/gu;
const UAI = /(?<![\p{L}\p{N}])\d{7}[A-Za-z](?![\p{L}\p{N}])/gu;
const PAIR_SEPARATOR = '[ .\\-\\u00A0\\u202F]?';
const PHONE = new RegExp(
  `(?<![\\p{L}\\p{N}+]|\\d${PAIR_SEPARATOR})` +
    `(?:(?:\\+|00)33[ \\u00A0\\u202F]?(?:\\(0\\)[ \\u00A0\\u202F]?|0)?|0)[1-9](?:${PAIR_SEPARATOR}\\d{2}){4}` +
    `(?![\\p{L}\\p{N}]|${PAIR_SEPARATOR}\\d)`,
  'gu',
);

/** The patterns in the order they run, and whether a match really is one (a UAI's check letter). */
const PATTERNS: ReadonlyArray<{ kind: RedactionKind; pattern: RegExp; accept?: (match: string) => boolean }> =
  [
    { kind: 'email', pattern: EMAIL },
    { kind: 'ticket', pattern: TICKET },
    { kind: 'ine', pattern: INE },
    { kind: 'uai', pattern: UAI, accept: isValidUai },
    { kind: 'phone', pattern: PHONE },
  ];

const PLACEHOLDERS = new RegExp(`(${REDACTION_PATTERN.source})`);

/** Applies `replace` to the parts of the text that are not placeholders yet. */
function outsidePlaceholders(text: string, replace: (part: string) => string): string {
  return text
    .split(PLACEHOLDERS)
    .map((part, index) => (index % 2 === 1 ? part : replace(part)))
    .join('');
}

/** Words after which a capitalised word is probably a pupil's or a person's name. */
const FLAG_TRIGGER =
  /(?<![\p{L}\p{N}])([ÉEée]l[èe]ves?|[Ee]nfants?|Mme|Mlle|M\.|Madame|Mademoiselle|Monsieur)[ \t\u00A0\u202F]+(\p{Lu}[\p{L}'’-]*(?:[ \t\u00A0\u202F]+\p{Lu}[\p{L}'’-]*){0,2})(?![\p{L}\p{N}])/gu;

/** Capitalised words after a trigger that are not names: class levels, titles, the applications. Folded. */
const NOT_A_NAME = new Set([
  ...['cp', 'ce', 'cm', 'gs', 'ms', 'ps', 'tps', 'ulis', 'segpa', 'aesh', 'avs', 'pap', 'pps', 'rased'],
  ...['le', 'la', 'les', 'l', 'directeur', 'directrice', 'inspecteur', 'inspectrice', 'ien', 'dasen'],
  ...['recteur', 'rectrice', 'lsu', 'lsun', 'onde'],
]);

function flagsOf(text: string): Array<Omit<RedactionFlag, 'field'>> {
  return [...text.matchAll(FLAG_TRIGGER)].flatMap(([, after = '', word = '']) =>
    NOT_A_NAME.has(fold(word.split(/[\s'’-]/)[0] ?? '')) ? [] : [{ word, after }],
  );
}

/**
 * Replaces the personal data of one text by placeholders (see the module's comment for what is
 * found, in which order).
 * @returns the text, how many of each kind were replaced (kinds in `RedactionKind`'s order, only
 *   those found), and the capitalised words after « élève », « enfant », « Mme », « M. »… that
 *   were left in place for the reviewer
 */
export function redactText(
  text: string,
  names: NameMatcher,
): { text: string; counts: RedactionCount[]; flags: Array<Omit<RedactionFlag, 'field'>> } {
  const counts = new Map<RedactionKind, number>();
  const count = (kind: RedactionKind) => counts.set(kind, (counts.get(kind) ?? 0) + 1);
  let redacted = text;
  for (const { kind, pattern, accept } of PATTERNS) {
    redacted = outsidePlaceholders(redacted, (part) =>
      part.replace(pattern, (match) => {
        if (accept && !accept(match)) return match;
        count(kind);
        return REDACTION_PLACEHOLDERS[kind];
      }),
    );
  }
  redacted = outsidePlaceholders(redacted, (part) => {
    let result = '';
    let from = 0;
    for (const { start, end, kind } of findNames(part, names)) {
      count(kind);
      result += part.slice(from, start) + REDACTION_PLACEHOLDERS[kind];
      from = end;
    }
    return result + part.slice(from);
  });
  return { text: redacted, counts: countsInOrder(counts), flags: flagsOf(redacted) };
}

function countsInOrder(counts: ReadonlyMap<RedactionKind, number>): RedactionCount[] {
  return RedactionKind.options.flatMap((kind) => {
    const count = counts.get(kind) ?? 0;
    return count > 0 ? [{ kind, count }] : [];
  });
}

/** The fields of a draft made from a ticket: the subject, the director's question, the staff reply. */
export type TicketDraft = { title: string; symptom: string; solution: string };

/**
 * Removes the personal data of a draft made from a solved ticket, before anyone edits it.
 * @param names compiled once per request by `nameMatcher`
 * @returns the draft with placeholders, how many of each kind were replaced in all three fields,
 *   and the words the reviewer should check (left in place), with the field they are in
 */
export function redactDraft(
  draft: TicketDraft,
  names: NameMatcher,
): { draft: TicketDraft; redactions: RedactionCount[]; flags: RedactionFlag[] } {
  const total = new Map<RedactionKind, number>();
  const flags: RedactionFlag[] = [];
  const redactField = (field: RedactionFlag['field']) => {
    const result = redactText(draft[field], names);
    for (const { kind, count } of result.counts) total.set(kind, (total.get(kind) ?? 0) + count);
    flags.push(...result.flags.map((flag) => ({ field, ...flag })));
    return result.text;
  };
  const redacted = {
    title: redactField('title'),
    symptom: redactField('symptom'),
    solution: redactField('solution'),
  };
  return { draft: redacted, redactions: countsInOrder(total), flags };
}
