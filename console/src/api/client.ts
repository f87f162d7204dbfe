/**
 * The API client: routes are called by their key in the declarations of `shared/api/`
 * (`contract.ts`, which holds `directory-contract.ts`'s too), the very ones the API's router
 * serves; every answer is parsed with the declared schema, so a drift between the two shows up
 * as a clear error instead of a page quietly showing `undefined`.
 *
 * Refusals become typed errors the pages key on: `SessionExpiredError` (401, and the whole
 * console switches to « Session expirée »), `ForbiddenError` (403, « Accès non autorisé »),
 * `ApiError` for the rest, always with the French message of the API.
 */

import * as z from 'zod';
import {
  ApiError as ApiErrorBody,
  type BodyOf,
  type DownloadLink,
  type FileRouteKey,
  type PathOf,
  type QueryOf,
  type ResponseOf,
  type RouteKey,
  type Routes,
  routes,
} from '#shared/api/contract.ts';
import { type FileBody, routeLine } from '#shared/api/declaration.ts';
import { currentToken, sessionStore } from '../session.ts';

let apiBase = '';

/** Sets the API's base URL from the configuration ('' for the console's own origin). */
export function setApiBase(url: string): void {
  apiBase = url.replace(/\/+$/, '');
}

export type ErrorDetail = { path: string; message: string };

/** A refusal or failure of the API, with the French message to show. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[];

  constructor(
    status: number,
    code: string,
    message: string,
    options: { details?: ErrorDetail[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.code = code;
    this.details = options.details ?? [];
  }
}

/** 401: the token is missing, expired or revoked. */
export class SessionExpiredError extends ApiError {
  override name = 'SessionExpiredError';
}

/** 403: signed in, but not in the group this needs. */
export class ForbiddenError extends ApiError {
  override name = 'ForbiddenError';
}

const genericMessages: Record<number, string> = {
  400: 'La demande est invalide.',
  401: 'Votre session a expiré.',
  403: 'Vous n’avez pas les droits nécessaires pour cette action.',
  404: 'Élément introuvable.',
  409: 'Cette action n’est plus possible dans l’état actuel.',
  413: 'Le fichier est trop volumineux.',
};

function currentPage(): string {
  return `${window.location.pathname}${window.location.search}`;
}

/** Turns a refused answer into the right error class. */
async function refusal(response: Response): Promise<ApiError> {
  const body = ApiErrorBody.safeParse(await response.json().catch(() => undefined));
  const message = body.success
    ? body.data.error.message
    : (genericMessages[response.status] ??
      `Erreur du serveur (HTTP ${response.status}). Réessayez dans un instant.`);
  const code = body.success ? body.data.error.code : `http_${response.status}`;
  const details = body.success ? body.data.error.details : undefined;
  if (response.status === 401) {
    sessionStore.expire(currentPage());
    return new SessionExpiredError(401, code, genericMessages[401] ?? message);
  }
  if (response.status === 403) return new ForbiddenError(403, code, message, { details });
  return new ApiError(response.status, code, message, { details });
}

export type RequestOptions = {
  method?: string;
  query?: Record<string, unknown>;
  body?: BodyInit | null;
  contentType?: string;
  signal?: AbortSignal;
  accept?: string;
};

/** Query string from a plain object: undefined/empty values left out, arrays comma-joined. */
export function queryString(query: Record<string, unknown> = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(name, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/** One authenticated request; refusals thrown as `ApiError` subclasses. */
export async function send(path: string, options: RequestOptions = {}): Promise<Response> {
  const token = await currentToken();
  if (token === undefined) {
    sessionStore.expire(currentPage());
    throw new SessionExpiredError(401, 'unauthorized', genericMessages[401] ?? '');
  }
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    accept: options.accept ?? 'application/json',
  };
  if (options.contentType) headers['content-type'] = options.contentType;
  let response: Response;
  try {
    response = await fetch(`${apiBase}${path}${queryString(options.query)}`, {
      method: options.method ?? 'GET',
      headers,
      body: options.body ?? null,
      credentials: 'omit',
      cache: 'no-store',
      signal: options.signal ?? null,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, 'network', 'Le serveur ne répond pas. Vérifiez la connexion et réessayez.', {
      cause,
    });
  }
  if (!response.ok) throw await refusal(response);
  return response;
}

/** A JSON request whose answer is parsed with `schema`. */
export async function requestJson<S extends z.core.$ZodType>(
  schema: S,
  path: string,
  options: RequestOptions & { json?: unknown } = {},
): Promise<z.output<S>> {
  const { json, ...rest } = options;
  const response = await send(path, {
    ...rest,
    ...(json === undefined ? {} : { body: JSON.stringify(json), contentType: 'application/json' }),
  });
  // The functional parse: an answer may be a domain schema declared with zod/mini.
  const parsed = z.safeParse(schema, await response.json().catch(() => undefined));
  if (!parsed.success) {
    throw new ApiError(
      response.status,
      'unexpected_answer',
      'Réponse inattendue du serveur : la console et l’API ne sont pas à la même version.',
      {
        cause: parsed.error,
      },
    );
  }
  return parsed.data;
}

/** The routes that take a file as it is (the directory import): sent with `upload`. */
type FileBodyRouteKey = { [K in RouteKey]: Routes[K] extends { body: FileBody } ? K : never }[RouteKey];
/** The routes that take and answer JSON: called with `call`. */
export type JsonRouteKey = Exclude<RouteKey, FileRouteKey | FileBodyRouteKey>;

type PathParams<K extends RouteKey> = [PathOf<K>] extends [never] ? { path?: never } : { path: PathOf<K> };

function fillPath(key: RouteKey, params: unknown): string {
  const { path: template } = routeLine(key);
  const values = (params ?? {}) as Record<string, unknown>;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${template}`);
    return encodeURIComponent(String(value));
  });
}

/** The path of a route, its parameters filled in and encoded: `/api/tickets/LSUN-2026-00042`. */
export function routePath<K extends RouteKey>(
  key: K,
  ...[params]: [PathOf<K>] extends [never] ? [] : [PathOf<K>]
): string {
  return fillPath(key, params);
}

type CallParams<K extends JsonRouteKey> = {
  signal?: AbortSignal;
} & PathParams<K> &
  ([QueryOf<K>] extends [never] ? { query?: never } : { query?: QueryOf<K> }) &
  ([BodyOf<K>] extends [never] ? { body?: never } : { body: BodyOf<K> });

/**
 * Calls a route of the contract by its key (`'GET /api/tickets/{number}'`). The body is checked
 * against the contract before it leaves (French messages for the form), the answer after.
 */
export async function call<K extends JsonRouteKey>(key: K, params: CallParams<K>): Promise<ResponseOf<K>> {
  const route: { body?: z.core.$ZodType; response: z.core.$ZodType } = routes[key];
  const { method } = routeLine(key);
  if (route.body !== undefined && params.body !== undefined) {
    const checked = z.safeParse(route.body, params.body);
    if (!checked.success) {
      throw new ApiError(400, 'invalid_body', checked.error.issues.map((issue) => issue.message).join(' '), {
        details: checked.error.issues.map((issue) => ({
          path: issue.path.join('.'),
          message: issue.message,
        })),
      });
    }
  }
  const path = fillPath(key, params.path);
  const options = {
    method,
    query: params.query as Record<string, unknown> | undefined,
    signal: params.signal,
    json: params.body,
  };
  return requestJson(route.response, path, options) as Promise<ResponseOf<K>>;
}

/** The file name of a download, from `Content-Disposition` (RFC 6266, `filename*` first). */
export function filenameOf(response: Response, fallback: string): string {
  const header = response.headers.get('content-disposition') ?? '';
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header)?.[1];
  if (extended) {
    try {
      return decodeURIComponent(extended.trim());
    } catch {
      // Fall through to the plain parameter.
    }
  }
  return /filename\s*=\s*"?([^";]+)"?/.exec(header)?.[1]?.trim() || fallback;
}

/**
 * Follows a download link of the API (a raw mail, an attachment: `DownloadLink`), to S3 itself.
 * S3 answers `Content-Disposition: attachment`, so the browser saves the file under its name
 * and the console stays where it is. The bytes never pass through the API, whatever their size;
 * the link needs no token (it is signed) and works only a few minutes.
 */
export function followDownload(link: DownloadLink): void {
  const anchor = document.createElement('a');
  anchor.href = link.url;
  anchor.rel = 'noopener noreferrer';
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
}

/**
 * Downloads a file the API answers itself (the directory's export): the token goes in a
 * header, so a plain link cannot do it; the bytes are saved under the server's file name.
 */
export async function download(
  path: string,
  fallbackName: string,
  query?: Record<string, unknown>,
): Promise<void> {
  const response = await send(path, { accept: '*/*', query });
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  try {
    const anchor = document.createElement('a');
    anchor.href = url;
    anchor.download = filenameOf(response, fallbackName);
    anchor.rel = 'noopener';
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
  } finally {
    // Let the download start before the URL goes.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}

/** The bytes of a file the API answers (the raw mail's content, `…/raw/content`, to show its HTML part). */
export async function fetchBytes(path: string): Promise<ArrayBuffer> {
  const response = await send(path, { accept: '*/*' });
  return response.arrayBuffer();
}

/**
 * Uploads a file with progress (XMLHttpRequest: `fetch` reports no upload progress), for the
 * directory import. `onProgress` gets a fraction of the upload; the server's work after it has
 * no progress to report.
 */
export async function upload<S extends z.ZodType>(
  schema: S,
  path: string,
  file: Blob,
  options: { query?: Record<string, unknown>; contentType?: string; onProgress?: (fraction: number) => void },
): Promise<z.output<S>> {
  const token = await currentToken();
  if (token === undefined) {
    sessionStore.expire(currentPage());
    throw new SessionExpiredError(401, 'unauthorized', genericMessages[401] ?? '');
  }
  const xhr = new XMLHttpRequest();
  const done = new Promise<Response>((resolve, reject) => {
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) options.onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () =>
      resolve(
        new Response(xhr.responseText, {
          status: xhr.status,
          headers: { 'content-type': xhr.getResponseHeader('content-type') ?? 'application/json' },
        }),
      );
    xhr.onerror = () =>
      reject(new ApiError(0, 'network', 'Le serveur ne répond pas. Vérifiez la connexion et réessayez.'));
  });
  xhr.open('POST', `${apiBase}${path}${queryString(options.query)}`);
  xhr.setRequestHeader('authorization', `Bearer ${token}`);
  xhr.setRequestHeader('content-type', options.contentType ?? 'application/octet-stream');
  xhr.setRequestHeader('accept', 'application/json');
  xhr.send(file);
  const response = await done;
  if (!response.ok) throw await refusal(response);
  // The functional parse: an answer may be a domain schema declared with zod/mini.
  const parsed = z.safeParse(schema, await response.json().catch(() => undefined));
  if (!parsed.success) {
    throw new ApiError(response.status, 'unexpected_answer', 'Réponse inattendue du serveur.', {
      cause: parsed.error,
    });
  }
  return parsed.data;
}
