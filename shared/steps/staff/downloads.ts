/**
 * The files staff download from the console: raw mails and attachments (kept in the raw mail
 * only). Each download is a short-lived S3 link (`DownloadLink`), whatever the file's size: the
 * bytes go from S3 to the browser, never through a Lambda answer. Every link handed out is
 * logged (who, which ticket or intake entry, which object, its size; never its content), and a
 * ticket's downloads also go into its history, where staff see them.
 */
import {
  AttachmentNotFoundError,
  MailNotFoundError,
  MessageNotFoundError,
  NoRawMailError,
  RawMailGoneError,
  TicketNotFoundError,
} from '#shared/domain/errors.ts';
import type { RawMailLocation } from '#shared/domain/mail.ts';
import type {
  DownloadFiles,
  StoredFile,
  TicketHistoryAppend,
  TicketReads,
} from '#shared/domain/staff-ports.ts';
import { historyLine, type StoredMessage, type StoredTicket } from '#shared/domain/ticket-actions.ts';
import { type Download, linkHeaders } from '#shared/http/download.ts';
import { logger } from '#shared/logger.ts';
import { readAttachment } from '#shared/mail/parse.ts';
import { pipeline } from '#shared/pipeline.ts';
import type { Actor, StaffDeps } from './deps.ts';

/** What a download step needs: the staff steps' reads, and the files and links. */
export type DownloadDeps = Pick<StaffDeps, 'intakeLog' | 'rawMail' | 'now' | 'newId'> & {
  ticketStore: TicketReads & TicketHistoryAppend;
  /** Raw mails and attachments to download: their facts, the attachments taken out, links. */
  downloads: DownloadFiles;
};

/** A download as the API answers it: a link valid a few minutes, and what it gives. */
export type DownloadLinkResult = {
  url: string;
  filename: string;
  contentType: string;
  size: number;
  expiresAt: string;
};

/** Which mail or entry a download belongs to, for the log line. */
type DownloadSubject = { ticketNumber: string; messageId: string } | { sesMessageId: string };

/**
 * Where an attachment taken out of a raw mail is kept: one object per raw mail and index, so a
 * second download finds the first one's (and two at once write the same bytes).
 */
export function attachmentFile(rawMail: RawMailLocation, index: number): StoredFile {
  return { bucket: rawMail.bucket, key: `${pipeline.downloadPrefix}${rawMail.key}/${index}` };
}

/** A link to a stored file, logged: the one place a download is handed out. */
async function linkTo(
  file: StoredFile,
  facts: { filename: string; contentType: string; size: number },
  who: { actor: Actor; subject: DownloadSubject; kind: 'raw_mail' | 'attachment' },
  deps: Pick<DownloadDeps, 'downloads' | 'now'>,
): Promise<DownloadLinkResult> {
  const headers = linkHeaders(facts);
  const link = await deps.downloads.link(file, headers, deps.now());
  // The audit line: who took which object, how large; the file name and its content never.
  logger.info('download link handed out', {
    event: 'download',
    kind: who.kind,
    actor: who.actor.email,
    ...who.subject,
    bucket: file.bucket,
    key: file.key,
    size: facts.size,
    expiresAt: link.expiresAt,
  });
  return {
    url: link.url,
    filename: facts.filename,
    contentType: headers.contentType,
    size: facts.size,
    expiresAt: link.expiresAt,
  };
}

/** The size of a raw mail still stored. @throws RawMailGoneError */
async function rawMailSize(rawMail: RawMailLocation, deps: Pick<DownloadDeps, 'downloads'>): Promise<number> {
  const facts = await deps.downloads.facts(rawMail);
  if (!facts) throw new RawMailGoneError();
  return facts.size;
}

/**
 * A link to the raw mail of a received mail of the intake log. Logged only: a mail of the log
 * has no history of its own (those that became tickets have their ticket's).
 * @throws MailNotFoundError, RawMailGoneError
 */
export async function intakeRawLink(
  sesMessageId: string,
  actor: Actor,
  deps: DownloadDeps,
): Promise<DownloadLinkResult> {
  const found = await deps.intakeLog.readIntake(sesMessageId, deps.now());
  if (!found) throw new MailNotFoundError(sesMessageId);
  const { rawMail } = found.entry;
  const size = await rawMailSize(rawMail, deps);
  return linkTo(
    rawMail,
    { filename: `${sesMessageId}.eml`, contentType: 'message/rfc822', size },
    { actor, subject: { sesMessageId }, kind: 'raw_mail' },
    deps,
  );
}

/** The raw mail's bytes of a received mail of the intake log, for the console's reader. */
export async function intakeRawContent(sesMessageId: string, deps: DownloadDeps): Promise<Download> {
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
  deps: Pick<DownloadDeps, 'ticketStore' | 'now'>,
): Promise<{ stored: StoredTicket; message: StoredMessage; rawMail: RawMailLocation }> {
  const [stored, message] = await Promise.all([
    deps.ticketStore.getTicket(number, deps.now()),
    deps.ticketStore.findMessage(number, id),
  ]);
  if (!stored) throw new TicketNotFoundError(number);
  if (!message) throw new MessageNotFoundError(number, id);
  if (!message.rawMail) throw new NoRawMailError();
  return { stored, message, rawMail: message.rawMail };
}

/**
 * Writes « téléchargé par … » into the ticket's history: a line of its own, the ticket itself
 * unchanged (a download is no change to it), with the ticket's purge date when it is closed.
 */
async function recordDownload(
  stored: StoredTicket,
  messageId: string,
  filename: string,
  actor: Actor,
  deps: Pick<DownloadDeps, 'ticketStore' | 'now' | 'newId'>,
): Promise<void> {
  const number = stored.ticket.number;
  const line = historyLine(
    { id: deps.newId(), number, at: deps.now().toISOString(), actor: actor.email },
    'download',
    { itemId: messageId, to: filename },
  );
  await deps.ticketStore.appendHistory(number, line, stored.expiresAt);
}

/** A link to the raw mail of an incoming message of a ticket, recorded in its history. */
export async function messageRawLink(
  number: string,
  id: string,
  actor: Actor,
  deps: DownloadDeps,
): Promise<DownloadLinkResult> {
  const { stored, rawMail } = await incomingOf(number, id, deps);
  const size = await rawMailSize(rawMail, deps);
  const filename = `${number}-${id}.eml`;
  const link = await linkTo(
    rawMail,
    { filename, contentType: 'message/rfc822', size },
    { actor, subject: { ticketNumber: number, messageId: id }, kind: 'raw_mail' },
    deps,
  );
  await recordDownload(stored, id, filename, actor, deps);
  return link;
}

/** The raw mail's bytes of an incoming message of a ticket, for the console's reader. */
export async function messageRawContent(number: string, id: string, deps: DownloadDeps): Promise<Download> {
  const { rawMail } = await incomingOf(number, id, deps);
  return {
    bytes: await deps.rawMail.read(rawMail),
    filename: `${number}-${id}.eml`,
    contentType: 'message/rfc822',
  };
}

/**
 * A link to one attachment of an incoming message, at the index the intake recorded it. The
 * first download takes it out of the raw mail (attachments are kept there only) into an object
 * of its own, which S3 expires after a day; the next ones reuse it.
 * @throws AttachmentNotFoundError
 */
export async function messageAttachmentLink(
  number: string,
  id: string,
  index: number,
  actor: Actor,
  deps: DownloadDeps,
): Promise<DownloadLinkResult> {
  const { stored, message, rawMail } = await incomingOf(number, id, deps);
  const file = attachmentFile(rawMail, index);
  const fallbackName = message.attachments[index]?.filename || `piece-jointe-${index + 1}`;
  let facts = await deps.downloads.facts(file);
  if (!facts) {
    const attachment = await readAttachment(await deps.rawMail.read(rawMail), index);
    if (!attachment) throw new AttachmentNotFoundError(index);
    const taken = { filename: attachment.filename || fallbackName, contentType: attachment.mimeType };
    await deps.downloads.put(file, attachment.bytes, taken);
    facts = { ...taken, size: attachment.bytes.byteLength };
  }
  const filename = facts.filename || fallbackName;
  const link = await linkTo(
    file,
    { filename, contentType: facts.contentType, size: facts.size },
    { actor, subject: { ticketNumber: number, messageId: id }, kind: 'attachment' },
    deps,
  );
  await recordDownload(stored, id, filename, actor, deps);
  return link;
}
