/**
 * How the desk compares names and free text: without accents, case or extra spaces, so that
 * « Émilie  Dupré » finds « emilie dupre ».
 */

/** The text without its accents (combining marks), case kept: `Côte-d'Or` → `Cote-d'Or`. */
export function withoutAccents(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '');
}

/** Lower case, without accents, spaces collapsed: how free text and names are compared. */
export function normalizeText(text: string): string {
  return withoutAccents(text).toLowerCase().replace(/\s+/g, ' ').trim();
}
