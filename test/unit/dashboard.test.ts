import { describe, expect, it } from 'vitest';
import {
  aggregateDashboard,
  type IntakeFact,
  intakeWindow,
  parisDayEnd,
  parisDayStart,
  parisPeriod,
  weekStartOf,
} from '#shared/domain/dashboard.ts';
import type { School } from '#shared/domain/directory.ts';
import type { Ticket, TicketStatus } from '#shared/domain/records.ts';
import { DEFAULT_WORK_TARGETS, responseClock } from '#shared/domain/response-clock.ts';

// Wednesday 11 March 2026, 11:00 in Paris (UTC+1).
const NOW = new Date('2026-03-11T10:00:00.000Z');

function school(uai: string, departement: string): School {
  return {
    uai,
    name: `École ${uai}`,
    commune: 'Dijon',
    circonscription: 'Dijon Centre',
    departement,
    mailbox: `ce.${uai.toLowerCase()}@ac-dijon.fr`,
  };
}

let sequence = 0;
function ticket(status: TicketStatus, createdAt: string, extra: Partial<Ticket> = {}): Ticket {
  sequence += 1;
  return {
    number: `LSUN-2026-${String(sequence).padStart(5, '0')}`,
    status,
    subject: 'LSUN bulletins',
    requester: { email: 'camille.martin@ac-dijon.fr', name: 'Camille Martin' },
    schools: [school('0211234C', '21')],
    participants: ['camille.martin@ac-dijon.fr'],
    openedBy: `ses-${sequence}`,
    createdAt,
    updatedAt: createdAt,
    messageCount: 2,
    ...extra,
  };
}

const mail = (receivedAt: string, outcome: IntakeFact['outcome']): IntakeFact => ({ receivedAt, outcome });

describe('Paris periods', () => {
  it('starts and ends a day at Paris midnight, 23 hours long on the day the clocks go forward', () => {
    // Act
    const start = parisDayStart('2026-03-29');
    const end = parisDayEnd('2026-03-29');
    // Assess
    expect(start.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(end.toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });

  it('turns a period of days into instants, the last day included', () => {
    expect(parisPeriod('2026-07-01', '2026-07-31')).toEqual({
      from: '2026-06-30T22:00:00.000Z',
      to: '2026-07-31T22:00:00.000Z',
    });
    expect(parisPeriod(undefined, '2026-01-15')).toEqual({ to: '2026-01-15T23:00:00.000Z' });
  });

  it('starts the week on Monday, a Sunday belonging to the week before it', () => {
    expect(weekStartOf('2026-03-11')).toBe('2026-03-09');
    expect(weekStartOf('2026-03-09')).toBe('2026-03-09');
    expect(weekStartOf('2026-03-15')).toBe('2026-03-09');
  });

  it('reads the intake over the last 30 Paris days, today included', () => {
    const window = intakeWindow(NOW);
    expect(window.days).toHaveLength(30);
    expect(window.days[0]).toBe('2026-02-10');
    expect(window.days.at(-1)).toBe('2026-03-11');
    expect(window.from).toBe('2026-02-09T23:00:00.000Z');
    expect(window.to).toBe('2026-03-11T23:00:00.000Z');
  });
});

describe('the dashboard', () => {
  it("counts today's and this week's mails and opened tickets by Paris day", () => {
    // Prepare: 23:30 UTC on the 10th is already the 11th in Paris; Sunday the 8th is last week.
    const intake = [
      mail('2026-03-10T23:30:00.000Z', 'ticket_created'),
      mail('2026-03-11T08:00:00.000Z', 'no_keyword'),
      mail('2026-03-09T07:00:00.000Z', 'ticket_created'),
      mail('2026-03-10T12:00:00.000Z', 'follow_up'),
      mail('2026-03-08T12:00:00.000Z', 'ticket_created'),
    ];
    // Act
    const figures = aggregateDashboard({ now: NOW, intake, openTickets: [], truncated: false });
    // Assess
    expect(figures.today).toBe('2026-03-11');
    expect(figures.weekStart).toBe('2026-03-09');
    expect(figures.requests).toEqual({
      today: { received: 2, ticketsOpened: 1 },
      week: { received: 4, ticketsOpened: 2 },
    });
  });

  it('gives every outcome of every one of the 30 days, zeros included, oldest day first', () => {
    // Prepare
    const intake = [
      mail('2026-03-11T08:00:00.000Z', 'rate_limited'),
      mail('2026-03-11T09:00:00.000Z', 'rate_limited'),
      mail('2026-02-10T09:00:00.000Z', 'not_director'),
      mail('2026-02-01T09:00:00.000Z', 'not_director'), // before the window
    ];
    // Act
    const { intakeByDay } = aggregateDashboard({ now: NOW, intake, openTickets: [], truncated: false });
    // Assess
    expect(intakeByDay).toHaveLength(30);
    expect(intakeByDay[0]).toMatchObject({ day: '2026-02-10', total: 1 });
    expect(intakeByDay[0]?.outcomes.not_director).toBe(1);
    const today = intakeByDay.at(-1);
    expect(today?.total).toBe(2);
    expect(today?.outcomes).toMatchObject({
      rate_limited: 2,
      ticket_created: 0,
      follow_up: 0,
      no_keyword: 0,
    });
    expect(Object.keys(today?.outcomes ?? {})).toHaveLength(10);
    expect(intakeByDay.reduce((sum, day) => sum + day.total, 0)).toBe(3);
  });

  it('counts open tickets by status and by département, each département of a ticket once, closed ones not at all', () => {
    // Prepare
    const openTickets = [
      ticket('nouveau', '2026-03-01T08:00:00.000Z'),
      ticket('en_cours', '2026-03-02T08:00:00.000Z', {
        schools: [school('0581234A', '58'), school('0581235B', '58'), school('0711234D', '71')],
      }),
      ticket('en_attente', '2026-03-03T08:00:00.000Z', { schools: [] }),
      ticket('clos', '2026-03-04T08:00:00.000Z'),
    ];
    // Act
    const figures = aggregateDashboard({ now: NOW, intake: [], openTickets, truncated: true });
    // Assess
    expect(figures.openTickets).toEqual({
      total: 3,
      byStatus: { nouveau: 1, en_cours: 1, en_attente: 1, resolu: 0 },
      byDepartement: { '21': 1, '58': 1, '71': 1, inconnu: 1 },
    });
    expect(figures.truncated).toBe(true);
  });

  it('lists the ten oldest open tickets that no staff member has answered yet, oldest first', () => {
    // Prepare: twelve unanswered, one older but answered, one older but closed.
    const unanswered = Array.from({ length: 12 }, (_, day) =>
      ticket('nouveau', `2026-02-${String(20 - day).padStart(2, '0')}T08:00:00.000Z`),
    );
    const answered = ticket('en_attente', '2026-01-01T08:00:00.000Z', {
      answeredAt: '2026-01-02T08:00:00.000Z',
    });
    const closed = ticket('clos', '2026-01-01T09:00:00.000Z');
    // Act
    const { oldestUnanswered } = aggregateDashboard({
      now: NOW,
      intake: [],
      openTickets: [...unanswered, answered, closed],
      truncated: false,
    });
    // Assess
    expect(oldestUnanswered).toHaveLength(10);
    expect(oldestUnanswered[0]?.createdAt).toBe('2026-02-09T08:00:00.000Z');
    expect(oldestUnanswered.map((t) => t.createdAt)).toEqual(
      [...oldestUnanswered.map((t) => t.createdAt)].sort(),
    );
    expect(oldestUnanswered).not.toContainEqual(answered);
  });
});

describe('late tickets', () => {
  it('counts the open tickets late for their first reply, their resolution, and either once', () => {
    // Prepare: now is Wednesday 11 March 2026 at 11:00 Paris.
    const openTickets = [
      // Monday 9 March 09:00 Paris, unanswered: first reply due Monday 17:00, resolution Friday 09:00.
      ticket('nouveau', '2026-03-09T08:00:00.000Z'),
      // Monday 2 March, answered: resolution due Friday 6 March.
      ticket('en_attente', '2026-03-02T08:00:00.000Z', { answeredAt: '2026-03-02T09:00:00.000Z' }),
      // Monday 2 March, never answered: late on both clocks.
      ticket('en_cours', '2026-03-02T08:00:00.000Z'),
      // Wednesday 11 March 10:00 Paris: on time.
      ticket('nouveau', '2026-03-11T09:00:00.000Z'),
      // Resolved: its clocks stopped.
      ticket('resolu', '2026-03-02T08:00:00.000Z'),
    ];

    // Act
    const figures = aggregateDashboard({
      now: NOW,
      intake: [],
      openTickets,
      truncated: false,
      clockOf: (t) => responseClock(t, DEFAULT_WORK_TARGETS, NOW),
    });

    // Assess
    expect(figures.lateTickets).toEqual({ total: 3, firstResponse: 2, resolution: 2 });
  });

  it('counts the mails that did not leave (failed) and those whose sending is uncertain (unknown)', () => {
    const figures = aggregateDashboard({
      now: NOW,
      intake: [],
      openTickets: [],
      sendProblems: [
        { status: 'failed', at: '2026-03-10T08:00:00.000Z' },
        { status: 'failed', at: '2026-03-11T08:00:00.000Z' },
        { status: 'unknown', at: '2026-03-11T09:00:00.000Z' },
      ],
      truncated: false,
    });
    expect(figures.sendProblems).toEqual({ failed: 2, unknown: 1 });
    expect(
      aggregateDashboard({ now: NOW, intake: [], openTickets: [], truncated: false }).sendProblems,
    ).toEqual({
      failed: 0,
      unknown: 0,
    });
  });
});
