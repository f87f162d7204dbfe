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
  // Normalised once, as a ticket's card holds them: the card and this predicate compare alike.
  const { circ: circonscription, q } = cardConditions(filter) ?? {};
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
    if (circonscription && !ticketCirconscriptions(ticket).includes(circonscription)) return false;
    if (filter.assignee === 'none' && ticket.assignee) return false;
    if (filter.assignee && filter.assignee !== 'none' && ticket.assignee !== filter.assignee) return false;
    if (q && !ticketSearchText(ticket).includes(q)) return false;
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
 * Whether a list reads the named agent's own index (gsi6, by creation): sorted by creation with an
 * agent asked (not « unassigned », which no index holds).
 */
export function readsAgentIndex(filter: TicketFilter, sort: TicketListRequest['sort']): boolean {
  return sort === 'created' && filter.assignee !== undefined && filter.assignee !== 'none';
}

/**
 * Whether the filter needs code beyond the index: statuses and (sorted by creation) the period
 * are served by the index, and so is the agent when the agent's index is read (the statuses are
 * then checked in code); the rest is read in larger chunks and filtered.
 */
export function filtersInCode(
  filter: TicketFilter,
  sort: TicketListRequest['sort'],
  /** Whether the agent's index is read (not while DynamoDB is still filling it). */
  byAgent = readsAgentIndex(filter, sort),
): boolean {
  return Boolean(
    filter.departement ||
      filter.circonscription ||
      filter.uai ||
      filter.q ||
      (filter.assignee && !byAgent) ||
      (byAgent && filter.statuses) ||
      filter.late ||
      (sort === 'updated' && (filter.createdFrom || filter.createdTo)),
  );
}

/**
 * The normalised circonscriptions of a ticket's schools, as the circonscription filter compares
 * them: the filter and the ticket's card (`ticketCard`) both use this, so a card holds exactly
 * what the filter looks for.
 */
export function ticketCirconscriptions(ticket: Pick<Ticket, 'schools'>): string[] {
  return [...new Set(ticket.schools.map((school) => normalizeText(school.circonscription)))];
}

/**
 * The normalised text the free-text filter searches: number, subject, requester, and each
 * school's name, commune and UAI, separated by a character no search contains (normalising
 * collapses spaces, never this one), so a search never matches across two fields.
 */
export function ticketSearchText(
  ticket: Pick<Ticket, 'number' | 'subject' | 'requester' | 'schools'>,
): string {
  return normalizeText(
    [
      ticket.number,
      ticket.subject,
      ticket.requester.name,
      ticket.requester.email,
      ...ticket.schools.flatMap((school) => [school.name, school.commune, school.uai]),
    ].join(' \u0000 '),
  );
}

/**
 * A ticket's card: what the circonscription, free-text and UAI filters read of it, normalised
 * once when it is written, so that DynamoDB can compare them exactly (`contains`) on a small item
 * rather than the list reading whole tickets (three times the size) to compare them. It changes only when the
 * ticket's number, subject, requester or schools do: at its opening and at a merge into it.
 */
export type TicketCard = {
  /** `ticketCirconscriptions`: a school's circonscription matches when it is one of these. */
  circs: string[];
  /** `ticketSearchText`: the free text matches when it is a part of this. */
  search: string;
  /** The schools' UAIs as stored (`normalizeUai`): the UAI filter matches when it is one of these. */
  uais: string[];
};

/** The card of a ticket (see `TicketCard`). */
export function ticketCard(ticket: Pick<Ticket, 'number' | 'subject' | 'requester' | 'schools'>): TicketCard {
  return {
    circs: ticketCirconscriptions(ticket),
    search: ticketSearchText(ticket),
    uais: [...new Set(ticket.schools.map((school) => school.uai))],
  };
}

/**
 * The part of a filter a ticket's card answers exactly, normalised as `ticketMatches` does:
 * undefined when the filter has no circonscription, free text or UAI (a normalised empty text
 * filters nothing, as in `ticketMatches`). A ticket matches the filter only if its card holds
 * `circ` among its `circs`, `q` within its `search` and `uai` among its `uais`.
 */
export function cardConditions(
  filter: TicketFilter,
): { circ?: string; q?: string; uai?: string } | undefined {
  const circ = filter.circonscription ? normalizeText(filter.circonscription) : '';
  const q = filter.q ? normalizeText(filter.q) : '';
  if (!circ && !q && !filter.uai) return undefined;
  return { ...(circ ? { circ } : {}), ...(q ? { q } : {}), ...(filter.uai ? { uai: filter.uai } : {}) };
}

/**
 * The last creation instant (ISO, to the millisecond) at which a running ticket is late of this
 * kind at `now`, or undefined when a ticket created at `now` already is (no bound). A clock's due
 * time never decreases as the creation time grows (`late-tickets.ts` relies on the same), so
 * every ticket late at `now` was created at or before this instant: the list reads only those
 * from the creation index, and `ticketMatches` still decides ticket by ticket. Found by
 * bisection over milliseconds, about fifty clocks.
 */
export function lastLateCreation(late: LateKind, work: WorkTargets, now: Date): string | undefined {
  const isLateAt = (at: number) =>
    isLate(responseClock({ createdAt: new Date(at).toISOString(), status: 'nouveau' }, work, now), late);
  let notLate = now.getTime();
  if (isLateAt(notLate)) return undefined;
  // Step back until a creation is late; none within the span: nothing older is either.
  let step = 3_600_000;
  let lateAt = notLate - step;
  while (!isLateAt(lateAt)) {
    notLate = lateAt;
    step *= 2;
    if (step > LATE_SEARCH_SPAN_MS) return new Date(0).toISOString();
    lateAt = notLate - step;
  }
  while (notLate - lateAt > 1) {
    const middle = Math.floor((lateAt + notLate) / 2);
    if (isLateAt(middle)) lateAt = middle;
    else notLate = middle;
  }
  return new Date(lateAt).toISOString();
}

/** How far back `lastLateCreation` looks for a late creation (about 70 years). */
const LATE_SEARCH_SPAN_MS = 2 ** 41;
