/**
 * Calendar days in Europe/Paris, the day the quota counts in ("10 requests per day" means a
 * French day, not a UTC one). Intl carries the time-zone rules, so no library is needed.
 */

import * as z from './zod.ts';

const TIME_ZONE = 'Europe/Paris';

const fieldsFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

type LocalFields = { year: number; month: number; day: number; hour: number; minute: number; second: number };

/** The wall-clock fields in Paris at an instant. */
function parisFields(instant: Date): LocalFields {
  const fields: Record<string, number> = {};
  for (const part of fieldsFormat.formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return {
    year: fields.year ?? Number.NaN,
    month: fields.month ?? Number.NaN,
    day: fields.day ?? Number.NaN,
    hour: fields.hour ?? Number.NaN,
    minute: fields.minute ?? Number.NaN,
    second: fields.second ?? Number.NaN,
  };
}

/** How far Paris wall-clock time is ahead of UTC at an instant, in milliseconds. */
function parisOffsetMs(epochMs: number): number {
  const f = parisFields(new Date(epochMs));
  const wallAsUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  return wallAsUtc - Math.floor(epochMs / 1000) * 1000;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/**
 * The calendar day in Paris at an instant, `YYYY-MM-DD`: the key under which the day's
 * requests of a sender are counted.
 */
export function parisDay(instant: Date): string {
  const f = parisFields(instant);
  return `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)}`;
}

/** The year in Paris at an instant: a mail received on 31 December at 23:30 in Paris belongs to that year's ticket series. */
export function parisYear(instant: Date): number {
  return parisFields(instant).year;
}

/**
 * The next midnight in Paris after an instant, when the day's counters may expire. A Paris day
 * lasts 23, 24 or 25 hours around the clock changes, so this is never simply now + 24 h.
 */
export function nextParisMidnight(instant: Date): Date {
  const today = parisFields(instant);
  // Date.UTC rolls over months and years, so day + 1 is always the next calendar day.
  const midnightAsUtc = Date.UTC(today.year, today.month - 1, today.day + 1);
  // Paris midnight is never inside a clock change (they happen at 02:00 and 03:00), so the
  // offset a few hours earlier is a good first guess; the second pass confirms it.
  const guess = midnightAsUtc - parisOffsetMs(midnightAsUtc - 6 * 3_600_000);
  const candidate = midnightAsUtc - parisOffsetMs(guess);
  return new Date(candidate);
}

/**
 * The instant of a Paris wall-clock time (`2027-03-28`, `08:00`), as staff pick a broadcast's
 * send time. On the spring change day, a time that does not exist (02:30) is taken as the same
 * time after the change (03:30); on the autumn day, a time that happens twice (02:30) is its
 * first occurrence (summer time).
 */
export function parisTimeToInstant(day: string, time: string): Date {
  const [year = Number.NaN, month = Number.NaN, date = Number.NaN] = day.split('-').map(Number);
  const [hour = Number.NaN, minute = Number.NaN] = time.split(':').map(Number);
  const wallAsUtc = Date.UTC(year, month - 1, date, hour, minute);
  // Summer time first (UTC+2), then winter time (UTC+1): the first that reads back as the wall
  // time asked is the answer.
  for (const offsetHours of [2, 1]) {
    const candidate = new Date(wallAsUtc - offsetHours * 3_600_000);
    const f = parisFields(candidate);
    if (f.year === year && f.month === month && f.day === date && f.hour === hour && f.minute === minute) {
      return candidate;
    }
  }
  // Inside the spring gap: the wall time an hour later exists in summer time.
  return new Date(wallAsUtc - 3_600_000);
}

/** A Paris calendar day, `YYYY-MM-DD`, that exists. */
export const ParisDate = z.string().check(
  z.regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'Date attendue au format AAAA-MM-JJ.' }),
  z.refine(
    (value: string) => {
      const [year, month, day] = value.split('-').map(Number) as [number, number, number];
      const date = new Date(Date.UTC(year, month - 1, day));
      return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
    },
    { error: "Cette date n'existe pas." },
  ),
);
export type ParisDate = z.infer<typeof ParisDate>;
