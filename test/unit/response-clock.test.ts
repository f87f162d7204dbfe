import { describe, expect, it } from 'vitest';
import { parisTimeToInstant } from '#shared/domain/paris-day.ts';
import type { TicketStatus } from '#shared/domain/records.ts';
import { DEFAULT_WORK_TARGETS, isLate, responseClock } from '#shared/domain/response-clock.ts';

/** An ISO instant from a Paris wall-clock time, `2026-12-04 17:00`. */
function paris(wall: string): string {
  const [day = '', time = ''] = wall.split(' ');
  return parisTimeToInstant(day, time).toISOString();
}

/** A ticket created on Friday 4 December 2026 at 17:00 Paris. */
function ticket(status: TicketStatus, answeredAt?: string) {
  return { createdAt: paris('2026-12-04 17:00'), status, ...(answeredAt ? { answeredAt } : {}) };
}

describe('responseClock', () => {
  it('counts both targets in working hours from the creation', () => {
    // Act
    const clock = responseClock(ticket('nouveau'), DEFAULT_WORK_TARGETS, new Date(paris('2026-12-04 17:05')));

    // Assess: 1 h on Friday, 7 h on Monday 7; 39 h more end on Thursday 10 at 17:00
    expect(clock.firstResponse.dueAt).toBe(paris('2026-12-07 15:00'));
    expect(clock.resolution.dueAt).toBe(paris('2026-12-10 17:00'));
    expect(clock).toMatchObject({
      firstResponse: { running: true, late: false },
      resolution: { running: true, late: false },
      late: false,
    });
  });

  it('takes the targets from the configuration', () => {
    // Act
    const clock = responseClock(
      ticket('nouveau'),
      { firstResponseHours: 2, resolutionHours: 10 },
      new Date(paris('2026-12-04 17:05')),
    );

    // Assess
    expect(clock.firstResponse.dueAt).toBe(paris('2026-12-07 09:00'));
    expect(clock.resolution.dueAt).toBe(paris('2026-12-07 17:00'));
  });

  it('is late for the first response from its due time on, and not a minute before', () => {
    // Prepare
    const due = paris('2026-12-07 15:00');

    // Act
    const before = responseClock(ticket('nouveau'), DEFAULT_WORK_TARGETS, new Date(Date.parse(due) - 60_000));
    const at = responseClock(ticket('nouveau'), DEFAULT_WORK_TARGETS, new Date(due));

    // Assess
    expect([before.firstResponse.late, before.late]).toEqual([false, false]);
    expect([at.firstResponse.late, at.resolution.late, at.late]).toEqual([true, false, true]);
  });

  it('is no longer late for its first response once answered, even answered late', () => {
    // Prepare
    const answeredLate = ticket('en_attente', paris('2026-12-08 10:00'));

    // Act
    const clock = responseClock(answeredLate, DEFAULT_WORK_TARGETS, new Date(paris('2026-12-09 10:00')));

    // Assess
    expect(clock.firstResponse).toMatchObject({ running: false, late: false });
    expect(clock.late).toBe(false);
  });

  it('keeps the resolution clock running while the ticket waits for the director, and says it is late', () => {
    // Prepare
    const waiting = ticket('en_attente', paris('2026-12-07 09:00'));

    // Act
    const clock = responseClock(waiting, DEFAULT_WORK_TARGETS, new Date(paris('2026-12-11 17:00')));

    // Assess
    expect(clock.resolution).toMatchObject({ running: true, late: true });
    expect(clock.late).toBe(true);
  });

  it.each(['resolu', 'clos'] as const)(
    'stops both clocks of a ticket %s, even one never answered',
    (status) => {
      // Act
      const clock = responseClock(ticket(status), DEFAULT_WORK_TARGETS, new Date(paris('2027-01-15 10:00')));

      // Assess
      expect(clock).toMatchObject({
        firstResponse: { running: false, late: false },
        resolution: { running: false, late: false },
        late: false,
      });
    },
  );
});

describe('isLate', () => {
  it('looks at the clock asked: first response, resolution or either', () => {
    // Prepare: answered in time, resolution overdue
    const clock = responseClock(
      ticket('en_cours', paris('2026-12-07 09:00')),
      DEFAULT_WORK_TARGETS,
      new Date(paris('2026-12-14 09:00')),
    );

    // Act
    const answers = [isLate(clock, 'first_response'), isLate(clock, 'resolution'), isLate(clock, 'any')];

    // Assess
    expect(answers).toEqual([false, true, true]);
  });
});
