import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDirectoryFile } from '#shared/directory/import.ts';
import { planImport } from '#shared/directory/plan.ts';
import { type DirectoryState, EMPTY_DIRECTORY } from '#shared/domain/directory.ts';

const SMALL = readFileSync(new URL('../fixtures/directory/annuaire-petit.csv', import.meta.url));
const SAMPLE_LDIF = readFileSync(new URL('../fixtures/directory/annuaire-extrait.ldif', import.meta.url));
const DEMO_CSV = readFileSync(new URL('../../data/annuaire-demo.csv', import.meta.url));
const DEMO_LDIF = readFileSync(new URL('../../data/annuaire-demo.ldif', import.meta.url));
const HEADER = 'uai;ecole;commune;circonscription;departement;civilite;nom;prenom;email';
const FIRST = { academicDomain: 'ac-dijon.fr', now: new Date('2026-09-01T08:00:00Z'), actor: 'cli:test' };
const LATER = { ...FIRST, now: new Date('2026-09-15T08:00:00Z'), actor: 'admin@ac-dijon.fr' };

const csv = (...lines: string[]) => parseDirectoryFile(`${[HEADER, ...lines].join('\n')}\n`);
const loaded = (): DirectoryState => planImport(EMPTY_DIRECTORY, parseDirectoryFile(SMALL), FIRST).next;
const director = (state: DirectoryState, id: string) => state.directors.find((d) => d.id === id);

describe('planImport', () => {
  it('adds the schools, directors and circonscriptions of a first file', () => {
    // Act
    const plan = planImport(EMPTY_DIRECTORY, parseDirectoryFile(SMALL), FIRST);

    // Assess
    expect(plan.directors).toEqual({ added: 5, changed: 0, unchanged: 0, deactivated: 0 });
    expect(plan.schools).toEqual({ added: 6, changed: 0, unchanged: 0 });
    expect(plan.coveredDepartements).toEqual(['21', '58', '71', '89']);
    expect(plan.next.circonscriptions).toContainEqual({
      code: '89-auxerre-1',
      name: 'Auxerre 1',
      departement: '89',
    });
    expect(director(plan.next, 'agnes.pernot@ac-dijon.fr')).toEqual({
      id: 'agnes.pernot@ac-dijon.fr',
      civility: 'Mme',
      lastName: 'Pernot',
      firstName: 'Agnès',
      emails: ['agnes.pernot@ac-dijon.fr'],
      assignments: [
        { uai: '0891405U', interim: false },
        { uai: '0891406V', interim: false },
      ],
      active: true,
      createdAt: '2026-09-01T08:00:00.000Z',
      createdBy: 'cli:test',
      updatedAt: '2026-09-01T08:00:00.000Z',
      updatedBy: 'cli:test',
    });
  });

  it('finds nothing to change when the same file comes again, and keeps every stamp', () => {
    // Prepare
    const state = loaded();

    // Act
    const plan = planImport(state, parseDirectoryFile(SMALL), LATER);

    // Assess
    expect(plan.changes).toEqual([]);
    expect(plan.directors).toEqual({ added: 0, changed: 0, unchanged: 5, deactivated: 0 });
    expect(plan.next.directors).toEqual(state.directors);
  });

  it('deactivates the directors of the covered départements missing from the file, and no others', () => {
    // Prepare: a file about Côte-d'Or only, where Julien Girard no longer appears.
    const state = loaded();
    const input = csv(
      '0211234C;École élémentaire Les Tilleuls;Dijon;Dijon Centre;21;Mme;Martin;Camille;camille.martin@ac-dijon.fr',
    );

    // Act
    const plan = planImport(state, input, LATER);

    // Assess
    expect(plan.coveredDepartements).toEqual(['21']);
    expect(plan.directors).toEqual({ added: 0, changed: 0, unchanged: 1, deactivated: 1 });
    expect(director(plan.next, 'julien.girard@ac-dijon.fr')).toMatchObject({
      active: false,
      assignments: [{ uai: '0210101W', interim: false }],
      updatedBy: 'admin@ac-dijon.fr',
    });
    for (const id of ['helene.faure@ac-dijon.fr', 'loic.bidault@ac-dijon.fr', 'agnes.pernot@ac-dijon.fr']) {
      expect(director(plan.next, id)).toEqual(director(state, id));
    }
    expect(plan.directorChanges).toEqual([
      {
        action: 'deactivated',
        id: 'julien.girard@ac-dijon.fr',
        name: 'M. Julien Girard',
        email: 'julien.girard@ac-dijon.fr',
        fields: ['active'],
        lines: [],
      },
    ]);
  });

  it('takes from a director of two départements only the schools of the département covered', () => {
    // Prepare: Camille Martin also directs a school of the Yonne.
    const state = planImport(
      loaded(),
      csv(
        '0211234C;École élémentaire Les Tilleuls;Dijon;Dijon Centre;21;Mme;Martin;Camille;camille.martin@ac-dijon.fr',
        '0891405U;École primaire Pierre Larousse;Toucy;Auxerre 1;89;Mme;Martin;Camille;camille.martin@ac-dijon.fr',
        '0891405U;École primaire Pierre Larousse;Toucy;Auxerre 1;89;Mme;Pernot;Agnès;agnes.pernot@ac-dijon.fr',
        '0891406V;École primaire Colette;Saint-Fargeau;Auxerre 1;89;Mme;Pernot;Agnès;agnes.pernot@ac-dijon.fr',
      ),
      FIRST,
    ).next;
    const aboutDijon = csv(
      '0210101W;École maternelle Jean Moulin;Chenôve;Dijon Sud;21;M.;Girard;Julien;julien.girard@ac-dijon.fr',
    );

    // Act
    const plan = planImport(state, aboutDijon, LATER);

    // Assess
    expect(director(plan.next, 'camille.martin@ac-dijon.fr')).toMatchObject({
      active: true,
      assignments: [{ uai: '0891405U', interim: false }],
    });
    // Julien Girard, dropped by the file that made the state, comes back: the other change.
    expect(plan.directorChanges.map((change) => [change.action, change.id])).toEqual([
      ['changed', 'camille.martin@ac-dijon.fr'],
      ['reactivated', 'julien.girard@ac-dijon.fr'],
    ]);
  });

  it('reactivates a director the file lists again, and says so', () => {
    // Prepare
    const state = planImport(
      loaded(),
      csv(
        '0211234C;École élémentaire Les Tilleuls;Dijon;Dijon Centre;21;Mme;Martin;Camille;camille.martin@ac-dijon.fr',
      ),
      FIRST,
    ).next;

    // Act
    const plan = planImport(state, parseDirectoryFile(SMALL), LATER);

    // Assess
    expect(director(plan.next, 'julien.girard@ac-dijon.fr')?.active).toBe(true);
    expect(plan.directorChanges.map((change) => [change.action, change.id])).toEqual([
      ['reactivated', 'julien.girard@ac-dijon.fr'],
    ]);
    expect(plan.directors).toMatchObject({ changed: 1, deactivated: 0 });
  });

  it('follows a director through a change of name and addresses, keeping their id', () => {
    // Prepare
    const state = loaded();
    const input = parseDirectoryFile(
      [
        `${HEADER};emails_secondaires;faisant_fonction`,
        '0211234C;École élémentaire Les Tilleuls;Dijon;Dijon Centre;21;Mme;Martin-Roy;Camille;camille.martin@ac-dijon.fr;camille.martin-roy@ac-dijon.fr;oui',
      ].join('\n'),
    );

    // Act
    const plan = planImport(state, input, LATER);

    // Assess
    expect(director(plan.next, 'camille.martin@ac-dijon.fr')).toMatchObject({
      lastName: 'Martin-Roy',
      emails: ['camille.martin@ac-dijon.fr', 'camille.martin-roy@ac-dijon.fr'],
      assignments: [{ uai: '0211234C', interim: true }],
      createdAt: '2026-09-01T08:00:00.000Z',
      updatedAt: '2026-09-15T08:00:00.000Z',
    });
    expect(plan.directorChanges[0]?.fields).toEqual(['assignments', 'emails', 'lastName']);
  });

  it('refuses a line whose addresses belong to two directors of the directory, in French', () => {
    // Prepare
    const state = loaded();
    const input = parseDirectoryFile(
      [
        `${HEADER};emails_secondaires`,
        '0211234C;École élémentaire Les Tilleuls;Dijon;Dijon Centre;21;Mme;Martin;Camille;camille.martin@ac-dijon.fr;julien.girard@ac-dijon.fr',
      ].join('\n'),
    );

    // Act
    const plan = planImport(state, input, LATER);

    // Assess
    expect(plan.rejected).toEqual([
      {
        line: 2,
        reason:
          "adresses appartenant à 2 directeurs différents de l'annuaire (Mme Camille Martin, camille.martin@ac-dijon.fr ; M. Julien Girard, julien.girard@ac-dijon.fr)",
      },
    ]);
    // A refused line covers no département: nothing is deactivated.
    expect(plan.changes).toEqual([]);
  });

  it('reads an LDIF export against the schools the directory knows', () => {
    // Prepare: the schools come from the CSV; the LDIF says who directs them.
    const state = loaded();

    // Act
    const plan = planImport(state, parseDirectoryFile(SAMPLE_LDIF), LATER);

    // Assess
    expect(plan.rejected).toEqual([]);
    expect(plan.coveredDepartements).toEqual(['21', '58', '71', '89']);
    expect(plan.directors).toEqual({ added: 0, changed: 2, unchanged: 3, deactivated: 0 });
    expect(director(plan.next, 'julien.girard@ac-dijon.fr')?.emails).toEqual([
      'julien.girard@ac-dijon.fr',
      'j.girard@ac-dijon.fr',
    ]);
    expect(director(plan.next, 'helene.faure@ac-dijon.fr')?.assignments).toEqual([
      { uai: '0580203F', interim: true },
    ]);
  });

  it('refuses an LDIF director of a school the directory does not know', () => {
    // Act: the same LDIF, into an empty directory.
    const plan = planImport(EMPTY_DIRECTORY, parseDirectoryFile(SAMPLE_LDIF), FIRST);

    // Assess
    expect(plan.next.directors).toEqual([]);
    expect(plan.rejected.map((rejected) => rejected.line)).toEqual([14, 34, 52, 69, 86]);
    expect(plan.rejected[0]?.reason).toBe(
      "école 0211234C inconnue de l'annuaire : décrivez-la d'abord (import CSV avec son nom, sa commune et sa circonscription)",
    );
  });

  it('records a school renamed by the file, and its circonscription renamed with it', () => {
    // Prepare
    const state = loaded();
    const input = csv(
      '0211234C;École élémentaire Les Tilleuls-Montchapet;Dijon;Dijon Centre Ville;21;Mme;Martin;Camille;camille.martin@ac-dijon.fr',
      '0210101W;École maternelle Jean Moulin;Chenôve;Dijon Sud;21;M.;Girard;Julien;julien.girard@ac-dijon.fr',
    );

    // Act
    const plan = planImport(state, input, LATER);

    // Assess
    expect(plan.schools).toEqual({ added: 0, changed: 1, unchanged: 1 });
    expect(
      plan.changes.filter((change) => change.entity !== 'director').map((c) => [c.entity, c.id, c.action]),
    ).toEqual([
      ['school', '0211234C', 'changed'],
      ['circonscription', '21-dijon-centre-ville', 'added'],
      ['circonscription', '21-dijon-centre', 'removed'],
    ]);
  });

  it("applies the demo LDIF over the demo CSV: Côte-d'Or only, its two differences, its teacher skipped", () => {
    // Prepare
    const demo = planImport(EMPTY_DIRECTORY, parseDirectoryFile(DEMO_CSV), FIRST).next;
    const ldif = parseDirectoryFile(DEMO_LDIF);

    // Act
    const plan = planImport(demo, ldif, LATER);

    // Assess
    expect(ldif).toMatchObject({ rejected: [], ignored: 1 });
    expect(plan.rejected).toEqual([]);
    expect(plan.coveredDepartements).toEqual(['21']);
    expect(plan.directorChanges.map((change) => [change.id, change.fields])).toEqual([
      ['camille.martin@ac-dijon.fr', ['emails']],
      ['sophie.rousseau@ac-dijon.fr', ['assignments']],
    ]);
    expect(plan.directors).toMatchObject({ added: 0, deactivated: 0 });
  });
});
