/**
 * The watch on a silent desk: on a school day, directors write; a day that reaches mid-afternoon
 * with no mail received at all most likely means the mail stopped reaching us (a receipt rule
 * deactivated, a domain's MX changed, SES receiving suspended), which no dead-letter alarm sees.
 *
 * CloudWatch's metric math knows `DAY()` and `HOUR()` but no French public holiday, so the rule
 * lives here, over the desk's own working-day calendar (`working-hours.ts`: Monday to Friday,
 * public holidays excluded), and an hourly tick applies it and publishes the verdict as a metric
 * that the alarm watches. School holidays are not in that calendar (they change every year and
 * by zone): the deployment lists them (`SCHOOL_HOLIDAYS`), and the watch does not look then.
 */
import { parisDay, parisTimeToInstant } from './paris-day.ts';
import { isWorkingParisDay } from './working-hours.ts';

/** The Paris time from which a working day without a single mail is suspicious. */
export const MAIL_WATCH_HOUR = '14:00';

/** A school holiday of the académie's zone, both Paris days included (`YYYY-MM-DD`). */
export type SchoolHoliday = { from: string; to: string };

/** Whether a Paris day falls in one of the school holidays. */
export function inSchoolHolidays(day: string, holidays: readonly SchoolHoliday[]): boolean {
  return holidays.some((holiday) => holiday.from <= day && day <= holiday.to);
}

/** What the watch does at an instant: look at the mails since `since` (the day's Paris midnight), or not look. */
export type MailWatchPlan = { check: true; day: string; since: Date } | { check: false; day: string };

/**
 * Whether the watch looks now: on a working day outside the school holidays, from `checkAt`
 * (Paris time) until midnight. Before that hour, on a weekend, a public holiday or during the
 * school holidays, a desk with no mail is not news.
 */
export function mailWatchPlan(
  now: Date,
  checkAt: string = MAIL_WATCH_HOUR,
  schoolHolidays: readonly SchoolHoliday[] = [],
): MailWatchPlan {
  const day = parisDay(now);
  const quietDay = !isWorkingParisDay(day) || inSchoolHolidays(day, schoolHolidays);
  if (quietDay || now < parisTimeToInstant(day, checkAt)) return { check: false, day };
  return { check: true, day, since: parisTimeToInstant(day, '00:00') };
}

/** Whether the desk is silent: the watch looks and no mail arrived since the day began. */
export function isSilentSchoolDay(plan: MailWatchPlan, mailsSinceMidnight: number): boolean {
  return plan.check && mailsSinceMidnight === 0;
}

/** The port the watch needs: how many mails the intake log holds since an instant (counting stops at `atMost`). */
export type MailArrivals = {
  mailsSince(since: Date, atMost: number): Promise<number>;
};
