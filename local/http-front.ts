/**
 * The local HTTP front: what API Gateway (HTTP API, JWT authorizer) and CloudFront do in AWS,
 * on one loopback port.
 *
 * `/api/*` is checked like the JWT authorizer checks it (401 `{"message":"Unauthorized"}`
 * before the function runs), turned into the payload 2.0 event API Gateway would send, and
 * handed to the very handler Lambda runs; its result is written back as API Gateway would.
 * `/kb/*` is the public knowledge base, read from its bucket on the S3 stand-in as CloudFront
 * reads it (`infra/constructs/kb-site.ts`: `/kb/` is `kb/index.html`, the same headers and cache
 * lifetime, a French « page introuvable »). Everything else is the console's static files, with
 * `index.html` for client-side routes.
 *
 * The routes it mimics (the CDK stack declares the same): the contract's public routes
 * (`GET /api/health`, `GET /api/public/articles`) without authorizer, the public search
 * throttled, `ANY /api/{proxy+}` behind the JWT authorizer.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pipeline as pipeStreams } from 'node:stream/promises';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type {
  APIGatewayEventRequestContextJWTAuthorizer,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { routes } from '#shared/api/contract.ts';
import { pipeline } from '#shared/pipeline.ts';
import {
  KB_CACHE_CONTROL,
  kbKeyOf,
  kbNotFoundPage,
  kbSecurityHeaders,
  PUBLIC_SEARCH_ROUTE,
  PUBLIC_SEARCH_THROTTLE,
} from '../infra/kb-public.ts';

/** API Gateway's payload limit: 10 MB. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** The route of the HTTP API behind the authorizer, as its key appears in the event. */
export const PROXY_ROUTE_KEY = 'ANY /api/{proxy+}';

/**
 * The contract's public routes (`METHOD /path`), served without a token: the health check. A
 * public route has no path parameters, so its key is the request line itself.
 */
const PUBLIC_ROUTE_KEYS: ReadonlySet<string> = new Set(
  Object.entries(routes)
    .filter(([, declaration]) => declaration.group === 'public')
    .map(([key]) => key),
);

export type ApiLambdaHandler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export type HttpFrontOptions = {
  /** Loopback by default: the local desk is never reachable from the network. */
  host?: string;
  /** 0 picks a free port (tests); `url` tells which. */
  port: number;
  /** The `api` function's handler, exactly as Lambda would call it. */
  apiHandler: ApiLambdaHandler;
  /** Checks a bearer token (signature, issuer, audience, expiry) and returns its claims; throws when bad. */
  verify: (token: string) => Promise<Record<string, unknown>>;
  /** The built console; without it, non-API paths answer 404. */
  staticDir?: string;
  /** Headers added to static files (the console's CSP, as CloudFront's response headers policy adds it). */
  staticHeaders?: Record<string, string>;
  /** Answers some non-API paths before the static files (the local sign-in, `./console-auth.ts`); resolves true when it answered. */
  localRoutes?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  /**
   * Local-only API routes by `METHOD /path` (`GET /api/metrics`), answered here behind the same
   * token check as the others, with the token's claims, instead of by the `api` function.
   */
  localApi?: Record<string, (claims: Record<string, string>) => Promise<{ status: number; body: unknown }>>;
  /** The knowledge base's bucket on the S3 stand-in, served under `/kb/`; without it, `/kb/` answers 404. */
  kb?: { s3: S3Client; bucket: string };
  /** The public search's throttle per client address (default: the one API Gateway applies). */
  publicSearchThrottle?: { ratePerSecond: number; burst: number };
  /** The function's timeout; the `api` entry of the pipeline description by default. */
  timeoutSeconds?: number;
  /** Where failures of the handler go (never the request body or the token). */
  log?: (message: string, error?: unknown) => void;
};

export type HttpFront = { url: string; stop(): Promise<void> };

type Answer = { status: number; headers: Record<string, string | string[]>; body: Buffer };

function gatewayMessage(status: number, message: string, headers: Record<string, string> = {}): Answer {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: Buffer.from(JSON.stringify({ message })),
  };
}

const unauthorized = (description?: string): Answer =>
  gatewayMessage(
    401,
    'Unauthorized',
    description === undefined
      ? {}
      : { 'www-authenticate': `Bearer scope="" error="invalid_token" error_description="${description}"` },
  );

/**
 * Content types whose bodies API Gateway passes as text; anything else arrives base64
 * encoded with `isBase64Encoded: true`. A CSV import (`text/csv`) stays text.
 */
export function isTextContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    /[/+](json|xml|javascript|yaml)$/.test(type) ||
    type === 'application/x-www-form-urlencoded'
  );
}

/**
 * A claim as API Gateway hands it to the function: every value a string, an array rendered
 * `[a b]` (Cognito groups arrive as `"[admin agent]"`), an object as JSON.
 */
export function gatewayClaimValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(gatewayClaimValue).join(' ')}]`;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

function shapeClaims(claims: Record<string, unknown>): APIGatewayEventRequestContextJWTAuthorizer {
  const shaped: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) shaped[name] = gatewayClaimValue(value);
  const scope = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : null;
  return { principalId: '', integrationLatency: 0, jwt: { claims: shaped, scopes: scope } };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `requestContext.time` in API Gateway's format: `12/Mar/2020:19:03:58 +0000`. */
function gatewayTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** Headers lower-cased, repeats joined with commas; cookies apart, as payload 2.0 has them. */
function eventHeaders(req: IncomingMessage): { headers: Record<string, string>; cookies: string[] } {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] ?? '').toLowerCase();
    const value = req.rawHeaders[i + 1] ?? '';
    if (name === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((part) => part.trim())
          .filter(Boolean),
      );
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  return { headers, cookies };
}

function queryParameters(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const parameters: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    parameters[key] = parameters[key] === undefined ? value : `${parameters[key]},${value}`;
  }
  return parameters;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

type RequestLine = { method: string; rawPath: string; rawQueryString: string };

function buildEvent(
  req: IncomingMessage,
  line: RequestLine,
  body: Buffer,
  routeKey: string,
  authorizer: APIGatewayEventRequestContextJWTAuthorizer | undefined,
  requestId: string,
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const { headers, cookies } = eventHeaders(req);
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  headers['x-forwarded-for'] =
    headers['x-forwarded-for'] === undefined ? sourceIp : `${headers['x-forwarded-for']}, ${sourceIp}`;
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-port'] = String(req.socket.localPort ?? '');
  const now = new Date();
  const domainName = headers.host ?? 'localhost';
  const text = isTextContentType(headers['content-type']);
  const query = queryParameters(line.rawQueryString);
  const event = {
    version: '2.0',
    routeKey,
    rawPath: line.rawPath,
    rawQueryString: line.rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(query === undefined ? {} : { queryStringParameters: query }),
    ...(routeKey === PROXY_ROUTE_KEY
      ? { pathParameters: { proxy: safeDecode(line.rawPath.slice('/api/'.length)) } }
      : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      ...(authorizer === undefined ? {} : { authorizer }),
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: line.method,
        path: line.rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey,
      stage: '$default',
      time: gatewayTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: text ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !text,
  };
  // A health event has no authorizer, as in AWS; the handler's type promises one on every other route.
  return event as APIGatewayProxyEventV2WithJWTAuthorizer;
}

function lambdaContext(timeoutSeconds: number): Context {
  const requestId = randomUUID();
  const deadline = Date.now() + timeoutSeconds * 1000;
  const name = 'assistance-lsun-api';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** What API Gateway makes of the function's result (payload 2.0 response rules). */
function answerOf(result: unknown): Answer {
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    // No statusCode: API Gateway takes the whole result as a JSON body with status 200.
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify(result ?? '')),
    };
  }
  const structured = result as APIGatewayProxyStructuredResultV2;
  const status = structured.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    return gatewayMessage(500, 'Internal Server Error');
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(structured.headers ?? {})) {
    if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
  }
  if (structured.cookies !== undefined && structured.cookies.length > 0)
    headers['set-cookie'] = structured.cookies;
  const raw = structured.body ?? '';
  const body = structured.isBase64Encoded === true ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  return { status, headers, body };
}

function send(res: ServerResponse, answer: Answer, extraHeaders: Record<string, string> = {}): void {
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries({ ...answer.headers, ...extraHeaders }))
    res.setHeader(name, value);
  res.setHeader('content-length', answer.body.length);
  res.end(answer.body);
}

/**
 * Reads the body up to the limit. Past it, the rest is read and dropped (so the client,
 * still sending, gets the 413 rather than a reset connection).
 */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size > limit ? 'too_large' : Buffer.concat(chunks);
}

function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  // API Gateway takes the token alone or prefixed with `Bearer `.
  const token = header.replace(/^Bearer\s+/i, '').trim();
  return token === '' ? undefined : token;
}

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.pdf': 'application/pdf',
};

async function fileAt(path: string): Promise<{ path: string; size: number } | undefined> {
  try {
    const info = await stat(path);
    if (info.isFile()) return { path, size: info.size };
    if (info.isDirectory()) return fileAt(join(path, 'index.html'));
  } catch {
    // Missing: the caller decides between the SPA fallback and 404.
  }
  return undefined;
}

/**
 * A throttled public search: 429 with `Retry-After`, the error in French and in the API's shape
 * (`{ error: { code, message } }`), so the public pages' script shows it like any other.
 */
function tooManyRequests(waitSeconds: number): Answer {
  const error = {
    code: 'too_many_requests',
    message: 'Trop de recherches en peu de temps : réessayez dans quelques secondes.',
  };
  return {
    status: 429,
    headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(waitSeconds) },
    body: Buffer.from(JSON.stringify({ error })),
  };
}

/**
 * A token bucket per client address: `burst` requests at once, then `ratePerSecond`. Answers
 * how many seconds to wait when a request is over it, or 0 to let it through.
 */
export function tokenBuckets(limits: { ratePerSecond: number; burst: number }, now = () => Date.now()) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (client: string): number => {
    const time = now();
    // Forget idle clients now and then: a full bucket is the same as no bucket.
    if (buckets.size > 10_000) {
      for (const [key, bucket] of buckets) {
        if (bucket.tokens + ((time - bucket.at) / 1000) * limits.ratePerSecond >= limits.burst)
          buckets.delete(key);
      }
    }
    const bucket = buckets.get(client) ?? { tokens: limits.burst, at: time };
    bucket.tokens = Math.min(
      limits.burst,
      bucket.tokens + ((time - bucket.at) / 1000) * limits.ratePerSecond,
    );
    bucket.at = time;
    buckets.set(client, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / limits.ratePerSecond));
  };
}

/** Starts the front; resolves once it listens. */
export async function startHttpFront(options: HttpFrontOptions): Promise<HttpFront> {
  const host = options.host ?? '127.0.0.1';
  const timeoutSeconds = options.timeoutSeconds ?? pipeline.api.timeoutSeconds;
  const log = options.log ?? ((message: string, error?: unknown) => console.error(message, error ?? ''));
  const staticRoot = options.staticDir === undefined ? undefined : resolve(options.staticDir);
  const overPublicSearchLimit = tokenBuckets(options.publicSearchThrottle ?? PUBLIC_SEARCH_THROTTLE);
  const kbHeaders = kbSecurityHeaders();

  async function invoke(event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<Answer> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((done) => {
      timer = setTimeout(() => done('timeout'), timeoutSeconds * 1000);
    });
    try {
      const result = await Promise.race([options.apiHandler(event, lambdaContext(timeoutSeconds)), timedOut]);
      if (result === 'timeout') {
        log(`api: ${event.requestContext.http.method} ${event.rawPath} timed out after ${timeoutSeconds} s`);
        return gatewayMessage(500, 'Internal Server Error');
      }
      return answerOf(result);
    } catch (error) {
      // A function error: API Gateway answers a bare 500 and the details stay in the function's log.
      log(`api: ${event.requestContext.http.method} ${event.rawPath} failed`, error);
      return gatewayMessage(500, 'Internal Server Error');
    } finally {
      clearTimeout(timer);
    }
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, line: RequestLine): Promise<void> {
    const requestId = randomBytes(10).toString('base64');
    const idHeader = { 'apigw-requestid': requestId };
    if (line.rawPath === '/api') return send(res, gatewayMessage(404, 'Not Found'), idHeader);
    const declaredLength = Number(req.headers['content-length'] ?? 0);
    if (declaredLength > MAX_BODY_BYTES) {
      req.resume();
      return send(res, gatewayMessage(413, 'Request Entity Too Large'), idHeader);
    }

    const requestLine = `${line.method} ${line.rawPath}`;
    const isPublic = PUBLIC_ROUTE_KEYS.has(requestLine);
    if (requestLine === PUBLIC_SEARCH_ROUTE) {
      const client = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
      const waitSeconds = overPublicSearchLimit(client);
      if (waitSeconds > 0) {
        req.resume();
        return send(res, tooManyRequests(waitSeconds), idHeader);
      }
    }
    let authorizer: APIGatewayEventRequestContextJWTAuthorizer | undefined;
    if (!isPublic) {
      const token = bearerToken(req.headers.authorization);
      if (token === undefined) {
        req.resume();
        return send(res, unauthorized(), idHeader);
      }
      try {
        authorizer = shapeClaims(await options.verify(token));
      } catch (error) {
        req.resume();
        const reason = (error as { reason?: unknown }).reason;
        return send(
          res,
          unauthorized(typeof reason === 'string' ? reason : 'the token is not valid'),
          idHeader,
        );
      }
    }

    const localRoute = options.localApi?.[requestLine];
    if (localRoute && authorizer) {
      req.resume();
      const answer = await localRoute(authorizer.jwt.claims as Record<string, string>);
      const json = { 'content-type': 'application/json' };
      return send(
        res,
        { status: answer.status, headers: json, body: Buffer.from(JSON.stringify(answer.body)) },
        idHeader,
      );
    }
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === 'too_large') return send(res, gatewayMessage(413, 'Request Entity Too Large'), idHeader);
    const routeKey = isPublic ? requestLine : PROXY_ROUTE_KEY;
    const event = buildEvent(req, line, body, routeKey, authorizer, requestId);
    send(res, await invoke(event), idHeader);
  }

  /** A public page, as CloudFront serves it from the knowledge base's bucket. */
  async function handleKb(req: IncomingMessage, res: ServerResponse, line: RequestLine): Promise<void> {
    req.resume();
    if (line.method !== 'GET' && line.method !== 'HEAD') {
      return send(res, gatewayMessage(405, 'Method Not Allowed'), { allow: 'GET, HEAD' });
    }
    if (line.rawPath === '/kb') {
      const location = `/kb/${line.rawQueryString === '' ? '' : `?${line.rawQueryString}`}`;
      return send(res, { status: 301, headers: { location }, body: Buffer.alloc(0) });
    }
    const notFound = (): void =>
      send(res, {
        status: 404,
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': KB_CACHE_CONTROL,
          ...kbHeaders,
        },
        body: line.method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(kbNotFoundPage()),
      });
    const key = kbKeyOf(line.rawPath);
    if (key === undefined || options.kb === undefined) return notFound();
    const { s3, bucket } = options.kb;
    let object: {
      ContentType?: string;
      CacheControl?: string;
      ContentLength?: number;
      ETag?: string;
      LastModified?: Date;
      Body?: unknown;
    };
    try {
      object =
        line.method === 'HEAD'
          ? await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
          : await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'NoSuchKey' || name === 'NotFound') return notFound();
      throw error;
    }
    const headers: Record<string, string> = {
      'content-type': object.ContentType ?? 'application/octet-stream',
      // CloudFront passes the object's own Cache-Control (the export sets it), else its cache policy's.
      'cache-control': object.CacheControl ?? KB_CACHE_CONTROL,
      ...kbHeaders,
      ...(object.ETag === undefined ? {} : { etag: object.ETag }),
      ...(object.LastModified === undefined ? {} : { 'last-modified': object.LastModified.toUTCString() }),
    };
    if (object.ETag !== undefined && req.headers['if-none-match'] === object.ETag) {
      (object.Body as { destroy?: () => void } | undefined)?.destroy?.();
      return send(res, { status: 304, headers, body: Buffer.alloc(0) });
    }
    if (line.method === 'HEAD') {
      res.statusCode = 200;
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      if (object.ContentLength !== undefined) res.setHeader('content-length', object.ContentLength);
      res.end();
      return;
    }
    const body = object.Body as { transformToByteArray(): Promise<Uint8Array> };
    send(res, { status: 200, headers, body: Buffer.from(await body.transformToByteArray()) });
  }

  async function handleStatic(req: IncomingMessage, res: ServerResponse, line: RequestLine): Promise<void> {
    if (options.localRoutes && (await options.localRoutes(req, res))) return;
    req.resume();
    if (staticRoot === undefined) return send(res, gatewayMessage(404, 'Not Found'));
    if (line.method !== 'GET' && line.method !== 'HEAD') {
      return send(res, gatewayMessage(405, 'Method Not Allowed'), { allow: 'GET, HEAD' });
    }
    const decoded = safeDecode(line.rawPath);
    const relative = normalize(decoded).replace(/^[/\\]+/, '');
    const candidate = resolve(staticRoot, relative);
    const inside = candidate === staticRoot || candidate.startsWith(staticRoot + sep);
    const hidden = relative.split(/[/\\]/).some((segment) => segment.startsWith('.'));
    if (!inside || hidden || decoded.includes('\0')) return send(res, gatewayMessage(404, 'Not Found'));

    // A path without an extension is a client-side route of the console: its page is index.html.
    const file =
      (await fileAt(candidate)) ??
      (extname(decoded) === '' ? await fileAt(join(staticRoot, 'index.html')) : undefined);
    if (file === undefined) return send(res, gatewayMessage(404, 'Not Found'));

    res.statusCode = 200;
    res.setHeader(
      'content-type',
      STATIC_TYPES[extname(file.path).toLowerCase()] ?? 'application/octet-stream',
    );
    res.setHeader('content-length', file.size);
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('x-content-type-options', 'nosniff');
    for (const [name, value] of Object.entries(options.staticHeaders ?? {})) res.setHeader(name, value);
    if (line.method === 'HEAD') {
      res.end();
      return;
    }
    await pipeStreams(createReadStream(file.path), res);
  }

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const line: RequestLine = {
      method: (req.method ?? 'GET').toUpperCase(),
      rawPath: queryAt < 0 ? url : url.slice(0, queryAt),
      rawQueryString: queryAt < 0 ? '' : url.slice(queryAt + 1),
    };
    const isApi = line.rawPath === '/api' || line.rawPath.startsWith('/api/');
    const isKb = line.rawPath === '/kb' || line.rawPath.startsWith('/kb/');
    const handle = isApi ? handleApi : isKb ? handleKb : handleStatic;
    handle(req, res, line).catch((error: unknown) => {
      log(`front: ${line.method} ${line.rawPath} failed`, error);
      if (!res.headersSent) send(res, gatewayMessage(500, 'Internal Server Error'));
      else res.destroy();
    });
  });

  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(options.port, host, () => {
      server.off('error', fail);
      ready();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    stop: () =>
      new Promise<void>((stopped, fail) => {
        server.close((error) => (error ? fail(error) : stopped()));
        server.closeAllConnections();
      }),
  };
}
