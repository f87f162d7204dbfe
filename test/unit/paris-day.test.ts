import { describe, expect, it } from 'vitest';
import { nextParisMidnight, parisDay, parisYear } from '#shared/domain/paris-day.ts';

const HOUR = 3_600_000;

describe('parisDay', () => {
  it.each([
    ['2026-01-15T22:59:59Z', '2026-01-15', 'winter, one second before Paris midnight (UTC+1)'],
    ['2026-01-15T23:00:00Z', '2026-01-16', 'winter, Paris midnight'],
    ['2026-07-15T21:59:59Z', '2026-07-15', 'summer, one second before Paris midnight (UTC+2)'],
    ['2026-07-15T22:00:00Z', '2026-07-16', 'summer, Paris midnight'],
    ['2026-12-31T22:59:59Z', '2026-12-31', "New Year's Eve, last second in Paris"],
    ['2026-12-31T23:00:00Z', '2027-01-01', "New Year's Day in Paris, still 2026 in UTC"],
    ['2026-03-29T00:59:59Z', '2026-03-29', 'spring forward, just before 02:00 local'],
    ['2026-03-29T01:00:00Z', '2026-03-29', 'spring forward, 03:00 local'],
    ['2026-10-25T00:30:00Z', '2026-10-25', 'fall back, first 02:30 local'],
    ['2026-10-25T01:30:00Z', '2026-10-25', 'fall back, second 02:30 local'],
  ])('reads %s as the Paris day %s (%s)', (instant, expected) => {
    // Act
    const day = parisDay(new Date(instant));

    // Assess
    expect(day).toBe(expected);
  });
});

describe('parisYear', () => {
  it("gives the Paris year on New Year's night, not the UTC one", () => {
    // Act
    const years = [parisYear(new Date('2026-12-31T22:59:59Z')), parisYear(new Date('2026-12-31T23:00:00Z'))];

    // Assess
    expect(years).toEqual([2026, 2027]);
  });
});

describe('nextParisMidnight', () => {
  it('gives the next midnight in winter (UTC+1)', () => {
    // Act
    const midnight = nextParisMidnight(new Date('2026-01-15T10:00:00Z'));

    // Assess
    expect(midnight.toISOString()).toBe('2026-01-15T23:00:00.000Z');
  });

  it('gives the next midnight in summer (UTC+2)', () => {
    // Act
    const midnight = nextParisMidnight(new Date('2026-07-15T10:00:00Z'));

    // Assess
    expect(midnight.toISOString()).toBe('2026-07-15T22:00:00.000Z');
  });

  it('gives the following midnight when called exactly at midnight', () => {
    // Act
    const midnight = nextParisMidnight(new Date('2026-01-15T23:00:00Z'));

    // Assess
    expect(midnight.toISOString()).toBe('2026-01-16T23:00:00.000Z');
  });

  it('gives the next midnight one second before one', () => {
    // Act
    const midnight = nextParisMidnight(new Date('2026-07-15T21:59:59Z'));

    // Assess
    expect(midnight.toISOString()).toBe('2026-07-15T22:00:00.000Z');
  });

  it('makes the last Sunday of March 2026 a 23-hour day', () => {
    // Prepare
    const startOfDay = new Date('2026-03-28T23:00:00Z');

    // Act
    const end = nextParisMidnight(startOfDay);

    // Assess
    expect(end.toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(end.getTime() - startOfDay.getTime()).toBe(23 * HOUR);
  });

  it('makes the last Sunday of October 2026 a 25-hour day', () => {
    // Prepare
    const startOfDay = new Date('2026-10-24T22:00:00Z');

    // Act
    const end = nextParisMidnight(startOfDay);

    // Assess
    expect(end.toISOString()).toBe('2026-10-25T23:00:00.000Z');
    expect(end.getTime() - startOfDay.getTime()).toBe(25 * HOUR);
  });

  it('ends the day before a clock change at the right midnight', () => {
    // Act
    const beforeSpring = nextParisMidnight(new Date('2026-03-28T12:00:00Z'));
    const beforeAutumn = nextParisMidnight(new Date('2026-10-24T12:00:00Z'));

    // Assess
    expect(beforeSpring.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(beforeAutumn.toISOString()).toBe('2026-10-24T22:00:00.000Z');
  });

  it("crosses into the next year on New Year's Eve", () => {
    // Act
    const midnight = nextParisMidnight(new Date('2026-12-31T22:59:59Z'));

    // Assess
    expect(midnight.toISOString()).toBe('2026-12-31T23:00:00.000Z');
    expect(parisDay(midnight)).toBe('2027-01-01');
  });

  it('crosses the end of a month', () => {
    // Act
    const midnight = nextParisMidnight(new Date('2026-02-28T12:00:00Z'));

    // Assess
    expect(midnight.toISOString()).toBe('2026-02-28T23:00:00.000Z');
  });

  it('always lands on a Paris midnight, the start of the next Paris day, every hour of 2026', () => {
    // Prepare
    const start = Date.parse('2026-01-01T00:00:00Z');

    // Act
    const wrong: string[] = [];
    for (let t = start; t < start + 366 * 24 * HOUR; t += HOUR) {
      const instant = new Date(t);
      const midnight = nextParisMidnight(instant);
      const isNextDayStart =
        midnight.getTime() > t &&
        parisDay(midnight) !== parisDay(instant) &&
        parisDay(new Date(midnight.getTime() - 1000)) === parisDay(instant);
      if (!isNextDayStart) wrong.push(instant.toISOString());
    }

    // Assess
    expect(wrong).toEqual([]);
  });
});
