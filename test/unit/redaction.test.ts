import { describe, expect, it } from 'vitest';
import { REDACTION_PATTERN } from '#shared/domain/article.ts';
import { type KnownNames, nameMatcher, redactDraft, redactText } from '#shared/domain/redaction.ts';

/** Rows of `data/annuaire-demo.csv` (uai;ecole;commune;…;nom;prenom;email), as the directory gives them. */
const ROWS = [
  ['0211234C', 'École élémentaire Les Tilleuls', 'Dijon', 'Martin', 'Camille'],
  ['0213682N', 'École élémentaire Jean Macé', 'Auxonne', 'Brunet', 'Éric'],
  ['0217661N', 'École élémentaire Colette', 'Saint-Apollinaire', 'Simon', 'Hervé'],
  ['0214185K', 'École maternelle Jean Macé', 'Semur-en-Auxois', 'Roger', 'Claire'],
  ['0216537S', 'École élémentaire Les Coquelicots', 'Dijon', 'Garcia', 'Nathalie'],
  ['0212364F', 'École élémentaire Anatole France', 'Seurre', 'Roy', 'Virginie'],
] as const;

const DIRECTORY: KnownNames = {
  people: [...ROWS.map(([, , , last, first]) => `${first} ${last}`), 'Jean-Pierre Bidault', 'Claire Petit'],
  schools: [...ROWS.map(([, school]) => school), 'ECOLE PRIMAIRE JULES FERRY'],
  communes: [...new Set(ROWS.map(([, , commune]) => commune)), 'Is-sur-Tille', 'Fontaine-lès-Dijon'],
};

const names = nameMatcher(DIRECTORY);

const redact = (text: string, known = names) => redactText(text, known);

describe('redactText: e-mail addresses', () => {
  it("replaces a director's address and a school mailbox whole, before the name and the UAI they hold", () => {
    // Act
    const result = redact('Écrire à camille.martin@ac-dijon.fr ou à ce.0211234C@ac-dijon.fr.');

    // Assess
    expect(result.text).toBe('Écrire à [adresse électronique] ou à [adresse électronique].');
    expect(result.counts).toEqual([{ kind: 'email', count: 2 }]);
  });
});

describe('redactText: phone numbers', () => {
  it.each([
    '03 80 12 34 56',
    '03.80.12.34.56',
    '03-80-12-34-56',
    '0380123456',
    '+33 3 80 12 34 56',
    '+33 (0)3 80 12 34 56',
    '+33380123456',
    '0033 3 80 12 34 56',
    '+33 03 80 12 34 56',
  ])('replaces « %s »', (phone) => {
    // Act
    const result = redact(`Tél. : ${phone}.`);

    // Assess
    expect(result.text).toBe('Tél. : [téléphone].');
    expect(result.counts).toEqual([{ kind: 'phone', count: 1 }]);
  });

  it.each([
    ['a 10-digit number that does not start with 0', 'Dossier 1234567890.'],
    ['a 0 followed by another 0', 'Code 0012345678.'],
    ['twelve digits in pairs', 'Réf. 03 80 12 34 56 78.'],
    ['a longer run of digits', 'Lot 038012345699.'],
    ['a date', 'Le 07.12.2026 à 10.30.'],
  ])('leaves %s', (_case, text) => {
    // Act
    const result = redact(text);

    // Assess
    expect(result.text).toBe(text);
    expect(result.counts).toEqual([]);
  });
});

describe('redactText: UAI', () => {
  it('replaces a UAI whose check letter matches, in either case', () => {
    // Act
    const result = redact('UAI 0211234C (ou 0213682n).');

    // Assess
    expect(result.text).toBe('UAI [UAI] (ou [UAI]).');
    expect(result.counts).toEqual([{ kind: 'uai', count: 2 }]);
  });

  it('leaves 7 digits and a wrong check letter: that is not a UAI', () => {
    // Act
    const result = redact('UAI 0211234D.');

    // Assess
    expect(result.text).toBe('UAI 0211234D.');
  });
});

describe('redactText: INE', () => {
  it('replaces 10 digits and a letter, and 9 digits and two letters', () => {
    // Act
    const result = redact("L'INE 0123456789A de l'un, 123456789AB de l'autre.");

    // Assess
    expect(result.text).toBe("L'INE [INE] de l'un, [INE] de l'autre.");
    expect(result.counts).toEqual([{ kind: 'ine', count: 2 }]);
  });

  it('leaves runs of a different length or shape', () => {
    // Prepare: 12 characters, 10 digits and three letters, 8 digits and three letters.
    const text = 'Codes 01234567890A, 0123456789ABC, 12345678ABC.';

    // Act
    const result = redact(text);

    // Assess
    expect(result.text).toBe(text);
  });
});

describe('redactText: ticket numbers', () => {
  it('replaces a ticket number, with its brackets when it has them', () => {
    // Act
    const result = redact('Re: [LSUN-2026-00042] suite du LSUN-2026-00041');

    // Assess
    expect(result.text).toBe('Re: [n° de ticket] suite du [n° de ticket]');
    expect(result.counts).toEqual([{ kind: 'ticket', count: 2 }]);
  });
});

describe('redactText: names', () => {
  it('replaces a first name and last name as one person, either way round and in capitals', () => {
    // Act
    const result = redact('Camille Martin a écrit, puis MARTIN Camille.');

    // Assess
    expect(result.text).toBe('[nom] a écrit, puis [nom].');
    expect(result.counts).toEqual([{ kind: 'person', count: 2 }]);
  });

  it('replaces a last name or a first name alone, without accents too', () => {
    // Act
    const result = redact('Mme Garcia vous répond. Bien à vous, Herve');

    // Assess
    expect(result.text).toBe('Mme [nom] vous répond. Bien à vous, [nom]');
  });

  it('finds a participant known only by their address, or by a display name with it', () => {
    // Prepare
    const known = nameMatcher({
      people: ['jean-marc.dupuis@ac-dijon.fr', 'Lucie Bernard <lucie.bernard@ac-dijon.fr>'],
      schools: [],
      communes: [],
    });

    // Act
    const result = redact('Jean-Marc Dupuis, DUPUIS, Lucie Bernard.', known);

    // Assess
    expect(result.text).toBe('[nom], [nom], [nom].');
  });

  it('counts once a first name and a last name known separately, written side by side', () => {
    // Prepare: « Éric » and « Roy » belong to two different directors.
    const text = 'Signé : Éric Roy';

    // Act
    const result = redact(text);

    // Assess
    expect(result.text).toBe('Signé : [nom]');
    expect(result.counts).toEqual([{ kind: 'person', count: 1 }]);
  });

  it('replaces a name only where the text writes it capitalised', () => {
    // Act
    const result = redact('Un petit souci, signalé par Mme Petit. Une réponse claire de Claire.');

    // Assess
    expect(result.text).toBe('Un petit souci, signalé par Mme [nom]. Une réponse claire de [nom].');
  });

  it('replaces hyphenated and multi-word names whole, and never a part of a hyphenated word', () => {
    // Prepare
    const known = nameMatcher({ people: ['Marie-Claire Dupont', 'Jean Durand'], schools: [], communes: [] });

    // Act
    const result = redact('Marie-Claire Dupont et Jean-Pierre, Jean Durand, Marie.', known);

    // Assess
    expect(result.text).toBe('[nom] et Jean-Pierre, [nom], Marie.');
  });

  it('replaces schools by their full name, by their name without their kind, and from upper-case entries', () => {
    // Act: the directory knows an « ECOLE PRIMAIRE JULES FERRY », not an elementary one.
    const result = redact(
      "L'École élémentaire Jean Macé, l'école Les Tilleuls, l'école élémentaire Jules Ferry et l'École primaire Jules Ferry.",
    );

    // Assess
    expect(result.text).toBe("L'[école], l'école [école], l'école élémentaire [école] et l'[école].");
    expect(result.counts).toEqual([{ kind: 'school', count: 4 }]);
  });

  it('replaces communes written with hyphens or spaces, and not their lower-case words', () => {
    // Act
    const result = redact(
      'À Is-sur-Tille, Is sur Tille, Fontaine-lès-Dijon et Dijon ; les tilleuls de seurre.',
    );

    // Assess
    expect(result.text).toBe('À [commune], [commune], [commune] et [commune] ; les tilleuls de seurre.');
    expect(result.counts).toEqual([{ kind: 'commune', count: 4 }]);
  });

  it('takes a name wrapped over two lines, but not across a blank line', () => {
    // Act
    const result = redact("L'École élémentaire Jean\nMacé.\n\nL'École élémentaire Jean\n\nMacé.");

    // Assess
    expect(result.text).toBe("L'[école].\n\nL'École élémentaire Jean\n\nMacé.");
  });

  it('counts a spelling shared by a commune and a director as the commune', () => {
    // Prepare
    const known = nameMatcher({ people: ['Louis Beaune'], schools: [], communes: ['Beaune'] });

    // Act
    const result = redact('Beaune, ou Louis Beaune.', known);

    // Assess
    expect(result.text).toBe('[commune], ou [nom].');
    expect(result.counts).toEqual([
      { kind: 'person', count: 1 },
      { kind: 'commune', count: 1 },
    ]);
  });

  it('ignores entries too short or too common to be names on their own', () => {
    // Prepare: a commune « Y », a person « Li », a commune « Saint », a director called « Bulletin »,
    // the desk as a participant, a school « du Centre ».
    const known = nameMatcher({
      people: ['Li', 'Paul Bulletin', 'Onde', 'Assistance LSUN'],
      schools: ['École du Centre'],
      communes: ['Y', 'Saint'],
    });

    // Act
    const result = redact(
      "Y a-t-il un Bulletin dans ONDE ou LSU ? Saint Li. Paul Bulletin. L'Assistance LSUN, au Centre.",
      known,
    );

    // Assess
    expect(result.text).toBe(
      "Y a-t-il un Bulletin dans ONDE ou LSU ? Saint Li. [nom]. L'Assistance LSUN, au Centre.",
    );
  });

  it('leaves the académie’s own name alone, but not the same town elsewhere', () => {
    // Act
    const result = redact("L'académie de Dijon et le rectorat de Dijon le confirment ; l'école est à Dijon.");

    // Assess
    expect(result.text).toBe(
      "L'académie de Dijon et le rectorat de Dijon le confirment ; l'école est à [commune].",
    );
  });

  it('leaves the placeholders it wrote alone: a redacted text comes out unchanged', () => {
    // Prepare
    const once = redact('Camille Martin, UAI 0211234C, école Les Tilleuls à Dijon, 03 80 12 34 56.').text;

    // Act
    const twice = redact(once);

    // Assess
    expect(twice.text).toBe(once);
    expect(twice.counts).toEqual([]);
  });
});

describe('redactText: flags', () => {
  it('flags the capitalised words after « élève », « enfant », « Mme », « M. », « Madame », « Monsieur »', () => {
    // Act
    const result = redact(
      "L'élève Lucas Bernard, les élèves Zoé et Inès, l'enfant Noah, Mme Avril, M. Durand, Madame Leroy, Monsieur Dubois.",
    );

    // Assess
    expect(result.flags).toEqual([
      { word: 'Lucas Bernard', after: 'élève' },
      { word: 'Zoé', after: 'élèves' },
      { word: 'Noah', after: 'enfant' },
      { word: 'Avril', after: 'Mme' },
      { word: 'Durand', after: 'M.' },
      { word: 'Leroy', after: 'Madame' },
      { word: 'Dubois', after: 'Monsieur' },
    ]);
    expect(result.text).toContain('Lucas Bernard');
  });

  it('does not flag names already replaced, class levels, titles or a greeting', () => {
    // Act
    const result = redact(
      "Madame, Monsieur, Mme Martin demande pour l'élève [nom] et les élèves CM2 ; Monsieur le Directeur, Madame La Directrice.",
    );

    // Assess
    expect(result.flags).toEqual([]);
  });
});

describe('redactDraft', () => {
  it('counts every kind over the three fields, in the kinds’ order, and says where each flag is', () => {
    // Prepare
    const draft = {
      title: '[LSUN-2026-00042] Bulletin de Camille Martin',
      symptom: "Bonjour, l'élève Lucas n'a pas de bulletin. UAI 0211234C.",
      solution: 'Bonjour Mme Martin, rappelez le 03 80 12 34 56 ou écrivez à assistance.lsun@ac-dijon.fr.',
    };

    // Act
    const result = redactDraft(draft, names);

    // Assess
    expect(result.draft).toEqual({
      title: '[n° de ticket] Bulletin de [nom]',
      symptom: "Bonjour, l'élève Lucas n'a pas de bulletin. UAI [UAI].",
      solution: 'Bonjour Mme [nom], rappelez le [téléphone] ou écrivez à [adresse électronique].',
    });
    expect(result.redactions).toEqual([
      { kind: 'email', count: 1 },
      { kind: 'phone', count: 1 },
      { kind: 'uai', count: 1 },
      { kind: 'ticket', count: 1 },
      { kind: 'person', count: 2 },
    ]);
    expect(result.flags).toEqual([{ field: 'symptom', word: 'Lucas', after: 'élève' }]);
  });

  it('brings a realistic mail with its signature and quoted reply out clean', () => {
    // Prepare
    const symptom = [
      'Bonjour,',
      '',
      "Je n'arrive pas à éditer les bulletins de l'école Les Coquelicots dans LSU : ONDE affiche",
      "l'élève Inès comme radiée. Son INE est 0123456789A.",
      '',
      'Pouvez-vous me rappeler au 03 80 12 34 56 ?',
      '',
      'Cordialement,',
      '',
      'Nathalie GARCIA',
      'Directrice',
      'École élémentaire Les Coquelicots',
      '21000 Dijon',
      'UAI : 0216537S',
      'ce.0216537s@ac-dijon.fr',
      '',
      'Le 3 déc. 2026 à 10:12, Assistance LSUN <assistance.lsun@ac-dijon.fr> a écrit :',
      '> Votre demande [LSUN-2026-00042] est bien enregistrée.',
    ].join('\n');

    // Act
    const result = redactDraft({ title: 'Bulletins bloqués', symptom, solution: 'Relancez ONDE.' }, names);

    // Assess
    for (const leak of [
      'Nathalie',
      'GARCIA',
      'Coquelicots',
      'Dijon',
      '0216537',
      '0123456789',
      '80 12',
      '@',
      'LSUN-',
    ]) {
      expect(result.draft.symptom).not.toContain(leak);
    }
    expect(result.draft.symptom).toContain("les bulletins de l'école [école] dans LSU : ONDE affiche");
    expect(result.draft.symptom).toContain('[nom]\nDirectrice\n[école]\n21000 [commune]\nUAI : [UAI]');
    expect(result.redactions).toEqual([
      { kind: 'email', count: 2 },
      { kind: 'phone', count: 1 },
      { kind: 'uai', count: 1 },
      { kind: 'ine', count: 1 },
      { kind: 'ticket', count: 1 },
      { kind: 'person', count: 1 },
      { kind: 'school', count: 2 },
      { kind: 'commune', count: 1 },
    ]);
    expect(result.flags).toEqual([{ field: 'symptom', word: 'Inès', after: 'élève' }]);
    expect(result.draft.symptom.match(REDACTION_PATTERN)).toHaveLength(10);
  });
});
