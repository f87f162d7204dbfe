/**
 * The académie's working time: Monday to Friday, 8:00–18:00 in Europe/Paris, French public
 * holidays excluded. Response clocks count in it and the auto-close waits in its days, so a
 * request sent on Friday evening is not late on Monday morning.
 *
 * Holidays are metropolitan France's public ones (`public-holidays.ts`: Easter and Pentecost
 * Mondays and Ascension move every year, computed from Easter). Every day is
 * a Paris calendar day and every boundary a Paris wall-clock time, so the clock changes (a Paris
 * day of 23 or 25 hours) never shift the opening hours; they fall at 02:00–03:00, outside them.
 */
import { parisDay, parisTimeToInstant } from './paris-day.ts';
import { frenchPublicHolidays } from './public-holidays.ts';

/** Opening and closing of a working day, Paris wall-clock time. */
export const WORKING_DAY_START = '08:00';
export const WORKING_DAY_END = '18:00';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
/** No target is years long: a bound that turns a bug into an error instead of a hung Lambda. */
const MAX_DAYS_SCANNED = 3_660;

const holidaysByYear = new Map<number, Set<string>>();

/** The public holidays of a year as Paris days `YYYY-MM-DD`, computed once per year. */
function publicHolidays(year: number): Set<string> {
  let days = holidaysByYear.get(year);
  if (!days) {
    days = new Set(frenchPublicHolidays(year));
    holidaysByYear.set(year, days);
  }
  return days;
}

/** Whether a Paris calendar day (`YYYY-MM-DD`) is a working day: Monday to Friday, not a public holiday. */
export function isWorkingParisDay(day: string): boolean {
  const [year = Number.NaN, month = Number.NaN, date = Number.NaN] = day.split('-').map(Number);
  const weekday = new Date(Date.UTC(year, month - 1, date)).getUTCDay(); // 0 = Sunday
  if (weekday === 0 || weekday === 6) return false;
  return !publicHolidays(year).has(day);
}

/** Whether the Paris day of an instant is a working day (whatever the hour). */
export function isWorkingDay(date: Date): boolean {
  return isWorkingParisDay(parisDay(date));
}

const windows = new Map<string, { start: number; end: number }>();

/**
 * The working hours of a Paris day as instants, `start` inclusive, `end` exclusive. Kept per day:
 * a list filtered on lateness computes the clocks of a thousand tickets over the same few weeks.
 */
function workingWindow(day: string): { start: number; end: number } {
  let window = windows.get(day);
  if (!window) {
    if (windows.size > 10_000) windows.clear();
    window = {
      start: parisTimeToInstant(day, WORKING_DAY_START).getTime(),
      end: parisTimeToInstant(day, WORKING_DAY_END).getTime(),
    };
    windows.set(day, window);
  }
  return window;
}

/**
 * The instant `hours` working hours after `from` (fractions allowed). Time outside working hours
 * does not count: from Friday 17:00, 8 hours end on Monday at 15:00; from Saturday, or from a
 * weekday evening, the count starts at the next opening at 8:00. A count that ends exactly at a
 * closing time ends at 18:00 that day, not at the next opening. With 0 hours, the answer is
 * `from` within working hours, else the next opening.
 */
export function addWorkingHours(from: Date, hours: number): Date {
  if (!Number.isFinite(hours) || hours < 0)
    throw new RangeError(`Working hours must be a non-negative number: ${hours}`);
  let remaining = Math.round(hours * HOUR_MS);
  let day = parisDay(from);
  for (let scanned = 0; scanned < MAX_DAYS_SCANNED; scanned += 1, day = nextDay(day)) {
    if (!isWorkingParisDay(day)) continue;
    const { start, end } = workingWindow(day);
    const cursor = Math.max(from.getTime(), start);
    if (cursor >= end) continue;
    if (remaining <= end - cursor) return new Date(cursor + remaining);
    remaining -= end - cursor;
  }
  throw new RangeError(`Working hours out of range: ${hours}`);
}

/**
 * The same Paris wall-clock time as `from`, on the `days`-th working day after `from`'s Paris
 * day. Only the days after it count, whether `from` is itself a working day or not: from Friday
 * 10:00, 1 working day is Monday 10:00 (Tuesday if Monday is a holiday); from Saturday 15:00,
 * 1 working day is Monday 15:00. The hour is not moved into working hours (a ticket set waiting
 * at 19:30 waits until 19:30). A wall time that does not exist on the spring clock change (02:30)
 * is taken an hour later; with 0 days, the answer is `from`.
 */
export function addWorkingDays(from: Date, days: number): Date {
  if (!Number.isInteger(days) || days < 0)
    throw new RangeError(`Working days must be a non-negative integer: ${days}`);
  if (days === 0) return new Date(from);
  const wall = parisWallTime(from);
  let day = parisDay(from);
  let counted = 0;
  for (let scanned = 0; scanned < MAX_DAYS_SCANNED; scanned += 1) {
    day = nextDay(day);
    if (isWorkingParisDay(day)) counted += 1;
    if (counted === days) return new Date(parisTimeToInstant(day, wall.time).getTime() + wall.belowMinuteMs);
  }
  throw new RangeError(`Working days out of range: ${days}`);
}

const wallFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/Paris',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** The Paris wall-clock time of an instant: `HH:MM`, and the seconds and milliseconds beyond. */
function parisWallTime(instant: Date): { time: string; belowMinuteMs: number } {
  const parts = wallFormat.formatToParts(instant);
  const field = (type: string) => parts.find((part) => part.type === type)?.value ?? '00';
  const milliseconds = ((instant.getTime() % 1000) + 1000) % 1000;
  return {
    time: `${field('hour')}:${field('minute')}`,
    belowMinuteMs: Number(field('second')) * 1000 + milliseconds,
  };
}

/** The calendar day after a `YYYY-MM-DD` day. */
function nextDay(day: string): string {
  const [year = Number.NaN, month = Number.NaN, date = Number.NaN] = day.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, date + 1)).toISOString().slice(0, 10);
}

/**
 * The working minutes between two instants (whole minutes, rounded down): only Monday to Friday
 * 8:00–18:00 Paris counts, holidays excluded. 0 when `to` is not after `from`.
 */
export function workingMinutesBetween(from: Date, to: Date): number {
  const end = to.getTime();
  if (end <= from.getTime()) return 0;
  let total = 0;
  let day = parisDay(from);
  const lastDay = parisDay(to);
  for (let scanned = 0; scanned < 100 * MAX_DAYS_SCANNED; scanned += 1, day = nextDay(day)) {
    if (isWorkingParisDay(day)) {
      const window = workingWindow(day);
      const start = Math.max(window.start, from.getTime());
      const stop = Math.min(window.end, end);
      if (stop > start) total += stop - start;
    }
    if (day === lastDay) return Math.floor(total / MINUTE_MS);
  }
  throw new RangeError('Working minutes out of range');
}
