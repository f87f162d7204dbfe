import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type HttpFront, MAX_BODY_BYTES, startHttpFront } from '#local/http-front.ts';
import { issueToken, verifyToken } from '#local/jwt.ts';
import { authorize, callerOf } from '#shared/http/auth.ts';
import { apiHandler, json, parseBody } from '#shared/http/middleware.ts';

let dir: string;
let keyPath: string;
let front: HttpFront;
let bare: HttpFront;
let chained: HttpFront;
const received: APIGatewayProxyEventV2WithJWTAuthorizer[] = [];

/** A stand-in for the `api` function: it answers with the event it got, or with what the path asks for. */
async function echoHandler(
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
): Promise<APIGatewayProxyStructuredResultV2> {
  received.push(event);
  if (event.rawPath === '/api/fail') throw new Error('boom');
  if (event.rawPath === '/api/binary') {
    return {
      statusCode: 200,
      headers: { 'Content-Type': 'application/octet-stream', 'X-Undefined': undefined as unknown as string },
      body: Buffer.from([0, 1, 2, 255]).toString('base64'),
      isBase64Encoded: true,
      cookies: ['a=1; Path=/', 'b=2; Path=/'],
    };
  }
  return { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(event) };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lsun-front-'));
  keyPath = join(dir, 'key', 'local-jwt-key.json');
  const staticDir = join(dir, 'console');
  await mkdir(join(staticDir, 'assets'), { recursive: true });
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Console</title>');
  await writeFile(join(staticDir, 'assets', 'app.js'), 'console.log("console");');
  await writeFile(join(dir, 'secret.txt'), 'outside the console');
  await writeFile(join(staticDir, '.env'), 'SECRET=1');
  const verify = (token: string) => verifyToken(token, { keyPath });
  front = await startHttpFront({
    port: 0,
    apiHandler: echoHandler,
    verify,
    staticDir,
    staticHeaders: { 'content-security-policy': "default-src 'self'" },
    log: () => undefined,
  });
  bare = await startHttpFront({ port: 0, apiHandler: echoHandler, verify, log: () => undefined });
  // The shared middy chain behind the front: the pair `npm start` runs.
  chained = await startHttpFront({
    port: 0,
    verify,
    apiHandler: apiHandler([
      { method: 'GET', path: '/api/health', handler: async () => json(200, { status: 'ok' }) },
      { method: 'GET', path: '/api/whoami', handler: async (event) => json(200, authorize(event, 'agent')) },
      {
        method: 'POST',
        path: '/api/directory/entries',
        handler: async (event) => {
          authorize(event, 'admin');
          return json(201, parseBody(z.object({ email: z.email() }), event));
        },
      },
    ]),
  });
});

afterAll(async () => {
  await front?.stop();
  await bare?.stop();
  await chained?.stop();
  await rm(dir, { recursive: true, force: true });
});

const tokenFor = (groups: Array<'agent' | 'admin'>, extra: { issuedAt?: number } = {}) =>
  issueToken({ email: 'Agent@ac-dijon.fr', groups, ...extra }, { keyPath });

/** A GET whose path is sent exactly as written (fetch would normalise `..` away). */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((done, fail) => {
    const request = httpRequest({ hostname, port, path }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => done({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', fail);
    request.end();
  });
}

async function echoed(response: Response): Promise<APIGatewayProxyEventV2WithJWTAuthorizer> {
  expect(response.status).toBe(200);
  return (await response.json()) as APIGatewayProxyEventV2WithJWTAuthorizer;
}

describe('the local HTTP front, as API Gateway', () => {
  it('answers 401 in JSON without a token, and does not call the function', async () => {
    // Prepare
    const before = received.length;

    // Act
    const response = await fetch(`${front.url}/api/tickets`);

    // Assess
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
    expect(received.length).toBe(before);
  });

  it('answers 401 to a token signed by another key', async () => {
    // Prepare
    const foreign = await issueToken(
      { email: 'agent@ac-dijon.fr', groups: ['admin'] },
      { keyPath: join(dir, 'other', 'key.json') },
    );

    // Act
    const response = await fetch(`${front.url}/api/tickets`, {
      headers: { authorization: `Bearer ${foreign}` },
    });

    // Assess
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
  });

  it('answers 401 to an expired token and says why in WWW-Authenticate', async () => {
    // Prepare
    const expired = await tokenFor(['admin'], { issuedAt: Math.floor(Date.now() / 1000) - 7200 });

    // Act
    const response = await fetch(`${front.url}/api/tickets`, {
      headers: { authorization: `Bearer ${expired}` },
    });

    // Assess
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
    expect(response.headers.get('www-authenticate')).toContain('the token has expired');
  });

  it('hands a good request to the function as a payload 2.0 event, claims shaped as API Gateway shapes them', async () => {
    // Prepare
    const token = await tokenFor(['admin', 'agent']);

    // Act
    const response = await fetch(
      `${front.url}/api/intake?outcome=no_keyword&outcome=not_director&q=%C3%A9cole`,
      {
        headers: { Authorization: `Bearer ${token}`, 'X-Custom': 'Un', cookie: 'session=abc; theme=dsfr' },
      },
    );
    const event = await echoed(response);

    // Assess
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'ANY /api/{proxy+}',
      rawPath: '/api/intake',
      rawQueryString: 'outcome=no_keyword&outcome=not_director&q=%C3%A9cole',
      queryStringParameters: { outcome: 'no_keyword,not_director', q: 'école' },
      pathParameters: { proxy: 'intake' },
      cookies: ['session=abc', 'theme=dsfr'],
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'GET', path: '/api/intake', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' },
        routeKey: 'ANY /api/{proxy+}',
        stage: '$default',
      },
    });
    expect(event.headers['x-custom']).toBe('Un');
    expect(event.headers.authorization).toBe(`Bearer ${token}`);
    expect(event.headers.cookie).toBeUndefined();
    expect(event.body).toBeUndefined();
    expect(event.requestContext.requestId).toBe(response.headers.get('apigw-requestid'));
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    const { claims, scopes } = event.requestContext.authorizer.jwt;
    expect(claims['cognito:groups']).toBe('[admin agent]');
    expect(claims.email).toBe('agent@ac-dijon.fr');
    expect(claims.token_use).toBe('id');
    expect(claims.email_verified).toBe('true');
    expect(typeof claims.exp).toBe('string');
    expect(scopes).toBeNull();
    expect(callerOf(event)).toEqual({
      subject: claims.sub,
      email: 'agent@ac-dijon.fr',
      groups: ['agent', 'admin'],
    });
  });

  it('accepts the token without the Bearer prefix, as API Gateway does', async () => {
    // Prepare
    const token = await tokenFor(['agent']);

    // Act
    const response = await fetch(`${front.url}/api/tickets/LSUN-2026-00042`, {
      headers: { authorization: token },
    });

    // Assess
    const event = await echoed(response);
    expect(event.pathParameters).toEqual({ proxy: 'tickets/LSUN-2026-00042' });
  });

  it('answers the health route without a token, with no authorizer in the event', async () => {
    // Act
    const response = await fetch(`${front.url}/api/health`);

    // Assess
    const event = await echoed(response);
    expect(event.routeKey).toBe('GET /api/health');
    expect(event.requestContext.authorizer).toBeUndefined();
  });

  it('passes a CSV body as text and a binary body as base64', async () => {
    // Prepare
    const token = await tokenFor(['admin']);
    const csv = 'uai;ecole\n0211234C;École du Centre\n';
    const bytes = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0xff]);

    // Act
    const asCsv = await echoed(
      await fetch(`${front.url}/api/directory/import?apply=true`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv; charset=utf-8' },
        body: csv,
      }),
    );
    const asBinary = await echoed(
      await fetch(`${front.url}/api/directory/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
        body: bytes,
      }),
    );

    // Assess
    expect(asCsv.body).toBe(csv);
    expect(asCsv.isBase64Encoded).toBe(false);
    expect(asBinary.isBase64Encoded).toBe(true);
    expect(Buffer.from(asBinary.body ?? '', 'base64')).toEqual(bytes);
  });

  it('writes a base64 result as bytes, with its cookies, and drops undefined headers', async () => {
    // Prepare
    const token = await tokenFor(['agent']);

    // Act
    const response = await fetch(`${front.url}/api/binary`, {
      headers: { authorization: `Bearer ${token}` },
    });

    // Assess
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(response.headers.has('x-undefined')).toBe(false);
  });

  it('answers a bare 500 when the function fails', async () => {
    // Prepare
    const token = await tokenFor(['agent']);

    // Act
    const response = await fetch(`${front.url}/api/fail`, { headers: { authorization: `Bearer ${token}` } });

    // Assess
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ message: 'Internal Server Error' });
  });

  it('answers 413 to a body over 10 MB, declared or streamed, without calling the function', async () => {
    // Prepare
    const token = await tokenFor(['admin']);
    const before = received.length;
    const tooBig = Buffer.alloc(MAX_BODY_BYTES + 1, 0x61);
    const chunks = [tooBig.subarray(0, MAX_BODY_BYTES / 2), tooBig.subarray(MAX_BODY_BYTES / 2)];
    const streamed = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(next);
      },
    });

    // Act
    const declared = await fetch(`${front.url}/api/directory/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: tooBig,
    });
    const chunked = await fetch(`${front.url}/api/directory/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: streamed,
      duplex: 'half',
    } as RequestInit);

    // Assess
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ message: 'Request Entity Too Large' });
    expect(chunked.status).toBe(413);
    expect(received.length).toBe(before);
  });

  it('accepts a body of exactly 10 MB', async () => {
    // Prepare
    const token = await tokenFor(['admin']);
    const limit = Buffer.alloc(MAX_BODY_BYTES, 0x61);

    // Act
    const response = await fetch(`${front.url}/api/directory/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: limit,
    });

    // Assess
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    expect(received.at(-1)?.body?.length).toBe(MAX_BODY_BYTES);
  });
});

describe('the local HTTP front, as the console host', () => {
  it('serves the console files with their type and the given headers', async () => {
    // Act
    const response = await fetch(`${front.url}/assets/app.js`);

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(await response.text()).toBe('console.log("console");');
  });

  it('answers a client-side route with index.html, and a missing file with 404', async () => {
    // Act
    const route = await fetch(`${front.url}/tickets/LSUN-2026-00042`);
    const missing = await fetch(`${front.url}/assets/missing.js`);

    // Assess
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>Console</title>');
    expect(missing.status).toBe(404);
  });

  it('never serves a file outside the console folder, nor a hidden one', async () => {
    // Act
    const encoded = await fetch(`${front.url}/..%2Fsecret.txt`);
    const raw = await rawGet(front.url, '/../secret.txt');
    const dotfile = await fetch(`${front.url}/.env`);

    // Assess
    expect(encoded.status).toBe(404);
    expect(await encoded.text()).not.toContain('outside the console');
    expect(raw.status).toBe(404);
    expect(raw.body).not.toContain('outside the console');
    expect(dotfile.status).toBe(404);
  });

  it('answers 404 outside the API when there is no console to serve', async () => {
    // Act
    const response = await fetch(`${bare.url}/`);

    // Assess
    expect(response.status).toBe(404);
  });
});

describe('the local HTTP front with the shared middy chain', () => {
  it('lets an agent read, refuses them an admin route in French, and parses an admin JSON body', async () => {
    // Prepare
    const agent = await tokenFor(['agent']);
    const admin = await tokenFor(['admin']);
    const post = (token: string, body: string) =>
      fetch(`${chained.url}/api/directory/entries`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
      });

    // Act
    const whoami = await fetch(`${chained.url}/api/whoami`, {
      headers: { authorization: `Bearer ${agent}` },
    });
    const refused = await post(agent, JSON.stringify({ email: 'x@ac-dijon.fr' }));
    const created = await post(admin, JSON.stringify({ email: 'x@ac-dijon.fr' }));
    const invalid = await post(admin, JSON.stringify({ email: 'x' }));
    const health = await fetch(`${chained.url}/api/health`);
    const unknown = await fetch(`${chained.url}/api/nothing-here`, {
      headers: { authorization: `Bearer ${agent}` },
    });

    // Assess
    expect(await whoami.json()).toMatchObject({ email: 'agent@ac-dijon.fr', groups: ['agent'] });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await refused.json()).toEqual({
      error: { code: 'forbidden', message: "Vous n'avez pas les droits nécessaires pour cette action." },
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ email: 'x@ac-dijon.fr' });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { code: string } }).error.code).toBe('invalid_body');
    expect(health.status).toBe(200);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('route_not_found');
  });
});
