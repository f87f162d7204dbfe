/**
 * The silent-desk rule: on a working day in Paris, from 14:00, no mail since midnight sounds the
 * alarm; weekends, public holidays and mornings never do.
 */
import { describe, expect, it } from 'vitest';
import { isSilentSchoolDay, mailWatchPlan } from '#shared/domain/mail-watch.ts';
import { watchMail } from '#shared/steps/mail-watch.ts';

const silentAt = (iso: string) => isSilentSchoolDay(mailWatchPlan(new Date(iso)), 0);

describe('a silent school day', () => {
  it('is a Monday at 14:00 in Paris with no mail since midnight', () => {
    // 2026-12-07 is a Monday; 13:00 UTC is 14:00 in Paris (winter time).
    expect(silentAt('2026-12-07T13:00:00.000Z')).toBe(true);
    expect(silentAt('2026-12-07T21:30:00.000Z')).toBe(true);
  });

  it('is not the same Monday once a mail arrived, nor before 14:00', () => {
    expect(isSilentSchoolDay(mailWatchPlan(new Date('2026-12-07T13:00:00.000Z')), 1)).toBe(false);
    expect(silentAt('2026-12-07T12:59:00.000Z')).toBe(false);
  });

  it('counts 14:00 in summer time too', () => {
    // 2026-06-15 is a Monday; 12:00 UTC is 14:00 in Paris (summer time).
    expect(silentAt('2026-06-15T11:59:00.000Z')).toBe(false);
    expect(silentAt('2026-06-15T12:00:00.000Z')).toBe(true);
  });

  it('is never a Saturday, 14 July or Christmas', () => {
    expect(silentAt('2026-12-05T15:00:00.000Z')).toBe(false); // Saturday
    expect(silentAt('2026-07-14T15:00:00.000Z')).toBe(false); // Tuesday, fête nationale
    expect(silentAt('2026-12-25T15:00:00.000Z')).toBe(false); // Friday, Noël
  });

  it('is never a working day of the school holidays the deployment lists, and is again the day after', () => {
    // Prepare: the Christmas holidays of 2026 (zone A), Saturday 19 December to Sunday 3 January.
    const holidays = [{ from: '2026-12-19', to: '2027-01-03' }];
    const silent = (iso: string) => isSilentSchoolDay(mailWatchPlan(new Date(iso), '14:00', holidays), 0);

    // Assess
    expect(silent('2026-12-21T15:00:00.000Z')).toBe(false); // Monday, first week of the holidays
    expect(silent('2027-01-04T15:00:00.000Z')).toBe(true); // Monday, back to school
    expect(silent('2026-12-18T15:00:00.000Z')).toBe(true); // Friday, last day of school
  });

  it('counts from the Paris midnight, and does not read the log when it does not look', async () => {
    // Prepare
    const asked: Date[] = [];
    const arrivals = {
      mailsSince: async (since: Date) => {
        asked.push(since);
        return 0;
      },
    };

    // Act
    const monday = await watchMail({ arrivals, now: () => new Date('2026-12-07T13:30:00.000Z') });
    const saturday = await watchMail({ arrivals, now: () => new Date('2026-12-05T13:30:00.000Z') });

    // Assess: midnight in Paris is 23:00 UTC the day before in winter.
    expect(monday).toEqual({ day: '2026-12-07', checked: true, silent: true });
    expect(saturday).toEqual({ day: '2026-12-05', checked: false, silent: false });
    expect(asked).toEqual([new Date('2026-12-06T23:00:00.000Z')]);
  });
});
