import { describe, expect, it } from 'vitest';
import {
  formatTicketNumber,
  InvalidTicketNumberError,
  parseTicketNumber,
  TicketNumber,
} from '#shared/domain/ticket-number.ts';

describe('formatTicketNumber', () => {
  it.each([
    [2026, 42, 'LSUN-2026-00042'],
    [2026, 1, 'LSUN-2026-00001'],
    [2026, 99_999, 'LSUN-2026-99999'],
    [2026, 100_000, 'LSUN-2026-100000'],
    [2027, 1_234_567, 'LSUN-2027-1234567'],
  ])('formats year %i, sequence %i as %s', (year, sequence, expected) => {
    // Act
    const number = formatTicketNumber(year, sequence);

    // Assess
    expect(number).toBe(expected);
  });

  it.each([
    [2026, 0],
    [2026, -1],
    [2026, 1.5],
    [2026, Number.NaN],
    [999, 1],
    [10_000, 1],
    [2026.5, 1],
  ])('refuses year %s with sequence %s', (year, sequence) => {
    // Act
    const format = () => formatTicketNumber(year, sequence);

    // Assess
    expect(format).toThrow(InvalidTicketNumberError);
  });

  it('gives numbers the schema accepts', () => {
    // Act
    const numbers = [formatTicketNumber(2026, 42), formatTicketNumber(2026, 123_456)];

    // Assess
    expect(numbers.every((number) => TicketNumber.safeParse(number).success)).toBe(true);
  });
});

describe('parseTicketNumber', () => {
  it('reads year and sequence back', () => {
    // Act
    const parsed = parseTicketNumber('LSUN-2026-00042');

    // Assess
    expect(parsed).toEqual({ year: 2026, sequence: 42 });
  });

  it('reads numbers beyond 99 999', () => {
    // Act
    const parsed = parseTicketNumber('LSUN-2026-123456');

    // Assess
    expect(parsed).toEqual({ year: 2026, sequence: 123_456 });
  });

  it('tolerates lower case and surrounding spaces', () => {
    // Act
    const parsed = parseTicketNumber(' lsun-2026-00042 ');

    // Assess
    expect(parsed).toEqual({ year: 2026, sequence: 42 });
  });

  it('round-trips with formatTicketNumber', () => {
    // Act
    const parsed = parseTicketNumber(formatTicketNumber(2031, 7));

    // Assess
    expect(parsed).toEqual({ year: 2031, sequence: 7 });
  });

  it.each([
    'LSUN-2026-0042',
    'LSUN-26-00042',
    'LSUN-2026-00000',
    'LSUN2026-00042',
    '[LSUN-2026-00042]',
    'LSUN-2026-00042 suite',
    'ONDE-2026-00042',
    '',
  ])('refuses %j', (text) => {
    // Act
    const parsed = parseTicketNumber(text);

    // Assess
    expect(parsed).toBeUndefined();
  });
});

describe('TicketNumber schema', () => {
  it.each(['LSUN-2026-00042', 'LSUN-2026-100000'])('accepts %s', (text) => {
    // Act
    const result = TicketNumber.safeParse(text);

    // Assess
    expect(result.success).toBe(true);
  });

  it.each(['lsun-2026-00042', 'LSUN-2026-0042', ' LSUN-2026-00042'])('refuses %j', (text) => {
    // Act
    const result = TicketNumber.safeParse(text);

    // Assess
    expect(result.success).toBe(false);
  });
});
