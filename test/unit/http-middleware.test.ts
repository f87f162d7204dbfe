import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { z } from 'zod';
import {
  BadRequestError,
  ClientError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
} from '#shared/http/errors.ts';
import {
  type ApiEvent,
  type ApiRoute,
  apiHandler,
  json,
  parseBody,
  parsePath,
  parseQuery,
} from '#shared/http/middleware.ts';
import { logger } from '#shared/logger.ts';

/** An HTTP API payload 2.0 event as API Gateway builds it behind the JWT authorizer. */
function apiEvent(
  method: string,
  path: string,
  options: { body?: string; contentType?: string; query?: Record<string, string> } = {},
): ApiEvent {
  const rawQueryString = new URLSearchParams(options.query ?? {}).toString();
  return {
    version: '2.0',
    routeKey: 'ANY /api/{proxy+}',
    rawPath: path,
    rawQueryString,
    headers: {
      host: 'api.example',
      ...(options.contentType === undefined ? {} : { 'content-type': options.contentType }),
    },
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
      authorizer: {
        jwt: {
          claims: { sub: 's-1', email: 'agent@ac-dijon.fr', 'cognito:groups': '[agent]' },
          scopes: null,
        },
      },
    },
    ...(options.body === undefined ? {} : { body: options.body }),
    isBase64Encoded: false,
  };
}

const context = { awsRequestId: 'lambda-1' } as Context;

function bodyOf(result: { body?: string }): unknown {
  return JSON.parse(result.body ?? 'null');
}

let logError: MockInstance;

beforeEach(() => {
  logError = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
  vi.spyOn(logger, 'debug').mockImplementation(() => undefined);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('client errors', () => {
  it.each([
    ['BadRequestError', new BadRequestError(), 400, 'bad_request'],
    ['UnauthorizedError', new UnauthorizedError(), 401, 'unauthorized'],
    ['ForbiddenError', new ForbiddenError(), 403, 'forbidden'],
    ['NotFoundError', new NotFoundError(), 404, 'not_found'],
    ['ConflictError', new ConflictError(), 409, 'conflict'],
  ])('gives %s the status %i and the stable code %s', (name, error, status, code) => {
    // Assess
    expect(error).toBeInstanceOf(ClientError);
    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
    expect(error.message).not.toBe('');
  });

  it('keeps the cause and accepts a more precise code and message', () => {
    // Prepare
    const cause = new Error('condition failed');

    // Act
    const error = new ConflictError('Ce ticket est déjà clos.', { code: 'ticket_closed', cause });

    // Assess
    expect(error.cause).toBe(cause);
    expect(error.code).toBe('ticket_closed');
    expect(error.message).toBe('Ce ticket est déjà clos.');
  });
});

describe('apiHandler error mapping', () => {
  it('answers a client error with its status and its French message as JSON', async () => {
    // Prepare
    const handler = apiHandler([
      {
        method: 'POST',
        path: '/api/tickets/{number}/close',
        handler: async () => {
          throw new ConflictError('Ce ticket est déjà clos.', { code: 'ticket_closed' });
        },
      },
    ]);

    // Act
    const result = await handler(apiEvent('POST', '/api/tickets/LSUN-2026-00042/close'), context);

    // Assess
    expect(result.statusCode).toBe(409);
    expect(result.headers?.['Content-Type']).toBe('application/json; charset=utf-8');
    expect(bodyOf(result)).toEqual({ error: { code: 'ticket_closed', message: 'Ce ticket est déjà clos.' } });
    expect(logError).not.toHaveBeenCalled();
  });

  it('answers 403 with the French message of ForbiddenError', async () => {
    // Prepare
    const handler = apiHandler([
      {
        method: 'GET',
        path: '/api/secret',
        handler: async () => {
          throw new ForbiddenError();
        },
      },
    ]);

    // Act
    const result = await handler(apiEvent('GET', '/api/secret'), context);

    // Assess
    expect(result.statusCode).toBe(403);
    expect(bodyOf(result)).toEqual({
      error: { code: 'forbidden', message: "Vous n'avez pas les droits nécessaires pour cette action." },
    });
  });

  it('answers 500 without leaking the message of an unknown error, and logs it without the request body', async () => {
    // Prepare
    const handler = apiHandler([
      {
        method: 'POST',
        path: '/api/notes',
        handler: async () => {
          throw new Error('table desk-prod-secret is unreachable');
        },
      },
    ]);
    const event = apiEvent('POST', '/api/notes', {
      body: JSON.stringify({ text: 'Madame Martin, directrice, a un souci' }),
      contentType: 'application/json',
    });

    // Act
    const result = await handler(event, context);

    // Assess
    expect(result.statusCode).toBe(500);
    expect(bodyOf(result)).toEqual({ error: { code: 'internal', message: 'Erreur interne du serveur.' } });
    expect(result.body).not.toContain('desk-prod-secret');
    expect(logError).toHaveBeenCalledTimes(1);
    const logged = logError.mock.calls[0] ?? [];
    expect((logged[1] as { error: Error }).error.message).toBe('table desk-prod-secret is unreachable');
    expect(JSON.stringify(logged)).not.toContain('Madame Martin');
  });

  it('treats a bare ZodError from a route as a fault of ours (500), since request input goes through parseBody/parseQuery', async () => {
    // Prepare
    const handler = apiHandler([
      {
        method: 'GET',
        path: '/api/tickets',
        handler: async () => z.object({ pk: z.string() }).parse({}) as never,
      },
    ]);

    // Act
    const result = await handler(apiEvent('GET', '/api/tickets'), context);

    // Assess
    expect(result.statusCode).toBe(500);
    expect(logError).toHaveBeenCalledTimes(1);
  });

  it('answers 404 in French JSON for a route the API does not have', async () => {
    // Prepare
    const handler = apiHandler([{ method: 'GET', path: '/api/tickets', handler: async () => json(200, {}) }]);

    // Act
    const result = await handler(apiEvent('DELETE', '/api/tickets'), context);

    // Assess
    expect(result.statusCode).toBe(404);
    expect(bodyOf(result)).toEqual({
      error: { code: 'route_not_found', message: "Cette route n'existe pas dans l'API." },
    });
  });

  it('adds the security headers to successes and to refusals alike', async () => {
    // Prepare
    const handler = apiHandler([
      { method: 'GET', path: '/api/ok', handler: async () => json(200, { ok: true }) },
      {
        method: 'GET',
        path: '/api/refused',
        handler: async () => {
          throw new ForbiddenError();
        },
      },
    ]);

    // Act
    const ok = await handler(apiEvent('GET', '/api/ok'), context);
    const refused = await handler(apiEvent('GET', '/api/refused'), context);

    // Assess
    for (const result of [ok, refused]) {
      expect(result.headers?.['X-Content-Type-Options']).toBe('nosniff');
      expect(result.headers?.['Strict-Transport-Security']).toMatch(/^max-age=/);
      expect(Object.values(result.headers ?? {})).not.toContain(undefined);
      expect(result.headers).not.toHaveProperty('Server');
      expect(result.headers).not.toHaveProperty('Reporting-Endpoints');
    }
    expect(ok.headers?.['Cache-Control']).toBe('no-store');
  });
});

describe('request parsing', () => {
  const NoteBody = z.object({ text: z.string().min(1), email: z.email() });

  function echoBodyHandler() {
    const routes: ApiRoute[] = [
      {
        method: 'POST',
        path: '/api/notes',
        handler: async (event) => json(201, parseBody(NoteBody, event)),
      },
      {
        method: 'POST',
        path: '/api/directory/import',
        handler: async (event) => json(200, { received: event.body }),
      },
    ];
    return apiHandler(routes);
  }

  it('hands a valid JSON body to the route, parsed', async () => {
    // Prepare
    const handler = echoBodyHandler();
    const event = apiEvent('POST', '/api/notes', {
      body: JSON.stringify({ text: 'Rappel', email: 'ce.0211234c@ac-dijon.fr' }),
      contentType: 'application/json',
    });

    // Act
    const result = await handler(event, context);

    // Assess
    expect(result.statusCode).toBe(201);
    expect(bodyOf(result)).toEqual({ text: 'Rappel', email: 'ce.0211234c@ac-dijon.fr' });
  });

  it('answers 400 with French details when parseBody refuses the body', async () => {
    // Prepare
    const handler = echoBodyHandler();
    const event = apiEvent('POST', '/api/notes', {
      body: JSON.stringify({ text: '', email: 'pas-une-adresse' }),
      contentType: 'application/json',
    });

    // Act
    const result = await handler(event, context);

    // Assess
    expect(result.statusCode).toBe(400);
    const { error } = bodyOf(result) as {
      error: { code: string; message: string; details: Array<{ path: string; message: string }> };
    };
    expect(error.code).toBe('invalid_body');
    expect(error.message).toMatch(/^Corps de la requête invalide/);
    expect(error.details.map((detail) => detail.path)).toEqual(['text', 'email']);
    expect(error.details[1]?.message).toMatch(/invalide/);
    expect(result.body).not.toContain('pas-une-adresse');
  });

  it('sums the reasons up in one sentence, ended by one period even when a reason is a sentence', async () => {
    // Prepare
    const Sentences = z.object({ key: z.string().min(8, { error: 'La clé compte 8 caractères au moins.' }) });
    const handler = apiHandler([
      {
        method: 'POST',
        path: '/api/notes',
        handler: async (event) => json(201, parseBody(Sentences, event)),
      },
    ]);
    const event = apiEvent('POST', '/api/notes', { body: '{"key":"x"}', contentType: 'application/json' });

    // Act
    const result = await handler(event, context);

    // Assess
    const { error } = bodyOf(result) as { error: { message: string } };
    expect(error.message).toBe(
      'Corps de la requête invalide : « key » : La clé compte 8 caractères au moins.',
    );
  });

  it('answers 400 when a JSON body is missing', async () => {
    // Prepare
    const handler = echoBodyHandler();

    // Act
    const result = await handler(apiEvent('POST', '/api/notes'), context);

    // Assess
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result)).toEqual({
      error: { code: 'missing_body', message: 'Le corps de la requête est vide.' },
    });
  });

  it('answers 400 in French for malformed JSON, without quoting it', async () => {
    // Prepare
    const handler = echoBodyHandler();
    const event = apiEvent('POST', '/api/notes', {
      body: '{"text": "Madame',
      contentType: 'application/json',
    });

    // Act
    const result = await handler(event, context);

    // Assess
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result)).toEqual({
      error: { code: 'invalid_json', message: "Le corps de la requête n'est pas un JSON valide." },
    });
  });

  it('leaves a CSV body as text for the route', async () => {
    // Prepare
    const handler = echoBodyHandler();
    const csv = 'uai;ecole\n0211234C;École du Centre\n';
    const event = apiEvent('POST', '/api/directory/import', { body: csv, contentType: 'text/csv' });

    // Act
    const result = await handler(event, context);

    // Assess
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual({ received: csv });
  });

  it('refuses a non-JSON body where the route expects JSON', async () => {
    // Prepare
    const handler = echoBodyHandler();
    const event = apiEvent('POST', '/api/notes', { body: 'text=Rappel', contentType: 'text/plain' });

    // Act
    const result = await handler(event, context);

    // Assess
    expect(result.statusCode).toBe(400);
    expect((bodyOf(result) as { error: { code: string } }).error.code).toBe('expected_json');
  });

  it('answers 400 when the query string fails parseQuery, and parses a good one', async () => {
    // Prepare
    const Query = z.object({
      outcome: z.enum(['ticket_created', 'no_keyword']).optional(),
      limit: z.coerce.number().int().min(1).max(100).default(50),
    });
    const handler = apiHandler([
      { method: 'GET', path: '/api/intake', handler: async (event) => json(200, parseQuery(Query, event)) },
    ]);

    // Act
    const bad = await handler(
      apiEvent('GET', '/api/intake', { query: { outcome: 'nope', limit: 'abc' } }),
      context,
    );
    const good = await handler(apiEvent('GET', '/api/intake', { query: { outcome: 'no_keyword' } }), context);

    // Assess
    expect(bad.statusCode).toBe(400);
    const { error } = bodyOf(bad) as { error: { code: string; details: Array<{ path: string }> } };
    expect(error.code).toBe('invalid_query');
    expect(error.details.map((detail) => detail.path).sort()).toEqual(['limit', 'outcome']);
    expect(bodyOf(good)).toEqual({ outcome: 'no_keyword', limit: 50 });
  });

  it('hands path parameters to parsePath', async () => {
    // Prepare
    const Path = z.object({ number: z.string().regex(/^LSUN-\d{4}-\d{5}$/) });
    const handler = apiHandler([
      {
        method: 'GET',
        path: '/api/tickets/{number}',
        handler: async (event) => json(200, parsePath(Path, event)),
      },
    ]);

    // Act
    const good = await handler(apiEvent('GET', '/api/tickets/LSUN-2026-00042'), context);
    const bad = await handler(apiEvent('GET', '/api/tickets/42'), context);

    // Assess
    expect(bodyOf(good)).toEqual({ number: 'LSUN-2026-00042' });
    expect(bad.statusCode).toBe(400);
    expect((bodyOf(bad) as { error: { code: string } }).error.code).toBe('invalid_path');
  });
});
