/**
 * The console's ticket list as plain rules: its filters, where a page stopped, and which tickets
 * a filter keeps. The store reads the narrowest index for the sort and statuses asked and runs
 * the rest of the filter in code with `ticketMatches`, so the same rule serves every index.
 */
import type { Ticket, TicketStatus } from './records.ts';
import {
  DEFAULT_WORK_TARGETS,
  isLate,
  type LateKind,
  responseClock,
  type WorkTargets,
} from './response-clock.ts';
import { normalizeText } from './text.ts';

/** The filters of the ticket list. */
export type TicketFilter = {
  statuses?: TicketStatus[];
  departement?: string;
  circonscription?: string;
  uai?: string;
  q?: string;
  /** An email, or `none` for unassigned tickets. */
  assignee?: string;
  /** Creation period as ISO instants: `from` inclusive, `to` exclusive. */
  createdFrom?: string;
  createdTo?: string;
  /** Only tickets whose response clock of this kind is late (see `response-clock.ts`). */
  late?: LateKind;
};

/** Where a list stopped: the sort time and number of the last ticket examined. */
export type ListPosition = { t: string; n: string };

/** One page of the list as the console asks for it. */
export type TicketListRequest = {
  filter: TicketFilter;
  sort: 'created' | 'updated';
  order: 'asc' | 'desc';
  limit: number;
  after?: ListPosition;
  now: Date;
  /** The response clocks' targets, for the `late` filter (the defaults when absent). */
  work?: WorkTargets;
  /** Overrides the store's read budget (tests). */
  budget?: { items: number; queries: number };
};

/** One page of the list, where the next one starts, and what it cost. */
export type TicketListPage = {
  items: Ticket[];
  /** Where the next page starts; undefined at the end. */
  next: ListPosition | undefined;
  /** What this page cost: DynamoDB queries and items read. */
  reads: { queries: number; items: number };
};

/**
 * The filter as one predicate over a ticket: statuses, creation period, département, UAI,
 * circonscription and free text (without case or accents), assignee (`none`: nobody), and
 * lateness of the response clocks at `clocks.now` (working hours, so it cannot be an index).
 */
export function ticketMatches(
  filter: TicketFilter,
  clocks?: { now: Date; work?: WorkTargets },
): (ticket: Ticket) => boolean {
  const late = filter.late;
  if (late && !clocks) throw new TypeError('The late filter needs the time it is read at');
  const work = clocks?.work ?? DEFAULT_WORK_TARGETS;
  const statuses = filter.statuses && new Set<string>(filter.statuses);
  const circonscription = filter.circonscription && normalizeText(filter.circonscription);
  const q = filter.q && normalizeText(filter.q);
  return (ticket) => {
    if (statuses && !statuses.has(ticket.status)) return false;
    if (filter.createdFrom && ticket.createdAt < filter.createdFrom) return false;
    if (filter.createdTo && ticket.createdAt >= filter.createdTo) return false;
    const { schools } = ticket;
    if (filter.departement && !schools.some((school) => school.departement === filter.departement))
      return false;
    // A ticket's schools come from the directory, which stores every UAI normalised
    // (`normalizeUai`), as the route does with the one asked: equal spellings, so DynamoDB can compare them too.
    if (filter.uai && !schools.some((school) => school.uai === filter.uai)) return false;
    if (
      circonscription &&
      !schools.some((school) => normalizeText(school.circonscription) === circonscription)
    )
      return false;
    if (filter.assignee === 'none' && ticket.assignee) return false;
    if (filter.assignee && filter.assignee !== 'none' && ticket.assignee !== filter.assignee) return false;
    if (q) {
      const haystack = normalizeText(
        [
          ticket.number,
          ticket.subject,
          ticket.requester.name,
          ticket.requester.email,
          ...schools.flatMap((school) => [school.name, school.commune, school.uai]),
        ].join(' \u0000 '),
      );
      if (!haystack.includes(q)) return false;
    }
    if (late && clocks && !isLate(responseClock(ticket, work, clocks.now), late)) return false;
    return true;
  };
}

/**
 * The exact-match part of a filter, as the stored values a ticket must hold for `ticketMatches`
 * to keep it, so that the store can ask DynamoDB to return only those (a superset: the store
 * still runs `ticketMatches` on what comes back). The circonscription and free text compare
 * without case or accents, which a stored value cannot be matched against: they stay in code.
 */
export type ExactConditions = {
  /** The ticket's `assignee` equals it; `none`: no assignee (or an empty one). */
  assignee?: string;
  /** One of the ticket's schools has this département. */
  departement?: string;
  /** One of the ticket's schools has this UAI. */
  uai?: string;
};

/** The exact-match conditions of a filter (see `ExactConditions`); undefined when it has none. */
export function exactConditions(filter: TicketFilter): ExactConditions | undefined {
  const conditions: ExactConditions = {
    ...(filter.assignee ? { assignee: filter.assignee } : {}),
    ...(filter.departement ? { departement: filter.departement } : {}),
    ...(filter.uai ? { uai: filter.uai } : {}),
  };
  return Object.keys(conditions).length > 0 ? conditions : undefined;
}

/**
 * Whether the filter needs code beyond the index: statuses and (sorted by creation) the period
 * are served by the index; the rest is read in larger chunks and filtered.
 */
export function filtersInCode(filter: TicketFilter, sort: TicketListRequest['sort']): boolean {
  return Boolean(
    filter.departement ||
      filter.circonscription ||
      filter.uai ||
      filter.q ||
      filter.assignee ||
      filter.late ||
      (sort === 'updated' && (filter.createdFrom || filter.createdTo)),
  );
}
