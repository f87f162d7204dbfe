/**
 * A request of the académie's portal, from its call to its answer, in one go: it is kept as a
 * MIME message beside the received mails, screened by the intake's rules (the same daily counter
 * as mail, the keyword, the director; mail authentication is the portal's sign-in), recorded in
 * the intake log with its channel, and its ticket is opened (or its follow-up added) by the
 * ticket step's own code, so that the answer carries the outcome and the ticket number at once.
 * The acknowledgment goes through the outbox, as for mail.
 *
 * The idempotency key is the request's intake id: the same key answers the same entry, outcome
 * and ticket. A call that stopped halfway (the entry recorded, the ticket not yet opened) is
 * finished by the next call with the same key.
 */
import type { DeskConfig } from '#shared/config.ts';
import type { DirectoryLookup } from '#shared/domain/directory.ts';
import { PortalAttachmentsTooLargeError, PortalUploadNotFoundError } from '#shared/domain/errors.ts';
import {
  deskAddressOf,
  type IntakeRules,
  refuseNonAcademic,
  screenWithFacts,
} from '#shared/domain/intake.ts';
import type {
  IntakeReader,
  IntakeRecorder,
  RawMailReader,
  RawMailWriter,
  ThreadFinder,
} from '#shared/domain/intake-ports.ts';
import type { AttachmentInfo, RawMailLocation } from '#shared/domain/mail.ts';
import {
  attachmentsTooLarge,
  PORTAL_ATTACHMENTS_MAX_BYTES,
  type PortalAnswer,
  type PortalRequest,
  portalAnswer,
  portalMail,
  portalRequestId,
} from '#shared/domain/portal.ts';
import type { IntakeEntry } from '#shared/domain/records.ts';
import { composeMail } from '#shared/mail/compose.ts';
import { parseMime } from '#shared/mail/parse.ts';
import { pipeline } from '#shared/pipeline.ts';
import { recordScreening, type ScreenDeps } from './screen.ts';
import { handleTicketCommands, type TicketDeps } from './ticket.ts';

/** A file the portal uploaded beforehand (`POST /api/portal/uploads`), named in the request. */
export type PortalAttachment = { uploadId: string; filename: string; mimeType: string };

/** The files the portal uploaded, by upload id. */
export type PortalUploadReader = {
  /** The upload's size in bytes; undefined when there is none under that id. */
  sizeOf(uploadId: string): Promise<number | undefined>;
  read(uploadId: string): Promise<Uint8Array>;
};

/** What a portal request needs: the intake's ports, the raw mails' bucket, the ticket step's deps. */
export type PortalDeps = Pick<ScreenDeps, 'config' | 'outbox' | 'broadcasts' | 'now'> & {
  config: DeskConfig;
  directory: DirectoryLookup;
  intakeLog: IntakeRecorder & IntakeReader;
  threads: ThreadFinder;
  rawMail: RawMailReader & RawMailWriter;
  uploads: PortalUploadReader;
  ticket: TicketDeps;
  /** Told each outcome recorded (the metrics of outcomes by code, as the screen function's). */
  screened?: (entry: IntakeEntry) => void;
};

/** Whether a stored entry still has work to finish: a ticket to open, a follow-up to add. */
function unfinished(entry: IntakeEntry): boolean {
  return (entry.outcome === 'ticket_created' && !entry.ticketNumber) || entry.outcome === 'follow_up';
}

/** Where a portal request's MIME message is kept: under the raw mails' prefix, purged like them. */
export function portalRawMail(bucket: string, requestId: string): RawMailLocation {
  return { bucket, key: `${pipeline.rawMailPrefix}${requestId}` };
}

/**
 * Takes one request of the portal and answers its outcome (and ticket number).
 * @throws PortalUploadNotFoundError, PortalAttachmentsTooLargeError
 */
export async function submitPortalRequest(
  request: PortalRequest,
  attachments: readonly PortalAttachment[],
  deps: PortalDeps,
): Promise<PortalAnswer> {
  const { config } = deps;
  const requestId = portalRequestId(request.idempotencyKey);
  const known = await deps.intakeLog.readIntakeEntry(requestId);
  if (known && !unfinished(known)) return portalAnswer(known, config.subjectKeyword);

  const rules: IntakeRules = {
    academicDomain: config.academicDomain,
    deskAddresses: config.deskAddresses,
    subjectKeyword: config.subjectKeyword,
  };
  const deskAddress = deskAddressOf([], rules);
  const received = known
    ? await storedRequest(known, deps)
    : await storeRequest(request, attachments, deskAddress, deps);
  // A call finishing an earlier one goes on with the request as first recorded.
  const asRecorded: PortalRequest = known
    ? {
        ...request,
        requester: known.from ?? request.requester,
        requesterName: known.fromName ?? request.requesterName,
        subject: known.subject,
        text: received.text ?? request.text,
      }
    : request;
  const mail = portalMail(asRecorded, { ...received, deskAddress });

  // Mail authentication is the portal's sign-in; the academic address is still the desk's rule.
  const refused = refuseNonAcademic(mail.from.address, rules);
  const [thread, director] = refused
    ? [undefined, undefined]
    : await Promise.all([
        request.ticketNumber ? deps.threads.findThread(request.ticketNumber, mail.receivedAt) : undefined,
        deps.directory.findByEmail(mail.from.address),
      ]);
  const screening = refused ?? screenWithFacts(mail, rules, { thread, director });
  const { entry, command } = await recordScreening(mail, screening, director, deps, 'portal');
  deps.screened?.(entry);
  if (!command) return portalAnswer(entry, config.subjectKeyword);

  const [result] = await handleTicketCommands([command], deps.ticket);
  if (result?.status === 'rejected') throw result.reason;
  return portalAnswer({ ...entry, ticketNumber: result?.value ?? entry.ticketNumber }, config.subjectKeyword);
}

type ReceivedRequest = {
  receivedAt: string;
  rawMail: RawMailLocation;
  messageId: string;
  attachments: AttachmentInfo[];
  text?: string;
};

/** A new request: its uploads checked and read, then kept as a MIME message. */
async function storeRequest(
  request: PortalRequest,
  attachments: readonly PortalAttachment[],
  deskAddress: string,
  deps: PortalDeps,
): Promise<ReceivedRequest> {
  const sizes = await Promise.all(attachments.map((attachment) => deps.uploads.sizeOf(attachment.uploadId)));
  const missing = sizes.indexOf(undefined);
  if (missing >= 0) throw new PortalUploadNotFoundError(missing);
  if (attachmentsTooLarge(sizes as number[]))
    throw new PortalAttachmentsTooLargeError(PORTAL_ATTACHMENTS_MAX_BYTES);
  const files = await Promise.all(
    attachments.map(async (attachment) => ({
      filename: attachment.filename,
      mimeType: attachment.mimeType,
      bytes: await deps.uploads.read(attachment.uploadId),
    })),
  );
  const requestId = portalRequestId(request.idempotencyKey);
  const receivedAt = deps.now().toISOString();
  const domain = deskAddress.split('@')[1] ?? deps.config.academicDomain;
  const messageId = `${requestId}@portail.${domain}`;
  const rawMail = portalRawMail(deps.config.rawMailBucket, requestId);
  await deps.rawMail.write(
    rawMail,
    composeMail({
      from: { address: request.requester, name: request.requesterName },
      to: deskAddress,
      subject: request.subject,
      text: request.text,
      messageId,
      date: new Date(receivedAt),
      attachments: files,
      headers: { 'X-LSUN-Canal': 'portail' },
    }),
  );
  return {
    receivedAt,
    rawMail,
    messageId,
    attachments: files.map(({ filename, mimeType, bytes }) => ({
      filename,
      mimeType,
      size: bytes.byteLength,
    })),
  };
}

/** A request recorded by an earlier call that stopped halfway: read back from its MIME message. */
async function storedRequest(entry: IntakeEntry, deps: PortalDeps): Promise<ReceivedRequest> {
  const parsed = await parseMime(await deps.rawMail.read(entry.rawMail));
  return {
    receivedAt: entry.receivedAt,
    rawMail: entry.rawMail,
    messageId: entry.messageId ?? parsed.messageId ?? entry.sesMessageId,
    attachments: parsed.attachments,
    text: parsed.text,
  };
}
