/**
 * Who may call what, for every route the contract declares, through the local HTTP front (which
 * checks tokens as API Gateway's JWT authorizer does) and the real `api` function: no token, an
 * expired token and a forged one are refused by the front (401); a signed-in person outside the
 * group a route declares is refused by the router (403); one inside it gets past both, whatever
 * the route then answers to the plausible request made.
 *
 * The routes walked are read from the declarations, so a route added to the contract is walked
 * without touching this file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueClientToken, issueToken, LOCAL_PORTAL_CLIENT_ID } from '#local/jwt.ts';
import { type RouteKey, routes } from '#shared/api/contract.ts';
import { type Access, isFileBody, routeLine } from '#shared/api/declaration.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let foreignKeyDir: string;
const tokens: Record<'expired' | 'forged' | 'noGroup' | 'agent' | 'admin' | 'portal', string> = {
  portal: '',
  expired: '',
  forged: '',
  noGroup: '',
  agent: '',
  admin: '',
};

/** Plausible path parameters: well formed, naming nothing that exists (or something harmless). */
function filled(key: RouteKey): string {
  const { path: template } = routeLine(key);
  const values: Record<string, string> = {
    number: 'LSUN-2026-00001',
    id: key.includes('/directors/')
      ? 'personne@ac-dijon.fr'
      : key.includes('/articles/')
        ? '999999'
        : 'message-1',
    index: '0',
    sesMessageId: 'ses-message-1',
    uai: '0211234C',
  };
  return template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? 'x'));
}

/**
 * The request for a route as an allowed caller would make it: an empty JSON object for a JSON
 * body (a 400 at worst), a one-line CSV for a file (a dry run: nothing is written).
 */
function requestFor(key: RouteKey, token: string | undefined): RequestInit {
  const declaration = routes[key];
  const { method } = routeLine(key);
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  if (!('body' in declaration)) return { method, headers };
  if (isFileBody(declaration.body)) {
    return {
      method,
      headers: { ...headers, 'content-type': 'text/csv' },
      body: 'uai;ecole;commune;circonscription;departement;civilite;nom;prenom;email\n',
    };
  }
  return { method, headers: { ...headers, 'content-type': 'application/json' }, body: '{}' };
}

/**
 * The status of the route's answer; a 404 of the router itself (no such route, a path the
 * declaration does not match) reads `route_not_found`, which no admitted caller may get.
 */
async function statusOf(key: RouteKey, token: string | undefined): Promise<number | 'route_not_found'> {
  const response = await fetch(`${stack.desk.httpUrl}${filled(key)}`, requestFor(key, token));
  const text = await response.text();
  if (response.status === 404 && text.includes('"route_not_found"')) return 'route_not_found';
  return response.status;
}

/** Whether a caller of these groups may call a route declared for `group`. */
function allowed(group: Access, groups: Array<'agent' | 'admin'>): boolean {
  if (group === 'public') return true;
  if (group === 'portal') return false;
  return groups.includes('admin') || groups.includes(group);
}

/** What an admitted caller may get back: a success, or a refusal of the request itself. */
const ADMITTED = [200, 201, 202, 400, 404, 409];

beforeAll(async () => {
  stack = await startTestStack();
  foreignKeyDir = mkdtempSync(path.join(tmpdir(), 'lsun-foreign-'));
  tokens.agent = await stack.token('agent@ac-dijon.fr', ['agent']);
  tokens.admin = await stack.token('admin@ac-dijon.fr', ['admin']);
  tokens.noGroup = await stack.token('visiteur@ac-dijon.fr', []);
  tokens.portal = await issueClientToken(
    { clientId: LOCAL_PORTAL_CLIENT_ID, scopes: ['lsun/portal.write'] },
    { keyPath: stack.jwtKeyPath },
  );
  tokens.expired = await issueToken(
    { email: 'admin@ac-dijon.fr', groups: ['admin'], issuedAt: Math.floor(Date.now() / 1000) - 7200 },
    { keyPath: stack.jwtKeyPath },
  );
  // An admin's token, well formed and unexpired, signed by a key the desk does not trust.
  tokens.forged = await issueToken(
    { email: 'admin@ac-dijon.fr', groups: ['admin'] },
    { keyPath: path.join(foreignKeyDir, 'key.json') },
  );
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  if (foreignKeyDir) rmSync(foreignKeyDir, { recursive: true, force: true });
});

const declared = (Object.keys(routes) as RouteKey[]).map((key) => [key, routes[key].group] as const);

describe('every declared route, as each caller', () => {
  it('declares every route once, and only the health check and the public article search as public', () => {
    expect(declared.filter(([, group]) => group === 'public').map(([key]) => key)).toEqual([
      'GET /api/health',
      'GET /api/public/articles',
    ]);
  });

  it.each(declared)(
    '%s (%s): 401 without a token, with an expired one, with a forged one',
    async (key, group) => {
      // Act
      const statuses = [
        await statusOf(key, undefined),
        await statusOf(key, tokens.expired),
        await statusOf(key, tokens.forged),
      ];

      // Assess
      if (group === 'public') {
        for (const status of statuses) expect(ADMITTED).toContain(status);
      } else {
        expect(statuses).toEqual([401, 401, 401]);
      }
    },
  );

  it.each(declared)('%s (%s): 403 exactly to the callers outside the declared group', async (key, group) => {
    // Act
    const statuses = {
      noGroup: await statusOf(key, tokens.noGroup),
      agent: await statusOf(key, tokens.agent),
      admin: await statusOf(key, tokens.admin),
    };

    // Assess
    const callers = { noGroup: [], agent: ['agent'], admin: ['admin'] } as const;
    for (const [caller, groups] of Object.entries(callers)) {
      const status = statuses[caller as keyof typeof statuses];
      if (allowed(group, [...groups])) expect(ADMITTED, `${caller}: ${status}`).toContain(status);
      else expect(status, caller).toBe(403);
    }
  });

  it.each(declared)("%s (%s): the portal's token opens its own routes only", async (key, group) => {
    // Act
    const status = await statusOf(key, tokens.portal);

    // Assess: on a staff route the staff authorizer does not know the portal's client (401)
    if (group === 'portal' || group === 'public') expect(ADMITTED).toContain(status);
    else expect(status).toBe(401);
  });
});
