/**
 * The response clocks of a ticket: when the first reply from staff is due, when the request
 * should be resolved, and whether either is late. Both count in working hours of the académie
 * (`working-hours.ts`) from the ticket's creation; the targets come from the configuration
 * (`config.work`, 8 and 40 hours by default).
 *
 * A clock stops when there is nothing left to do for it: the first reply stops the first-response
 * clock, `resolu` or `clos` stops both (a ticket closed without a reply is not late). Waiting for
 * the director (`en_attente`) does not pause the resolution clock: the target is the académie's
 * commitment to the school, whoever holds the ticket.
 */
import type { Ticket, TicketStatus } from './records.ts';
import type { TicketClock } from './ticket-views.ts';
import { addWorkingHours } from './working-hours.ts';

/** The targets, in working hours. */
export type WorkTargets = { firstResponseHours: number; resolutionHours: number };

/** The targets when the configuration says nothing (`FIRST_RESPONSE_TARGET_HOURS`, `RESOLUTION_TARGET_HOURS`). */
export const DEFAULT_WORK_TARGETS: WorkTargets = { firstResponseHours: 8, resolutionHours: 40 };

/** The statuses that stop every clock. */
const STOPPED: ReadonlySet<TicketStatus> = new Set(['resolu', 'clos']);

/** Which clock a late filter or count looks at; `any` is either. */
export type LateKind = 'first_response' | 'resolution' | 'any';

/**
 * The clocks of a ticket at `now`. A clock is late from its due time on (« avant 10 h » is no
 * longer met at 10:00), and only while it runs.
 */
export function responseClock(
  ticket: Pick<Ticket, 'createdAt' | 'answeredAt' | 'status'>,
  work: WorkTargets,
  now: Date,
): TicketClock {
  const createdAt = new Date(ticket.createdAt);
  const firstDue = addWorkingHours(createdAt, work.firstResponseHours);
  const resolutionDue = addWorkingHours(createdAt, work.resolutionHours);
  const stopped = STOPPED.has(ticket.status);
  const firstRunning = !stopped && ticket.answeredAt === undefined;
  const firstLate = firstRunning && now.getTime() >= firstDue.getTime();
  const resolutionLate = !stopped && now.getTime() >= resolutionDue.getTime();
  return {
    firstResponse: { dueAt: firstDue.toISOString(), running: firstRunning, late: firstLate },
    resolution: { dueAt: resolutionDue.toISOString(), running: !stopped, late: resolutionLate },
    late: firstLate || resolutionLate,
  };
}

/** Whether a ticket's clocks are late in the sense a filter or a count asks. */
export function isLate(clock: TicketClock, kind: LateKind): boolean {
  if (kind === 'first_response') return clock.firstResponse.late;
  if (kind === 'resolution') return clock.resolution.late;
  return clock.late;
}
