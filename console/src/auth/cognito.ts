/**
 * Sign-in with Cognito's managed login: OAuth 2.0 authorization code flow with PKCE (RFC 7636),
 * the flow for a browser app, which cannot keep a client secret. Every URL to Cognito carries
 * `lang=fr`: managed login then shows its pages in French (Cognito keeps the choice in a cookie
 * of its own domain, but asking each time costs nothing and survives a cleared cookie).
 *
 * 1. `startCognitoSignIn` makes a random verifier and state, keeps them in `sessionStorage`
 *    for the round trip (they are single-use and worthless once the code is exchanged; the
 *    tokens themselves never go there), and sends the browser to `/oauth2/authorize` with the
 *    verifier's SHA-256 as `code_challenge`.
 * 2. Cognito sends it back to the redirect path with `code` and `state`;
 *    `completeCognitoSignIn` checks the state, exchanges code + verifier at `/oauth2/token`,
 *    and keeps the tokens in memory. The ID token is the bearer the API's JWT authorizer
 *    checks (it carries `email` and `cognito:groups`); the refresh token stays in a closure to
 *    renew it.
 *
 * It cannot run on this machine (no Cognito); the local desk signs in with `./local.ts`.
 */
import * as z from 'zod';
import type { CognitoAuth } from '../config.ts';
import { expiryOf, type Session } from '../session.ts';
import { SignInError } from './local.ts';

const PENDING_KEY = 'lsun.pkce';

const Pending = z.object({ state: z.string(), verifier: z.string(), returnTo: z.string() });

const TokenAnswer = z.object({
  id_token: z.string(),
  access_token: z.string().optional(),
  refresh_token: z.string().optional(),
  expires_in: z.number().optional(),
  token_type: z.string().optional(),
});

/** Random bytes as base64url, the alphabet PKCE allows (RFC 7636 §4.1). */
function randomText(bytes: number): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** `BASE64URL(SHA256(verifier))`, the S256 challenge. */
export async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** The language of Cognito's managed login pages (`lang`, one of the codes Cognito offers). */
export const SIGN_IN_LANGUAGE = 'fr';

const redirectUri = (auth: CognitoAuth, origin: string) => new URL(auth.redirectPath, origin).toString();

/**
 * The managed login address that starts a sign-in: authorization code with the S256 PKCE
 * challenge, in French.
 * @param origin the console's own origin, where Cognito sends the code back.
 */
export function authorizeUrl(
  auth: CognitoAuth,
  origin: string,
  request: { state: string; challenge: string },
): string {
  const url = new URL('/oauth2/authorize', auth.domain);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: auth.clientId,
    redirect_uri: redirectUri(auth, origin),
    scope: auth.scopes.join(' '),
    state: request.state,
    code_challenge: request.challenge,
    code_challenge_method: 'S256',
    lang: SIGN_IN_LANGUAGE,
  }).toString();
  return url.toString();
}

/** Sends the browser to managed login. `returnTo` is the console page to come back to. */
export async function startCognitoSignIn(auth: CognitoAuth, returnTo: string): Promise<void> {
  // 32 random bytes give a 43-character verifier, the minimum length RFC 7636 allows.
  const verifier = randomText(32);
  const state = randomText(16);
  const safeReturn = returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/';
  // Only the single-use verifier and state, for the round trip; never a token.
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ state, verifier, returnTo: safeReturn }));
  window.location.assign(
    authorizeUrl(auth, window.location.origin, { state, challenge: await challengeOf(verifier) }),
  );
}

async function tokenRequest(
  auth: CognitoAuth,
  form: Record<string, string>,
): Promise<z.infer<typeof TokenAnswer>> {
  let response: Response;
  try {
    response = await fetch(new URL('/oauth2/token', auth.domain), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
      credentials: 'omit',
    });
  } catch (cause) {
    // The browser's own error (« Failed to fetch ») is English and says nothing to staff.
    throw new SignInError(
      'Le service d’authentification ne répond pas. Vérifiez la connexion et réessayez.',
      {
        cause,
      },
    );
  }
  const parsed = TokenAnswer.safeParse(await response.json().catch(() => undefined));
  if (!response.ok || !parsed.success)
    throw new SignInError('Le service d’authentification a refusé la connexion.');
  return parsed.data;
}

function sessionFrom(auth: CognitoAuth, answer: z.infer<typeof TokenAnswer>, refreshToken?: string): Session {
  const refresh = answer.refresh_token ?? refreshToken;
  return {
    token: answer.id_token,
    expiresAt: expiryOf(answer.id_token),
    ...(refresh === undefined
      ? {}
      : {
          renew: async () =>
            sessionFrom(
              auth,
              await tokenRequest(auth, {
                grant_type: 'refresh_token',
                client_id: auth.clientId,
                refresh_token: refresh,
              }),
              refresh,
            ),
        }),
  };
}

/**
 * Finishes the sign-in on the redirect page: checks `state`, exchanges the code.
 * @returns the session and the page to go back to.
 * @throws SignInError when the answer is not the one this tab asked for, or Cognito refuses.
 */
export async function completeCognitoSignIn(
  auth: CognitoAuth,
  location: URL,
): Promise<{ session: Session; returnTo: string }> {
  const pending = Pending.safeParse(JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null'));
  sessionStorage.removeItem(PENDING_KEY);
  const error = location.searchParams.get('error');
  if (error !== null) throw new SignInError('La connexion a été refusée par le service d’authentification.');
  const code = location.searchParams.get('code');
  if (!pending.success || code === null || location.searchParams.get('state') !== pending.data.state) {
    throw new SignInError('Cette réponse de connexion ne correspond à aucune demande en cours. Recommencez.');
  }
  const answer = await tokenRequest(auth, {
    grant_type: 'authorization_code',
    client_id: auth.clientId,
    code,
    redirect_uri: redirectUri(auth, window.location.origin),
    code_verifier: pending.data.verifier,
  });
  return { session: sessionFrom(auth, answer), returnTo: pending.data.returnTo };
}

/**
 * Managed login's sign-out address, which ends Cognito's own session too, in French.
 * @param origin the console's own origin (default: the page's), where Cognito sends the browser back.
 */
export function cognitoSignOutUrl(auth: CognitoAuth, origin: string = window.location.origin): string {
  const url = new URL('/logout', auth.domain);
  url.search = new URLSearchParams({
    client_id: auth.clientId,
    logout_uri: new URL(auth.logoutPath, origin).toString(),
    lang: SIGN_IN_LANGUAGE,
  }).toString();
  return url.toString();
}
