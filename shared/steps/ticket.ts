/**
 * The `ticket` step: opens the ticket of an accepted mail and queues its acknowledgment, or
 * adds a follow-up to its ticket. Both are idempotent: a redelivered command changes nothing
 * and queues the same acknowledgment again, which the mailer sends once.
 */
import type { DeskStore } from '#shared/adapters/desk-store.ts';
import { keys } from '#shared/adapters/keys.ts';
import type { Queue } from '#shared/adapters/queue.ts';
import type { DeskConfig } from '#shared/config.ts';
import { parisYear } from '#shared/domain/paris-day.ts';
import { acknowledgmentMail } from '#shared/domain/replies.ts';
import { threadIdOf } from '#shared/domain/thread.ts';
import type { OutboxMessage, TicketCommand } from '#shared/messages.ts';

export type TicketDeps = {
  config: DeskConfig;
  store: DeskStore;
  outbox: Queue<OutboxMessage>;
  now: () => Date;
};

/** Carries out one ticket command; returns the ticket number concerned. */
export async function handleTicketCommand(command: TicketCommand, deps: TicketDeps): Promise<string> {
  const now = deps.now().toISOString();
  if (command.type === 'ticket.follow_up') {
    await deps.store.addFollowUp({ ticketNumber: command.ticketNumber, now, message: command.message });
    return command.ticketNumber;
  }

  const { message, requester, deskAddress } = command;
  const acknowledgment = (ticketNumber: string): OutboxMessage => {
    const content = acknowledgmentMail({
      ticketNumber,
      originalSubject: message.subject,
      requester,
      deskDisplayName: deps.config.deskDisplayName,
    });
    return {
      type: 'mail.send',
      outboxId: `${message.sesMessageId}.ack`,
      record: keys.ticketMessage(ticketNumber, message.receivedAt, `${message.sesMessageId}.ack`),
      purpose: 'acknowledgment',
      ticketNumber,
      from: deskAddress,
      fromName: deps.config.deskDisplayName,
      to: message.from,
      subject: content.subject,
      text: content.text,
      inReplyTo: message.messageId,
      references: [...(message.messageId ? [message.messageId] : []), threadIdOf(ticketNumber)],
      autoSubmitted: true,
    };
  };
  const opened = await deps.store.openTicket({
    year: parisYear(new Date(message.receivedAt)),
    now,
    deskAddress,
    requester: { email: message.from, name: requester.name, entryId: requester.entryId },
    schools: requester.schools,
    message,
    acknowledgment,
  });
  // On a redelivery the same acknowledgment (same record, same content) is queued again: the
  // mailer's claim on its record sends it once.
  await deps.outbox.send(acknowledgment(opened.ticketNumber));
  return opened.ticketNumber;
}
