import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeCsvBytes, detectSeparator, readCsv } from '#shared/directory/csv.ts';
import { type ImportReport, importDirectoryFile } from '#shared/directory/import.ts';
import { type ImportInput, inputFromRows } from '#shared/directory/input.ts';
import {
  DirectoryFileError,
  type DirectoryRow,
  parseDirectoryCsv,
  rejectConflictingRows,
} from '#shared/directory/rows.ts';

const HEADER = 'uai;ecole;commune;circonscription;departement;civilite;nom;prenom;email';
const MARTIN =
  '0211234C;École élémentaire Les Tilleuls;Dijon;Dijon Centre;21;Mme;Martin;Camille;camille.martin@ac-dijon.fr';
const DURAND =
  '0580001L;École maternelle Jean Moulin;Nevers;Nevers 1;58;M.;Durand;Éric;eric.durand@ac-dijon.fr';

const utf8 = (text: string) => new TextEncoder().encode(text);
const csv = (...lines: string[]) => `${lines.join('\n')}\n`;

describe('decoding an export', () => {
  it('reads UTF-8 and drops its BOM', () => {
    // Prepare
    const bytes = utf8(`\uFEFF${csv(HEADER, MARTIN)}`);

    // Act
    const { text, encoding } = decodeCsvBytes(bytes);

    // Assess
    expect(encoding).toBe('utf-8');
    expect(text.startsWith('uai;')).toBe(true);
    expect(text).toContain('École élémentaire');
  });

  it('reads Windows-1252 when the bytes are not valid UTF-8', () => {
    // Prepare
    const bytes = iconv.encode('Saône-et-Loire;Mâcon;Œuvre', 'win1252');

    // Act
    const { text, encoding } = decodeCsvBytes(bytes);

    // Assess
    expect(encoding).toBe('windows-1252');
    expect(text).toBe('Saône-et-Loire;Mâcon;Œuvre');
  });

  it('reads every Windows-1252 byte as iconv-lite did, 0x80–0x9F (€, ’, œ…) and its five unassigned bytes included', () => {
    // Prepare: all 256 bytes; 0xC3 0x28 alone is invalid UTF-8, so the file is read as Windows-1252.
    const bytes = Uint8Array.from([0xc3, 0x28, ...Array.from({ length: 256 }, (_, byte) => byte)]);

    // Act
    const { text, encoding } = decodeCsvBytes(bytes);

    // Assess
    expect(encoding).toBe('windows-1252');
    expect(text).toBe(iconv.decode(Buffer.from(bytes), 'win1252'));
  });
});

describe('detectSeparator', () => {
  it('takes the separator found most often in the header line', () => {
    expect(detectSeparator(HEADER)).toBe(';');
    expect(detectSeparator('uai,ecole,commune')).toBe(',');
    expect(detectSeparator('uai\tecole\tcommune')).toBe('\t');
  });

  it('ignores separators inside quoted headers', () => {
    expect(detectSeparator('"a,b,c";uai;ecole')).toBe(';');
  });
});

describe('readCsv', () => {
  it('gives each record the line it starts on, across empty lines and quoted line breaks', () => {
    // Prepare: line 3 is empty, the record of line 4 spans lines 4–5.
    const text = 'a;b\r\n1;2\r\n\r\n"x\r\ny";3\r\n4;5\r\n';

    // Act
    const table = readCsv(text);

    // Assess
    expect(table.records.map((record) => record.line)).toEqual([2, 4, 6]);
  });

  it('skips rows made only of separators, as spreadsheets leave at the end', () => {
    const table = readCsv('a;b\n1;2\n;\n;\n');
    expect(table.records).toHaveLength(1);
  });
});

describe('parseDirectoryCsv', () => {
  it('loads a semicolon-separated UTF-8 file with a BOM', () => {
    // Prepare
    const bytes = utf8(`\uFEFF${csv(HEADER, MARTIN, DURAND)}`);

    // Act
    const result = parseDirectoryCsv(bytes);

    // Assess
    expect(result.rejected).toEqual([]);
    expect(result.encoding).toBe('utf-8');
    expect(result.separator).toBe(';');
    expect(result.rows).toEqual([
      {
        line: 2,
        uai: '0211234C',
        schoolName: 'École élémentaire Les Tilleuls',
        commune: 'Dijon',
        circonscription: 'Dijon Centre',
        departement: '21',
        civility: 'Mme',
        lastName: 'Martin',
        firstName: 'Camille',
        email: 'camille.martin@ac-dijon.fr',
        otherEmails: [],
        interim: false,
      },
      expect.objectContaining({ line: 3, uai: '0580001L', firstName: 'Éric' }),
    ]);
  });

  it('loads a comma-separated file, quoted cells included', () => {
    // Prepare
    const text = csv(
      'uai,ecole,commune,circonscription,departement,civilite,nom,prenom,email',
      '0211234C,"École élémentaire Les Tilleuls, site B",Dijon,Dijon Centre,21,Mme,Martin,Camille,camille.martin@ac-dijon.fr',
    );

    // Act
    const result = parseDirectoryCsv(utf8(text));

    // Assess
    expect(result.separator).toBe(',');
    expect(result.rejected).toEqual([]);
    expect(result.rows[0]?.schoolName).toBe('École élémentaire Les Tilleuls, site B');
  });

  it('loads a Windows-1252 file with its accents intact', () => {
    // Prepare: what Excel on Windows saves as « CSV (séparateur : point-virgule) ».
    const text = csv(
      'UAI;École;Commune;Circonscription;Département;Civilité;Nom;Prénom;Email',
      '0711234F;École élémentaire Lamartine;Mâcon;Mâcon Sud;71;Mme;Lefèvre;Hélène;helene.lefevre@ac-dijon.fr',
    ).replaceAll('\n', '\r\n');
    const bytes = iconv.encode(text, 'win1252');

    // Act
    const result = parseDirectoryCsv(bytes);

    // Assess
    expect(result.encoding).toBe('windows-1252');
    expect(result.rejected).toEqual([]);
    expect(result.rows[0]).toMatchObject({
      schoolName: 'École élémentaire Lamartine',
      commune: 'Mâcon',
      circonscription: 'Mâcon Sud',
      lastName: 'Lefèvre',
      firstName: 'Hélène',
    });
  });

  it('finds columns by name whatever their order, case, accents or spacing', () => {
    // Prepare
    const text = csv(
      ' E-mail ;PRÉNOM;Nom;Civilité;Département;Circonscription;Commune;École;UAI;Téléphone',
      'camille.martin@ac-dijon.fr;Camille;Martin;Mme;21;Dijon Centre;Dijon;École élémentaire Les Tilleuls;0211234c;0380000000',
    );

    // Act
    const result = parseDirectoryCsv(utf8(text));

    // Assess
    expect(result.rejected).toEqual([]);
    expect(result.rows[0]).toMatchObject({
      uai: '0211234C',
      email: 'camille.martin@ac-dijon.fr',
      lastName: 'Martin',
    });
  });

  it('accepts an empty civility column, or none at all', () => {
    // Prepare
    const withoutColumn = csv(
      'uai;ecole;commune;circonscription;departement;nom;prenom;email',
      '0211234C;École élémentaire Les Tilleuls;Dijon;Dijon Centre;21;Martin;Camille;camille.martin@ac-dijon.fr',
    );
    const emptyCell = csv(HEADER, MARTIN.replace(';Mme;', ';;'));

    // Act
    const results = [parseDirectoryCsv(withoutColumn), parseDirectoryCsv(emptyCell)];

    // Assess
    for (const result of results) {
      expect(result.rejected).toEqual([]);
      expect(result.rows[0]).not.toHaveProperty('civility');
    }
  });

  it('normalises cells: UAI in upper case, address in lower case, spaces collapsed, département written out', () => {
    // Prepare
    const text = csv(
      HEADER,
      ' 0211234c ;École  élémentaire Les Tilleuls;Dijon;Dijon Centre;Côte-d’Or;Mme;Martin;Camille;Camille.MARTIN@ac-dijon.fr',
      '0580001L;École maternelle Jean Moulin;Nevers;Nevers 1;058;M.;Durand;Éric;eric.durand@ac-dijon.fr',
    );

    // Act
    const result = parseDirectoryCsv(text.replace('’', "'"));

    // Assess
    expect(result.rejected).toEqual([]);
    expect(result.rows[0]).toMatchObject({
      uai: '0211234C',
      schoolName: 'École élémentaire Les Tilleuls',
      departement: '21',
      email: 'camille.martin@ac-dijon.fr',
    });
    expect(result.rows[1]?.departement).toBe('58');
  });

  it('names every missing required column, in French', () => {
    // Prepare
    const text = csv('uai;ecole;commune;departement;nom;prenom', '0211234C;École;Dijon;21;Martin;Camille');

    // Act
    const parse = () => parseDirectoryCsv(text);

    // Assess
    expect(parse).toThrow(DirectoryFileError);
    expect(parse).toThrow("Colonnes manquantes dans l'en-tête : circonscription, email");
  });

  it('refuses an empty file and broken quoting as a whole, in French', () => {
    expect(() => parseDirectoryCsv(utf8(''))).toThrow('Le fichier est vide.');
    expect(() => parseDirectoryCsv(csv(HEADER, `"${MARTIN}`))).toThrow(/Fichier CSV illisible/);
  });

  it('reports each bad row with its line number and reason while the good rows load', () => {
    // Prepare
    const text = csv(
      HEADER,
      MARTIN, // 2: good
      MARTIN.replace('0211234C', '0211234K').replace('camille.martin', 'c.martin'), // 3: wrong letter
      DURAND.replace(';58;', ';21;'), // 4: département not the UAI's
      DURAND.replace('eric.durand@ac-dijon.fr', 'eric.durand@gmail.com'), // 5: not academic
      DURAND.replace('eric.durand@ac-dijon.fr', 'eric.durand@ac-dijon.fr.evil.com'), // 6: lookalike
      '', // 7: empty, skipped
      DURAND.replace('0580001L', '0751234J').replace(';58;', ';75;'), // 8: another académie
      DURAND.replace(';Durand;', ';;'), // 9: name missing
      DURAND.replace(';Éric;', ';Éric;extra;'), // 10: one cell too many
      '0890001T;École primaire Colette;Auxerre;Auxerre 2;89;Mme;Petit;Anne;anne.petit@ac-dijon.fr', // 11: good
    );

    // Act
    const result = parseDirectoryCsv(utf8(text));

    // Assess
    expect(result.rows.map((row) => row.line)).toEqual([2, 11]);
    expect(result.rejected).toEqual([
      { line: 3, reason: 'UAI invalide (lettre de contrôle attendue : C)' },
      { line: 4, reason: "le département 21 ne correspond pas à l'UAI 0580001L" },
      { line: 5, reason: 'adresse non académique (@ac-dijon.fr attendu) : eric.durand@gmail.com' },
      { line: 6, reason: 'adresse non académique (@ac-dijon.fr attendu) : eric.durand@ac-dijon.fr.evil.com' },
      { line: 8, reason: expect.stringContaining("département 75 hors de l'académie de Dijon") },
      { line: 9, reason: 'nom manquant' },
      { line: 10, reason: expect.stringContaining('nombre de cellules incorrect : 10 au lieu de 9') },
    ]);
    expect(result.linesRead).toBe(9);
  });

  it('gives every reason of a line at once, so it is fixed in one go', () => {
    // Prepare
    const text = csv(HEADER, MARTIN.replace('0211234C', '0211234D').replace('@ac-dijon.fr', '@laposte.net'));

    // Act
    const result = parseDirectoryCsv(text);

    // Assess
    expect(result.rejected).toEqual([
      {
        line: 2,
        reason:
          'UAI invalide (lettre de contrôle attendue : C) ; adresse non académique (@ac-dijon.fr attendu) : camille.martin@laposte.net',
      },
    ]);
  });

  it('rejects both lines when two different people share one address', () => {
    // Prepare
    const text = csv(
      HEADER,
      MARTIN,
      DURAND,
      '0890001T;École primaire Colette;Auxerre;Auxerre 2;89;M.;Martin;Claude;camille.martin@ac-dijon.fr',
    );

    // Act
    const result = parseDirectoryCsv(text);

    // Assess
    expect(result.rows.map((row) => row.line)).toEqual([3]);
    expect(result.rejected).toEqual([
      {
        line: 2,
        reason: 'adresse camille.martin@ac-dijon.fr utilisée par plusieurs personnes (lignes 2, 4)',
      },
      {
        line: 4,
        reason: 'adresse camille.martin@ac-dijon.fr utilisée par plusieurs personnes (lignes 2, 4)',
      },
    ]);
  });

  it('does not hand a disputed address to the valid line when the other claimant has another error', () => {
    // Prepare: line 3 claims Camille Martin's address for someone else, with a bad UAI too.
    const text = csv(
      HEADER,
      MARTIN,
      '0890001B;École primaire Colette;Auxerre;Auxerre 2;89;M.;Petit;Paul;camille.martin@ac-dijon.fr',
    );

    // Act
    const result = parseDirectoryCsv(text);

    // Assess
    expect(result.rows).toEqual([]);
    expect(result.rejected.map((rejected) => rejected.line)).toEqual([2, 3]);
    expect(result.rejected[1]?.reason).toContain('UAI invalide');
    expect(result.rejected[1]?.reason).toContain('utilisée par plusieurs personnes');
  });

  it('keeps one person on several lines as one director of several schools', () => {
    // Prepare: the same person, spelled with another case, directs a second school.
    const text = csv(
      HEADER,
      MARTIN,
      '0890001T;École primaire Colette;Auxerre;Auxerre 2;89;Mme;MARTIN;camille;Camille.Martin@ac-dijon.fr',
    );

    // Act
    const result = parseDirectoryCsv(text);
    const input = inputFromRows(result.rows);

    // Assess
    expect(result.rejected).toEqual([]);
    expect(input.directors).toEqual([
      {
        lines: [2, 3],
        civility: 'Mme',
        lastName: 'Martin',
        firstName: 'Camille',
        emails: ['camille.martin@ac-dijon.fr'],
        assignments: [
          { uai: '0211234C', interim: false },
          { uai: '0890001T', interim: false },
        ],
      },
    ]);
    expect(input.schools.map((school) => school.uai)).toEqual(['0211234C', '0890001T']);
  });

  it('rejects a repeated line and a school described two ways, keeping the first', () => {
    // Prepare
    const text = csv(
      HEADER,
      MARTIN,
      MARTIN,
      '0211234C;École maternelle Les Tilleuls;Dijon;Dijon Centre;21;M.;Petit;Paul;paul.petit@ac-dijon.fr',
    );

    // Act
    const result = parseDirectoryCsv(text);

    // Assess
    expect(result.rows.map((row) => row.line)).toEqual([2]);
    expect(result.rejected).toEqual([
      { line: 3, reason: "ligne en double : même directeur et même école qu'à la ligne 2" },
      {
        line: 4,
        reason: "école 0211234C décrite autrement qu'à la ligne 2 (nom, commune ou circonscription)",
      },
    ]);
  });

  it('accepts another academic domain when configured so', () => {
    const text = csv(HEADER, MARTIN.replace('@ac-dijon.fr', '@ac-besancon.fr'));
    const result = parseDirectoryCsv(text, { academicDomain: 'ac-besancon.fr' });
    expect(result.rejected).toEqual([]);
  });

  it('reads the demo directory shipped with the repository without a single rejection', () => {
    // Prepare
    const bytes = readFileSync(new URL('../../data/annuaire-demo.csv', import.meta.url));

    // Act
    const result = parseDirectoryCsv(bytes);
    const input = inputFromRows(result.rows);

    // Assess
    expect(result.rejected).toEqual([]);
    expect(input.directors.length).toBeGreaterThanOrEqual(100);
    expect(new Set(input.schools.map((school) => school.departement))).toEqual(
      new Set(['21', '58', '71', '89']),
    );
    expect(result.rows).toContainEqual(
      expect.objectContaining({
        uai: '0211234C',
        schoolName: 'École élémentaire Les Tilleuls',
        commune: 'Dijon',
        circonscription: 'Dijon Centre',
        email: 'camille.martin@ac-dijon.fr',
      }),
    );
  });
});

describe('parseDirectoryCsv, further columns', () => {
  const FULL_HEADER = `${HEADER};emails_secondaires;faisant_fonction`;

  it('reads further addresses and the « faisant fonction » flag', () => {
    // Prepare
    const text = csv(FULL_HEADER, `${MARTIN};c.martin@ac-dijon.fr ce.martin@ac-dijon.fr;`, `${DURAND};;oui`);

    // Act
    const result = parseDirectoryCsv(text);

    // Assess
    expect(result.rejected).toEqual([]);
    expect(result.rows[0]).toMatchObject({
      email: 'camille.martin@ac-dijon.fr',
      otherEmails: ['c.martin@ac-dijon.fr', 'ce.martin@ac-dijon.fr'],
      interim: false,
    });
    expect(result.rows[1]).toMatchObject({ otherEmails: [], interim: true });
  });

  it('refuses a non-academic further address and an unreadable flag, in French', () => {
    // Prepare
    const text = csv(FULL_HEADER, `${MARTIN};camille@gmail.com;peut-être`);

    // Act
    const result = parseDirectoryCsv(text);

    // Assess
    expect(result.rejected).toEqual([
      {
        line: 2,
        reason:
          'adresse non académique (@ac-dijon.fr attendu) : camille@gmail.com ; faisant_fonction invalide : « peut-être » (oui ou non attendu)',
      },
    ]);
  });

  it('refuses both lines when a further address of one person is the address of another', () => {
    // Prepare
    const text = csv(FULL_HEADER, `${MARTIN};eric.durand@ac-dijon.fr;`, `${DURAND};;`);

    // Act
    const result = parseDirectoryCsv(text);

    // Assess
    expect(result.rows).toEqual([]);
    expect(result.rejected.map((rejected) => rejected.line)).toEqual([2, 3]);
    expect(result.rejected[0]?.reason).toContain(
      'adresse eric.durand@ac-dijon.fr utilisée par plusieurs personnes',
    );
  });

  it('reads back cells the export protected against spreadsheet formulas', () => {
    // Prepare: a commune and a name as the export writes them when they start with - or =.
    const text = csv(HEADER, MARTIN.replace(';Dijon;', ";'-Dijon;").replace(';Martin;', ";'=Martin;"));

    // Act
    const result = parseDirectoryCsv(text);

    // Assess
    expect(result.rejected).toEqual([]);
    expect(result.rows[0]).toMatchObject({ commune: '-Dijon', lastName: '=Martin' });
  });

  it('writes civilities one way whatever the export wrote', () => {
    const text = csv(HEADER, MARTIN.replace(';Mme;', ';MADAME;'), DURAND.replace(';M.;', ';Monsieur;'));
    const result = parseDirectoryCsv(text);
    expect(result.rows.map((row) => row.civility)).toEqual(['Mme', 'M.']);
  });
});

describe('rejectConflictingRows', () => {
  it('changes nothing when run again on rows it already checked', () => {
    // Prepare
    const rows: DirectoryRow[] = parseDirectoryCsv(csv(HEADER, MARTIN, DURAND)).rows;

    // Act
    const again = rejectConflictingRows(rows);

    // Assess
    expect(again).toEqual({ rows, rejected: [] });
  });
});

describe('importDirectoryFile', () => {
  it("merges the file's rejections with the store's and passes the good part and options on", async () => {
    // Prepare
    const seen: { input: ImportInput; apply: boolean }[] = [];
    const importer = {
      async importDirectory(input: ImportInput, options: { apply: boolean }): Promise<ImportReport> {
        seen.push({ input, apply: options.apply });
        return {
          applied: options.apply,
          added: input.directors.length,
          changed: 0,
          unchanged: 0,
          deactivated: 0,
          schools: { added: input.schools.length, changed: 0, unchanged: 0 },
          rejected: [{ line: 3, reason: 'refusée par le stockage' }],
          coveredDepartements: ['21', '58'],
          changes: [],
          basedOn: 0,
          generation: 0,
        };
      },
    };
    const text = csv(HEADER, MARTIN, DURAND, MARTIN.replace('0211234C', '0211234D'));

    // Act
    const report = await importDirectoryFile(utf8(text), importer, {
      apply: false,
      now: new Date('2026-09-01T08:00:00Z'),
      actor: 'test',
    });

    // Assess
    expect(seen).toHaveLength(1);
    expect(seen[0]?.apply).toBe(false);
    expect(seen[0]?.input.directors.flatMap((director) => director.lines)).toEqual([2, 3]);
    expect(report).toMatchObject({
      added: 2,
      applied: false,
      format: 'csv',
      encoding: 'utf-8',
      separator: ';',
      recordsRead: 3,
    });
    expect(report.rejected.map((rejected) => rejected.line)).toEqual([3, 4]);
  });
});
