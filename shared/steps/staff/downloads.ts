/** The files staff download from the console: raw mails and attachments (kept in the raw mail only). */
import {
  AttachmentNotFoundError,
  MailNotFoundError,
  MessageNotFoundError,
  NoRawMailError,
  TicketNotFoundError,
} from '#shared/domain/errors.ts';
import type { RawMailLocation } from '#shared/domain/mail.ts';
import type { StoredMessage } from '#shared/domain/ticket-actions.ts';
import type { Download } from '#shared/http/download.ts';
import { readAttachment } from '#shared/mail/parse.ts';
import type { StaffDeps } from './deps.ts';

/** The raw mail of a received mail of the intake log. @throws MailNotFoundError, RawMailGoneError */
export async function intakeRaw(sesMessageId: string, deps: StaffDeps): Promise<Download> {
  const found = await deps.intakeLog.readIntake(sesMessageId, deps.now());
  if (!found) throw new MailNotFoundError(sesMessageId);
  return {
    bytes: await deps.rawMail.read(found.entry.rawMail),
    filename: `${sesMessageId}.eml`,
    contentType: 'message/rfc822',
  };
}

/**
 * An incoming message of a ticket and where its raw mail is.
 * @throws TicketNotFoundError, MessageNotFoundError, NoRawMailError (a mail the desk sent)
 */
async function incomingOf(
  number: string,
  id: string,
  deps: StaffDeps,
): Promise<{ message: StoredMessage; rawMail: RawMailLocation }> {
  const [ticket, message] = await Promise.all([
    deps.ticketStore.getTicket(number, deps.now()),
    deps.ticketStore.findMessage(number, id),
  ]);
  if (!ticket) throw new TicketNotFoundError(number);
  if (!message) throw new MessageNotFoundError(number, id);
  if (!message.rawMail) throw new NoRawMailError();
  return { message, rawMail: message.rawMail };
}

/** The raw mail of an incoming message of a ticket. */
export async function messageRaw(number: string, id: string, deps: StaffDeps): Promise<Download> {
  const { rawMail } = await incomingOf(number, id, deps);
  return {
    bytes: await deps.rawMail.read(rawMail),
    filename: `${number}-${id}.eml`,
    contentType: 'message/rfc822',
  };
}

/**
 * One attachment of an incoming message, read from its raw mail (attachments are kept there
 * only), at the index the intake recorded it. @throws AttachmentNotFoundError
 */
export async function messageAttachment(
  number: string,
  id: string,
  index: number,
  deps: StaffDeps,
): Promise<Download> {
  const { message, rawMail } = await incomingOf(number, id, deps);
  const attachment = await readAttachment(await deps.rawMail.read(rawMail), index);
  if (!attachment) throw new AttachmentNotFoundError(index);
  return {
    bytes: attachment.bytes,
    filename: attachment.filename || message.attachments[index]?.filename || `piece-jointe-${index + 1}`,
    contentType: attachment.mimeType,
  };
}
