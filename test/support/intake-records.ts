/**
 * Records of the intake for the store tests: an intake entry, the incoming message of a ticket,
 * an acknowledgment and a ticket opening, each with what a test wants changed.
 */
import type { IntakeRecording, TicketOpening } from '#shared/domain/intake-ports.ts';
import { type IncomingMessage, type OutboxMessage, outgoingMail } from '#shared/domain/messages.ts';
import type { IntakeEntry } from '#shared/domain/records.ts';
import { purgeDate } from '#shared/domain/retention.ts';

export const tilleuls = {
  uai: '0211234C',
  name: 'École élémentaire Les Tilleuls',
  commune: 'Dijon',
  circonscription: 'Dijon Centre',
  departement: '21',
  mailbox: 'ce.0211234c@ac-dijon.fr',
};

/** The intake entry of a mail from a director that opens a ticket. */
export function intakeEntry(sesMessageId: string, overrides: Partial<IntakeEntry> = {}): IntakeEntry {
  return {
    sesMessageId,
    messageId: `${sesMessageId}@ac-dijon.fr`,
    envelopeFrom: 'camille.martin@ac-dijon.fr',
    from: 'camille.martin@ac-dijon.fr',
    fromName: 'Camille Martin',
    recipient: 'assistance1d@ac-dijon.fr',
    subject: 'LSUN : bulletins',
    receivedAt: '2026-03-05T08:00:00.000Z',
    outcome: 'ticket_created',
    detail: 'École : École élémentaire Les Tilleuls (0211234C)',
    rawMail: { bucket: 'raw', key: `incoming/${sesMessageId}` },
    ...overrides,
  };
}

/** What the screen step asks to record for `entry`, with no quota and no reply unless given. */
export function recording(entry: IntakeEntry, overrides: Partial<IntakeRecording> = {}): IntakeRecording {
  return {
    entry,
    quota: undefined,
    reply: undefined,
    quotaNotice: undefined,
    expiresAt: purgeDate(entry.receivedAt, 365),
    now: '2026-03-05T08:00:01.000Z',
    ...overrides,
  };
}

/** The automatic reply recorded beside an intake entry. */
export function intakeReply(
  entry: IntakeEntry,
  purpose: 'no_keyword' | 'not_director' | 'quota_notice',
): OutboxMessage {
  return outgoingMail({
    outboxId: `${entry.sesMessageId}.reply`,
    record: { on: 'intake', sesMessageId: entry.sesMessageId },
    purpose,
    from: entry.recipient,
    fromName: 'Assistance LSUN',
    to: entry.from ?? '',
    subject: `Re: ${entry.subject}`,
    text: 'Réponse automatique',
    inReplyTo: entry.messageId,
    references: [],
  });
}

/** The incoming message of a ticket for the mail of `sesMessageId`. */
export function incoming(sesMessageId: string, overrides: Partial<IncomingMessage> = {}): IncomingMessage {
  return {
    sesMessageId,
    receivedAt: '2026-03-05T08:00:00.000Z',
    from: 'camille.martin@ac-dijon.fr',
    fromName: 'Camille Martin',
    subject: 'LSUN : bulletins',
    messageId: `${sesMessageId}@ac-dijon.fr`,
    text: 'Bonjour, les bulletins ne s’affichent pas.',
    attachments: [],
    rawMail: { bucket: 'raw', key: `incoming/${sesMessageId}` },
    ...overrides,
  };
}

/** Opening a ticket for the mail of `sesMessageId`, in `year`, with its acknowledgment. */
export function opening(sesMessageId: string, year = 2026): TicketOpening {
  const message = incoming(sesMessageId);
  return {
    year,
    now: '2026-03-05T08:00:05.000Z',
    requester: { email: message.from, name: message.fromName, entryId: 'camille.martin@ac-dijon.fr' },
    schools: [tilleuls],
    message,
    acknowledgment: (ticketNumber) =>
      outgoingMail({
        outboxId: `${sesMessageId}.ack`,
        record: { on: 'ticket', ticketNumber, at: message.receivedAt },
        purpose: 'acknowledgment',
        ticketNumber,
        from: 'assistance1d@ac-dijon.fr',
        fromName: 'Assistance LSUN',
        to: message.from,
        subject: `[${ticketNumber}] ${message.subject}`,
        text: `Votre demande porte le numéro ${ticketNumber}.`,
        references: [],
      }),
  };
}
