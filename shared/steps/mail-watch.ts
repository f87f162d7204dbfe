/**
 * The `mail-watch` step: on a working day past the check hour, counts the mails received since
 * the day's Paris midnight (one mail is enough) and says whether the desk is silent. The
 * function publishes the verdict as the `SilentSchoolDay` metric; the alarm is CloudWatch's.
 */
import {
  isSilentSchoolDay,
  MAIL_WATCH_HOUR,
  type MailArrivals,
  mailWatchPlan,
  type SchoolHoliday,
} from '#shared/domain/mail-watch.ts';

/** What the watch needs: the intake log's arrivals and the clock. */
export type MailWatchDeps = {
  arrivals: MailArrivals;
  now: () => Date;
  checkAt?: string;
  /** The académie's school holidays, when the watch does not look. */
  schoolHolidays?: readonly SchoolHoliday[];
};

/** What one look found: whether it looked, and whether the desk is silent. */
export type MailWatchReport = { day: string; checked: boolean; silent: boolean };

/** Looks once; reads nothing before the check hour, on weekends, public and school holidays. */
export async function watchMail(deps: MailWatchDeps): Promise<MailWatchReport> {
  const plan = mailWatchPlan(deps.now(), deps.checkAt ?? MAIL_WATCH_HOUR, deps.schoolHolidays);
  if (!plan.check) return { day: plan.day, checked: false, silent: false };
  const mails = await deps.arrivals.mailsSince(plan.since, 1);
  return { day: plan.day, checked: true, silent: isSilentSchoolDay(plan, mails) };
}
