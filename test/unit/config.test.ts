import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '#shared/config.ts';

const minimal = {
  DESK_TABLE: 'desk',
  RAW_MAIL_BUCKET: 'raw',
  INTAKE_QUEUE_URL: 'https://sqs/intake',
  TICKETS_QUEUE_URL: 'https://sqs/tickets',
  OUTBOX_QUEUE_URL: 'https://sqs/outbox',
};

describe('the desk configuration', () => {
  it('applies the académie defaults: the two desk addresses, ac-dijon.fr, LSUN, 10 and 30 a day', () => {
    const config = loadConfig(minimal);
    expect(config.deskAddresses).toEqual(['assistance1d@ac-dijon.fr', 'assistance.1erdegre@ac-dijon.fr']);
    expect(config.academicDomain).toBe('ac-dijon.fr');
    expect(config.subjectKeyword).toBe('LSUN');
    expect(config.dailyRequestCap).toBe(10);
    expect(config.dailyFollowUpCap).toBe(30);
  });

  it('reads the caps and addresses from the environment, normalising case', () => {
    const config = loadConfig({ ...minimal, DAILY_REQUEST_CAP: '5', DESK_ADDRESSES: ' Desk@AC-Dijon.fr ' });
    expect(config.dailyRequestCap).toBe(5);
    expect(config.deskAddresses).toEqual(['desk@ac-dijon.fr']);
  });

  it('refuses to start without a table, naming the variable', () => {
    const { DESK_TABLE: _, ...withoutTable } = minimal;
    expect(() => loadConfig(withoutTable)).toThrow(ConfigError);
    expect(() => loadConfig(withoutTable)).toThrow(/DESK_TABLE/);
  });

  it('refuses a cap that is not a positive whole number, naming the variable', () => {
    expect(() => loadConfig({ ...minimal, DAILY_REQUEST_CAP: 'dix' })).toThrow(/DAILY_REQUEST_CAP/);
    expect(() => loadConfig({ ...minimal, DAILY_REQUEST_CAP: '0' })).toThrow(/DAILY_REQUEST_CAP/);
  });

  it('reads the school holidays as periods, none when unset', () => {
    expect(loadConfig(minimal).watch?.schoolHolidays).toEqual([]);
    expect(
      loadConfig({ ...minimal, SCHOOL_HOLIDAYS: '2026-12-19/2027-01-03, 2027-02-06/2027-02-21' }).watch,
    ).toEqual({
      schoolHolidays: [
        { from: '2026-12-19', to: '2027-01-03' },
        { from: '2027-02-06', to: '2027-02-21' },
      ],
    });
  });

  it('refuses a school holiday that is not a period, or ends before it begins, naming the variable', () => {
    expect(() => loadConfig({ ...minimal, SCHOOL_HOLIDAYS: '19/12/2026-03/01/2027' })).toThrow(
      /SCHOOL_HOLIDAYS/,
    );
    expect(() => loadConfig({ ...minimal, SCHOOL_HOLIDAYS: '2027-01-03/2026-12-19' })).toThrow(
      /SCHOOL_HOLIDAYS/,
    );
  });

  it('refuses a desk address that is not an address', () => {
    expect(() => loadConfig({ ...minimal, DESK_ADDRESSES: 'assistance1d' })).toThrow(/DESK_ADDRESSES/);
  });
});
