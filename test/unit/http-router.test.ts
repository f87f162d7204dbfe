import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { fileAnswer, fileBody, type RouteDeclarations } from '#shared/api/declaration.ts';
import {
  type Implementations,
  serveRoutes,
  UndeclaredRouteError,
  UnimplementedRouteError,
} from '#shared/api/router.ts';
import { type ApiEvent, apiHandler } from '#shared/http/middleware.ts';
import { logger } from '#shared/logger.ts';

/** A small contract of its own, one route of each kind. */
const declarations = {
  'GET /api/health': { group: 'public', response: z.object({ status: z.literal('ok') }), status: 200 },
  'GET /api/things': {
    group: 'agent',
    query: z.object({ limit: z.coerce.number().int().max(10).default(5) }),
    response: z.object({ limit: z.number(), by: z.string() }),
    status: 200,
  },
  'POST /api/things/{id}': {
    group: 'admin',
    path: z.object({ id: z.string().regex(/^\d+$/) }),
    body: z.object({ email: z.email() }),
    response: z.object({ id: z.string(), email: z.string() }),
    status: 201,
  },
  'POST /api/files': {
    group: 'admin',
    body: fileBody(['text/csv'], 'Envoyez un fichier CSV.'),
    response: z.object({ bytes: z.number() }),
    status: 200,
  },
  'GET /api/things/{id}/file': { group: 'agent', response: fileAnswer, status: 200 },
} as const satisfies RouteDeclarations;

const context = { awsRequestId: 'lambda-1' } as Context;

type Claims = Record<string, string> | undefined;
const AGENT: Claims = { sub: 's-1', email: 'Agent@ac-dijon.fr', 'cognito:groups': '[agent]' };
const ADMIN: Claims = { sub: 's-2', email: 'admin@ac-dijon.fr', 'cognito:groups': '[admin]' };

/** An HTTP API payload 2.0 event, with the claims the JWT authorizer would leave (or none). */
function apiEvent(
  method: string,
  path: string,
  options: { claims?: Claims; body?: string; contentType?: string; query?: Record<string, string> } = {},
): ApiEvent {
  return {
    version: '2.0',
    routeKey: 'ANY /api/{proxy+}',
    rawPath: path,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: options.contentType === undefined ? {} : { 'content-type': options.contentType },
    ...(options.query === undefined ? {} : { queryStringParameters: options.query }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'api.example',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'req-1',
      routeKey: 'ANY /api/{proxy+}',
      stage: '$default',
      time: '01/Mar/2026:10:00:00 +0000',
      timeEpoch: 1_772_359_200_000,
      ...(options.claims === undefined
        ? {}
        : {
            authorizer: {
              principalId: '',
              integrationLatency: 0,
              jwt: { claims: options.claims, scopes: null },
            },
          }),
    },
    ...(options.body === undefined ? {} : { body: options.body }),
    isBase64Encoded: false,
  } as ApiEvent;
}

function implementations() {
  return {
    'GET /api/health': vi.fn(async () => ({ status: 'ok' as const })),
    'GET /api/things': vi.fn(async ({ caller, query }) => ({ limit: query.limit, by: caller.email })),
    'POST /api/things/{id}': vi.fn(async ({ path, body }) => ({ id: path.id, email: body.email })),
    'POST /api/files': vi.fn(async ({ body }) => ({ bytes: body.bytes.byteLength })),
    'GET /api/things/{id}/file': vi.fn(async () => ({
      bytes: new Uint8Array([1, 2, 3]),
      filename: 'chose.bin',
      contentType: 'application/octet-stream',
    })),
  } satisfies Implementations<typeof declarations>;
}

function bodyOf(result: { body?: string }): unknown {
  return JSON.parse(result.body ?? 'null');
}

beforeEach(() => {
  vi.spyOn(logger, 'debug').mockImplementation(() => undefined);
  vi.spyOn(logger, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('building the routes', () => {
  it('refuses an implementation of a route the contract does not declare', () => {
    // Prepare
    const served = { ...implementations(), 'GET /api/secret': async () => ({ secret: 42 }) };

    // Act
    // @ts-expect-error an undeclared route is a type error first; the build refuses it if forced.
    const build = () => serveRoutes(declarations, served);

    // Assess
    expect(build).toThrow(UndeclaredRouteError);
    expect(build).toThrow(/GET \/api\/secret/);
  });

  it('refuses a declared route left without implementation', () => {
    // Prepare
    const { 'POST /api/files': _left, ...served } = implementations();

    // Act
    // @ts-expect-error a missing implementation is a type error first; the build refuses it if forced.
    const build = () => serveRoutes(declarations, served);

    // Assess
    expect(build).toThrow(UnimplementedRouteError);
  });

  it('serves each declared route at its method and path', () => {
    // Act
    const served = serveRoutes(declarations, implementations());

    // Assess
    expect(served.map(({ method, path }) => `${method} ${path}`)).toEqual(Object.keys(declarations));
  });
});

describe('checking the caller before anything else', () => {
  it('answers 403 to an agent on an admin route before its path or body is read', async () => {
    // Prepare
    const served = implementations();
    const handler = apiHandler(serveRoutes(declarations, served));
    const event = apiEvent('POST', '/api/things/not-a-number', {
      claims: AGENT,
      body: JSON.stringify({ email: 'not an address' }),
      contentType: 'application/json',
    });

    // Act
    const result = await handler(event, context);

    // Assess
    expect(result.statusCode).toBe(403);
    expect(bodyOf(result)).toEqual({
      error: { code: 'forbidden', message: "Vous n'avez pas les droits nécessaires pour cette action." },
    });
    expect(served['POST /api/things/{id}']).not.toHaveBeenCalled();
  });

  it('answers 401 without claims, before the query is read', async () => {
    // Prepare
    const handler = apiHandler(serveRoutes(declarations, implementations()));

    // Act
    const result = await handler(apiEvent('GET', '/api/things', { query: { limit: 'many' } }), context);

    // Assess
    expect(result.statusCode).toBe(401);
    expect(bodyOf(result)).toEqual({ error: { code: 'unauthorized', message: 'Authentification requise.' } });
  });

  it('serves a public route without claims', async () => {
    // Prepare
    const handler = apiHandler(serveRoutes(declarations, implementations()));

    // Act
    const result = await handler(apiEvent('GET', '/api/health'), context);

    // Assess
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual({ status: 'ok' });
  });
});

describe('parsing and answering as declared', () => {
  it('hands the implementation the caller and the parsed path, query and body, and answers the declared status', async () => {
    // Prepare
    const served = implementations();
    const handler = apiHandler(serveRoutes(declarations, served));

    // Act
    const list = await handler(apiEvent('GET', '/api/things', { claims: AGENT }), context);
    const created = await handler(
      apiEvent('POST', '/api/things/42', {
        claims: ADMIN,
        body: JSON.stringify({ email: 'paul.petit@ac-dijon.fr', extra: true }),
        contentType: 'application/json',
      }),
      context,
    );

    // Assess
    expect(bodyOf(list)).toEqual({ limit: 5, by: 'agent@ac-dijon.fr' });
    expect(created.statusCode).toBe(201);
    expect(bodyOf(created)).toEqual({ id: '42', email: 'paul.petit@ac-dijon.fr' });
    expect(served['POST /api/things/{id}']).toHaveBeenCalledWith(
      expect.objectContaining({
        caller: { subject: 's-2', email: 'admin@ac-dijon.fr', groups: ['admin'] },
        path: { id: '42' },
        body: { email: 'paul.petit@ac-dijon.fr' },
      }),
    );
  });

  it('refuses a bad path, query or body in French (400) once the caller is admitted', async () => {
    // Prepare
    const handler = apiHandler(serveRoutes(declarations, implementations()));

    // Act
    const path = await handler(
      apiEvent('POST', '/api/things/x', {
        claims: ADMIN,
        body: '{"email":"a@ac-dijon.fr"}',
        contentType: 'application/json',
      }),
      context,
    );
    const query = await handler(
      apiEvent('GET', '/api/things', { claims: AGENT, query: { limit: '11' } }),
      context,
    );
    const body = await handler(
      apiEvent('POST', '/api/things/1', { claims: ADMIN, body: '{}', contentType: 'application/json' }),
      context,
    );

    // Assess
    expect([path, query, body].map((result) => result.statusCode)).toEqual([400, 400, 400]);
    expect(
      [path, query, body].map((result) => (bodyOf(result) as { error: { code: string } }).error.code),
    ).toEqual(['invalid_path', 'invalid_query', 'invalid_body']);
  });

  it('takes a file body of a declared type as bytes, and refuses another type with the declared sentence (415)', async () => {
    // Prepare
    const handler = apiHandler(serveRoutes(declarations, implementations()));

    // Act
    const csv = await handler(
      apiEvent('POST', '/api/files', {
        claims: ADMIN,
        body: 'a;b\n1;2\n',
        contentType: 'text/csv; charset=utf-8',
      }),
      context,
    );
    const json = await handler(
      apiEvent('POST', '/api/files', { claims: ADMIN, body: '{"a":1}', contentType: 'application/json' }),
      context,
    );

    // Assess
    expect(bodyOf(csv)).toEqual({ bytes: 8 });
    expect(json.statusCode).toBe(415);
    expect(bodyOf(json)).toMatchObject({ error: { message: 'Envoyez un fichier CSV.' } });
  });

  it('answers a file route with the file, not JSON', async () => {
    // Prepare
    const handler = apiHandler(serveRoutes(declarations, implementations()));

    // Act
    const result = await handler(apiEvent('GET', '/api/things/1/file', { claims: AGENT }), context);

    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['Content-Disposition']).toContain('chose.bin');
    expect(result.isBase64Encoded).toBe(true);
    expect(Buffer.from(result.body ?? '', 'base64')).toEqual(Buffer.from([1, 2, 3]));
  });
});
