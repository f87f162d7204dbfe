/**
 * Errors the staff API shows to its callers.
 *
 * Each carries a stable `code` (the console keys on it), an HTTP `status` and a French
 * `message` a person can read. One middleware (`shared/http/middleware.ts`) turns them into
 * responses; any other error becomes a generic 500, so only these classes ever reach a client.
 */

/** One problem found in a request, for the console to show next to the field concerned. */
export type ErrorDetail = {
  /** Dotted path of the offending field (`items.0.email`), '' for the request as a whole. */
  path: string;
  /** French explanation. */
  message: string;
};

/** Options shared by every client error. */
export type ClientErrorOptions = {
  /** A more precise stable code than the class's default (`invalid_cursor`, `ticket_not_found`). */
  code?: string;
  cause?: unknown;
};

/** Base of every error whose code and message may be shown to the caller. */
export class ClientError extends Error {
  override name = 'ClientError';
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.code = code;
  }
}

/** The request is malformed or fails validation (400). */
export class BadRequestError extends ClientError {
  override name = 'BadRequestError';
  readonly details: ErrorDetail[] | undefined;

  constructor(message = 'Requête invalide.', options: ClientErrorOptions & { details?: ErrorDetail[] } = {}) {
    super(400, options.code ?? 'bad_request', message, options);
    this.details = options.details;
  }
}

/** The caller is not authenticated (401). API Gateway answers most of these before the function runs. */
export class UnauthorizedError extends ClientError {
  override name = 'UnauthorizedError';

  constructor(message = 'Authentification requise.', options: ClientErrorOptions = {}) {
    super(401, options.code ?? 'unauthorized', message, options);
  }
}

/** The caller is authenticated but not allowed to do this (403). */
export class ForbiddenError extends ClientError {
  override name = 'ForbiddenError';

  constructor(
    message = "Vous n'avez pas les droits nécessaires pour cette action.",
    options: ClientErrorOptions = {},
  ) {
    super(403, options.code ?? 'forbidden', message, options);
  }
}

/** The resource or route does not exist (404). */
export class NotFoundError extends ClientError {
  override name = 'NotFoundError';

  constructor(message = 'Ressource introuvable.', options: ClientErrorOptions = {}) {
    super(404, options.code ?? 'not_found', message, options);
  }
}

/** The request conflicts with the current state, e.g. a ticket already closed (409). */
export class ConflictError extends ClientError {
  override name = 'ConflictError';

  constructor(
    message = "La requête est en conflit avec l'état actuel de la ressource.",
    options: ClientErrorOptions = {},
  ) {
    super(409, options.code ?? 'conflict', message, options);
  }
}
