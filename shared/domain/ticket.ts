/**
 * The rules of a ticket's life that the intake applies: what a new ticket looks like, how a
 * received mail appears in its conversation, and what a follow-up does to it. Plain functions
 * over the records of `records.ts`; the stores only write what these return.
 */
import type { School } from './directory.ts';
import type { IncomingMessage } from './messages.ts';
import type { Ticket, TicketMessage, TicketStatus } from './records.ts';

/**
 * The ticket opened by an accepted mail: new, with its requester and schools, open to the
 * requester and the schools' mailboxes. It starts with two messages: the mail and our
 * acknowledgment.
 */
export function newTicket(input: {
  number: string;
  message: IncomingMessage;
  requester: Ticket['requester'];
  schools: School[];
  now: string;
}): Ticket {
  const { number, message, requester, schools, now } = input;
  return {
    number,
    status: 'nouveau',
    subject: message.subject,
    requester,
    schools,
    participants: [...new Set([requester.email, ...schools.map((school) => school.mailbox)])],
    openedBy: message.sesMessageId,
    createdAt: now,
    updatedAt: now,
    messageCount: 2,
    ...(message.broadcastId ? { broadcastId: message.broadcastId } : {}),
  };
}

/** A received mail as a message of its ticket's conversation, under its SES id. */
export function receivedMessage(ticketNumber: string, message: IncomingMessage): TicketMessage {
  return {
    id: message.sesMessageId,
    ticketNumber,
    direction: 'in',
    at: message.receivedAt,
    from: message.from,
    fromName: message.fromName,
    subject: message.subject,
    text: message.text,
    attachments: message.attachments,
    rawMail: message.rawMail,
    sesMessageId: message.sesMessageId,
    messageId: message.messageId,
  };
}

/** What a follow-up mail does to its ticket. */
export type FollowUpEffect = {
  /** The ticket's status once the mail is added. */
  status: TicketStatus;
  /** Whether the ticket was waiting for its purge (closed) and is brought back: its purge date goes. */
  reopens: boolean;
};

/**
 * A follow-up puts a ticket back into staff's hands: a new ticket stays new (nobody has looked
 * at it yet), any other goes to "en cours". A ticket that carries a purge date (it was closed)
 * is reopened, and keeps its items until closed again.
 */
export function followUpEffect(ticket: {
  status: TicketStatus;
  expiresAt?: number | undefined;
}): FollowUpEffect {
  return {
    status: ticket.status === 'nouveau' ? 'nouveau' : 'en_cours',
    reopens: ticket.expiresAt !== undefined,
  };
}
