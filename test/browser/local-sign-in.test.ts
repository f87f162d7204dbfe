/**
 * Signing in to the console. Without a browser: the local sign-in routes (`local/console-auth.ts`)
 * and the console's security headers, what the sign-in page relies on and what it must refuse.
 * In Chromium: the local sign-in page in French, the token kept in memory only, the API called
 * on the console's own origin; and the Cognito path (managed login in French, PKCE), with
 * Cognito played by the test, since this machine cannot reach it.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleLocalRoutes, consoleStaticHeaders, DEMO_ACCOUNTS } from '#local/console-auth.ts';
import { issueToken, verifyToken } from '#local/jwt.ts';
import { consoleSecurityHeaders } from '../../console/security-headers.ts';
import { cspViolations, type PageGlobals, signIn as signInAs } from './support/browser.ts';
import { type ConsoleSession, openConsoleSession } from './support/desk.ts';

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

  it('let the console reach its own origin and Cognito of a deployment only, over HTTPS only', () => {
    const headers = consoleSecurityHeaders({
      authOrigin: 'https://lsun.auth.eu-west-1.amazoncognito.com',
      https: true,
    });
    expect(headers['content-security-policy']).toContain(
      "connect-src 'self' https://lsun.auth.eu-west-1.amazoncognito.com;",
    );
    expect(headers['content-security-policy']).not.toContain('execute-api');
    expect(headers['content-security-policy']).toContain('upgrade-insecure-requests');
    expect(headers['strict-transport-security']).toMatch(/^max-age=\d+/);
  });

  it('let the local console reach its own origin only', () => {
    expect(consoleStaticHeaders['content-security-policy']).toContain("connect-src 'self';");
  });
});

describe('signing in, in a browser', () => {
  let session: ConsoleSession;
  const jwt = /eyJ[\w-]+\.[\w-]+\.[\w-]*/;
  /** The English a sign-in page would betray itself with (the console is in French only). */
  const english =
    /\b(sign ?in|sign ?out|log ?in|password|username|loading|error|submit|cancel|please|the|your)\b/i;

  beforeAll(async () => {
    session = await openConsoleSession();
  });

  afterAll(async () => {
    await session?.close();
  });

  /** What the page keeps where a script could read it later: both storages and its cookies. */
  async function kept(page: Page): Promise<{ local: string[]; session: string[]; cookie: string }> {
    return page.evaluate(() => {
      const browser = globalThis as unknown as PageGlobals & { document: { cookie: string } };
      const entries = (storage: Record<string, string>) =>
        Object.keys(storage).map((key) => `${key}=${storage[key]}`);
      return {
        local: entries(browser.localStorage),
        session: entries(browser.sessionStorage),
        cookie: browser.document.cookie,
      };
    });
  }

  it('shows the sign-in page in French, then keeps the token in memory only and calls the API on its own origin', async () => {
    // Prepare
    const { page, desk } = session;
    const requested: URL[] = [];
    page.on('request', (request) => requested.push(new URL(request.url())));

    // Act
    await page.goto(`${desk.url}/connexion`);
    await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
    const lang = await page.getAttribute('html', 'lang');
    const signInText = (await page.locator('body').textContent()) ?? '';
    await signInAs(page, desk.url, 'agent@ac-dijon.fr');
    const afterSignIn = await kept(page);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();

    // Assess
    expect(lang).toBe('fr');
    expect(signInText).not.toMatch(english);
    // The DSFR's colour scheme is all the page keeps; no token anywhere.
    expect(afterSignIn.local.filter((entry) => !entry.startsWith('scheme'))).toEqual([]);
    expect(afterSignIn.local.filter((entry) => jwt.test(entry))).toEqual([]);
    expect(afterSignIn.session.filter((entry) => jwt.test(entry))).toEqual([]);
    expect(afterSignIn.cookie).not.toMatch(jwt);
    // One origin: every request of the page, the API's included, went to the console's own.
    expect(new Set(requested.map((url) => url.origin))).toEqual(new Set([new URL(desk.url).origin]));
    expect(requested.some((url) => url.pathname.startsWith('/api/'))).toBe(true);
    // A reload forgets the session: nothing was kept to sign in again with.
    expect(new URL(page.url()).pathname).toBe('/connexion');
  });

  it('signs in through Cognito’s managed login in French with PKCE, and keeps no token in storage', async () => {
    // Prepare: the console configured for Cognito, with Cognito played by the test.
    const { desk } = session;
    const cognito = 'https://lsun.auth.eu-west-1.amazoncognito.com';
    const page = await session.browser.context.newPage();
    const token = await issueToken(
      { email: 'agent@ac-dijon.fr', groups: ['agent'] },
      { keyPath: desk.jwtKeyPath },
    );
    let authorize: URL | undefined;
    let tokenForm: URLSearchParams | undefined;
    let logout: URL | undefined;
    // Cognito's answer sends the browser back; a page rather than a 302, as Playwright routes
    // only the first request of a redirect and the console's page must get its CSP here too.
    const sendBack = (to: string) =>
      `<!doctype html><meta http-equiv="refresh" content="0;url=${to.replaceAll('&', '&amp;').replaceAll('"', '&quot;')}">`;
    // The console's pages get the CSP they get in AWS: connect-src 'self' plus Cognito.
    const deskOrigin = new URL(desk.url).origin;
    await page.route(
      (url) => url.origin === deskOrigin,
      async (route) => {
        if (route.request().resourceType() !== 'document') return route.fallback();
        const response = await route.fetch();
        const csp = consoleSecurityHeaders({ authOrigin: cognito })['content-security-policy'] ?? '';
        return route.fulfill({
          response,
          headers: { ...response.headers(), 'content-security-policy': csp },
        });
      },
    );
    await page.route(`${desk.url}/config.json`, (route) =>
      route.fulfill({
        json: {
          apiUrl: '',
          auth: {
            kind: 'cognito',
            domain: cognito,
            clientId: 'console-client',
            scopes: ['openid', 'email', 'profile'],
            redirectPath: '/connexion/retour',
            logoutPath: '/connexion',
          },
        },
      }),
    );
    await page.route(`${cognito}/**`, (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === '/oauth2/authorize') {
        authorize = url;
        const back = `${desk.url}/connexion/retour?code=code-42&state=${url.searchParams.get('state') ?? ''}`;
        return route.fulfill({ contentType: 'text/html', body: sendBack(back) });
      }
      if (url.pathname === '/oauth2/token') {
        tokenForm = new URLSearchParams(route.request().postData() ?? '');
        return route.fulfill({
          json: { id_token: token, access_token: token, expires_in: 3600, token_type: 'Bearer' },
          headers: { 'access-control-allow-origin': desk.url },
        });
      }
      if (url.pathname === '/logout') {
        logout = url;
        return route.fulfill({
          contentType: 'text/html',
          body: sendBack(url.searchParams.get('logout_uri') ?? '/'),
        });
      }
      return route.fulfill({ status: 404 });
    });

    // Act
    await page.goto(`${desk.url}/connexion`);
    await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
    const signInText = (await page.locator('body').textContent()) ?? '';
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('button', { name: 'Se déconnecter' }).first().waitFor();
    const afterSignIn = await kept(page);
    await page.getByRole('button', { name: 'Se déconnecter' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
    const violations = await cspViolations(page);
    await page.close();

    // Assess: French, an S256 challenge of the very verifier sent with the code.
    expect(signInText).not.toMatch(english);
    expect(authorize?.searchParams.get('lang')).toBe('fr');
    expect(authorize?.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize?.searchParams.get('redirect_uri')).toBe(`${desk.url}/connexion/retour`);
    expect(tokenForm?.get('grant_type')).toBe('authorization_code');
    expect(tokenForm?.get('code')).toBe('code-42');
    const verifier = tokenForm?.get('code_verifier') ?? '';
    expect(verifier.length).toBeGreaterThanOrEqual(43);
    expect(authorize?.searchParams.get('code_challenge')).toBe(
      createHash('sha256').update(verifier).digest('base64url'),
    );
    // No token kept, and not even the single-use verifier once it served.
    expect(afterSignIn.local.filter((entry) => !entry.startsWith('scheme'))).toEqual([]);
    expect(afterSignIn.session).toEqual([]);
    expect(afterSignIn.cookie).not.toMatch(jwt);
    expect(logout?.searchParams.get('lang')).toBe('fr');
    expect(logout?.searchParams.get('logout_uri')).toBe(`${desk.url}/connexion`);
    expect(violations).toEqual([]);
  });
});
