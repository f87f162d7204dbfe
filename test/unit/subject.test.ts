import { describe, expect, it } from 'vitest';
import { acknowledgmentSubject, findTicketTag, hasKeyword } from '#shared/domain/subject.ts';

describe('hasKeyword', () => {
  it.each([
    'LSUN',
    'lsun',
    '[LSUN]',
    'Re: TR: Fwd: LSUN problème',
    'Problème LSUN:',
    'Lsun : export des livrets',
    'Question (LSUN) sur les bulletins',
    'Re: [LSUN-2026-00042] Bulletins',
    'LSUN-2026-00042',
    'TR : «LSUN» accès',
    'école/LSUN',
  ])('accepts the keyword as a word in %j', (subject) => {
    // Act
    const found = hasKeyword(subject, 'LSUN');

    // Assess
    expect(found).toBe(true);
  });

  it.each([
    'LSUNX',
    'ALSUN',
    'lsun2',
    '2lsun',
    'L S U N',
    'LSU N',
    'éLSUN',
    'LSUNé',
    'e\u0301LSUN',
    'LSUN_bulletins',
    'Livret scolaire unique numérique',
    '',
  ])('refuses %j, where LSUN is not a word of its own', (subject) => {
    // Act
    const found = hasKeyword(subject, 'LSUN');

    // Assess
    expect(found).toBe(false);
  });

  it('uses the configured keyword, not a fixed one', () => {
    // Act
    const results = [hasKeyword('Problème ONDE', 'ONDE'), hasKeyword('Problème LSUN', 'ONDE')];

    // Assess
    expect(results).toEqual([true, false]);
  });
});

describe('findTicketTag', () => {
  it('finds the tag of a reply to an acknowledgment', () => {
    // Act
    const tag = findTicketTag('Re: [LSUN-2026-00042] Bulletins', 'LSUN');

    // Assess
    expect(tag).toBe('LSUN-2026-00042');
  });

  it('normalises a lower-case tag to upper case', () => {
    // Act
    const tag = findTicketTag('RE: [lsun-2026-00042] bulletins', 'LSUN');

    // Assess
    expect(tag).toBe('LSUN-2026-00042');
  });

  it('reads tags beyond 99 999 tickets', () => {
    // Act
    const tag = findTicketTag('Re: [LSUN-2026-123456] suite', 'LSUN');

    // Assess
    expect(tag).toBe('LSUN-2026-123456');
  });

  it('finds a tag written without brackets', () => {
    // Act
    const tag = findTicketTag('Suite du ticket LSUN-2026-00042', 'LSUN');

    // Assess
    expect(tag).toBe('LSUN-2026-00042');
  });

  it('prefers a bracketed tag over a bare one mentioned earlier', () => {
    // Act
    const tag = findTicketTag('LSUN-2025-00001 comme [LSUN-2026-00042]', 'LSUN');

    // Assess
    expect(tag).toBe('LSUN-2026-00042');
  });

  it.each([
    'LSUN problème',
    '[LSUN-2026-0042] four digits',
    '[LSUN-26-00042] short year',
    'XLSUN-2026-00042',
    'LSUN-2026-00042X',
    '',
  ])('finds no tag in %j', (subject) => {
    // Act
    const tag = findTicketTag(subject, 'LSUN');

    // Assess
    expect(tag).toBeUndefined();
  });
});

describe('acknowledgmentSubject', () => {
  it('puts the tag in front of the original subject', () => {
    // Act
    const subject = acknowledgmentSubject('LSUN-2026-00042', 'LSUN bulletins');

    // Assess
    expect(subject).toBe('[LSUN-2026-00042] LSUN bulletins');
  });

  it.each([
    ['Re: LSUN bulletins'],
    ['RE : LSUN bulletins'],
    ['TR: LSUN bulletins'],
    ['Fwd: LSUN bulletins'],
    ['Fw: LSUN bulletins'],
    ['AW: LSUN bulletins'],
    ['Re: TR: Fwd: LSUN bulletins'],
    ['re[2]: LSUN bulletins'],
    ['  Re:   LSUN   bulletins  '],
  ])('drops the reply and forward prefixes of %j', (original) => {
    // Act
    const subject = acknowledgmentSubject('LSUN-2026-00042', original);

    // Assess
    expect(subject).toBe('[LSUN-2026-00042] LSUN bulletins');
  });

  it('does not repeat a tag the director already wrote', () => {
    // Act
    const subject = acknowledgmentSubject('LSUN-2026-00042', 'Re: [LSUN-2026-00042] TR: Bulletins');

    // Assess
    expect(subject).toBe('[LSUN-2026-00042] Bulletins');
  });

  it('gives a default subject when the original is empty', () => {
    // Act
    const subjects = [
      acknowledgmentSubject('LSUN-2026-00042', ''),
      acknowledgmentSubject('LSUN-2026-00042', 'Re: '),
    ];

    // Assess
    expect(subjects).toEqual([
      "[LSUN-2026-00042] Demande d'assistance LSUN",
      "[LSUN-2026-00042] Demande d'assistance LSUN",
    ]);
  });

  it('keeps a subject on one line', () => {
    // Act
    const subject = acknowledgmentSubject('LSUN-2026-00042', 'LSUN\r\nBcc: victim@example.com');

    // Assess
    expect(subject).toBe('[LSUN-2026-00042] LSUN Bcc: victim@example.com');
  });

  it('keeps a word that only starts like a prefix', () => {
    // Act
    const subject = acknowledgmentSubject('LSUN-2026-00042', 'Retour LSUN: bulletins');

    // Assess
    expect(subject).toBe('[LSUN-2026-00042] Retour LSUN: bulletins');
  });
});
