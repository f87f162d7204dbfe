/**
 * The académie's portal as a second way in: a director signed in on the portal (its own SSO)
 * writes a request there, and the portal hands it to the desk with an OAuth 2
 * client-credentials token. The request goes through the intake's rules minus mail
 * authentication, which the portal's sign-in replaces: the idempotency key stands for the
 * Message-ID (a duplicate), then the same daily counter as mail, the keyword, the director.
 *
 * Plain functions: what a portal request is, the mail-shaped record the intake's rules read, and
 * the answer the portal shows at once.
 */
import * as z from 'zod';
import { normalizeAddress } from './address.ts';
import type { AttachmentInfo, InboundMail, RawMailLocation } from './mail.ts';
import { Outcome } from './outcome.ts';
import type { IntakeEntry } from './records.ts';

/** The request's attachments, all together, at most (the portal's form says the same). */
export const PORTAL_ATTACHMENTS_MAX_BYTES = 10 * 1024 * 1024;
/** Files joined to one request, at most. */
export const PORTAL_ATTACHMENTS_MAX_COUNT = 10;
/** What an idempotency key may be made of: it becomes part of keys in DynamoDB and S3. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_-]{8,100}$/;
/**
 * Where the portal's uploads wait in the raw mails' bucket until a request names them (a
 * lifecycle rule removes them after a day; the request keeps its copy in its MIME message).
 */
export const PORTAL_UPLOADS_PREFIX = 'portal-uploads/';
/** Prefix of the intake id of a portal request, where a mail has its SES message id. */
export const PORTAL_ID_PREFIX = 'portail-';

/** A request as the portal sends it, once its body is checked. */
export type PortalRequest = {
  /** The director's address, as the portal vouches for it (its own sign-in). */
  requester: string;
  /** The director's name as the portal knows it; '' when it does not say. */
  requesterName: string;
  subject: string;
  text: string;
  idempotencyKey: string;
  /** A ticket the request continues (the portal showed its number to the director). */
  ticketNumber?: string | undefined;
};

/**
 * The intake id of a portal request: the same key gives the same id, hence the same intake
 * entry, outcome and ticket, never a second one (the entry is written once per id).
 */
export function portalRequestId(idempotencyKey: string): string {
  return `${PORTAL_ID_PREFIX}${idempotencyKey}`;
}

/** Whether an intake id is a portal request's. */
export function isPortalRequestId(id: string): boolean {
  return id.startsWith(PORTAL_ID_PREFIX);
}

/** The attachments' total size is over the limit. */
export function attachmentsTooLarge(sizes: readonly number[]): boolean {
  return sizes.reduce((total, size) => total + size, 0) > PORTAL_ATTACHMENTS_MAX_BYTES;
}

/**
 * The request as the intake's rules read a mail: from the director's address, to the desk, the
 * subject and text as written. Its verdicts say nothing (`DISABLED`): mail authentication is
 * not asked of it, the portal's sign-in stands for it.
 */
export function portalMail(
  request: PortalRequest,
  received: {
    receivedAt: string;
    deskAddress: string;
    rawMail: RawMailLocation;
    messageId: string;
    attachments: AttachmentInfo[];
  },
): InboundMail & { from: { address: string; name: string } } {
  return {
    sesMessageId: portalRequestId(request.idempotencyKey),
    receivedAt: received.receivedAt,
    envelopeFrom: '',
    recipients: [received.deskAddress],
    verdicts: { spf: 'DISABLED', dkim: 'DISABLED', dmarc: 'DISABLED', spam: 'DISABLED', virus: 'DISABLED' },
    rawMail: received.rawMail,
    messageId: received.messageId,
    from: { address: normalizeAddress(request.requester), name: request.requesterName },
    subject: request.subject,
    inReplyTo: [],
    references: [],
    headers: [],
    dkimDomains: [],
    text: request.text,
    attachments: received.attachments,
  };
}

/** What the portal shows the director at once. */
export const PortalAnswer = z.object({
  /** The request's intake id (`portail-<idempotency key>`). */
  requestId: z.string(),
  outcome: Outcome,
  /** The ticket opened or continued; absent when the request was turned away. */
  ticketNumber: z.string().optional(),
  /** A sentence in French for the director. */
  message: z.string(),
});
export type PortalAnswer = z.infer<typeof PortalAnswer>;

/** The sentence the portal shows for each outcome a portal request may get. */
function sentenceOf(entry: IntakeEntry, keyword: string): string {
  switch (entry.outcome) {
    case 'ticket_created':
      return entry.ticketNumber
        ? `Votre demande est enregistrée sous le numéro ${entry.ticketNumber}. Un accusé de réception vous est envoyé par courriel.`
        : 'Votre demande est acceptée ; son numéro vous sera envoyé par courriel.';
    case 'follow_up':
      return `Votre message est ajouté à la demande ${entry.ticketNumber ?? entry.followUpOf ?? ''}.`;
    case 'rate_limited':
      return "Vous avez atteint le nombre de demandes permis pour aujourd'hui : votre demande est mise en attente, l'assistance la verra.";
    case 'no_keyword':
      return `L'objet de la demande doit contenir le mot-clé ${keyword} : elle n'a pas été enregistrée.`;
    case 'not_academic':
      return "L'assistance LSUN ne répond qu'aux adresses académiques : la demande n'a pas été enregistrée comme ticket.";
    case 'not_director':
      return "L'assistance LSUN répond aux directeurs et directrices d'école : votre adresse n'est pas dans l'annuaire, la demande est mise en attente.";
    default:
      return "Votre demande n'a pas pu être enregistrée.";
  }
}

/** The answer for a request's entry as stored (the same for every call with its key). */
export function portalAnswer(entry: IntakeEntry, keyword: string): PortalAnswer {
  const ticketNumber = entry.outcome === 'rate_limited' ? undefined : entry.ticketNumber;
  return {
    requestId: entry.sesMessageId,
    outcome: entry.outcome,
    ...(ticketNumber ? { ticketNumber } : {}),
    message: sentenceOf(entry, keyword),
  };
}
