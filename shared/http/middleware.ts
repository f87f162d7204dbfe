/**
 * The middy chain of the staff API (API Gateway HTTP API, payload 2.0), built once around
 * its routes, and the helpers that read requests and answer.
 *
 * The routes come from the router (`router.ts`), which checks the group, parses with
 * `parseBody` / `parseQuery` / `parsePath` and answers `json(...)`. Nothing builds an error
 * response by hand: the domain throws a `DeskError` and the chain answers
 * `{ "error": { "code", "message" } }` in French, with the status of the error's kind.
 */

import middy, { type MiddlewareObj, type MiddyfiedHandler } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpRouterHandler, { type Method, type Route } from '@middy/http-router';
import httpSecurityHeaders from '@middy/http-security-headers';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
// A namespace import lets the bundler drop the parts of zod we do not use (~90 KB instead of ~450 KB).
import type * as z from 'zod';
// The functional parse: a route may declare a domain schema built with zod/mini (shared/domain/zod.ts).
import { safeParse } from 'zod';
import zodFrench from 'zod/v4/locales/fr.js';
import { DeskError, type ErrorDetail } from '#shared/domain/errors.ts';
import { logger } from '#shared/logger.ts';
import { BadRequestError, NotFoundError, statusOf } from './errors.ts';

/** The event the staff API receives: HTTP API payload 2.0 behind the Cognito JWT authorizer. */
export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
/** What a route handler returns. */
export type ApiResult = APIGatewayProxyStructuredResultV2;
/** A route's handler; typed here (not middy's union) so `async (event) => ...` infers its event. */
export type ApiRouteHandler = (event: ApiEvent, context: Context) => Promise<ApiResult>;
/** One route: `{ method: 'GET', path: '/api/tickets/{number}', handler }` (path parameters in braces). */
export type ApiRoute = { method: Method; path: string; handler: ApiRouteHandler };
export type { Method };

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * A JSON response. `Cache-Control: no-store` because every answer of this API carries
 * personal data (directors, their mails) that no shared cache should keep.
 */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return {
    statusCode: status,
    headers: { 'Content-Type': JSON_CONTENT_TYPE, 'Cache-Control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/** The JSON body of an error answer, the one shape every refusal of the API has. */
export function errorBody(error: DeskError): {
  error: { code: string; message: string; details?: ErrorDetail[] };
} {
  const { details } = error;
  return {
    error: { code: error.code, message: error.message, ...(details === undefined ? {} : { details }) },
  };
}

const INTERNAL_ERROR = { error: { code: 'internal', message: 'Erreur interne du serveur.' } } as const;

/** French messages for the HTTP errors that middy's own middlewares may throw. */
const httpStatusMessages: Record<number, { code: string; message: string }> = {
  400: { code: 'bad_request', message: 'Requête invalide.' },
  401: { code: 'unauthorized', message: 'Authentification requise.' },
  403: { code: 'forbidden', message: "Vous n'avez pas les droits nécessaires pour cette action." },
  404: { code: 'not_found', message: 'Ressource introuvable.' },
  405: { code: 'method_not_allowed', message: 'Méthode non autorisée.' },
  413: { code: 'payload_too_large', message: 'Le corps de la requête est trop volumineux.' },
  415: { code: 'unsupported_media_type', message: 'Type de contenu non pris en charge.' },
};

/** A refusal to answer: its status and the error whose code and message the body shows. */
type Refusal = { status: number; error: DeskError };

/**
 * The refusal an error stands for, or undefined when it is a fault of ours. A `DeskError` takes
 * the status of its kind; middy's HTTP errors (`statusCode` under 500, `expose` not false) keep
 * their status and are re-worded in French, since their messages are English and may quote the
 * request.
 */
function refusalOf(error: unknown): Refusal | undefined {
  if (error instanceof DeskError) return { status: statusOf(error), error };
  if (typeof error !== 'object' || error === null) return undefined;
  const { statusCode, expose } = error as { statusCode?: unknown; expose?: unknown };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500 || expose === false) {
    return undefined;
  }
  const known = httpStatusMessages[statusCode] ?? { code: 'bad_request', message: 'Requête refusée.' };
  return { status: statusCode, error: new DeskError('invalid', known.code, known.message, { cause: error }) };
}

/**
 * Maps every error to a response: a refusal to its status and French JSON, anything else to a
 * bare 500 whose details stay in the log (with the route, never the request body).
 */
function errorMapping(): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    onError: async (request) => {
      const refusal = refusalOf(request.error);
      if (refusal !== undefined) {
        logger.debug('Request refused', { status: refusal.status, code: refusal.error.code });
        request.response = json(refusal.status, errorBody(refusal.error));
        return;
      }
      const http = request.event.requestContext?.http;
      const error = request.error instanceof Error ? request.error : new Error(String(request.error));
      logger.error('Unhandled error in the staff API', {
        error,
        method: http?.method,
        path: http?.path,
        requestId: request.event.requestContext?.requestId,
      });
      request.response = json(500, INTERNAL_ERROR);
    },
  };
}

/**
 * Parses JSON bodies only: a CSV import (`text/csv`) or a body-less GET passes through
 * untouched, and malformed JSON is a 400 in French rather than middy's English 415.
 */
function jsonBodyWhenJson(): MiddlewareObj<ApiEvent, ApiResult> {
  const parser = httpJsonBodyParser<ApiEvent>({ disableContentTypeError: true });
  return {
    before: async (request) => {
      if (request.event.body === undefined || request.event.body === '') return;
      try {
        await parser.before?.(request as never);
      } catch (cause) {
        throw new BadRequestError("Le corps de la requête n'est pas un JSON valide.", {
          code: 'invalid_json',
          cause,
        });
      }
    },
  };
}

/**
 * A JSON API: middy adds the HTML-only headers (CSP, frame options) to HTML responses only.
 * Left on, `poweredBy` sets an undefined `Server` header and `reportingEndpoints` (not in
 * middy 6's types, hence a variable rather than a literal) an empty one.
 */
const securityHeaderOptions = { poweredBy: false, reportingEndpoints: false };

/**
 * Builds the API's handler once (at module scope of the entry file) around its routes.
 *
 * Order matters in middy: `before` runs in `use` order, `onError` in reverse. Headers are
 * normalised before the body parser reads `content-type`; the error mapping is registered
 * after the security headers so that its `onError` runs first and every response it builds
 * still gets the security headers (whose `onError` runs next and cannot throw).
 */
export function apiHandler(routes: ApiRoute[]): MiddyfiedHandler<ApiEvent, ApiResult, Error, Context> {
  const router = httpRouterHandler<ApiEvent, ApiResult>({
    routes: routes satisfies Array<Route<ApiEvent, ApiResult>>,
    notFoundResponse: ({ method, path }) => {
      throw new NotFoundError("Cette route n'existe pas dans l'API.", {
        code: 'route_not_found',
        cause: { method, path },
      });
    },
  });
  return middy<ApiEvent, ApiResult, Error, Context>()
    .use(httpHeaderNormalizer())
    .use(jsonBodyWhenJson())
    .use(httpSecurityHeaders(securityHeaderOptions))
    .use(errorMapping())
    .handler(router);
}

// The French locale alone: `z.locales.fr()` keeps the namespace of every locale (about 200 KB of
// the api bundle) for the one it uses.
const frenchErrors = zodFrench().localeError;

/** Turns zod issues into details a person can read (zod's French locale, no input echoed). */
function detailsOf(error: z.ZodError): ErrorDetail[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

function summary(prefix: string, details: ErrorDetail[]): string {
  // Each detail is a sentence of its own; in the summary they are clauses, ended by one period.
  const clause = (message: string) => message.replace(/\.$/, '');
  const shown = details
    .slice(0, 5)
    .map((d) => (d.path === '' ? clause(d.message) : `« ${d.path} » : ${clause(d.message)}`));
  const more = details.length > shown.length ? ` ; et ${details.length - shown.length} autre(s)` : '';
  return `${prefix} ${shown.join(' ; ')}${more}.`;
}

function parseOrRefuse<S extends z.core.$ZodType>(
  schema: S,
  input: unknown,
  prefix: string,
  code: string,
): z.output<S> {
  const parsed = safeParse(schema, input, { error: frenchErrors });
  if (parsed.success) return parsed.data;
  const details = detailsOf(parsed.error);
  throw new BadRequestError(summary(prefix, details), { code, details, cause: parsed.error });
}

/**
 * The request's JSON body, validated. Bad input from a caller is an expected branch, so it
 * becomes a 400 with French details instead of a ZodError (which the chain treats as a bug).
 */
export function parseBody<S extends z.core.$ZodType>(schema: S, event: { body?: unknown }): z.output<S> {
  if (typeof event.body === 'string') {
    // A JSON body was parsed by the chain; a string here means another content type.
    throw new BadRequestError('Le corps de la requête doit être du JSON (Content-Type: application/json).', {
      code: 'expected_json',
    });
  }
  if (event.body === undefined) {
    const parsed = safeParse(schema, undefined);
    if (parsed.success) return parsed.data;
    throw new BadRequestError('Le corps de la requête est vide.', { code: 'missing_body' });
  }
  return parseOrRefuse(schema, event.body, 'Corps de la requête invalide :', 'invalid_body');
}

/** The query string parameters, validated (API Gateway joins repeated keys with commas). */
export function parseQuery<S extends z.core.$ZodType>(
  schema: S,
  event: { queryStringParameters?: Record<string, string | undefined> },
): z.output<S> {
  return parseOrRefuse(
    schema,
    event.queryStringParameters ?? {},
    'Paramètres de requête invalides :',
    'invalid_query',
  );
}

/** The path parameters (`{number}` in `/api/tickets/{number}`), validated. */
export function parsePath<S extends z.core.$ZodType>(
  schema: S,
  event: { pathParameters?: Record<string, string | undefined> },
): z.output<S> {
  return parseOrRefuse(schema, event.pathParameters ?? {}, 'Adresse invalide :', 'invalid_path');
}
