/**
 * The console's dashboard, computed from what the indexes return: the intake log of the last
 * 30 Paris days and the open tickets. Pure, so each figure is a unit test; the store decides
 * what to read and this module only counts.
 *
 * Also the Paris periods the API filters on (`from`/`to` as calendar days in Europe/Paris).
 */

import * as z from 'zod';
import type { IntakeDaySummary } from './intake-summary.ts';
import type { LateCounts } from './late-tickets.ts';
import { Outcome } from './outcome.ts';
import { nextParisMidnight, ParisDate, parisDay } from './paris-day.ts';
import { OPEN_STATUSES, type OpenStatus, Ticket, TicketStatus } from './records.ts';
import type { TicketClock } from './ticket-views.ts';

/** Days shown in the intake chart. */
export const INTAKE_DAYS = 30;
/** Unanswered tickets listed. */
export const OLDEST_UNANSWERED = 10;
/** The key under which tickets without a recognised school are counted. */
export const UNKNOWN_DEPARTEMENT = 'inconnu';

function dayParts(day: string): [number, number, number] {
  const [year, month, date] = day.split('-').map(Number);
  return [year ?? Number.NaN, month ?? Number.NaN, date ?? Number.NaN];
}

/** The calendar day `count` days after `day` (before, when negative), `YYYY-MM-DD`. */
export function addDays(day: string, count: number): string {
  const [year, month, date] = dayParts(day);
  return new Date(Date.UTC(year, month - 1, date + count)).toISOString().slice(0, 10);
}

/** The instant a Paris calendar day begins (its midnight, whatever the clock change). */
export function parisDayStart(day: string): Date {
  const [year, month, date] = dayParts(day);
  // Noon UTC of the day before is always that day in Paris: its next midnight is the start.
  return nextParisMidnight(new Date(Date.UTC(year, month - 1, date - 1, 12)));
}

/** The instant a Paris calendar day ends (the next day's midnight, exclusive). */
export function parisDayEnd(day: string): Date {
  return parisDayStart(addDays(day, 1));
}

/** The Monday of the week of a calendar day. */
export function weekStartOf(day: string): string {
  const [year, month, date] = dayParts(day);
  const weekday = new Date(Date.UTC(year, month - 1, date)).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}

/**
 * A period of Paris days as ISO instants: `from` inclusive at the first day's midnight, `to`
 * exclusive at the midnight after the last day. Either end may be open.
 */
export function parisPeriod(from?: string, to?: string): { from?: string; to?: string } {
  return {
    ...(from === undefined ? {} : { from: parisDayStart(from).toISOString() }),
    ...(to === undefined ? {} : { to: parisDayEnd(to).toISOString() }),
  };
}

/** The window the dashboard reads the intake log over: the last 30 Paris days, today included. */
export function intakeWindow(now: Date): { from: string; to: string; days: string[] } {
  const today = parisDay(now);
  const first = addDays(today, -(INTAKE_DAYS - 1));
  const days = Array.from({ length: INTAKE_DAYS }, (_, index) => addDays(first, index));
  return { from: parisDayStart(first).toISOString(), to: parisDayEnd(today).toISOString(), days };
}

/**
 * What the dashboard's counts read of an open ticket: its clocks' inputs and the départements of
 * its schools (the codes, each once; none when it has no recognised school). Small, so that the
 * hourly tick can keep every open ticket's facts in a few items (`open-tickets-snapshot.ts`).
 */
export const OpenTicketFact = z.object({
  number: z.string(),
  status: TicketStatus,
  createdAt: z.string(),
  answeredAt: z.string().optional(),
  departements: z.array(z.string()),
});
export type OpenTicketFact = z.infer<typeof OpenTicketFact>;

/** What the dashboard's counts read of a ticket, from the ticket (whole, or its projection). */
export function openTicketFact(
  ticket: Pick<Ticket, 'number' | 'status' | 'createdAt' | 'answeredAt' | 'schools'>,
): OpenTicketFact {
  return {
    number: ticket.number,
    status: ticket.status,
    createdAt: ticket.createdAt,
    ...(ticket.answeredAt === undefined ? {} : { answeredAt: ticket.answeredAt }),
    departements: [...new Set(ticket.schools.map((school) => school.departement).filter(Boolean))],
  };
}

/** What the list of the oldest unanswered reads of a ticket. */
type UnansweredFact = Pick<Ticket, 'number' | 'status' | 'createdAt' | 'answeredAt'>;

/**
 * The open tickets with no staff reply yet (`answeredAt` absent), oldest first (creation, then
 * number), at most `OLDEST_UNANSWERED`: the dashboard lists them.
 */
export function oldestUnansweredOf<T extends UnansweredFact>(tickets: readonly T[]): T[] {
  return tickets
    .filter((ticket) => ticket.status !== 'clos' && ticket.answeredAt === undefined)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.number.localeCompare(b.number))
    .slice(0, OLDEST_UNANSWERED);
}

/** What the dashboard needs of an intake entry. */
export type IntakeFact = { receivedAt: string; outcome: Outcome };

/** A mail the desk could not send (`failed`) or may not have sent (`unknown`), and when that was found. */
export type SendProblemFact = { status: 'failed' | 'unknown'; at: string };

/**
 * Every ticket whose status is not `clos`, in any order: whole, or only what the counts read
 * (`OpenTicketFact`) with the tickets `oldestUnansweredOf` picks, whole and in its order.
 */
type OpenTicketsInput =
  | { openTickets: Ticket[]; oldestUnanswered?: undefined }
  | { openTickets: OpenTicketFact[]; oldestUnanswered: Ticket[] };

export type DashboardInput = OpenTicketsInput & {
  now: Date;
  /** Intake entries received within `intakeWindow(now)`, in any order, on the days `intakeDays` does not cover. */
  intake: IntakeFact[];
  /**
   * Days of the window counted by the hourly tick (`intake-summary.ts`), each standing for all
   * its entries: a day is in `intake` or here, never both.
   */
  intakeDays?: IntakeDaySummary[];
  /** The mails found `failed` or `unknown` within `intakeWindow(now)`. */
  sendProblems?: SendProblemFact[];
  /** Whether a read stopped at its budget, so the figures are lower bounds. */
  truncated: boolean;
  /**
   * A ticket's response clocks at `now` (`response-clock.ts`). Handed in rather than imported so
   * the contract, which the console bundles, does not carry the holidays' library; without it,
   * no ticket counts as late.
   */
  clockOf?: (ticket: OpenTicketFact) => TicketClock;
  /** The open tickets' late counts, counted already (`countLateTickets`): `clockOf` is then not called. */
  lateTickets?: LateCounts;
};

function zeroOutcomes(): OutcomeCounts {
  return Object.fromEntries(Outcome.options.map((outcome) => [outcome, 0])) as OutcomeCounts;
}

/** The departements of a ticket, each once; `inconnu` when it has no school. */
function departementsOf(ticket: OpenTicketFact): string[] {
  return ticket.departements.length > 0 ? ticket.departements : [UNKNOWN_DEPARTEMENT];
}

/**
 * The dashboard's figures. Days are Paris days; the week starts on Monday. A ticket opened by
 * staff from a held mail counts on the day the mail was received, like every intake figure.
 */
export function aggregateDashboard(input: DashboardInput) {
  const { now } = input;
  const today = parisDay(now);
  const weekStart = weekStartOf(today);
  const { days } = intakeWindow(now);

  const byDay = new Map(days.map((day) => [day, { day, total: 0, outcomes: zeroOutcomes() }]));
  const requests = {
    today: { received: 0, ticketsOpened: 0 },
    week: { received: 0, ticketsOpened: 0 },
  };
  /** Adds `total` mails of `day`, `outcomes` by outcome, to the day's bar and to today's and the week's requests. */
  const count = (day: string, total: number, outcomes: Partial<OutcomeCounts>) => {
    const bucket = byDay.get(day);
    if (!bucket) return;
    bucket.total += total;
    for (const outcome of Outcome.options) bucket.outcomes[outcome] += outcomes[outcome] ?? 0;
    const opened = outcomes.ticket_created ?? 0;
    if (day === today) {
      requests.today.received += total;
      requests.today.ticketsOpened += opened;
    }
    if (day >= weekStart && day <= today) {
      requests.week.received += total;
      requests.week.ticketsOpened += opened;
    }
  };
  for (const fact of input.intake) count(parisDay(new Date(fact.receivedAt)), 1, { [fact.outcome]: 1 });
  for (const summary of input.intakeDays ?? []) count(summary.day, summary.total, summary.outcomes);

  const facts: OpenTicketFact[] =
    input.oldestUnanswered === undefined ? input.openTickets.map(openTicketFact) : input.openTickets;
  const open = facts.filter((ticket) => ticket.status !== 'clos');
  const byStatus = Object.fromEntries(OPEN_STATUSES.map((status) => [status, 0])) as Record<
    OpenStatus,
    number
  >;
  const byDepartement: Record<string, number> = {};
  for (const ticket of open) {
    byStatus[ticket.status as OpenStatus] += 1;
    for (const code of departementsOf(ticket)) byDepartement[code] = (byDepartement[code] ?? 0) + 1;
  }

  const late = input.lateTickets ? { ...input.lateTickets } : { total: 0, firstResponse: 0, resolution: 0 };
  if (input.clockOf && !input.lateTickets) {
    for (const ticket of open) {
      const clock = input.clockOf(ticket);
      late.total += clock.late ? 1 : 0;
      late.firstResponse += clock.firstResponse.late ? 1 : 0;
      late.resolution += clock.resolution.late ? 1 : 0;
    }
  }

  const oldestUnanswered =
    input.oldestUnanswered === undefined ? oldestUnansweredOf(input.openTickets) : input.oldestUnanswered;

  return {
    generatedAt: now.toISOString(),
    today,
    weekStart,
    requests,
    openTickets: { total: open.length, byStatus, byDepartement },
    lateTickets: late,
    intakeByDay: [...byDay.values()],
    oldestUnanswered,
    sendProblems: {
      failed: (input.sendProblems ?? []).filter((problem) => problem.status === 'failed').length,
      unknown: (input.sendProblems ?? []).filter((problem) => problem.status === 'unknown').length,
    },
    truncated: input.truncated,
  };
}

export type DashboardFigures = ReturnType<typeof aggregateDashboard>;

export const OutcomeCounts = z.record(Outcome, z.number().int());
export type OutcomeCounts = z.infer<typeof OutcomeCounts>;

/**
 * The dashboard. Days are Paris calendar days; the week starts on Monday. `requests` count the
 * mails received (all outcomes) and the tickets opened (`ticket_created`). `openTickets` count
 * tickets not `clos`; a ticket with schools in several départements counts in each. `truncated`
 * says a count stopped at the server's read budget (very large volumes): figures are then lower bounds.
 */
export const Dashboard = z.object({
  generatedAt: z.string(),
  today: ParisDate,
  weekStart: ParisDate,
  requests: z.object({
    today: z.object({ received: z.number().int(), ticketsOpened: z.number().int() }),
    week: z.object({ received: z.number().int(), ticketsOpened: z.number().int() }),
  }),
  openTickets: z.object({
    total: z.number().int(),
    byStatus: z.record(TicketStatus.exclude(['clos']), z.number().int()),
    /** Département code → count; `inconnu` for tickets without a recognised school. */
    byDepartement: z.record(z.string(), z.number().int()),
  }),
  /**
   * Open tickets whose response clocks are late (working hours, `response-clock.ts`): `total`
   * counts each once, `firstResponse` and `resolution` each clock (a ticket may be in both).
   */
  lateTickets: z.object({
    total: z.number().int(),
    firstResponse: z.number().int(),
    resolution: z.number().int(),
  }),
  /** The last 30 Paris days, oldest first, each with every outcome (zeros included). */
  intakeByDay: z.array(z.object({ day: ParisDate, total: z.number().int(), outcomes: OutcomeCounts })),
  /** Open tickets with no staff reply yet, oldest first, at most 10. */
  oldestUnanswered: z.array(Ticket),
  /**
   * Mails of the last 30 days the desk could not send (`failed`: SES refused them for good) or
   * may not have sent (`unknown`: « envoi incertain »): each shows on its ticket or in the mail log.
   */
  sendProblems: z.object({ failed: z.number().int(), unknown: z.number().int() }),
  truncated: z.boolean(),
});
export type Dashboard = z.infer<typeof Dashboard>;
