import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { csvCell, exportDirectoryCsv } from '#shared/directory/export.ts';
import { parseDirectoryFile } from '#shared/directory/import.ts';
import { planImport } from '#shared/directory/plan.ts';
import { EMPTY_DIRECTORY } from '#shared/domain/directory.ts';

const DEMO = readFileSync(new URL('../../data/annuaire-demo.csv', import.meta.url));
const OPTIONS = { academicDomain: 'ac-dijon.fr', now: new Date('2026-09-01T08:00:00Z'), actor: 'test' };
const HEADER = 'uai;ecole;commune;circonscription;departement;civilite;nom;prenom;email';

describe('csvCell', () => {
  it('neutralises every cell a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://evil","clic")')).toBe(`"'=HYPERLINK(""http://evil"",""clic"")"`);
    expect(csvCell('+33 3 80 00 00 00')).toBe("'+33 3 80 00 00 00");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1+1')).toBe("'\t=1+1");
    expect(csvCell('\r=1+1')).toBe(`"'\r=1+1"`);
  });

  it('leaves ordinary cells alone, a hyphen inside a name included', () => {
    expect(csvCell('Jean-Pierre')).toBe('Jean-Pierre');
    expect(csvCell("Côte-d'Or")).toBe("Côte-d'Or");
  });

  it('quotes a cell holding a separator, a quote or a line break', () => {
    expect(csvCell('Les Tilleuls; site B')).toBe('"Les Tilleuls; site B"');
    expect(csvCell('dit "le Clos"')).toBe('"dit ""le Clos"""');
  });
});

describe('exportDirectoryCsv', () => {
  it('writes UTF-8 with a BOM, « ; » separators, CRLF lines and the import columns', () => {
    // Prepare
    const state = planImport(EMPTY_DIRECTORY, parseDirectoryFile(DEMO), OPTIONS).next;

    // Act
    const text = exportDirectoryCsv(state);

    // Assess
    expect(
      text.startsWith('\uFEFFuai;ecole;commune;circonscription;departement;civilite;nom;prenom;email;'),
    ).toBe(true);
    expect(text.split('\r\n')[0]).toBe(
      '\uFEFFuai;ecole;commune;circonscription;departement;civilite;nom;prenom;email;emails_secondaires;faisant_fonction',
    );
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replaceAll('\r\n', '')).not.toContain('\n');
  });

  it('neutralises a hostile value that came in through an import, and reads it back as it was', () => {
    // Prepare: a school name crafted to run a formula when the export is opened.
    const hostile = [
      HEADER,
      '0211234C;"=HYPERLINK(""http://evil"";""x"")";Dijon;Dijon Centre;21;Mme;Martin;Camille;camille.martin@ac-dijon.fr',
      '0210101W;École maternelle Jean Moulin;-Chenôve;Dijon Sud;21;M.;@Girard;+Julien;julien.girard@ac-dijon.fr',
    ].join('\n');
    const state = planImport(EMPTY_DIRECTORY, parseDirectoryFile(hostile), OPTIONS).next;

    // Act
    const text = exportDirectoryCsv(state);
    const cells = text
      .split('\r\n')
      .slice(1)
      .flatMap((line) => line.split(';'));

    // Assess: no cell starts with a formula trigger, and the import gets the original values back.
    expect(cells.filter((cell) => /^"?[=+\-@\t\r]/.test(cell))).toEqual([]);
    expect(text).toContain(`"'=HYPERLINK(""http://evil""`);
    const again = parseDirectoryFile(text);
    expect(again.rejected).toEqual([]);
    expect(again.schools.map((school) => [school.name, school.commune])).toEqual([
      ['=HYPERLINK("http://evil";"x")', 'Dijon'],
      ['École maternelle Jean Moulin', '-Chenôve'],
    ]);
    expect(again.directors[1]).toMatchObject({ lastName: '@Girard', firstName: '+Julien' });
  });

  it('gives a file that changes nothing when imported back', () => {
    // Prepare: the demo directory, plus an acting director with a further address.
    const extra = [
      `${HEADER};emails_secondaires;faisant_fonction`,
      '0891405U;École primaire Pierre Larousse;Toucy;Auxerre 1;89;Mme;Pernot;Agnès;agnes.pernot@ac-dijon.fr;a.pernot@ac-dijon.fr;oui',
    ].join('\n');
    const demo = planImport(EMPTY_DIRECTORY, parseDirectoryFile(DEMO), OPTIONS).next;
    const state = planImport(demo, parseDirectoryFile(extra), OPTIONS).next;

    // Act
    const exported = exportDirectoryCsv(state);
    const plan = planImport(state, parseDirectoryFile(exported), {
      ...OPTIONS,
      now: new Date('2026-10-01T08:00:00Z'),
    });

    // Assess
    expect(plan.rejected).toEqual([]);
    expect(plan.changes).toEqual([]);
    expect(exported).toContain('agnes.pernot@ac-dijon.fr;a.pernot@ac-dijon.fr;oui');
  });

  it('leaves inactive directors out', () => {
    // Prepare
    const state = planImport(
      EMPTY_DIRECTORY,
      parseDirectoryFile(
        [
          HEADER,
          '0211234C;École élémentaire Les Tilleuls;Dijon;Dijon Centre;21;Mme;Martin;Camille;camille.martin@ac-dijon.fr',
        ].join('\n'),
      ),
      OPTIONS,
    ).next;
    const inactive = { ...state, directors: state.directors.map((d) => ({ ...d, active: false })) };

    // Act
    const text = exportDirectoryCsv(inactive);

    // Assess
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(1);
  });
});
