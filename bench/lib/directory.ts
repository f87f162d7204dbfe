/**
 * A generated directory the size of the académie's (about 1,600 primary schools), so that the
 * benchmark's new requests come from many different directors, as on a real morning, and the
 * daily cap of 10 is never what limits throughput except where a mail is meant to hit it.
 */
import { uaiCheckLetter } from '#shared/domain/uai.ts';
import { addressLocalPart, COMMUNES, FIRST_NAMES, LAST_NAMES, schoolName } from './french.ts';
import type { Random } from './random.ts';

/** A school of the generated directory. */
export type BenchSchool = { uai: string; name: string; commune: string; mailbox: string };

/** A director, with the schools they run (one, sometimes two). */
export type BenchDirector = {
  email: string;
  civility: 'Mme' | 'M.';
  firstName: string;
  lastName: string;
  schools: BenchSchool[];
};

/** The directory as a CSV file for the import, and as data for the corpus. */
export type BenchDirectory = { csv: string; directors: BenchDirector[]; addresses: Set<string> };

const DOMAIN = 'ac-dijon.fr';
/** Share of directors running two schools (a "regroupement pédagogique"). */
const TWO_SCHOOLS = 0.04;

/** Generates `schoolCount` schools over the four départements, and their directors. */
export function generateDirectory(random: Random, schoolCount: number): BenchDirectory {
  const departements = Object.keys(COMMUNES) as Array<keyof typeof COMMUNES>;
  const usedUais = new Set<string>();
  const addresses = new Set<string>();
  const directors: BenchDirector[] = [];
  const rows: string[] = ['uai;ecole;commune;circonscription;departement;civilite;nom;prenom;email'];

  const newAddress = (firstName: string, lastName: string) => {
    const base = addressLocalPart(firstName, lastName);
    let address = `${base}@${DOMAIN}`;
    for (let n = 2; addresses.has(address); n++) address = `${base}${n}@${DOMAIN}`;
    addresses.add(address);
    return address;
  };

  let schools = 0;
  while (schools < schoolCount) {
    const firstName = random.pick(FIRST_NAMES);
    const lastName = random.pick(LAST_NAMES);
    const director: BenchDirector = {
      email: newAddress(firstName, lastName),
      civility: random.chance(0.8) ? 'Mme' : 'M.',
      firstName,
      lastName,
      schools: [],
    };
    const runs = random.chance(TWO_SCHOOLS) && schools + 2 <= schoolCount ? 2 : 1;
    const departement = random.pick(departements);
    for (let i = 0; i < runs; i++) {
      let digits: string;
      do digits = `0${departement}${String(random.int(0, 9999)).padStart(4, '0')}`;
      while (usedUais.has(digits));
      usedUais.add(digits);
      const uai = `${digits}${uaiCheckLetter(digits)}`;
      const [commune, circonscription] = random.pick(COMMUNES[departement]);
      const school: BenchSchool = {
        uai,
        name: schoolName(random),
        commune,
        mailbox: `ce.${uai.toLowerCase()}@${DOMAIN}`,
      };
      addresses.add(school.mailbox);
      director.schools.push(school);
      rows.push(
        [
          uai,
          school.name,
          commune,
          circonscription,
          departement,
          director.civility,
          lastName,
          firstName,
          director.email,
        ].join(';'),
      );
      schools++;
    }
    directors.push(director);
  }
  return { csv: `${rows.join('\n')}\n`, directors, addresses };
}
