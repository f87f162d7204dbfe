/**
 * Auto-close: a ticket waiting for its director (`en_attente`, « En attente du directeur ») for
 * N working days is closed, and the director gets one short automatic notice, threaded on the
 * ticket; a reply of theirs reopens it (the follow-up's usual reopen). The tick that runs this
 * (`ticket-housekeeping`, hourly) reads the candidates from the store, these rules decide.
 *
 * Working days are Monday to Friday in Paris, French public holidays excepted. The response
 * clocks' `working-hours.ts` (branch wt-clocks) is to own `addWorkingDays`/`isWorkingDay`; until
 * it lands, the two below carry the same names and meaning, so the swap is an import.
 */
import Holidays from 'date-holidays';
import { type OutboxMessage, outgoingMail, sentMessage } from './messages.ts';
import { parisDay, parisTimeToInstant } from './paris-day.ts';
import type { Ticket, TicketHistoryEntry, TicketMessage } from './records.ts';
import { autoCloseNoticeMail } from './replies.ts';
import { acknowledgmentSubject } from './subject.ts';
import { threadIdOf } from './thread.ts';
import { type StoredTicket, statusChange, type TicketChange } from './ticket-actions.ts';

/** Who the history line names: no agent acted, the desk did. */
export const AUTO_CLOSE_ACTOR = 'clôture automatique';

const holidays = new Holidays('FR');

/** Whether a Paris calendar day (`YYYY-MM-DD`) is a working day: Monday–Friday, not a public holiday. */
export function isWorkingDay(day: string): boolean {
  // Noon UTC is the same calendar day in Paris, winter and summer.
  const noon = new Date(`${day}T12:00:00Z`);
  const weekday = noon.getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  const found = holidays.isHoliday(noon);
  return !(found || []).some((holiday) => holiday.type === 'public');
}

const wallTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** The calendar day after a `YYYY-MM-DD` day. */
function nextDay(day: string): string {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/**
 * The instant `days` working days after `from`, at the same Paris wall time (to the minute):
 * Monday 10:00 plus 10 working days is the Monday two weeks later at 10:00, a holiday adds a day.
 */
export function addWorkingDays(from: Date, days: number): Date {
  let day = parisDay(from);
  for (let counted = 0; counted < days; ) {
    day = nextDay(day);
    if (isWorkingDay(day)) counted += 1;
  }
  return parisTimeToInstant(day, wallTime.format(from));
}

/** When a ticket waiting since `waitingSince` (ISO instant) is to be closed. */
export function autoCloseDeadline(waitingSince: string, workingDays: number): Date {
  return addWorkingDays(new Date(waitingSince), workingDays);
}

/**
 * Whether a ticket is to be closed now: still waiting for its director, and untouched (no reply,
 * no staff action: each moves `updatedAt`) for `workingDays` working days.
 */
export function isDueForAutoClose(
  ticket: Pick<Ticket, 'status' | 'updatedAt'>,
  now: Date,
  workingDays: number,
): boolean {
  return (
    ticket.status === 'en_attente' &&
    autoCloseDeadline(ticket.updatedAt, workingDays).getTime() <= now.getTime()
  );
}

/**
 * The latest update time a due ticket can have: N working days are at least N calendar days, so
 * the store reads the waiting tickets last updated before this, and `isDueForAutoClose` decides.
 */
export function autoCloseScanBefore(now: Date, workingDays: number): string {
  return new Date(now.getTime() - workingDays * 86_400_000).toISOString();
}

/** What the notice needs: the ticket, its mails (to thread on them), the sender, the desk's name. */
export type AutoCloseInput = {
  ticket: Ticket;
  messages: TicketMessage[];
  at: string;
  /** The desk address the notice comes from (the one of the ticket's last mail from the desk). */
  from: string;
  deskDisplayName: string;
  workingDays: number;
  retentionDays: number;
  /** Id of the history line. */
  historyId: string;
};

/**
 * The close and its notice, as one change of the ticket: status `clos` with its purge date (the
 * staff close's rule), the history line « clôturé automatiquement », and the notice recorded in
 * the conversation, to the director's last address, in reply to their last mail. The notice's
 * id is derived from the waiting period, so a repeated tick queues the same mail (sent once).
 */
export function autoClose(input: AutoCloseInput): {
  change: TicketChange & { expiresAt: number };
  outbox: OutboxMessage;
  message: TicketMessage;
} {
  const { ticket, at } = input;
  const number = ticket.number;
  const incoming = input.messages.filter((message) => message.direction === 'in');
  const lastIn = incoming.at(-1);
  const content = autoCloseNoticeMail({
    ticketNumber: number,
    subject: acknowledgmentSubject(number, lastIn?.subject || ticket.subject),
    workingDays: input.workingDays,
    deskDisplayName: input.deskDisplayName,
  });
  const outbox = outgoingMail({
    outboxId: `${number}.auto-close.${ticket.updatedAt}`,
    record: { on: 'ticket', ticketNumber: number, at },
    purpose: 'auto_close_notice',
    ticketNumber: number,
    from: input.from,
    fromName: input.deskDisplayName,
    to: lastIn?.from || ticket.requester.email,
    subject: content.subject,
    text: content.text,
    inReplyTo: lastIn?.messageId,
    references: [...new Set(incoming.map((message) => message.messageId).filter((id) => id !== undefined))]
      .slice(-10)
      .concat(threadIdOf(number)),
  });
  const message = sentMessage(outbox, at);
  const status = statusChange({
    ticket,
    to: 'clos',
    act: { id: input.historyId, number, at, actor: AUTO_CLOSE_ACTOR },
    retentionDays: input.retentionDays,
  });
  const history: TicketHistoryEntry = { ...status.history, action: 'auto_close', itemId: message.id };
  const expiresAt = status.expiresAt ?? 0;
  return {
    change: {
      number,
      expectedStatus: 'en_attente',
      set: status.set,
      remove: status.remove,
      countMessage: true,
      message,
      history,
      expiresAt,
    },
    outbox,
    message,
  };
}

/** The store's side of the tick: the tickets waiting for their director, oldest update first. */
export type WaitingTickets = {
  /**
   * The `en_attente` tickets last updated at or before `before` (ISO instant), oldest first, at
   * most `limit`; tickets past their retention are left out.
   */
  listWaitingSince(before: string, limit: number, now: Date): Promise<StoredTicket[]>;
};
