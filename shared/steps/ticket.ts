/**
 * The `ticket` step: opens the tickets of accepted mails and queues their acknowledgments, and
 * adds follow-ups to their tickets. Both are idempotent: a redelivered command changes nothing
 * and queues the same acknowledgment again, which the mailer sends once.
 *
 * New tickets of one batch are opened together (one number reservation, one transaction), so
 * concurrent batches never contend for the year's sequence.
 */
import type { DeskStore, OpenTicketInput } from '#shared/adapters/desk-store.ts';
import type { Queue } from '#shared/adapters/queue.ts';
import type { DeskConfig } from '#shared/config.ts';
import { type OutboxMessage, outgoingMail, type TicketCommand } from '#shared/domain/messages.ts';
import { parisYear } from '#shared/domain/paris-day.ts';
import { acknowledgmentMail } from '#shared/domain/replies.ts';
import type { TicketRetention } from '#shared/domain/staff-ports.ts';
import { threadIdOf } from '#shared/domain/thread.ts';

export type TicketDeps = {
  config: DeskConfig;
  store: DeskStore;
  /** Clears the purge date from a reopened ticket's items. */
  tickets: Pick<TicketRetention, 'clearExpiry'>;
  outbox: Queue<OutboxMessage>;
  now: () => Date;
};

type OpenCommand = Extract<TicketCommand, { type: 'ticket.open' }>;

/**
 * Carries out a batch of ticket commands; each result is the ticket number concerned, or why
 * that command failed (it alone is retried).
 */
export async function handleTicketCommands(
  commands: TicketCommand[],
  deps: TicketDeps,
): Promise<Array<PromiseSettledResult<string>>> {
  const now = deps.now().toISOString();
  const opens = commands.flatMap((command, index) =>
    command.type === 'ticket.open' ? [{ command, index }] : [],
  );
  const results: Array<Promise<string>> = commands.map((command) =>
    command.type === 'ticket.follow_up' ? addFollowUp(command, now, deps) : Promise.resolve(''),
  );

  if (opens.length > 0) {
    const opened = await deps.store.openTickets(
      opens.map(({ command }) => openingOf(command, now, deps.config)),
    );
    opens.forEach(({ command, index }, position) => {
      const outcome = opened[position];
      results[index] =
        outcome === undefined || outcome instanceof Error
          ? Promise.reject(outcome ?? new Error('ticket not opened'))
          : // On a redelivery the same acknowledgment (same record, same content) is queued again:
            // the mailer's claim on its record sends it once.
            deps.outbox
              .send(acknowledgmentOf(command, outcome.ticketNumber, deps.config))
              .then(() => outcome.ticketNumber);
    });
  }
  return Promise.allSettled(results);
}

async function addFollowUp(
  command: Extract<TicketCommand, { type: 'ticket.follow_up' }>,
  now: string,
  deps: TicketDeps,
): Promise<string> {
  const { reopened } = await deps.store.addFollowUp({
    ticketNumber: command.ticketNumber,
    now,
    message: command.message,
  });
  if (reopened) await deps.tickets.clearExpiry(command.ticketNumber);
  return command.ticketNumber;
}

function openingOf(command: OpenCommand, now: string, config: DeskConfig): OpenTicketInput {
  const { message, requester } = command;
  return {
    year: parisYear(new Date(message.receivedAt)),
    now,
    requester: { email: message.from, name: requester.name, entryId: requester.entryId },
    schools: requester.schools,
    message,
    acknowledgment: (ticketNumber) => acknowledgmentOf(command, ticketNumber, config),
  };
}

/** The acknowledgment of a new ticket: the same content and record for every delivery of the command. */
function acknowledgmentOf(command: OpenCommand, ticketNumber: string, config: DeskConfig): OutboxMessage {
  const { message, requester, deskAddress } = command;
  const content = acknowledgmentMail({
    ticketNumber,
    originalSubject: message.subject,
    requester,
    deskDisplayName: config.deskDisplayName,
  });
  return outgoingMail({
    outboxId: `${message.sesMessageId}.ack`,
    record: { on: 'ticket', ticketNumber, at: message.receivedAt },
    purpose: 'acknowledgment',
    ticketNumber,
    from: deskAddress,
    fromName: config.deskDisplayName,
    to: message.from,
    subject: content.subject,
    text: content.text,
    inReplyTo: message.messageId,
    references: [...(message.messageId ? [message.messageId] : []), threadIdOf(ticketNumber)],
  });
}
