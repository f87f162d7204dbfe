/**
 * How a route of the staff API is declared: once, in `contract.ts` (tickets, intake, dashboard)
 * or `directory-contract.ts` (directory, zones), and read from there by the server's router
 * (`shared/http/router.ts`), the console's typed client and the infrastructure.
 *
 * A declaration's key is `METHOD /path`, path parameters in braces, as API Gateway and middy's
 * router write them; its value says who may call it, how its path, query and body are parsed,
 * what it answers and with which status.
 *
 * Pure module (zod only): the browser bundle imports it.
 */
import * as z from 'zod';
import type { StaffGroup } from '../domain/staff.ts';

/**
 * Who may call a route: a staff group; the académie's portal (`portal`: an OAuth 2
 * client-credentials token carrying {@link PORTAL_SCOPE}, never a staff token); or anyone
 * (`public`: the health check, and nothing else).
 */
export type Access = StaffGroup | 'portal' | 'public';

/**
 * The scope a portal route requires, as Cognito writes a resource server's scope
 * (`<resource server>/<scope>`): the CDK app declares it on the route's authorizer, the local
 * front checks it the same way, and the router checks it again in the token's claims.
 */
export const PORTAL_RESOURCE_SERVER = 'lsun';
export const PORTAL_SCOPE_NAME = 'portal.write';
export const PORTAL_SCOPE = `${PORTAL_RESOURCE_SERVER}/${PORTAL_SCOPE_NAME}` as const;

/** The methods a route may be declared with. */
export const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type RouteMethod = (typeof ROUTE_METHODS)[number];

/** A route's key: `GET /api/tickets/{number}`. */
export type RouteKey = `${RouteMethod} /api/${string}`;

/** Marks a route that answers a file (raw mail, attachment, CSV export) instead of JSON. */
export type FileAnswer = { readonly file: 'answer' };
/** The answer of a route that answers a file. */
export const fileAnswer: FileAnswer = Object.freeze({ file: 'answer' });

/**
 * Marks a route whose body is a file sent as it is (the directory import), of one of
 * `contentTypes`; another type is refused (415) with `refusal`, a French sentence.
 */
export type FileBody = {
  readonly file: 'body';
  readonly contentTypes: readonly string[];
  readonly refusal: string;
};

/** The body of a route that takes a file as it is. */
export function fileBody(contentTypes: readonly string[], refusal: string): FileBody {
  return Object.freeze({ file: 'body', contentTypes, refusal });
}

/** One route. */
export type RouteDeclaration = {
  /** Who may call it; checked before anything of the request is read. */
  group: Access;
  /** The path parameters (`{number}`), parsed from what the router matched. */
  path?: z.core.$ZodType;
  query?: z.core.$ZodType;
  /** A JSON body, or a file taken as it is. Absent: any body is ignored. */
  body?: z.core.$ZodType | FileBody;
  /** The JSON answer (a domain schema may be zod/mini: the core type takes both), or a file. */
  response: z.core.$ZodType | FileAnswer;
  /** The success status. */
  status: 200 | 201 | 202;
};

/** A set of declarations by key. */
export type RouteDeclarations = Record<RouteKey, RouteDeclaration>;

/** Whether a declared body is a file rather than JSON. */
export function isFileBody(body: RouteDeclaration['body']): body is FileBody {
  return body !== undefined && 'file' in body && body.file === 'body';
}

/** Whether a declared answer is a file rather than JSON. */
export function isFileAnswer(response: RouteDeclaration['response']): response is FileAnswer {
  return 'file' in response && response.file === 'answer';
}

/** The method and the path template of a key. */
export function routeLine(key: string): { method: RouteMethod; path: string } {
  const [method = '', path = ''] = key.split(' ');
  if (!(ROUTE_METHODS as readonly string[]).includes(method) || !path.startsWith('/api/')) {
    throw new Error(`Malformed route key ${JSON.stringify(key)}: expected "METHOD /api/path"`);
  }
  return { method: method as RouteMethod, path };
}

/** A page of a list: `{ items, nextCursor }`, `nextCursor` null at the end. */
export const pageOf = <T extends z.core.$ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** What a declared schema parses to; `undefined` where nothing is declared. */
export type ParsedBy<S> = S extends z.core.$ZodType ? z.output<S> : undefined;

/** The parsed path parameters of a declaration. */
export type PathParamsOf<D> = D extends { path: infer S } ? ParsedBy<S> : undefined;
/** The parsed query of a declaration. */
export type ParsedQueryOf<D> = D extends { query: infer S } ? ParsedBy<S> : undefined;
