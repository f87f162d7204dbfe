/**
 * Staff accept a held mail into a ticket: one turned away as rate limited, or from an academic
 * sender the directory does not know. The ticket is opened by the `ticket` step as for any
 * accepted mail, with the normal acknowledgment, and the intake log records who accepted it.
 */
import type { DirectoryLookup } from '#shared/domain/directory.ts';
import { MailNotFoundError, NotAcceptableError } from '#shared/domain/errors.ts';
import type {
  AcceptanceMarker,
  IntakeReader,
  QueueProducer,
  RawMailReader,
} from '#shared/domain/intake-ports.ts';
import { incomingMessage, type Requester, requesterOf, type TicketCommand } from '#shared/domain/messages.ts';
import { outcomeLabel } from '#shared/domain/outcome.ts';
import type { IntakeEntry } from '#shared/domain/records.ts';
import { parseMime } from '#shared/mail/parse.ts';

/** What accepting a held mail needs: the intake log, the raw mail, the directory, the tickets queue. */
export type AcceptDeps = {
  store: AcceptanceMarker & IntakeReader;
  rawMail: RawMailReader;
  directory: DirectoryLookup;
  tickets: Pick<QueueProducer<TicketCommand>, 'send'>;
  now: () => Date;
};

/**
 * Accepts the mail into a ticket (a held follow-up into the ticket it continues); returns its
 * intake entry as now recorded.
 * @throws MailNotFoundError when the intake log has no such mail
 * @throws NotAcceptableError when it is already a ticket, or was refused for a reason staff cannot waive
 */
export async function acceptIntoTicket(
  input: { sesMessageId: string; actor: string },
  deps: AcceptDeps,
): Promise<IntakeEntry> {
  const accepted = await deps.store.markAccepted(input.sesMessageId, input.actor, deps.now().toISOString());
  if (!accepted) {
    const entry = await deps.store.readIntakeEntry(input.sesMessageId);
    if (!entry) throw new MailNotFoundError(input.sesMessageId);
    throw new NotAcceptableError(
      input.sesMessageId,
      entry.ticketNumber
        ? { ticketNumber: entry.ticketNumber }
        : { outcomeLabel: outcomeLabel[entry.outcome] },
    );
  }
  const mail = await parseMime(await deps.rawMail.read(accepted.rawMail));
  const sender = accepted.from ?? '';
  // The entry's ids and SES's receipt time; the text and attachments as read from the raw mail.
  const message = incomingMessage({
    ...mail,
    ...accepted,
    from: { address: sender, name: accepted.fromName ?? '' },
  });
  if (accepted.outcome === 'follow_up' && accepted.ticketNumber) {
    // A held follow-up joins the ticket it continues, as if it had passed the cap.
    await deps.tickets.send({ type: 'ticket.follow_up', ticketNumber: accepted.ticketNumber, message });
    return accepted;
  }
  const match = await deps.directory.findByEmail(sender);
  const requester: Requester = match
    ? requesterOf(match, accepted.fromName ?? '')
    : { kind: 'sender', email: sender, name: accepted.fromName ?? '', schools: [] };
  await deps.tickets.send({ type: 'ticket.open', deskAddress: accepted.recipient, requester, message });
  return accepted;
}
