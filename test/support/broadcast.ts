/** Directories for the broadcasts' tests: a small one with every case, and a large generated one. */
import { parseDirectoryFile } from '#shared/directory/import.ts';
import { planImport } from '#shared/directory/plan.ts';
import { type DirectoryState, EMPTY_DIRECTORY } from '#shared/domain/directory.ts';
import { uaiCheckLetter } from '#shared/domain/uai.ts';

const OPTIONS = { academicDomain: 'ac-dijon.fr', now: new Date('2026-09-01T08:00:00Z'), actor: 'test' };
const HEADER = 'uai;ecole;commune;circonscription;departement;civilite;nom;prenom;email';

/**
 * Five directors: Martin of two schools of Dijon Centre, Girard of Dijon Sud, Faure of Nevers 1,
 * Petit of Nevers 1 but inactive, Roux of Mâcon Sud (71) with no civility.
 */
export function smallDirectory(): DirectoryState {
  const file = [
    HEADER,
    '0211234C;École élémentaire Les Tilleuls;Dijon;Dijon Centre;21;Mme;Martin;Camille;camille.martin.diff@ac-dijon.fr',
    '0211747K;École primaire Gustave Eiffel;Dijon;Dijon Centre;21;Mme;Martin;Camille;camille.martin.diff@ac-dijon.fr',
    '0210101W;École maternelle Jean Moulin;Chenôve;Dijon Sud;21;M.;Girard;Julien;julien.girard.diff@ac-dijon.fr',
    '0580203F;École primaire Jules Ferry;Nevers;Nevers 1;58;Mme;Faure;Hélène;helene.faure.diff@ac-dijon.fr',
    '0580203F;École primaire Jules Ferry;Nevers;Nevers 1;58;M.;Petit;Paul;paul.petit.diff@ac-dijon.fr',
    '0710001R;École du Centre;Mâcon;Mâcon Sud;71;;Roux;Alex;alex.roux.diff@ac-dijon.fr',
  ].join('\n');
  const state = planImport(EMPTY_DIRECTORY, parseDirectoryFile(file), OPTIONS).next;
  return {
    ...state,
    directors: state.directors.map((d) => (d.lastName === 'Petit' ? { ...d, active: false } : d)),
  };
}

/** `count` directors, one school each, spread over the four départements (two circonscriptions each). */
export function largeDirectory(count: number): DirectoryState {
  const departements = ['21', '58', '71', '89'];
  const lines = Array.from({ length: count }, (_, index) => {
    const departement = departements[index % 4] ?? '21';
    const digits = `0${departement}${String(1000 + index).padStart(4, '0')}`;
    const uai = `${digits}${uaiCheckLetter(digits)}`;
    const circonscription = `Circo ${departement}-${index % 2}`;
    return `${uai};École ${index};Commune ${index};${circonscription};${departement};Mme;Nom${index};Prénom;directrice.diff.${String(index).padStart(5, '0')}@ac-dijon.fr`;
  });
  return planImport(EMPTY_DIRECTORY, parseDirectoryFile([HEADER, ...lines].join('\n')), OPTIONS).next;
}
