/**
 * The desk's refusals: every error a person may be shown, one named class each, with a stable
 * `code` (the console and scripts key on it), a `kind` (what sort of refusal it is) and a French
 * `message` that can be shown as it is.
 *
 * The domain and the steps throw these; they know nothing of HTTP. The API's one error
 * middleware (`shared/http/middleware.ts`) turns a `kind` into a status; a queue consumer lets
 * them fail the record like any other error. Anything that is not a `DeskError` is a fault of
 * ours and is never shown.
 *
 * Fields that could hold mail text or addresses are kept off the error's enumerable properties
 * (`sensitive`), so that a logged error never carries them; `shared/logger.ts` also logs only
 * an error's name, code, message, location and cause.
 */

/** What sort of refusal an error is; the API maps each to one HTTP status. */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'too_large'
  | 'unsupported';

/** One problem found in an input, for the console to show next to the field concerned. */
export type ErrorDetail = {
  /** Dotted path of the offending field (`items.0.email`), '' for the input as a whole. */
  path: string;
  /** French explanation. */
  message: string;
};

/** Base of every refusal whose code and French message may be shown to the person concerned. */
export class DeskError extends Error {
  override name = 'DeskError';
  readonly kind: ErrorKind;
  readonly code: string;
  readonly details: ErrorDetail[] | undefined;

  constructor(
    kind: ErrorKind,
    code: string,
    message: string,
    options: { cause?: unknown; details?: ErrorDetail[] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.code = code;
    this.details = options.details;
  }
}

/** Keeps a value on an error without making it an enumerable (so never logged) property. */
export function sensitive<T extends object, K extends string, V>(
  target: T,
  name: K,
  value: V,
): T & Record<K, V> {
  Object.defineProperty(target, name, { value, enumerable: false, writable: false });
  return target as T & Record<K, V>;
}

// ---------------------------------------------------------------------------------------------
// Tickets

/** The ticket does not exist, or is past its retention period. */
export class TicketNotFoundError extends DeskError {
  override name = 'TicketNotFoundError';
  constructor(
    readonly ticketNumber: string,
    options?: { cause?: unknown },
  ) {
    super('not_found', 'ticket_not_found', `Le ticket ${ticketNumber} n'existe pas.`, options);
  }
}

/** Another agent, or a mail, changed the ticket while an action was being written, and retries ran out. */
export class TicketChangedError extends DeskError {
  override name = 'TicketChangedError';
  constructor(
    readonly ticketNumber: string,
    options?: { cause?: unknown },
  ) {
    super(
      'conflict',
      'ticket_changed',
      "Le ticket a été modifié par quelqu'un d'autre pendant votre action. Rechargez la page et recommencez.",
      options,
    );
  }
}

/** A closed ticket takes no reply until it is reopened. */
export class TicketClosedError extends DeskError {
  override name = 'TicketClosedError';
  constructor(readonly ticketNumber: string) {
    super('conflict', 'ticket_closed', `Le ticket ${ticketNumber} est clos : rouvrez-le avant de répondre.`);
  }
}

/** A request id (the console's per-click id) already served another kind of action. */
export class RequestIdReusedError extends DeskError {
  override name = 'RequestIdReusedError';
  constructor(readonly requestId: string) {
    super(
      'conflict',
      'request_id_reused',
      `L'identifiant de requête ${requestId} a déjà servi à une autre action.`,
    );
  }
}

/** The ticket has no message with that id. */
export class MessageNotFoundError extends DeskError {
  override name = 'MessageNotFoundError';
  constructor(ticketNumber: string, messageId: string) {
    super('not_found', 'message_not_found', `Le ticket ${ticketNumber} n'a pas de message ${messageId}.`);
  }
}

/** The message was written by the desk: there is no raw mail behind it. */
export class NoRawMailError extends DeskError {
  override name = 'NoRawMailError';
  constructor() {
    super(
      'not_found',
      'no_raw_mail',
      "Ce message a été envoyé par l'assistance : il n'a pas de courriel brut.",
    );
  }
}

/** The message has no attachment at that index. */
export class AttachmentNotFoundError extends DeskError {
  override name = 'AttachmentNotFoundError';
  constructor(index: number) {
    super('not_found', 'attachment_not_found', `Ce message n'a pas de pièce jointe n° ${index}.`);
  }
}

// ---------------------------------------------------------------------------------------------
// Received mails

/** No mail with that SES id in the intake log (never received, or purged). */
export class MailNotFoundError extends DeskError {
  override name = 'MailNotFoundError';
  constructor(
    readonly sesMessageId: string,
    options?: { cause?: unknown },
  ) {
    super('not_found', 'mail_not_found', "Ce courriel n'existe pas dans le journal.", options);
  }
}

/** The raw mail is no longer stored (its retention period is over). */
export class RawMailGoneError extends DeskError {
  override name = 'RawMailGoneError';
  constructor(options?: { cause?: unknown }) {
    super(
      'not_found',
      'raw_mail_gone',
      "Le courriel brut n'est plus conservé (durée de conservation dépassée).",
      options,
    );
  }
}

/**
 * Staff asked to accept into a ticket a mail that cannot be: already a ticket, or turned away
 * for a reason staff cannot waive (`outcomeLabel` is the French label of its outcome).
 */
export class NotAcceptableError extends DeskError {
  override name = 'NotAcceptableError';
  constructor(
    readonly sesMessageId: string,
    refusal: { ticketNumber: string } | { outcomeLabel: string },
  ) {
    super(
      'conflict',
      'not_acceptable',
      'ticketNumber' in refusal
        ? `Ce courriel est déjà rattaché au ticket ${refusal.ticketNumber}.`
        : `Seul un courriel retenu (quota atteint, expéditeur non directeur) peut être accepté en ticket ; celui-ci est « ${refusal.outcomeLabel} ».`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Lists and files

/** A list cursor that this desk did not make (or that was altered). */
export class InvalidCursorError extends DeskError {
  override name = 'InvalidCursorError';
  constructor(options?: { cause?: unknown }) {
    super('invalid', 'invalid_cursor', 'Curseur de pagination invalide.', options);
  }
}

/** A file too large to be handed over in one answer. */
export class FileTooLargeError extends DeskError {
  override name = 'FileTooLargeError';
  constructor() {
    super(
      'too_large',
      'file_too_large',
      'Ce courriel est trop volumineux pour être lu dans la console (plus de 4 Mo) : téléchargez-le.',
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The portal's requests

/** An attachment names an upload the desk does not hold (never made, or past its day). */
export class PortalUploadNotFoundError extends DeskError {
  override name = 'PortalUploadNotFoundError';
  constructor(index: number) {
    super(
      'invalid',
      'portal_upload_not_found',
      `La pièce jointe n° ${index + 1} n'a pas été déposée, ou son dépôt a expiré : déposez-la de nouveau.`,
      { details: [{ path: `attachments.${index}.uploadId`, message: 'Dépôt introuvable.' }] },
    );
  }
}

/** The attachments of one request weigh more than the limit, all together. */
export class PortalAttachmentsTooLargeError extends DeskError {
  override name = 'PortalAttachmentsTooLargeError';
  constructor(limitBytes: number) {
    super(
      'too_large',
      'portal_attachments_too_large',
      `Les pièces jointes dépassent ${Math.round(limitBytes / (1024 * 1024))} Mo au total.`,
      { details: [{ path: 'attachments', message: 'Taille totale dépassée.' }] },
    );
  }
}
