import { describe, expect, it } from 'vitest';
import {
  ACADEMIE_DEPARTEMENTS,
  academieUaiProblem,
  DEPARTEMENT_NAMES,
  departementOfUai,
  isAcademieDepartement,
  isValidUai,
  uaiCheckLetter,
  uaiProblem,
} from '#shared/domain/uai.ts';

describe('uaiCheckLetter', () => {
  it('takes the 7-digit number modulo 23 in the alphabet without I, O and Q', () => {
    // Prepare: 211234 = 23 × 9184 + 2, and index 2 is C; 0000000 is A; 22 is the last letter, Z.
    const cases = [
      ['0211234', 'C'],
      ['0000000', 'A'],
      ['0000022', 'Z'],
      ['0000008', 'J'],
    ];

    // Act
    const letters = cases.map(([digits]) => uaiCheckLetter(digits ?? ''));

    // Assess
    expect(letters).toEqual(cases.map(([, letter]) => letter));
  });

  it('refuses anything but exactly seven digits', () => {
    expect(() => uaiCheckLetter('021123')).toThrow(RangeError);
    expect(() => uaiCheckLetter('021123A')).toThrow(RangeError);
  });
});

describe('isValidUai', () => {
  it('accepts a UAI whose letter matches its digits', () => {
    expect(isValidUai('0211234C')).toBe(true);
  });

  it('accepts lower case and surrounding spaces, as exports and mailboxes write them', () => {
    expect(isValidUai(' 0211234c ')).toBe(true);
  });

  it('refuses a UAI whose check letter is wrong', () => {
    expect(isValidUai('0211234D')).toBe(false);
  });

  it('refuses a UAI with a digit typed wrong, which the letter exists to catch', () => {
    expect(isValidUai('0211243C')).toBe(false);
  });

  it('refuses malformed UAIs', () => {
    for (const uai of ['', '0211234', '211234C', '02112345C', '0211234CC', 'O211234C']) {
      expect(isValidUai(uai), uai).toBe(false);
    }
  });
});

describe('uaiProblem', () => {
  it('names the expected letter when only the letter is wrong', () => {
    expect(uaiProblem('0211234K')).toBe('UAI invalide (lettre de contrôle attendue : C)');
  });

  it('says what a UAI looks like when the text is not one', () => {
    expect(uaiProblem('21-1234')).toContain('7 chiffres suivis d');
  });

  it('has nothing to say about a valid UAI', () => {
    expect(uaiProblem('0211234C')).toBeUndefined();
  });
});

describe('departementOfUai', () => {
  it('reads the département from the first three digits', () => {
    expect(departementOfUai('0211234C')).toBe('21');
    expect(departementOfUai('0580001x')).toBe('58');
    expect(departementOfUai('0890001A')).toBe('89');
  });

  it('keeps overseas three-digit codes whole', () => {
    expect(departementOfUai('9711234A')).toBe('971');
  });

  it('gives nothing for a text that is not shaped like a UAI', () => {
    expect(departementOfUai('021')).toBeUndefined();
  });

  it('shows a UAI of another département for what it is, even with a valid letter', () => {
    // Prepare: a valid Paris UAI.
    const paris = `0751234${uaiCheckLetter('0751234')}`;

    // Act
    const departement = departementOfUai(paris);

    // Assess
    expect(isValidUai(paris)).toBe(true);
    expect(departement).toBe('75');
    expect(isAcademieDepartement(departement ?? '')).toBe(false);
  });
});

describe('the académie', () => {
  it('has four départements, each with its name', () => {
    expect(ACADEMIE_DEPARTEMENTS).toEqual(['21', '58', '71', '89']);
    expect(DEPARTEMENT_NAMES).toEqual({
      '21': "Côte-d'Or",
      '58': 'Nièvre',
      '71': 'Saône-et-Loire',
      '89': 'Yonne',
    });
  });
});

describe('academieUaiProblem', () => {
  it('accepts a valid UAI of one of the four départements, with or without its département', () => {
    expect(academieUaiProblem('0211234C')).toBeUndefined();
    expect(academieUaiProblem('0891406V', '89')).toBeUndefined();
  });

  it('refuses a wrong check letter and names the expected one', () => {
    expect(academieUaiProblem('0211234D', '21')).toBe('UAI invalide (lettre de contrôle attendue : C)');
  });

  it('refuses a UAI whose département is not the one given', () => {
    expect(academieUaiProblem('0211234C', '58')).toBe("le département 58 ne correspond pas à l'UAI 0211234C");
  });

  it('refuses a valid UAI of another académie', () => {
    // Prepare
    const paris = `0751234${uaiCheckLetter('0751234')}`;

    // Act
    const problem = academieUaiProblem(paris);

    // Assess
    expect(problem).toBe(
      `UAI ${paris} hors de l'académie de Dijon (département 75 ; 21, 58, 71, 89 attendus)`,
    );
  });
});
