import { describe, expect, it } from 'vitest';
import { parseDirectoryFile } from '#shared/directory/import.ts';
import { planImport } from '#shared/directory/plan.ts';
import { type DirectoryState, EMPTY_DIRECTORY } from '#shared/domain/directory.ts';
import { activeDirectorsInZone, circonscriptionCodeOf, zonesOf } from '#shared/domain/zones.ts';

const OPTIONS = { academicDomain: 'ac-dijon.fr', now: new Date('2026-09-01T08:00:00Z'), actor: 'test' };
const HEADER = 'uai;ecole;commune;circonscription;departement;civilite;nom;prenom;email';

/** Four directors: Martin of two schools of Dijon Centre, Girard of Dijon Sud, Faure of Nevers 1, Petit inactive. */
function directory(): DirectoryState {
  const file = [
    HEADER,
    '0211234C;École élémentaire Les Tilleuls;Dijon;Dijon Centre;21;Mme;Martin;Camille;camille.martin@ac-dijon.fr',
    '0211747K;École primaire Gustave Eiffel;Dijon;Dijon Centre;21;Mme;Martin;Camille;camille.martin@ac-dijon.fr',
    '0210101W;École maternelle Jean Moulin;Chenôve;Dijon Sud;21;M.;Girard;Julien;julien.girard@ac-dijon.fr',
    '0580203F;École primaire Jules Ferry;Nevers;Nevers 1;58;Mme;Faure;Hélène;helene.faure@ac-dijon.fr',
    '0580203F;École primaire Jules Ferry;Nevers;Nevers 1;58;M.;Petit;Paul;paul.petit@ac-dijon.fr',
  ].join('\n');
  const state = planImport(EMPTY_DIRECTORY, parseDirectoryFile(file), OPTIONS).next;
  return {
    ...state,
    directors: state.directors.map((d) => (d.lastName === 'Petit' ? { ...d, active: false } : d)),
  };
}

describe('circonscriptionCodeOf', () => {
  it('makes one code of every spelling of a name, prefixed by its département', () => {
    expect(circonscriptionCodeOf('21', 'Dijon Centre')).toBe('21-dijon-centre');
    expect(circonscriptionCodeOf('21', '  DIJON   centre ')).toBe('21-dijon-centre');
    expect(circonscriptionCodeOf('58', 'Cosne-Cours-sur-Loire')).toBe('58-cosne-cours-sur-loire');
    expect(circonscriptionCodeOf('71', 'Mâcon Sud')).toBe('71-macon-sud');
  });
});

describe('zonesOf', () => {
  it('lists the académie, its four départements, the circonscriptions and the schools, each with its parent', () => {
    // Act
    const zones = zonesOf(directory());

    // Assess
    expect(zones.map((zone) => [zone.type, zone.code, zone.parent?.code ?? null])).toEqual([
      ['academie', 'ac-dijon', null],
      ['departement', '21', 'ac-dijon'],
      ['departement', '58', 'ac-dijon'],
      ['departement', '71', 'ac-dijon'],
      ['departement', '89', 'ac-dijon'],
      ['circonscription', '21-dijon-centre', '21'],
      ['circonscription', '21-dijon-sud', '21'],
      ['circonscription', '58-nevers-1', '58'],
      ['ecole', '0211234C', '21-dijon-centre'],
      ['ecole', '0211747K', '21-dijon-centre'],
      ['ecole', '0210101W', '21-dijon-sud'],
      ['ecole', '0580203F', '58-nevers-1'],
    ]);
    expect(zones.find((zone) => zone.code === '21-dijon-sud')).toEqual({
      type: 'circonscription',
      code: '21-dijon-sud',
      name: 'Dijon Sud',
      parent: { type: 'departement', code: '21' },
      activeDirectors: 1,
    });
  });

  it('counts each active director once per zone, and inactive ones nowhere', () => {
    // Act
    const counts = Object.fromEntries(zonesOf(directory()).map((zone) => [zone.code, zone.activeDirectors]));

    // Assess: Martin's two schools count her once in Dijon Centre; Petit is inactive.
    expect(counts).toEqual({
      'ac-dijon': 3,
      '21': 2,
      '58': 1,
      '71': 0,
      '89': 0,
      '21-dijon-centre': 1,
      '21-dijon-sud': 1,
      '58-nevers-1': 1,
      '0211234C': 1,
      '0211747K': 1,
      '0210101W': 1,
      '0580203F': 1,
    });
  });

  it('has the académie and its départements even before any import', () => {
    expect(zonesOf(EMPTY_DIRECTORY).map((zone) => [zone.code, zone.activeDirectors])).toEqual([
      ['ac-dijon', 0],
      ['21', 0],
      ['58', 0],
      ['71', 0],
      ['89', 0],
    ]);
  });
});

describe('activeDirectorsInZone', () => {
  it('gives the active directors a broadcast to a zone reaches, once each', () => {
    // Prepare
    const state = directory();

    // Act
    const names = (type: 'academie' | 'departement' | 'circonscription' | 'ecole', code: string) =>
      activeDirectorsInZone(state, { type, code }).map((d) => d.lastName);

    // Assess
    expect(names('academie', 'ac-dijon')).toEqual(['Faure', 'Girard', 'Martin']);
    expect(names('departement', '21')).toEqual(['Girard', 'Martin']);
    expect(names('circonscription', '21-dijon-centre')).toEqual(['Martin']);
    expect(names('ecole', '0580203F')).toEqual(['Faure']);
  });
});
