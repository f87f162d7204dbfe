import { describe, expect, it } from 'vitest';
import { type ClockedTicket, countLateTickets } from '#shared/domain/late-tickets.ts';
import type { TicketStatus } from '#shared/domain/records.ts';
import { DEFAULT_WORK_TARGETS, responseClock, type WorkTargets } from '#shared/domain/response-clock.ts';

/** The counts as the dashboard made them before: every ticket's clocks. */
function oneByOne(tickets: readonly ClockedTicket[], work: WorkTargets, now: Date) {
  const counts = { total: 0, firstResponse: 0, resolution: 0 };
  for (const ticket of tickets) {
    const clock = responseClock(ticket, work, now);
    counts.total += clock.late ? 1 : 0;
    counts.firstResponse += clock.firstResponse.late ? 1 : 0;
    counts.resolution += clock.resolution.late ? 1 : 0;
  }
  return counts;
}

const STATUSES: TicketStatus[] = ['nouveau', 'en_cours', 'en_attente', 'resolu'];

/** Tickets created every 37 minutes over six weeks (nights, weekends, Easter Monday), half answered. */
function tickets(): ClockedTicket[] {
  const start = Date.parse('2026-03-01T00:00:00.000Z');
  return Array.from({ length: 1_600 }, (_, i) => ({
    createdAt: new Date(start + i * 37 * 60_000).toISOString(),
    status: STATUSES[i % STATUSES.length] ?? 'nouveau',
    ...(i % 3 === 0 ? { answeredAt: new Date(start + i * 37 * 60_000 + 3_600_000).toISOString() } : {}),
  }));
}

describe('the late tickets count', () => {
  it.each([
    ['a Monday morning at opening', '2026-04-13T06:00:00.000Z'],
    ['a Tuesday afternoon', '2026-04-07T13:17:00.000Z'],
    ['Easter Monday', '2026-04-06T09:00:00.000Z'],
    ['a Saturday night', '2026-04-11T21:00:00.000Z'],
  ])('gives the counts of every ticket’s clocks, on %s', (_, at) => {
    // Prepare
    const all = tickets();
    const now = new Date(at);
    // Act
    const counts = countLateTickets(all, DEFAULT_WORK_TARGETS, now);
    // Assess
    expect(counts).toEqual(oneByOne(all, DEFAULT_WORK_TARGETS, now));
    expect(counts.firstResponse).toBeGreaterThan(0);
    expect(counts.resolution).toBeGreaterThan(counts.firstResponse);
  });

  it('gives the same counts whatever the order of the tickets and with other targets', () => {
    // Prepare
    const all = tickets().reverse();
    const now = new Date('2026-03-20T10:00:00.000Z');
    const work = { firstResponseHours: 3, resolutionHours: 100 };
    // Act / Assess
    expect(countLateTickets(all, work, now)).toEqual(oneByOne(all, work, now));
  });

  it('counts none when no ticket is open, and none late before any is due', () => {
    expect(countLateTickets([], DEFAULT_WORK_TARGETS, new Date())).toEqual({
      total: 0,
      firstResponse: 0,
      resolution: 0,
    });
    const fresh = [{ createdAt: '2026-04-07T08:00:00.000Z', status: 'nouveau' as const }];
    expect(countLateTickets(fresh, DEFAULT_WORK_TARGETS, new Date('2026-04-07T08:30:00.000Z'))).toEqual({
      total: 0,
      firstResponse: 0,
      resolution: 0,
    });
  });
});
