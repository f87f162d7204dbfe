/**
 * Auto-close: a ticket waiting for its director (`en_attente`, « En attente du directeur ») for
 * N working days is closed, and the director gets one short automatic notice, threaded on the
 * ticket; a reply of theirs reopens it (the follow-up's usual reopen). The tick that runs this
 * (`ticket-housekeeping`, hourly) reads the candidates from the store, these rules decide.
 *
 * Working days are the response clocks' (`working-hours.ts`): Monday to Friday in Paris, French
 * public holidays excepted; the deadline keeps the Paris wall time the waiting began at.
 */
import { type OutboxMessage, outgoingMail, sentMessage } from './messages.ts';
import type { Ticket, TicketHistoryEntry, TicketMessage } from './records.ts';
import { autoCloseNoticeMail } from './replies.ts';
import { acknowledgmentSubject } from './subject.ts';
import { threadIdOf } from './thread.ts';
import { type StoredTicket, statusChange, type TicketChange } from './ticket-actions.ts';
import { addWorkingDays } from './working-hours.ts';

/** Who the history line names: no agent acted, the desk did. */
export const AUTO_CLOSE_ACTOR = 'clôture automatique';

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
      outbox,
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
