/**
 * The auto-close tick: closes the tickets that waited for their director too long, each as the
 * staff close does it (one transaction: status, purge date, history line, and here the notice
 * in the conversation), then queues the notice for the mailer.
 *
 * Repeating a tick is harmless: a closed ticket leaves the `en_attente` partition, two ticks at
 * once are refused by the status condition (the second reads again and finds it closed), and
 * the notice's id is the same for the same waiting period, which the mailer sends once.
 */
import {
  autoClose,
  autoCloseScanBefore,
  isDueForAutoClose,
  type WaitingTickets,
} from '#shared/domain/auto-close.ts';
import { TicketChangedError, TicketNotFoundError } from '#shared/domain/errors.ts';
import type { QueueProducer } from '#shared/domain/intake-ports.ts';
import type { OutboxMessage } from '#shared/domain/messages.ts';
import type { TicketReads, TicketRetention, TicketWrites } from '#shared/domain/staff-ports.ts';
import { replySender } from '#shared/domain/staff-reply.ts';
import { onFreshTicket } from './staff/deps.ts';

/** Tickets closed per tick at most: the rest wait for the next tick, an hour later. */
export const AUTO_CLOSE_BATCH = 200;

/** What the tick needs. */
export type AutoCloseDeps = {
  waiting: WaitingTickets;
  ticketStore: TicketReads & TicketWrites;
  ticketRetention: TicketRetention;
  outbox: Pick<QueueProducer<OutboxMessage>, 'send'>;
  deskAddresses: string[];
  deskDisplayName: string;
  retentionDays: number;
  /** Working days a ticket may wait for its director (`config.work.autoCloseWorkingDays`). */
  workingDays: number;
  now: () => Date;
  newId: () => string;
};

/**
 * Closes every ticket due (see `isDueForAutoClose`) and queues each one notice; returns the
 * numbers closed. A ticket that changed meanwhile (its director answered) is decided again on a
 * fresh read, and left open if no longer due.
 */
export async function closeWaitingTickets(deps: AutoCloseDeps): Promise<string[]> {
  const now = deps.now();
  const candidates = await deps.waiting.listWaitingSince(
    autoCloseScanBefore(now, deps.workingDays),
    AUTO_CLOSE_BATCH,
    now,
  );
  const closed: string[] = [];
  for (const { ticket } of candidates) {
    if (!isDueForAutoClose(ticket, now, deps.workingDays)) continue;
    if (await closeOne(ticket.number, deps)) closed.push(ticket.number);
  }
  return closed;
}

/** Closes one ticket if it is still due; whether it did. */
async function closeOne(number: string, deps: AutoCloseDeps): Promise<boolean> {
  try {
    return await onFreshTicket(
      number,
      () => deps.ticketStore.readTicket(number, deps.now()),
      async (record) => {
        const at = deps.now();
        if (!isDueForAutoClose(record.ticket, at, deps.workingDays)) return false;
        const { change, outbox } = autoClose({
          ticket: record.ticket,
          messages: record.messages,
          at: at.toISOString(),
          from: replySender({
            deskAddresses: deps.deskAddresses,
            writtenTo: record.messages.filter((message) => message.direction === 'out').at(-1)?.from,
            messages: record.messages,
          }),
          deskDisplayName: deps.deskDisplayName,
          workingDays: deps.workingDays,
          retentionDays: deps.retentionDays,
          historyId: deps.newId(),
        });
        await deps.ticketStore.commit(change, at.toISOString());
        await deps.ticketRetention.setExpiry(number, change.expiresAt);
        await deps.outbox.send(outbox);
        return true;
      },
    );
  } catch (error) {
    // Purged between the list and the read: nothing to close. Changing under us again and again:
    // the next tick looks again, and the other tickets are not held up by this one.
    if (error instanceof TicketNotFoundError || error instanceof TicketChangedError) return false;
    throw error;
  }
}
