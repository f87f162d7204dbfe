/**
 * The public holidays of metropolitan France (Code du travail, art. L3133-1), computed rather
 * than read from a library: eight fixed dates and three that follow Easter. `date-holidays` gave
 * the same eleven days but brought 1.1 MB into every bundle that counts working time (the
 * holidays of every country, and moment-timezone's zone data for its calendars); the rule fits in
 * a page and changes only by law. A unit test checks it day for day against `date-holidays`
 * over three centuries.
 *
 * Good Friday and 26 December (Alsace-Moselle only) are not here: the académie is in Burgundy.
 */

/** The fixed public holidays, as `MM-DD`. */
const FIXED_HOLIDAYS = ['01-01', '05-01', '05-08', '07-14', '08-15', '11-01', '11-11', '12-25'] as const;

/** The holidays that follow Easter Sunday, in days after it: Easter Monday, Ascension, Pentecost Monday. */
const EASTER_OFFSETS = [1, 39, 50] as const;

/**
 * Easter Sunday of a Gregorian year as `YYYY-MM-DD`, by the anonymous Gregorian algorithm
 * (Meeus, Jones, Butcher): exact for every year of the Gregorian calendar, no table to keep.
 */
export function easterSunday(year: number): string {
  if (!Number.isInteger(year) || year < 1583) throw new RangeError(`Not a Gregorian year: ${year}`);
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return isoDay(year, month, day);
}

/**
 * The days off of a year as calendar days `YYYY-MM-DD`, in date order, each once: eleven holidays,
 * ten days when Ascension falls on 1 or 8 May (1997, 2008).
 */
export function frenchPublicHolidays(year: number): string[] {
  const easter = easterSunday(year);
  const [, easterMonth = Number.NaN, easterDay = Number.NaN] = easter.split('-').map(Number);
  const moving = EASTER_OFFSETS.map((offset) => isoDay(year, easterMonth, easterDay + offset));
  return [...new Set([...FIXED_HOLIDAYS.map((monthDay) => `${year}-${monthDay}`), ...moving])].sort();
}

/** A calendar day from a year, a month (1–12) and a day that may run past the month's end. */
function isoDay(year: number, month: number, day: number): string {
  return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
}
