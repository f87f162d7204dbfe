/**
 * The local sign-in routes (`local/console-auth.ts`) and the console's security headers, without
 * a browser: what the console's sign-in page relies on, and what it must refuse.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleLocalRoutes, consoleStaticHeaders, DEMO_ACCOUNTS } from '#local/console-auth.ts';
import { verifyToken } from '#local/jwt.ts';
import { consoleSecurityHeaders } from '../../console/security-headers.ts';

let server: Server;
let url: string;
let keyDir: string;
let keyPath: string;

beforeAll(async () => {
  keyDir = mkdtempSync(path.join(tmpdir(), 'lsun-local-sign-in-'));
  keyPath = path.join(keyDir, 'key.json');
  const local = consoleLocalRoutes({ keyPath });
  server = createServer((req, res) => {
    void local(req, res).then((answered) => {
      if (answered) return;
      res.statusCode = 418;
      res.end('not mine');
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((done) => server?.close(done));
  rmSync(keyDir, { recursive: true, force: true });
});

const signIn = (body: string, contentType = 'application/json') =>
  fetch(`${url}/local-idp/token`, { method: 'POST', headers: { 'content-type': contentType }, body });

describe('the local sign-in', () => {
  it('tells the console to sign in locally, with a demo account of each group', async () => {
    const response = await fetch(`${url}/config.json`);
    const config = (await response.json()) as {
      auth: { kind: string; accounts: Array<{ group: string }> };
      apiUrl: string;
    };
    expect(response.status).toBe(200);
    expect(config.auth.kind).toBe('local');
    expect(config.apiUrl).toBe('');
    expect(new Set(config.auth.accounts.map((account) => account.group))).toEqual(
      new Set(['agent', 'admin']),
    );
  });

  it('issues a token for a demo account that the local identity provider accepts, in its group only', async () => {
    const response = await signIn(JSON.stringify({ email: 'admin@ac-dijon.fr', group: 'admin' }));
    const { token } = (await response.json()) as { token: string };
    const claims = await verifyToken(token, { keyPath });
    expect(claims.email).toBe('admin@ac-dijon.fr');
    expect(claims['cognito:groups']).toEqual(['admin']);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses an account that is not a demo account, or a demo account in another group, in French', async () => {
    const stranger = await signIn(JSON.stringify({ email: 'intrus@example.org', group: 'admin' }));
    const promoted = await signIn(JSON.stringify({ email: 'agent@ac-dijon.fr', group: 'admin' }));
    expect(stranger.status).toBe(400);
    expect(promoted.status).toBe(400);
    expect(await promoted.json()).toMatchObject({
      error: { code: 'unknown_account', message: expect.stringMatching(/démonstration/) },
    });
  });

  it('refuses a body that is not JSON, which another site could post without a CORS preflight', async () => {
    const form = await signIn('email=admin%40ac-dijon.fr&group=admin', 'application/x-www-form-urlencoded');
    const text = await signIn(JSON.stringify({ email: 'admin@ac-dijon.fr', group: 'admin' }), 'text/plain');
    expect(form.status).toBe(415);
    expect(text.status).toBe(415);
    expect(form.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('leaves every other path to the front', async () => {
    const response = await fetch(`${url}/tickets`);
    expect(response.status).toBe(418);
    expect(DEMO_ACCOUNTS.length).toBeGreaterThanOrEqual(2);
  });
});

describe('the console’s security headers', () => {
  it('allow no inline script nor eval, and only the two inline styles react-dsfr writes', () => {
    const csp = consoleStaticHeaders['content-security-policy'] ?? '';
    const hash = (css: string) => `'sha256-${createHash('sha256').update(css).digest('base64')}'`;
    expect(csp).toMatch(/script-src 'self';/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toContain(hash(':root { color-scheme: light; }'));
    expect(csp).toContain(hash(':root { color-scheme: dark; }'));
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(consoleStaticHeaders['strict-transport-security']).toBeUndefined();
  });

  it('let the console reach the API and Cognito of a deployment, over HTTPS only', () => {
    const headers = consoleSecurityHeaders({
      apiOrigin: 'https://abc.execute-api.eu-west-1.amazonaws.com',
      authOrigin: 'https://lsun.auth.eu-west-1.amazoncognito.com',
      https: true,
    });
    expect(headers['content-security-policy']).toContain(
      "connect-src 'self' https://abc.execute-api.eu-west-1.amazonaws.com https://lsun.auth.eu-west-1.amazoncognito.com",
    );
    expect(headers['content-security-policy']).toContain('upgrade-insecure-requests');
    expect(headers['strict-transport-security']).toMatch(/^max-age=\d+/);
  });
});
