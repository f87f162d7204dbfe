/**
 * The directory as a CSV file a person opens in Excel and can import back: the import's columns,
 * one line per director and school, `;` separated, UTF-8 with a BOM (without it, Excel reads
 * UTF-8 as Windows-1252 and mangles every accent), CRLF line ends.
 *
 * A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a
 * formula by a spreadsheet (CSV injection, OWASP): such cells get a leading `'`, which the
 * spreadsheet shows as text and the import removes again (`unprotectCell` in `rows.ts`).
 */
import { compareDirectors, type DirectoryState } from '#shared/domain/directory.ts';
import { DIRECTORY_COLUMNS, type DirectoryColumn } from './rows.ts';

const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell safe to open in a spreadsheet: formula triggers neutralised, quoted when it must be. */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[;"\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * The active directors of a state as CSV text (BOM included): the columns of the import, so that
 * an exported file imported back changes nothing.
 */
export function exportDirectoryCsv(state: DirectoryState): string {
  const schools = new Map(state.schools.map((school) => [school.uai, school]));
  const rows: Array<{ sort: string; cells: Record<DirectoryColumn, string> }> = [];
  const directors = [...state.directors].sort(compareDirectors);
  directors.forEach((director, rank) => {
    if (!director.active) return;
    const [email = '', ...others] = director.emails;
    for (const assignment of director.assignments) {
      const school = schools.get(assignment.uai);
      if (!school) continue;
      rows.push({
        // Schools in zone order, their directors in name order within each.
        sort: `${school.departement}|${school.circonscriptionCode}|${school.uai}|${String(rank).padStart(6, '0')}`,
        cells: {
          uai: school.uai,
          ecole: school.name,
          commune: school.commune,
          circonscription: school.circonscription,
          departement: school.departement,
          civilite: director.civility ?? '',
          nom: director.lastName,
          prenom: director.firstName,
          email,
          emails_secondaires: others.join(' '),
          faisant_fonction: assignment.interim ? 'oui' : '',
        },
      });
    }
  });
  rows.sort((a, b) => (a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : 0));
  const lines = [
    DIRECTORY_COLUMNS.join(';'),
    ...rows.map(({ cells }) => DIRECTORY_COLUMNS.map((column) => csvCell(cells[column])).join(';')),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
