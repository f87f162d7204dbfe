import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DirectorInput,
  DirectorNotFoundError,
  DirectoryEditError,
  deactivateDirector,
  saveDirector,
} from '#shared/directory/edit.ts';
import { parseDirectoryFile } from '#shared/directory/import.ts';
import { planImport } from '#shared/directory/plan.ts';
import { buildDirectorSearch } from '#shared/directory/search.ts';
import { type DirectoryState, EMPTY_DIRECTORY } from '#shared/domain/directory.ts';

const SMALL = readFileSync(new URL('../fixtures/directory/annuaire-petit.csv', import.meta.url));
const LOADED = { academicDomain: 'ac-dijon.fr', now: new Date('2026-09-01T08:00:00Z'), actor: 'cli:test' };
const EDIT = {
  academicDomain: 'ac-dijon.fr',
  now: new Date('2026-09-20T10:00:00Z'),
  actor: 'admin@ac-dijon.fr',
};

const loaded = (): DirectoryState => planImport(EMPTY_DIRECTORY, parseDirectoryFile(SMALL), LOADED).next;
const input = (fields: Record<string, unknown>) =>
  DirectorInput.parse({
    lastName: 'Petit',
    firstName: 'Paul',
    emails: ['paul.petit@ac-dijon.fr'],
    schools: [{ uai: '0211234C' }],
    ...fields,
  });

/** The problems of an edit that must be refused. */
function problemsOf(edit: () => unknown) {
  try {
    edit();
  } catch (error) {
    if (error instanceof DirectoryEditError) return error.problems;
    throw error;
  }
  throw new Error('the edit was accepted');
}

describe('saveDirector', () => {
  it('creates a director of a known school, an interim one, stamped with who and when', () => {
    // Act
    const result = saveDirector(
      loaded(),
      undefined,
      input({ civility: 'M.', schools: [{ uai: '0211234c', interim: true }] }),
      EDIT,
    );

    // Assess
    expect(result.director).toEqual({
      id: 'paul.petit@ac-dijon.fr',
      civility: 'M.',
      lastName: 'Petit',
      firstName: 'Paul',
      emails: ['paul.petit@ac-dijon.fr'],
      assignments: [{ uai: '0211234C', interim: true }],
      active: true,
      createdAt: '2026-09-20T10:00:00.000Z',
      createdBy: 'admin@ac-dijon.fr',
      updatedAt: '2026-09-20T10:00:00.000Z',
      updatedBy: 'admin@ac-dijon.fr',
    });
    expect(result.changes.map((change) => [change.entity, change.id, change.action])).toEqual([
      ['director', 'paul.petit@ac-dijon.fr', 'added'],
    ]);
  });

  it('creates a school new to the directory when the edit describes it', () => {
    // Act
    const result = saveDirector(
      loaded(),
      undefined,
      input({
        schools: [
          {
            uai: '0712700Z',
            name: 'École primaire Les Charmes',
            commune: 'Cluny',
            circonscription: 'Mâcon Nord',
            departement: '71',
          },
        ],
      }),
      EDIT,
    );

    // Assess
    expect(result.next.schools.find((school) => school.uai === '0712700Z')).toMatchObject({
      name: 'École primaire Les Charmes',
      circonscriptionCode: '71-macon-nord',
      mailbox: 'ce.0712700z@ac-dijon.fr',
    });
    expect(result.next.circonscriptions).toContainEqual({
      code: '71-macon-nord',
      name: 'Mâcon Nord',
      departement: '71',
    });
  });

  it('refuses, field by field in French, what an import would refuse', () => {
    // Act
    const problems = problemsOf(() =>
      saveDirector(
        loaded(),
        undefined,
        input({
          emails: ['paul.petit@gmail.com', 'camille.martin@ac-dijon.fr', 'pas-une-adresse'],
          schools: [
            { uai: '0211234D' },
            {
              uai: '0580203F',
              name: 'École',
              commune: 'Nevers',
              circonscription: 'Nevers 1',
              departement: '21',
            },
            { uai: '0712700Z' },
            { uai: `0751234${'J'}` },
          ],
        }),
        EDIT,
      ),
    );

    // Assess
    expect(problems).toEqual([
      { path: 'emails.0', message: 'adresse non académique (@ac-dijon.fr attendu) : paul.petit@gmail.com' },
      {
        path: 'emails.1',
        message:
          'adresse camille.martin@ac-dijon.fr déjà attribuée à Mme Camille Martin (camille.martin@ac-dijon.fr)',
      },
      { path: 'emails.2', message: 'adresse électronique invalide : « pas-une-adresse »' },
      { path: 'schools.0.uai', message: 'UAI invalide (lettre de contrôle attendue : C)' },
      { path: 'schools.1.departement', message: "le département 21 ne correspond pas à l'UAI 0580203F" },
      {
        path: 'schools.2',
        message: "école 0712700Z inconnue de l'annuaire : précisez son nom, sa commune et sa circonscription",
      },
      {
        path: 'schools.3.uai',
        message: "UAI 0751234J hors de l'académie de Dijon (département 75 ; 21, 58, 71, 89 attendus)",
      },
    ]);
  });

  it('replaces a director as sent, keeps their id and creation stamps, and frees an address they drop', () => {
    // Prepare
    const state = loaded();

    // Act
    const result = saveDirector(
      state,
      'julien.girard@ac-dijon.fr',
      input({
        civility: 'M.',
        lastName: 'Girard',
        firstName: 'Julien',
        emails: ['j.girard@ac-dijon.fr'],
        schools: [{ uai: '0210101W' }],
      }),
      EDIT,
    );

    // Assess
    expect(result.director).toMatchObject({
      id: 'julien.girard@ac-dijon.fr',
      emails: ['j.girard@ac-dijon.fr'],
      createdAt: '2026-09-01T08:00:00.000Z',
      updatedBy: 'admin@ac-dijon.fr',
    });
    expect(result.changes[0]?.fields).toEqual(['emails']);
  });

  it('changes nothing when the director is saved as they are', () => {
    // Prepare
    const state = loaded();

    // Act
    const result = saveDirector(
      state,
      'camille.martin@ac-dijon.fr',
      input({
        civility: 'Mme',
        lastName: 'Martin',
        firstName: 'Camille',
        emails: ['camille.martin@ac-dijon.fr'],
      }),
      EDIT,
    );

    // Assess
    expect(result.changes).toEqual([]);
    expect(result.director.updatedAt).toBe('2026-09-01T08:00:00.000Z');
  });

  it('says which director does not exist', () => {
    expect(() => saveDirector(loaded(), 'inconnu@ac-dijon.fr', input({}), EDIT)).toThrow(
      DirectorNotFoundError,
    );
  });
});

describe('deactivateDirector', () => {
  it('deactivates once: they keep their schools on record, and a second time changes nothing', () => {
    // Act
    const first = deactivateDirector(loaded(), 'agnes.pernot@ac-dijon.fr', EDIT);
    const second = deactivateDirector(first.next, 'agnes.pernot@ac-dijon.fr', EDIT);

    // Assess
    expect(first.director).toMatchObject({
      active: false,
      assignments: [{ uai: '0891405U' }, { uai: '0891406V' }],
    });
    expect(first.changes.map((change) => change.action)).toEqual(['deactivated']);
    expect(second.changes).toEqual([]);
  });
});

describe('buildDirectorSearch', () => {
  const search = buildDirectorSearch(loaded());
  const names = (query: string, filter?: { active?: boolean }) =>
    search.find(query, filter).map((d) => d.lastName);

  it('finds by the start of a name, whatever its case and accents', () => {
    expect(names('mart')).toEqual(['Martin']);
    expect(names('HELENE')).toEqual(['Faure']);
    expect(names('agnès pern')).toEqual(['Pernot']);
  });

  it('finds by address, UAI and commune', () => {
    expect(names('loic.bidault@ac')).toEqual(['Bidault']);
    expect(names('0891406v')).toEqual(['Pernot']);
    expect(names('chenove')).toEqual(['Girard']);
    expect(names('saint-farg')).toEqual(['Pernot']);
  });

  it('needs every word to match, and lists everyone in name order for an empty query', () => {
    expect(names('martin nevers')).toEqual([]);
    expect(names('')).toEqual(['Bidault', 'Faure', 'Girard', 'Martin', 'Pernot']);
  });

  it('filters on whether directors are active', () => {
    const state = deactivateDirector(loaded(), 'camille.martin@ac-dijon.fr', EDIT).next;
    const filtered = buildDirectorSearch(state);
    expect(filtered.find('', { active: false }).map((d) => d.lastName)).toEqual(['Martin']);
    expect(filtered.find('', { active: true })).toHaveLength(4);
  });
});
