/**
 * The console's local sign-in, standing in for Cognito's managed login: `GET /config.json` tells
 * the console to sign in locally, and `POST /local-idp/token` `{ email, group }` answers
 * `{ token }`, an ID token from the local identity provider (`./jwt.ts`) for a demo account.
 *
 * Served only by the local front (`npm start`, the browser tests), never deployed: in AWS the
 * console's `/config.json` points at Cognito and this module does not exist there.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { consoleSecurityHeaders } from '../console/security-headers.ts';
import { issueToken, type LocalIdpOptions } from './jwt.ts';

/** A demo account offered on the local sign-in page. */
export type DemoAccount = { email: string; group: 'agent' | 'admin'; label: string };

/** One account per staff group, plus a second agent to assign tickets to. */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { email: 'agent@ac-dijon.fr', group: 'agent', label: 'Agent d’assistance' },
  { email: 'agent2@ac-dijon.fr', group: 'agent', label: 'Second agent d’assistance' },
  { email: 'admin@ac-dijon.fr', group: 'admin', label: 'Administrateur' },
];

/** The local console configuration (`/config.json`): same origin API, local sign-in. */
export function localConsoleConfig(): Record<string, unknown> {
  return {
    auth: { kind: 'local', tokenEndpoint: '/local-idp/token', accounts: DEMO_ACCOUNTS },
    apiUrl: '',
  };
}

const TokenBody = z.object({
  email: z.string().trim().toLowerCase(),
  group: z.enum(['agent', 'admin']),
});

/** Headers of the console's static files on the local front (no HTTPS on loopback). */
export const consoleStaticHeaders: Record<string, string> = consoleSecurityHeaders();

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = Buffer.from(JSON.stringify(body));
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('content-length', text.length);
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // A sign-in request is a few dozen bytes; anything large is not one.
    if (size > 4096) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/**
 * The local-only routes, for the local front to try before its static files: answers and
 * returns true for `/config.json` and `/local-idp/token`, returns false for anything else
 * (without reading the request).
 *
 * The token route wants a JSON body: a page of another origin cannot send one without a CORS
 * preflight, which this route never grants, so only the console itself can sign in with it.
 * Only the demo accounts can be signed in, each in its own group.
 */
export function consoleLocalRoutes(
  options: LocalIdpOptions = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/config.json' && (req.method === 'GET' || req.method === 'HEAD')) {
      req.resume();
      answer(res, 200, localConsoleConfig());
      return true;
    }
    if (path !== '/local-idp/token') return false;
    if (req.method !== 'POST') {
      req.resume();
      answer(res, 405, { error: { code: 'method_not_allowed', message: 'Méthode non autorisée.' } });
      return true;
    }
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      req.resume();
      answer(res, 415, {
        error: { code: 'unsupported_media_type', message: 'Envoyez une requête JSON.' },
      });
      return true;
    }
    let body: unknown;
    try {
      body = await readJson(req);
    } catch {
      answer(res, 400, { error: { code: 'invalid_json', message: "La requête n'est pas un JSON valide." } });
      return true;
    }
    const parsed = TokenBody.safeParse(body);
    const account = parsed.success
      ? DEMO_ACCOUNTS.find((demo) => demo.email === parsed.data.email && demo.group === parsed.data.group)
      : undefined;
    if (account === undefined) {
      answer(res, 400, {
        error: { code: 'unknown_account', message: 'Ce compte de démonstration n’existe pas.' },
      });
      return true;
    }
    const token = await issueToken({ email: account.email, groups: [account.group] }, options);
    answer(res, 200, { token });
    return true;
  };
}
