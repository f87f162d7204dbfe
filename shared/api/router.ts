/**
 * The one router of the staff API: it builds middy's routes from the declarations of
 * `shared/api/` and an implementation per declared route.
 *
 * For every request, in this order: the caller's group is checked from the JWT claims (401
 * without claims, 403 without the group), then the path, query and body are parsed with the
 * declared schemas (French 400s), then the implementation runs and its result is answered as
 * JSON with the declared status, or as a file. Implementations therefore never check a group,
 * never parse and never build a response; what they throw goes to the error middleware.
 *
 * A route that is not declared cannot be served: an implementation without a declaration is a
 * type error and, should one slip through, a failure when the handler is built.
 */
import type * as z from 'zod';
import { type Caller, callerOf, type PortalCaller, portalCallerOf, requireGroup } from '#shared/http/auth.ts';
import { type FileResult, fileResponse } from '#shared/http/download.ts';
import { BadRequestError, UnsupportedMediaTypeError } from '#shared/http/errors.ts';
import {
  type ApiEvent,
  type ApiResult,
  type ApiRoute,
  json,
  parseBody,
  parsePath,
  parseQuery,
} from '#shared/http/middleware.ts';
import {
  type FileAnswer,
  type FileBody,
  isFileAnswer,
  isFileBody,
  type ParsedBy,
  PORTAL_SCOPE,
  type RouteDeclaration,
  type RouteDeclarations,
  routeLine,
} from './declaration.ts';

/** A file body as it arrived: its bytes and its media type (lower case, without parameters). */
export type FileUpload = { bytes: Uint8Array; contentType: string };

/** What an implementation gets: the checked caller and the parsed request, the event for the rest. */
export type RouteRequest<D extends RouteDeclaration> = {
  /** Undefined on a public route only; the portal's client on a portal route. */
  caller: D['group'] extends 'public' ? undefined : D['group'] extends 'portal' ? PortalCaller : Caller;
  path: D extends { path: infer S } ? ParsedBy<S> : undefined;
  query: D extends { query: infer S } ? ParsedBy<S> : undefined;
  body: D extends { body: infer B } ? (B extends FileBody ? FileUpload : ParsedBy<B>) : undefined;
  event: ApiEvent;
};

/** What an implementation returns: the declared answer as it may be written, or a file. */
export type RouteAnswer<D extends RouteDeclaration> = D['response'] extends FileAnswer
  ? FileResult
  : D['response'] extends z.core.$ZodType
    ? z.input<D['response']>
    : never;

/** The body of one declared route. */
export type Implementation<D extends RouteDeclaration> = (
  request: RouteRequest<D>,
) => Promise<RouteAnswer<D>>;

/** One implementation per declared route, keyed as declared. */
export type Implementations<M extends RouteDeclarations> = {
  [K in keyof M]: M[K] extends RouteDeclaration ? Implementation<M[K]> : never;
};

/** A route implemented but not declared: the contract is what the API serves. */
export class UndeclaredRouteError extends Error {
  override name = 'UndeclaredRouteError';
  constructor(readonly key: string) {
    super(
      `The route ${key} is implemented but not declared in shared/api: a route missing from the contract cannot be served`,
    );
  }
}

/** A route declared but not implemented. */
export class UnimplementedRouteError extends Error {
  override name = 'UnimplementedRouteError';
  constructor(readonly key: string) {
    super(`The route ${key} is declared in shared/api but has no implementation`);
  }
}

/**
 * The bytes of a file body. Binary types arrive base64 encoded (`isBase64Encoded`) and keep
 * their bytes, Windows-1252 included; a text type arrives as text, which API Gateway could only
 * make of UTF-8: a replacement character there means the file was not, and its accents are lost.
 */
function fileBytes(event: ApiEvent): Uint8Array {
  if (typeof event.body !== 'string' || event.body.length === 0) {
    throw new BadRequestError('Le fichier à importer est vide.', { code: 'missing_body' });
  }
  if (event.isBase64Encoded) return Buffer.from(event.body, 'base64');
  if (event.body.includes('\uFFFD')) {
    throw new BadRequestError(
      "Le fichier n'est pas en UTF-8 et ses accents ont été perdus en route : envoyez-le avec Content-Type: application/octet-stream pour garder son encodage (Windows-1252).",
      { code: 'not_utf8' },
    );
  }
  return Buffer.from(event.body, 'utf8');
}

/** A file body of one of the declared types. @throws UnsupportedMediaTypeError, BadRequestError */
function fileUpload(declared: FileBody, event: ApiEvent): FileUpload {
  const contentType = (event.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!declared.contentTypes.includes(contentType)) throw new UnsupportedMediaTypeError(declared.refusal);
  return { bytes: fileBytes(event), contentType };
}

/** The caller, once the route's group is checked: before anything of the request is read. */
function admitted(declaration: RouteDeclaration, event: ApiEvent): Caller | PortalCaller | undefined {
  if (declaration.group === 'public') return undefined;
  if (declaration.group === 'portal') return portalCallerOf(event, PORTAL_SCOPE);
  const caller = callerOf(event);
  requireGroup(caller, declaration.group);
  return caller;
}

/** The handler of one declared route around its implementation. */
function handlerOf(
  declaration: RouteDeclaration,
  implementation: (request: RouteRequest<RouteDeclaration>) => Promise<unknown>,
): (event: ApiEvent) => Promise<ApiResult> {
  const { path, query, body, response, status } = declaration;
  return async (event) => {
    const caller = admitted(declaration, event);
    const request = {
      caller,
      path: path === undefined ? undefined : parsePath(path, event),
      query: query === undefined ? undefined : parseQuery(query, event),
      body:
        body === undefined ? undefined : isFileBody(body) ? fileUpload(body, event) : parseBody(body, event),
      event,
    } as RouteRequest<RouteDeclaration>;
    const answer = await implementation(request);
    // The declared schema types the answer at compile time; it is not parsed again here, which
    // would cost every request and silently drop what a schema forgot to name.
    return isFileAnswer(response) ? fileResponse(answer as FileResult) : json(status, answer);
  };
}

/**
 * middy's routes for these declarations, each served by its implementation (give them to
 * `apiHandler`). The implementations must match the declarations key for key.
 * @throws UndeclaredRouteError for an implementation of a route not declared
 * @throws UnimplementedRouteError for a declared route without implementation
 */
export function serveRoutes<M extends RouteDeclarations, I extends Implementations<M>>(
  declarations: M,
  implementations: I & { [K in Exclude<keyof I, keyof M>]: never },
): ApiRoute[] {
  const implemented = implementations as unknown as Record<string, unknown>;
  for (const key of Object.keys(implemented)) {
    if (!Object.hasOwn(declarations, key)) throw new UndeclaredRouteError(key);
  }
  return Object.entries(declarations as RouteDeclarations).map(([key, declaration]) => {
    const implementation = implemented[key];
    if (typeof implementation !== 'function') throw new UnimplementedRouteError(key);
    const { method, path } = routeLine(key);
    return {
      method,
      path,
      handler: handlerOf(
        declaration,
        implementation as (request: RouteRequest<RouteDeclaration>) => Promise<unknown>,
      ),
    };
  });
}
