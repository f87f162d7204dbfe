import { describe, expect, it } from 'vitest';
import { parisTimeToInstant } from '#shared/domain/paris-day.ts';
import {
  addWorkingDays,
  addWorkingHours,
  isWorkingDay,
  workingMinutesBetween,
} from '#shared/domain/working-hours.ts';

/** An instant from a Paris wall-clock time, `2027-05-05 17:00`. */
function paris(wall: string): Date {
  const [day = '', time = ''] = wall.split(' ');
  return parisTimeToInstant(day, time);
}

const wallFormat = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/** The Paris wall-clock time of an instant, `2027-05-05 17:00`, so expectations read as staff would. */
function wall(instant: Date): string {
  return wallFormat.format(instant);
}

describe('isWorkingDay', () => {
  it.each([
    ['2027-01-06 10:00', true, 'a Wednesday'],
    ['2027-01-09 10:00', false, 'a Saturday'],
    ['2027-01-10 10:00', false, 'a Sunday'],
    ['2027-01-01 10:00', false, "New Year's Day"],
    ['2027-03-26 10:00', true, 'Good Friday (a holiday only in Alsace-Moselle)'],
    ['2027-03-29 10:00', false, 'Easter Monday'],
    ['2027-05-06 10:00', false, 'Ascension'],
    ['2027-05-17 10:00', false, 'Pentecost Monday'],
    ['2027-07-14 10:00', false, '14 July'],
    ['2027-11-01 10:00', false, 'All Saints'],
    ['2026-12-25 10:00', false, 'Christmas on a Friday'],
  ])('says %s is a working day: %s (%s)', (instant, expected) => {
    // Act
    const working = isWorkingDay(paris(instant));

    // Assess
    expect(working).toBe(expected);
  });

  it('reads the day in Paris, not in UTC: 00:30 on Ascension day is still 5 May in UTC', () => {
    // Prepare
    const lateEvening = new Date('2027-05-05T21:30:00Z'); // 23:30 Paris, Wednesday 5 May
    const afterMidnight = new Date('2027-05-05T22:30:00Z'); // 00:30 Paris, Thursday 6 May (Ascension)

    // Act
    const days = [isWorkingDay(lateEvening), isWorkingDay(afterMidnight)];

    // Assess
    expect(days).toEqual([true, false]);
  });
});

describe('addWorkingHours', () => {
  it.each([
    ['2027-01-04 09:00', 2, '2027-01-04 11:00', 'within one working day'],
    ['2027-01-04 08:00', 10, '2027-01-04 18:00', 'a count that ends at closing time stays that evening'],
    ['2027-01-04 17:00', 8, '2027-01-05 15:00', 'from late afternoon: the rest carries to the next morning'],
    ['2027-01-08 17:00', 8, '2027-01-11 15:00', 'from Friday afternoon: across the weekend'],
    ['2027-01-04 09:00', 40, '2027-01-08 09:00', 'the resolution target: four working days'],
    ['2027-01-04 10:00', 1.5, '2027-01-04 11:30', 'a fraction of an hour'],
  ])('from %s, %d working hours end at %s (%s)', (from, hours, expected) => {
    // Act
    const due = addWorkingHours(paris(from), hours);

    // Assess
    expect(wall(due)).toBe(expected);
  });

  it.each([
    ['2027-01-04 19:30', 8, '2027-01-05 16:00', 'a weekday evening'],
    ['2027-01-05 06:00', 2, '2027-01-05 10:00', 'early morning, before opening'],
    ['2027-01-09 10:00', 8, '2027-01-11 16:00', 'a Saturday'],
    ['2027-01-10 23:59', 1, '2027-01-11 09:00', 'Sunday night'],
    ['2027-01-09 10:00', 0, '2027-01-11 08:00', 'no hours at all: the next opening'],
  ])('starts counting at the next opening from %s: %d hours end at %s (%s)', (from, hours, expected) => {
    // Act
    const due = addWorkingHours(paris(from), hours);

    // Assess
    expect(wall(due)).toBe(expected);
  });

  it.each([
    ['2027-05-05 17:00', 8, '2027-05-07 15:00', 'Ascension (Thursday 6 May)'],
    ['2027-05-14 17:00', 8, '2027-05-18 15:00', 'a weekend then Pentecost Monday (17 May)'],
    ['2027-07-13 14:00', 8, '2027-07-15 12:00', '14 July (a Wednesday)'],
    ['2026-12-24 17:00', 8, '2026-12-28 15:00', 'Christmas (a Friday) and the weekend'],
    ['2027-12-31 17:00', 8, '2028-01-03 15:00', "New Year's Day, across the year's end"],
  ])('skips public holidays: from %s, %d hours end at %s (%s)', (from, hours, expected) => {
    // Act
    const due = addWorkingHours(paris(from), hours);

    // Assess
    expect(wall(due)).toBe(expected);
  });

  it('keeps the Paris opening hours across the spring clock change (28 March 2027) and Easter Monday', () => {
    // Prepare: Friday 26 March at 14:00, UTC+1
    const from = paris('2027-03-26 14:00');

    // Act
    const due = addWorkingHours(from, 8);

    // Assess: 4 h on Friday, Monday 29 is Easter Monday, 4 h on Tuesday: 12:00 summer time (UTC+2)
    expect(due.toISOString()).toBe('2027-03-30T10:00:00.000Z');
  });

  it('keeps the Paris opening hours across the autumn clock change (31 October 2027) and All Saints', () => {
    // Prepare: Friday 29 October at 14:00, UTC+2
    const from = paris('2027-10-29 14:00');

    // Act
    const due = addWorkingHours(from, 8);

    // Assess: 4 h on Friday, Monday 1 November is a holiday, 4 h on Tuesday: 12:00 winter time (UTC+1)
    expect(due.toISOString()).toBe('2027-11-02T11:00:00.000Z');
  });

  it('refuses a negative count', () => {
    // Act
    const act = () => addWorkingHours(paris('2027-01-04 09:00'), -1);

    // Assess
    expect(act).toThrow(RangeError);
  });
});

describe('addWorkingDays', () => {
  it.each([
    ['2027-01-04 10:00', 1, '2027-01-05 10:00', 'the next day, same time'],
    ['2027-01-08 10:00', 1, '2027-01-11 10:00', 'Friday to Monday'],
    ['2027-01-09 15:00', 1, '2027-01-11 15:00', 'from a Saturday, the first working day after it'],
    ['2027-01-04 19:30', 1, '2027-01-05 19:30', 'the hour stays even outside working hours'],
    ['2027-01-04 10:00', 10, '2027-01-18 10:00', 'ten working days are two weeks without holidays'],
    ['2027-05-03 10:00', 10, '2027-05-19 10:00', 'ten working days across Ascension and Pentecost Monday'],
    ['2027-01-04 10:00', 0, '2027-01-04 10:00', 'no days: the same instant'],
  ])('from %s, %d working days later is %s (%s)', (from, days, expected) => {
    // Act
    const later = addWorkingDays(paris(from), days);

    // Assess
    expect(wall(later)).toBe(expected);
  });

  it('keeps the wall-clock time across the spring clock change and Easter Monday', () => {
    // Prepare: Friday 26 March 2027 at 10:00, UTC+1
    const from = paris('2027-03-26 10:00');

    // Act
    const later = addWorkingDays(from, 1);

    // Assess: Tuesday 30 March at 10:00, UTC+2
    expect(later.toISOString()).toBe('2027-03-30T08:00:00.000Z');
  });

  it('keeps the wall-clock time across the autumn clock change and All Saints', () => {
    // Prepare: Thursday 28 October 2027 at 09:30, UTC+2
    const from = paris('2027-10-28 09:30');

    // Act
    const later = addWorkingDays(from, 2);

    // Assess: Friday 29 is the first, Monday 1 November a holiday, Tuesday 2 at 09:30 UTC+1
    expect(later.toISOString()).toBe('2027-11-02T08:30:00.000Z');
  });

  it('keeps the seconds and milliseconds of the start', () => {
    // Prepare
    const from = new Date('2027-01-04T09:15:42.123Z'); // 10:15:42.123 Paris

    // Act
    const later = addWorkingDays(from, 1);

    // Assess
    expect(later.toISOString()).toBe('2027-01-05T09:15:42.123Z');
  });
});

describe('workingMinutesBetween', () => {
  it.each([
    ['2027-01-04 09:00', '2027-01-04 11:30', 150, 'within a day'],
    ['2027-01-04 07:00', '2027-01-04 19:00', 600, 'a whole day counts its ten hours only'],
    ['2027-01-08 17:00', '2027-01-11 09:00', 120, 'across a weekend'],
    ['2027-05-05 17:00', '2027-05-07 09:00', 120, 'across Ascension'],
    ['2027-03-26 17:00', '2027-03-30 09:00', 120, 'across the spring clock change and Easter Monday'],
    ['2027-10-29 17:00', '2027-11-02 09:00', 120, 'across the autumn clock change and All Saints'],
    ['2027-01-09 10:00', '2027-01-10 18:00', 0, 'a weekend only'],
    ['2027-01-04 11:00', '2027-01-04 09:00', 0, 'an end before the start'],
  ])('from %s to %s counts %d working minutes (%s)', (from, to, expected) => {
    // Act
    const minutes = workingMinutesBetween(paris(from), paris(to));

    // Assess
    expect(minutes).toBe(expected);
  });

  it('agrees with addWorkingHours: the due time is the target in working minutes away', () => {
    // Prepare
    const from = paris('2027-05-05 17:00');

    // Act
    const minutes = workingMinutesBetween(from, addWorkingHours(from, 40));

    // Assess
    expect(minutes).toBe(40 * 60);
  });
});
