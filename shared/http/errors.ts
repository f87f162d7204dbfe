/**
 * The refusals that belong to HTTP itself: a malformed request, a missing or insufficient
 * token, an unknown route, a media type the API does not take. Everything else a person may be
 * refused is a domain error (`shared/domain/errors.ts`); all of them are `DeskError`s, which the
 * one error middleware (`shared/http/middleware.ts`) maps to a status by their `kind`.
 */
import { DeskError, type ErrorDetail, type ErrorKind } from '#shared/domain/errors.ts';

export type { ErrorDetail };

/** Options shared by these errors. */
export type ClientErrorOptions = {
  /** A more precise stable code than the class's default (`invalid_cursor`, `ticket_not_found`). */
  code?: string;
  cause?: unknown;
};

/** The HTTP status of each kind of refusal. */
export const statusOfKind: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  too_large: 413,
  unsupported: 415,
};

/** The HTTP status of a refusal. */
export function statusOf(error: DeskError): number {
  return statusOfKind[error.kind];
}

/** Base of the HTTP refusals; `status` is the status its kind maps to. */
export class ClientError extends DeskError {
  override name = 'ClientError';
  get status(): number {
    return statusOf(this);
  }
}

/** The request is malformed or fails validation (400). */
export class BadRequestError extends ClientError {
  override name = 'BadRequestError';
  constructor(message = 'Requête invalide.', options: ClientErrorOptions & { details?: ErrorDetail[] } = {}) {
    super('invalid', options.code ?? 'bad_request', message, options);
  }
}

/** The caller is not authenticated (401). API Gateway answers most of these before the function runs. */
export class UnauthorizedError extends ClientError {
  override name = 'UnauthorizedError';
  constructor(message = 'Authentification requise.', options: ClientErrorOptions = {}) {
    super('unauthenticated', options.code ?? 'unauthorized', message, options);
  }
}

/** The caller is authenticated but not allowed to do this (403). */
export class ForbiddenError extends ClientError {
  override name = 'ForbiddenError';
  constructor(
    message = "Vous n'avez pas les droits nécessaires pour cette action.",
    options: ClientErrorOptions = {},
  ) {
    super('forbidden', options.code ?? 'forbidden', message, options);
  }
}

/** The resource or route does not exist (404). */
export class NotFoundError extends ClientError {
  override name = 'NotFoundError';
  constructor(message = 'Ressource introuvable.', options: ClientErrorOptions = {}) {
    super('not_found', options.code ?? 'not_found', message, options);
  }
}

/** The request conflicts with the current state, e.g. a ticket already closed (409). */
export class ConflictError extends ClientError {
  override name = 'ConflictError';
  constructor(
    message = "La requête est en conflit avec l'état actuel de la ressource.",
    options: ClientErrorOptions = {},
  ) {
    super('conflict', options.code ?? 'conflict', message, options);
  }
}

/** The body is of a media type the route does not take (415). */
export class UnsupportedMediaTypeError extends ClientError {
  override name = 'UnsupportedMediaTypeError';
  constructor(message = 'Type de contenu non pris en charge.', options: ClientErrorOptions = {}) {
    super('unsupported', options.code ?? 'unsupported_media_type', message, options);
  }
}
