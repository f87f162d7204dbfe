/**
 * The UAI (Unité Administrative Immatriculée, formerly RNE): the national identifier of a school,
 * 7 digits and a check letter. The letter is the 7-digit number modulo 23 read in an alphabet
 * without I, O and Q (too easily taken for 1 and 0), so a mistyped digit is caught on import.
 */

/** The check-letter alphabet: 23 letters, no I, O, Q. */
export const UAI_CHECK_ALPHABET = 'ABCDEFGHJKLMNPRSTUVWXYZ';

/** The four départements of the académie de Dijon, as two-digit codes. */
export const ACADEMIE_DEPARTEMENTS = ['21', '58', '71', '89'] as const;
export type AcademieDepartement = (typeof ACADEMIE_DEPARTEMENTS)[number];

/** The names people read, by département code. */
export const DEPARTEMENT_NAMES: Readonly<Record<AcademieDepartement, string>> = {
  '21': "Côte-d'Or",
  '58': 'Nièvre',
  '71': 'Saône-et-Loire',
  '89': 'Yonne',
};

const UAI_SHAPE = /^(\d{7})([A-Z])$/;

/**
 * Trims and upper-cases a UAI as typed or exported (functional mailboxes carry it in lower case),
 * so that every comparison and every key uses one spelling.
 */
export function normalizeUai(uai: string): string {
  return uai.trim().toUpperCase();
}

/**
 * The check letter of a UAI's 7 digits, so that tools and fixtures can build valid UAIs.
 * @throws RangeError when `digits` is not exactly 7 digits: that is a programming error.
 */
export function uaiCheckLetter(digits: string): string {
  if (!/^\d{7}$/.test(digits)) {
    throw new RangeError(`A UAI check letter needs exactly 7 digits, got "${digits}"`);
  }
  // 9,999,999 is far below 2^53: plain numbers are exact here.
  return UAI_CHECK_ALPHABET.charAt(Number(digits) % 23);
}

/**
 * Why a UAI is not valid, in French for the person who wrote it, or `undefined` when it is valid.
 * Import reports quote this text, so it names the expected letter when only the letter is wrong.
 */
export function uaiProblem(uai: string): string | undefined {
  const match = UAI_SHAPE.exec(normalizeUai(uai));
  if (!match) return `UAI invalide (7 chiffres suivis d'une lettre attendus) : « ${uai.trim()} »`;
  const [, digits = '', letter] = match;
  const expected = uaiCheckLetter(digits);
  return letter === expected ? undefined : `UAI invalide (lettre de contrôle attendue : ${expected})`;
}

/** Whether a UAI is well formed and its check letter matches its digits (any letter case). */
export function isValidUai(uai: string): boolean {
  return uaiProblem(uai) === undefined;
}

/**
 * The département a UAI belongs to, from its first three digits ('021' → '21'; overseas
 * codes such as '971' stay three digits), or `undefined` when the text is not shaped like a UAI.
 * The check letter is not verified here: callers report a wrong letter separately.
 */
export function departementOfUai(uai: string): string | undefined {
  const match = UAI_SHAPE.exec(normalizeUai(uai));
  if (!match?.[1]) return undefined;
  const prefix = match[1].slice(0, 3);
  return prefix.startsWith('0') ? prefix.slice(1) : prefix;
}

/** Whether a département code is one of the académie's four. */
export function isAcademieDepartement(code: string): code is AcademieDepartement {
  return (ACADEMIE_DEPARTEMENTS as readonly string[]).includes(code);
}

/**
 * Why a UAI cannot be a school of the académie, in French, or `undefined` when it can: a valid
 * check letter, one of the four départements, and, when the source also names a département,
 * that same one. Imports (CSV, LDIF) and the console's edits all give these same reasons.
 */
export function academieUaiProblem(uai: string, departement?: string): string | undefined {
  const problem = uaiProblem(uai);
  if (problem) return problem;
  const normalized = normalizeUai(uai);
  const fromUai = departementOfUai(normalized) ?? '';
  if (!isAcademieDepartement(fromUai)) {
    return `UAI ${normalized} hors de l'académie de Dijon (département ${fromUai} ; ${ACADEMIE_DEPARTEMENTS.join(', ')} attendus)`;
  }
  if (departement !== undefined && departement !== fromUai) {
    return `le département ${departement} ne correspond pas à l'UAI ${normalized}`;
  }
  return undefined;
}
