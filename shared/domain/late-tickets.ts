/**
 * How many open tickets are late, counted without computing every ticket's clocks.
 *
 * A clock's due time is its target added in working hours to the ticket's creation, so it never
 * decreases as the creation time grows (the ticket list's `sort=due` relies on the same). The
 * tickets late on a clock at `now` are therefore those whose clock runs and which were created
 * up to a cutoff, found by bisection over the creation times: a dozen clocks per target instead
 * of two per open ticket (3,900 open tickets cost about 130 ms of CPU in working-hour sums,
 * measured on the team's machine). Whether a clock runs depends on the ticket's status and
 * whether it was answered, never on its creation: one clock per such case tells.
 *
 * The counts are exactly those of `responseClock` ticket by ticket (a unit test compares them).
 */
import type { Ticket } from './records.ts';
import { responseClock, type WorkTargets } from './response-clock.ts';

/** The late counts the dashboard shows: `total` counts each ticket once. */
export type LateCounts = { total: number; firstResponse: number; resolution: number };

/** What the count reads of a ticket. */
export type ClockedTicket = Pick<Ticket, 'createdAt' | 'answeredAt' | 'status'>;

/**
 * The last of `sortedCreations` (ascending ISO instants) for which `late` holds, or undefined;
 * `late` must hold for a prefix of the list (true, then false).
 */
function lastLate(
  sortedCreations: readonly string[],
  late: (createdAt: string) => boolean,
): string | undefined {
  let low = 0;
  let high = sortedCreations.length; // the first index known not late
  while (low < high) {
    const middle = (low + high) >>> 1;
    const createdAt = sortedCreations[middle];
    if (createdAt !== undefined && late(createdAt)) low = middle + 1;
    else high = middle;
  }
  return low === 0 ? undefined : sortedCreations[low - 1];
}

/** The late counts of `tickets` at `now`, as `responseClock` gives them one by one. */
export function countLateTickets(
  tickets: readonly ClockedTicket[],
  work: WorkTargets,
  now: Date,
): LateCounts {
  const creations = tickets.map((ticket) => ticket.createdAt).sort();
  // A ticket that runs both clocks: whether a creation time is late on each.
  const probe = (createdAt: string) => responseClock({ createdAt, status: 'nouveau' }, work, now);
  const firstCutoff = lastLate(creations, (createdAt) => probe(createdAt).firstResponse.late);
  const resolutionCutoff = lastLate(creations, (createdAt) => probe(createdAt).resolution.late);
  // Which clocks run, per status and answered or not (creation time plays no part).
  const running = new Map<string, { first: boolean; resolution: boolean }>();
  const runs = (ticket: ClockedTicket) => {
    const key = `${ticket.status}|${ticket.answeredAt === undefined}`;
    let found = running.get(key);
    if (!found) {
      const clock = responseClock(ticket, work, now);
      found = { first: clock.firstResponse.running, resolution: clock.resolution.running };
      running.set(key, found);
    }
    return found;
  };
  const counts: LateCounts = { total: 0, firstResponse: 0, resolution: 0 };
  for (const ticket of tickets) {
    const clocks = runs(ticket);
    const first = clocks.first && firstCutoff !== undefined && ticket.createdAt <= firstCutoff;
    const resolution =
      clocks.resolution && resolutionCutoff !== undefined && ticket.createdAt <= resolutionCutoff;
    counts.firstResponse += first ? 1 : 0;
    counts.resolution += resolution ? 1 : 0;
    counts.total += first || resolution ? 1 : 0;
  }
  return counts;
}
