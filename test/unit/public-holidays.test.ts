import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import { easterSunday, frenchPublicHolidays } from '#shared/domain/public-holidays.ts';

describe('easterSunday', () => {
  it.each([
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2027, '2027-03-28'],
    [2038, '2038-04-25'],
    [2285, '2285-03-22'],
  ])('puts Easter %i on %s (its earliest and latest dates included)', (year, expected) => {
    // Act
    const easter = easterSunday(year);

    // Assess
    expect(easter).toBe(expected);
  });

  it('refuses a year before the Gregorian calendar, where the rule does not hold', () => {
    // Act / Assess
    expect(() => easterSunday(1500)).toThrow(RangeError);
  });
});

describe('frenchPublicHolidays', () => {
  it('lists the eleven holidays of 2027 in date order, Good Friday (Alsace-Moselle) excluded', () => {
    // Act
    const days = frenchPublicHolidays(2027);

    // Assess
    expect(days).toEqual([
      '2027-01-01',
      '2027-03-29',
      '2027-05-01',
      '2027-05-06',
      '2027-05-08',
      '2027-05-17',
      '2027-07-14',
      '2027-08-15',
      '2027-11-01',
      '2027-11-11',
      '2027-12-25',
    ]);
  });

  it('counts a day once when two holidays fall on it (Ascension on 8 May 1997)', () => {
    // Act
    const days = frenchPublicHolidays(1997);

    // Assess
    expect(days.filter((day) => day === '1997-05-08')).toHaveLength(1);
  });

  it('gives the same days as the date-holidays library it replaced, every year from 1990 to 2300', () => {
    // Prepare
    const library = new Holidays('FR');
    const years = Array.from({ length: 311 }, (_, index) => 1990 + index);

    // Act
    const differences = years.flatMap((year) => {
      const expected = [
        ...new Set(
          library
            .getHolidays(year)
            .filter((holiday) => holiday.type === 'public')
            .map((holiday) => holiday.date.slice(0, 10)),
        ),
      ].sort();
      const computed = frenchPublicHolidays(year);
      return JSON.stringify(computed) === JSON.stringify(expected) ? [] : [{ year, computed, expected }];
    });

    // Assess
    expect(differences).toEqual([]);
  });
});
