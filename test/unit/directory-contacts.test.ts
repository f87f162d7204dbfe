import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contactWrites, diffStates, projectContacts } from '#shared/directory/diff.ts';
import { DirectorInput, deactivateDirector, saveDirector } from '#shared/directory/edit.ts';
import { parseDirectoryFile } from '#shared/directory/import.ts';
import { planImport } from '#shared/directory/plan.ts';
import { decodeState, encodeState, SnapshotCorruptError } from '#shared/directory/snapshot.ts';
import { type DirectoryState, EMPTY_DIRECTORY } from '#shared/domain/directory.ts';

const SMALL = readFileSync(new URL('../fixtures/directory/annuaire-petit.csv', import.meta.url));
const DEMO = readFileSync(new URL('../../data/annuaire-demo.csv', import.meta.url));
const OPTIONS = { academicDomain: 'ac-dijon.fr', now: new Date('2026-09-01T08:00:00Z'), actor: 'test' };

const loaded = (): DirectoryState => planImport(EMPTY_DIRECTORY, parseDirectoryFile(SMALL), OPTIONS).next;

describe('projectContacts', () => {
  it('answers for every address of a director with all of their schools', () => {
    // Act
    const contacts = projectContacts(loaded());

    // Assess
    expect(contacts.get('agnes.pernot@ac-dijon.fr')).toEqual({
      kind: 'director',
      entryId: 'agnes.pernot@ac-dijon.fr',
      civility: 'Mme',
      lastName: 'Pernot',
      firstName: 'Agnès',
      email: 'agnes.pernot@ac-dijon.fr',
      schools: [
        {
          uai: '0891405U',
          name: 'École primaire Pierre Larousse',
          commune: 'Toucy',
          circonscription: 'Auxerre 1',
          departement: '89',
          mailbox: 'ce.0891405u@ac-dijon.fr',
        },
        expect.objectContaining({ uai: '0891406V' }),
      ],
      active: true,
    });
    expect(contacts.get('ce.0580203f@ac-dijon.fr')).toMatchObject({
      kind: 'school_mailbox',
      entryId: 'school:0580203F',
      active: true,
    });
    // Five directors, six school mailboxes.
    expect(contacts.size).toBe(11);
  });

  it('puts out of force a deactivated director and the mailbox of a school left without one', () => {
    // Prepare
    const before = loaded();
    const after = deactivateDirector(before, 'helene.faure@ac-dijon.fr', { ...OPTIONS, actor: 'admin' }).next;

    // Act
    const writes = contactWrites(projectContacts(before), projectContacts(after));

    // Assess
    expect(writes.map((entry) => [entry.email, entry.active])).toEqual([
      ['ce.0580203f@ac-dijon.fr', false],
      ['helene.faure@ac-dijon.fr', false],
    ]);
  });

  it('puts out of force an address a director no longer uses, and adds the new one', () => {
    // Prepare
    const before = loaded();
    const input = DirectorInput.parse({
      civility: 'M.',
      lastName: 'Girard',
      firstName: 'Julien',
      emails: ['j.girard@ac-dijon.fr'],
      schools: [{ uai: '0210101W' }],
    });
    const after = saveDirector(before, 'julien.girard@ac-dijon.fr', input, OPTIONS).next;

    // Act
    const writes = contactWrites(projectContacts(before), projectContacts(after));

    // Assess
    expect(writes.map((entry) => [entry.email, entry.entryId, entry.active])).toEqual([
      ['j.girard@ac-dijon.fr', 'julien.girard@ac-dijon.fr', true],
      ['julien.girard@ac-dijon.fr', 'julien.girard@ac-dijon.fr', false],
    ]);
  });

  it('rewrites every contact of a school whose name changed, and nothing else', () => {
    // Prepare
    const before = loaded();
    const renamed = parseDirectoryFile(
      [
        'uai;ecole;commune;circonscription;departement;civilite;nom;prenom;email',
        '0891405U;École primaire Pierre-Larousse;Toucy;Auxerre 1;89;Mme;Pernot;Agnès;agnes.pernot@ac-dijon.fr',
        '0891406V;École primaire Colette;Saint-Fargeau;Auxerre 1;89;Mme;Pernot;Agnès;agnes.pernot@ac-dijon.fr',
      ].join('\n'),
    );
    const after = planImport(before, renamed, OPTIONS).next;

    // Act
    const writes = contactWrites(projectContacts(before), projectContacts(after));

    // Assess
    expect(writes.map((entry) => entry.email)).toEqual([
      'ce.0891405u@ac-dijon.fr',
      'agnes.pernot@ac-dijon.fr',
    ]);
  });
});

describe('diffStates', () => {
  it('ignores stamps alone, so a rewrite with a new date is no change', () => {
    const state = loaded();
    const restamped = {
      ...state,
      directors: state.directors.map((d) => ({ ...d, updatedAt: 'later', updatedBy: 'x' })),
    };
    expect(diffStates(state, restamped)).toEqual([]);
  });
});

describe('encodeState / decodeState', () => {
  it('gives back the state it was given, in a few kilobytes for the demo directory', () => {
    // Prepare
    const state = { ...planImport(EMPTY_DIRECTORY, parseDirectoryFile(DEMO), OPTIONS).next, generation: 7 };

    // Act
    const encoded = encodeState(state);
    const decoded = decodeState(encoded.parts, encoded.sha256);

    // Assess
    expect(decoded).toEqual(state);
    expect(encoded.parts).toHaveLength(1);
    expect(encoded.bytes).toBeLessThan(50_000);
  });

  it('cuts a large state into parts and joins them back', () => {
    // Prepare
    const state = loaded();

    // Act
    const encoded = encodeState(state, 256);

    // Assess
    expect(encoded.parts.length).toBeGreaterThan(2);
    expect(decodeState(encoded.parts, encoded.sha256)).toEqual(state);
  });

  it('refuses parts that do not match their checksum: a missing or altered part', () => {
    // Prepare
    const encoded = encodeState(loaded(), 256);

    // Act
    const missing = () => decodeState(encoded.parts.slice(1), encoded.sha256);

    // Assess
    expect(missing).toThrow(SnapshotCorruptError);
  });
});
