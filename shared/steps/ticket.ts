/**
 * The `ticket` step: opens the tickets of accepted mails and queues their acknowledgments, and
 * adds follow-ups to their tickets. Both are idempotent: a redelivered command changes nothing
 * and queues the same acknowledgment again, which the mailer sends once.
 *
 * New tickets of one batch are opened together (one number reservation, one transaction), so
 * concurrent batches never contend for the year's sequence.
 */
import type { DeskConfig } from '#shared/config.ts';
import { acknowledgment } from '#shared/domain/desk-mails.ts';
import type {
  FollowUpWriter,
  OpenedTicket,
  PurgeDateClearer,
  QueueProducer,
  TicketOpener,
  TicketOpening,
} from '#shared/domain/intake-ports.ts';
import type { OutboxMessage, TicketCommand } from '#shared/domain/messages.ts';
import { parisYear } from '#shared/domain/paris-day.ts';

/** What the ticket step needs: the ticket opener, the follow-up writer, the outbox queue. */
export type TicketDeps = {
  config: DeskConfig;
  opening: TicketOpener;
  followUps: FollowUpWriter;
  /** Clears the purge date from a reopened ticket's items. */
  tickets: PurgeDateClearer;
  outbox: Pick<QueueProducer<OutboxMessage>, 'send'>;
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
  // Settled as soon as they start: a follow-up that fails while the openings are still being
  // written must not be an unhandled rejection (which would fail the whole invocation).
  const followUps = Promise.allSettled(
    commands.map((command) =>
      command.type === 'ticket.follow_up' ? addFollowUp(command, now, deps) : Promise.resolve(''),
    ),
  );
  const opens = commands.flatMap((command, index) =>
    command.type === 'ticket.open' ? [{ command, index }] : [],
  );
  const acknowledged = new Map<number, PromiseSettledResult<string>>();
  if (opens.length > 0) {
    // A fault that stopped the whole batch (throttling, say) fails each of its openings, so that
    // their records come back; the follow-ups of the batch stand on their own.
    const opened = await deps.opening
      .openTickets(opens.map(({ command }) => openingOf(command, now, deps.config)))
      .catch((error: unknown) =>
        opens.map((): PromiseRejectedResult => ({ status: 'rejected', reason: error })),
      );
    const acks = await Promise.allSettled(
      opens.map(({ command }, position) => acknowledge(command, opened[position], deps)),
    );
    acks.forEach((ack, position) => {
      const open = opens[position];
      if (open) acknowledged.set(open.index, ack);
    });
  }
  return (await followUps).map((result, index) => acknowledged.get(index) ?? result);
}

async function addFollowUp(
  command: Extract<TicketCommand, { type: 'ticket.follow_up' }>,
  now: string,
  deps: TicketDeps,
): Promise<string> {
  const { reopened } = await deps.followUps.addFollowUp({
    ticketNumber: command.ticketNumber,
    now,
    message: command.message,
  });
  if (reopened) await deps.tickets.clearExpiry(command.ticketNumber);
  return command.ticketNumber;
}

/**
 * Queues the acknowledgment of an opened ticket; returns its number. On a redelivery the same
 * acknowledgment (same record, same content) is queued again: the mailer's claim on its record
 * sends it once.
 */
async function acknowledge(
  command: OpenCommand,
  opened: PromiseSettledResult<OpenedTicket> | undefined,
  deps: TicketDeps,
): Promise<string> {
  if (!opened) throw new OpeningResultMissingError(command.message.sesMessageId);
  if (opened.status === 'rejected') throw opened.reason;
  const { ticketNumber } = opened.value;
  await deps.outbox.send(acknowledgment(command, ticketNumber, deps.config));
  return ticketNumber;
}

function openingOf(command: OpenCommand, now: string, config: DeskConfig): TicketOpening {
  const { message, requester } = command;
  return {
    year: parisYear(new Date(message.receivedAt)),
    now,
    requester: { email: message.from, name: requester.name, entryId: requester.entryId },
    schools: requester.schools,
    message,
    acknowledgment: (ticketNumber) => acknowledgment(command, ticketNumber, config),
  };
}

/** The ticket opener answered fewer results than it was given openings: a fault of the opener. */
export class OpeningResultMissingError extends Error {
  override name = 'OpeningResultMissingError';
  constructor(sesMessageId: string) {
    super(`No opening result for SES message ${sesMessageId}`);
  }
}
