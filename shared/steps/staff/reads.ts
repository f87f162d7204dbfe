/** What staff read from the console: the ticket list, a ticket's page, the intake log, the dashboard. */
import { aggregateDashboard, type Dashboard, intakeWindow, parisPeriod } from '#shared/domain/dashboard.ts';
import { InvalidCursorError, MailNotFoundError, TicketNotFoundError } from '#shared/domain/errors.ts';
import type { IntakeDetail } from '#shared/domain/intake-reply.ts';
import { countLateTickets } from '#shared/domain/late-tickets.ts';
import type { Outcome } from '#shared/domain/outcome.ts';
import type { TicketStatus } from '#shared/domain/records.ts';
import { DEFAULT_WORK_TARGETS, type LateKind, responseClock } from '#shared/domain/response-clock.ts';
import { conversationOf, historyOf } from '#shared/domain/ticket-actions.ts';
import type { ListPosition } from '#shared/domain/ticket-list.ts';
import type { TicketDetail } from '#shared/domain/ticket-views.ts';
import { decodeCursor, encodeCursor } from '#shared/http/cursor.ts';
import type { StaffDeps } from './deps.ts';

/** What staff ask of the ticket list, once the API has parsed it (the period in Paris days). */
export type TicketListInput = {
  status?: TicketStatus[];
  departement?: string;
  circonscription?: string;
  uai?: string;
  q?: string;
  /** An email, or `none` for unassigned tickets. */
  assignee?: string;
  from?: string;
  to?: string;
  /** Only tickets late for their first response, their resolution, or either. */
  late?: LateKind;
  /** `due`: by due time of the clocks, which is the creation order (see `listTickets`). */
  sort: 'created' | 'updated' | 'due';
  order: 'asc' | 'desc';
  limit: number;
  /** The opaque cursor of the page before. */
  cursor?: string;
};

/** What staff ask of the intake log, once the API has parsed it. */
export type IntakeListInput = {
  outcome?: Outcome;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
};

/**
 * One page of the ticket list, as the console asked for it, each ticket with its response clocks.
 *
 * Both clocks' due times grow with the creation time (the same targets added in working hours),
 * so sorting by due time is reading the creation index, and its cursor is the creation one. A
 * late filter without statuses reads only the statuses whose clocks run.
 */
export async function listTickets(query: TicketListInput, deps: StaffDeps) {
  const period = parisPeriod(query.from, query.to);
  const now = deps.now();
  const work = deps.work ?? DEFAULT_WORK_TARGETS;
  const page = await deps.ticketList.listTickets({
    filter: {
      statuses: query.status ?? (query.late ? [...RUNNING_STATUSES] : undefined),
      departement: query.departement,
      circonscription: query.circonscription,
      uai: query.uai,
      q: query.q,
      assignee: query.assignee,
      createdFrom: period.from,
      createdTo: period.to,
      late: query.late,
    },
    sort: query.sort === 'due' ? 'created' : query.sort,
    order: query.order,
    limit: query.limit,
    after: listPosition(query.cursor),
    now,
    work,
  });
  return {
    items: page.items.map((ticket) => ({ ...ticket, clock: responseClock(ticket, work, now) })),
    nextCursor: page.next ? encodeCursor(page.next) : null,
  };
}

/** The statuses whose clocks may run: a late ticket is in one of them. */
const RUNNING_STATUSES = ['nouveau', 'en_cours', 'en_attente'] as const satisfies TicketStatus[];

/** The position a ticket-list cursor stands for. @throws InvalidCursorError */
function listPosition(cursor: string | undefined): ListPosition | undefined {
  const decoded = decodeCursor(cursor);
  if (decoded === undefined) return undefined;
  const { t, n } = decoded;
  if (typeof t !== 'string' || typeof n !== 'string' || Object.keys(decoded).length !== 2) {
    throw new InvalidCursorError();
  }
  return { t, n };
}

/** One page of the intake log, newest first. */
export async function listIntake(query: IntakeListInput, deps: StaffDeps) {
  const period = parisPeriod(query.from, query.to);
  const page = await deps.intakeLog.listIntake({
    outcome: query.outcome,
    receivedFrom: period.from,
    receivedTo: period.to,
    limit: query.limit,
    startKey: decodeCursor(query.cursor),
    now: deps.now(),
  });
  return { items: page.items, nextCursor: encodeCursor(page.lastKey) };
}

/**
 * A ticket as its page shows it: the conversation (mails and notes) in time order, the history
 * with how the ticket was opened first, and what the directory says of the requester today.
 * @throws TicketNotFoundError
 */
export async function ticketDetail(number: string, deps: StaffDeps): Promise<TicketDetail> {
  const record = await deps.ticketStore.readTicket(number, deps.now());
  if (!record) throw new TicketNotFoundError(number);
  const { ticket } = record;
  const [director, opening] = await Promise.all([
    deps.directory.findByEmail(ticket.requester.email),
    deps.intakeLog.readIntake(ticket.openedBy, deps.now()),
  ]);
  return {
    ...ticket,
    messages: conversationOf(record),
    history: historyOf(record, opening?.entry),
    director: director ?? null,
    clock: responseClock(ticket, deps.work ?? DEFAULT_WORK_TARGETS, deps.now()),
  };
}

/** A received mail's log entry and the automatic reply it got. @throws MailNotFoundError */
export async function intakeDetail(sesMessageId: string, deps: StaffDeps): Promise<IntakeDetail> {
  const found = await deps.intakeLog.readIntake(sesMessageId, deps.now());
  if (!found) throw new MailNotFoundError(sesMessageId);
  return { entry: found.entry, reply: found.reply ?? null };
}

/**
 * The dashboard, from the intake log of the last 30 days (the hourly tick's day summaries and
 * the entries of the days they do not cover) and the open tickets (the hourly tick's snapshot of
 * their facts and the tickets written since, `open-tickets-snapshot.ts`), whose late clocks are
 * counted by bisection over their creation times rather than one clock each (`late-tickets.ts`).
 */
export async function dashboard(deps: StaffDeps): Promise<Dashboard> {
  const now = deps.now();
  const facts = await deps.dashboardStore.dashboardFacts(intakeWindow(now), now);
  const work = deps.work ?? DEFAULT_WORK_TARGETS;
  const open = facts.openTickets.filter((ticket) => ticket.status !== 'clos');
  return aggregateDashboard({ now, ...facts, lateTickets: countLateTickets(open, work, now) });
}
