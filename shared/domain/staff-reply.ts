/**
 * A staff reply to a director, as plain rules: its French text (the agent's words, signed, with
 * the ticket's reference), the address it comes from, who it goes to, and how it threads under
 * the director's mails. Beside `replies.ts`, which holds the mails the desk sends on its own.
 */
import { type OutboxMessage, outgoingMail, sentMessage } from './messages.ts';
import type { Ticket, TicketMessage } from './records.ts';
import { acknowledgmentSubject } from './subject.ts';
import { threadIdOf } from './thread.ts';

/** How many earlier message ids a reply's References carry, besides the thread id. */
export const MAX_REFERENCES = 10;

/** The desk's reply to a director, in French: the agent's text, signed, with the ticket's reference. */
export function staffReplyMail(input: {
  ticketNumber: string;
  subject: string;
  text: string;
  agentName: string;
  deskDisplayName: string;
}): { subject: string; text: string } {
  const { ticketNumber } = input;
  const text = input.text.replace(/\r\n?/g, '\n').trim();
  return {
    subject: `Re: ${acknowledgmentSubject(ticketNumber, input.subject)}`,
    text: [
      text,
      'Cordialement,',
      [input.agentName, input.deskDisplayName].filter((line) => line.trim() !== '').join('\n'),
      `Référence de votre demande : ${ticketNumber}. Pour nous répondre, répondez simplement à ce message en conservant « [${ticketNumber}] » dans l’objet.`,
    ]
      .join('\n\n')
      .concat('\n'),
  };
}

/** The last mail the director sent on the ticket, if any: the reply answers it. */
export function lastIncoming(messages: TicketMessage[]): TicketMessage | undefined {
  return messages.filter((message) => message.direction === 'in').at(-1);
}

/**
 * The address a reply comes from: the desk address the director last wrote to (`writtenTo`,
 * from that mail's intake entry), else the one the acknowledgment came from, else the first.
 */
export function replySender(input: {
  deskAddresses: string[];
  writtenTo: string | undefined;
  messages: TicketMessage[];
}): string {
  const known = (address: string | undefined) =>
    address !== undefined && input.deskAddresses.includes(address.toLowerCase())
      ? address.toLowerCase()
      : undefined;
  const acknowledgment = input.messages.find((message) => message.purpose === 'acknowledgment');
  return known(input.writtenTo) ?? known(acknowledgment?.from) ?? input.deskAddresses[0] ?? '';
}

/**
 * The reply as the outbox sends it and as the conversation shows it: to the address of the
 * director's last mail (else the requester), under the subject of that mail, in reply to it,
 * referencing the director's mails (the last ten) and the ticket's thread id.
 */
export function staffReply(input: {
  ticket: Ticket;
  messages: TicketMessage[];
  /** The reply's outbox id. */
  id: string;
  at: string;
  text: string;
  from: string;
  author: { email: string; name: string };
  deskDisplayName: string;
}): { outbox: OutboxMessage; message: TicketMessage } {
  const { ticket, at } = input;
  const number = ticket.number;
  const incoming = input.messages.filter((message) => message.direction === 'in');
  const lastIn = incoming.at(-1);
  const content = staffReplyMail({
    ticketNumber: number,
    subject: lastIn?.subject || ticket.subject,
    text: input.text,
    agentName: input.author.name,
    deskDisplayName: input.deskDisplayName,
  });
  const references = [
    ...new Set(incoming.map((message) => message.messageId).filter((messageId) => messageId !== undefined)),
  ].slice(-MAX_REFERENCES);
  const outbox = outgoingMail({
    outboxId: input.id,
    record: { on: 'ticket', ticketNumber: number, at },
    purpose: 'staff_reply',
    ticketNumber: number,
    from: input.from,
    fromName: input.deskDisplayName,
    to: lastIn?.from || ticket.requester.email,
    subject: content.subject,
    text: content.text,
    inReplyTo: lastIn?.messageId,
    references: [...references, threadIdOf(number)],
  });
  return { outbox, message: sentMessage(outbox, at, input.author) };
}
