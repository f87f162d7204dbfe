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
import type { ArticleSuggester } from '#shared/domain/kb-ports.ts';
import type { OutboxMessage, TicketCommand } from '#shared/domain/messages.ts';
import { parisYear } from '#shared/domain/paris-day.ts';
import { logger } from '#shared/logger.ts';
import { type FollowUpNotifierDeps, notifyFollowUp } from './notifications.ts';
import { queueTogether } from './queue-together.ts';

/** Articles suggested in an acknowledgment, at most. */
export const SUGGESTIONS_PER_ACKNOWLEDGMENT = 3;
/**
 * How much of a mail's text the suggestions read: the question is at the top; what follows is
 * mostly signatures and quoted mails, which would only slow the search and blur its scores.
 */
const QUESTION_CHARACTERS = 4_000;

/** What the ticket step needs: the ticket opener, the follow-up writer, the outbox queue. */
export type TicketDeps = {
  config: DeskConfig;
  opening: TicketOpener;
  followUps: FollowUpWriter;
  /** Clears the purge date from a reopened ticket's items. */
  tickets: PurgeDateClearer;
  outbox: Pick<QueueProducer<OutboxMessage>, 'sendAll'>;
  /** Public articles of the knowledge base for the acknowledgment; absent, none are suggested. */
  suggester?: ArticleSuggester | undefined;
  /** Tells a ticket's agent of a follow-up; absent, nobody is told. */
  notifier?: FollowUpNotifierDeps | undefined;
  now: () => Date;
};

type Suggestions = ReadonlyArray<{ title: string; url: string }>;

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
    const suggestions = await Promise.all(opens.map(({ command }) => suggestionsFor(command, deps)));
    // A fault that stopped the whole batch (throttling, say) fails each of its openings, so that
    // their records come back; the follow-ups of the batch stand on their own.
    const opened = await deps.opening
      .openTickets(
        opens.map(({ command }, position) => openingOf(command, now, deps.config, suggestions[position])),
      )
      .catch((error: unknown) =>
        opens.map((): PromiseRejectedResult => ({ status: 'rejected', reason: error })),
      );
    const acks = await acknowledge(
      opens.map(({ command }, position) => ({
        command,
        opened: opened[position],
        suggestions: suggestions[position] ?? [],
      })),
      deps,
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
  const added = await deps.followUps.addFollowUp({
    ticketNumber: command.ticketNumber,
    now,
    message: command.message,
  });
  // A ticket merged meanwhile sends its mails to the one it was merged into.
  const ticketNumber = added.ticketNumber ?? command.ticketNumber;
  if (added.reopened) await deps.tickets.clearExpiry(ticketNumber);
  // Also on a redelivery (the follow-up already added): the notification's claim sends it once.
  if (deps.notifier) {
    const { sesMessageId, from } = command.message;
    await notifyFollowUp({ ticketNumber, sesMessageId, from }, deps.notifier);
  }
  return ticketNumber;
}

/**
 * Queues the acknowledgments of the opened tickets, ten to an SQS request (one request per
 * ticket was a quarter of the step's requests and of its SQS bill); each result is the ticket's
 * number, or why it has no acknowledgment queued: its opening failed, or the queue refused the
 * request, in which case every ticket of the batch is retried. On a redelivery the same
 * acknowledgment (same record, same content) is queued again: the mailer's claim on its record
 * sends it once.
 */
async function acknowledge(
  openings: Array<{
    command: OpenCommand;
    opened: PromiseSettledResult<OpenedTicket> | undefined;
    suggestions: Suggestions;
  }>,
  deps: TicketDeps,
): Promise<Array<PromiseSettledResult<string>>> {
  const results = openings.map(
    ({
      command,
      opened,
      suggestions,
    }): PromiseSettledResult<{ ticketNumber: string; ack: OutboxMessage }> => {
      if (opened === undefined)
        return { status: 'rejected', reason: new OpeningResultMissingError(command.message.sesMessageId) };
      if (opened.status === 'rejected') return opened;
      const { ticketNumber } = opened.value;
      return {
        status: 'fulfilled',
        value: { ticketNumber, ack: acknowledgment(command, ticketNumber, deps.config, suggestions) },
      };
    },
  );
  return queueTogether(
    results,
    { message: ({ ack }) => ack, value: ({ ticketNumber }) => ticketNumber },
    (acks) => deps.outbox.sendAll(acks),
  );
}

/**
 * The public articles that may answer a new request. The knowledge base helps, it is not part of
 * the intake: when it cannot answer (its index unreadable, say), the acknowledgment goes without
 * suggestions rather than late.
 */
async function suggestionsFor(command: OpenCommand, deps: TicketDeps): Promise<Suggestions> {
  if (!deps.suggester) return [];
  const { subject, text } = command.message;
  try {
    const found = await deps.suggester.suggest(
      `${subject}\n${text.slice(0, QUESTION_CHARACTERS)}`,
      SUGGESTIONS_PER_ACKNOWLEDGMENT,
    );
    return found.map(({ title, url }) => ({ title, url }));
  } catch (error) {
    logger.warn('No article suggestions for this acknowledgment', {
      sesMessageId: command.message.sesMessageId,
      error,
    });
    return [];
  }
}

function openingOf(
  command: OpenCommand,
  now: string,
  config: DeskConfig,
  suggestions: Suggestions = [],
): TicketOpening {
  const { message, requester } = command;
  return {
    year: parisYear(new Date(message.receivedAt)),
    now,
    requester: { email: message.from, name: requester.name, entryId: requester.entryId },
    schools: requester.schools,
    message,
    acknowledgment: (ticketNumber) => acknowledgment(command, ticketNumber, config, suggestions),
  };
}

/** The ticket opener answered fewer results than it was given openings: a fault of the opener. */
export class OpeningResultMissingError extends Error {
  override name = 'OpeningResultMissingError';
  constructor(sesMessageId: string) {
    super(`No opening result for SES message ${sesMessageId}`);
  }
}
