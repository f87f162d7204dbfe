import { describe, expect, it } from 'vitest';
import { domainOf, isAcademicAddress, normalizeAddress, schoolMailboxUai } from '#shared/domain/address.ts';

const DOMAIN = 'ac-dijon.fr';

describe('normalizeAddress', () => {
  it('trims, strips angle brackets and lower-cases', () => {
    // Act
    const address = normalizeAddress('  <Claire.Martin@AC-Dijon.FR> ');

    // Assess
    expect(address).toBe('claire.martin@ac-dijon.fr');
  });

  it('leaves a plain address as it is', () => {
    // Act
    const address = normalizeAddress('claire.martin@ac-dijon.fr');

    // Assess
    expect(address).toBe('claire.martin@ac-dijon.fr');
  });
});

describe('domainOf', () => {
  it.each([
    ['claire.martin@AC-DIJON.fr', 'ac-dijon.fr'],
    ['<x@sub.ac-dijon.fr>', 'sub.ac-dijon.fr'],
    ['x@ac-dijon.fr@evil.com', 'evil.com'],
    ['no-at-sign', undefined],
    ['nothing-after@', undefined],
  ])('gives the domain of %j as %j', (address, expected) => {
    // Act
    const domain = domainOf(address);

    // Assess
    expect(domain).toBe(expected);
  });
});

describe('isAcademicAddress', () => {
  it.each([
    'claire.martin@ac-dijon.fr',
    'Claire.Martin@AC-Dijon.FR',
    '<claire.martin@ac-dijon.fr>',
    ' ce.0211234c@ac-dijon.fr ',
    'jean-paul.o+lsun@ac-dijon.fr',
  ])('accepts %j', (address) => {
    // Act
    const academic = isAcademicAddress(address, DOMAIN);

    // Assess
    expect(academic).toBe(true);
  });

  it.each([
    ['a subdomain', 'x@sub.ac-dijon.fr'],
    ['the domain as a prefix of another', 'x@ac-dijon.fr.evil.com'],
    ['another top-level domain', 'x@ac-dijon.com'],
    ['a digit for a letter', 'x@ac-dij0n.fr'],
    ['a domain that ends with it', 'x@pac-dijon.fr'],
    ['a punycode homograph', 'x@xn--ac-dijn-4ve.fr'],
    ['a Cyrillic homograph', 'x@ac-dij\u043en.fr'],
    ['a Kelvin sign that lower-cases to k', 'x@\u212Aac-dijon.fr'],
    ['two @', 'x@ac-dijon.fr@evil.com'],
    ['two @ the other way round', 'x@evil.com@ac-dijon.fr'],
    ['a quoted local part hiding an @', '"x@evil.com"@ac-dijon.fr'],
    ['a quoted local part', '"claire martin"@ac-dijon.fr'],
    ['a trailing dot', 'x@ac-dijon.fr.'],
    ['an empty local part', '@ac-dijon.fr'],
    ['a leading dot in the local part', '.x@ac-dijon.fr'],
    ['two dots in a row', 'x..y@ac-dijon.fr'],
    ['a space inside', 'x y@ac-dijon.fr'],
    ['a display name', 'Claire <claire@ac-dijon.fr>'],
    ['a list of addresses', 'x@ac-dijon.fr,y@evil.com'],
    ['no domain at all', 'claire.martin'],
    ['an empty string', ''],
  ])('refuses %s (%j)', (_case, address) => {
    // Act
    const academic = isAcademicAddress(address, DOMAIN);

    // Assess
    expect(academic).toBe(false);
  });

  it('compares with the configured domain, whatever its case', () => {
    // Act
    const results = [
      isAcademicAddress('x@ac-dijon.fr', 'AC-DIJON.FR'),
      isAcademicAddress('x@ac-dijon.fr', 'ac-besancon.fr'),
    ];

    // Assess
    expect(results).toEqual([true, false]);
  });
});

describe('schoolMailboxUai', () => {
  it('reads the UAI of a school mailbox, upper case', () => {
    // Act
    const uai = schoolMailboxUai('ce.0211234c@ac-dijon.fr', DOMAIN);

    // Assess
    expect(uai).toBe('0211234C');
  });

  it('reads an upper-case mailbox too', () => {
    // Act
    const uai = schoolMailboxUai('CE.0891234X@AC-DIJON.FR', DOMAIN);

    // Assess
    expect(uai).toBe('0891234X');
  });

  it.each([
    ['another domain', 'ce.0211234c@ac-besancon.fr'],
    ['a subdomain', 'ce.0211234c@ecoles.ac-dijon.fr'],
    ['six digits', 'ce.021123c@ac-dijon.fr'],
    ['eight digits', 'ce.02112345c@ac-dijon.fr'],
    ['no check letter', 'ce.0211234@ac-dijon.fr'],
    ['two letters', 'ce.0211234cc@ac-dijon.fr'],
    ['another prefix', 'ecole.0211234c@ac-dijon.fr'],
    ['a personal address', 'claire.martin@ac-dijon.fr'],
  ])('gives no UAI for %s (%j)', (_case, address) => {
    // Act
    const uai = schoolMailboxUai(address, DOMAIN);

    // Assess
    expect(uai).toBeUndefined();
  });
});
