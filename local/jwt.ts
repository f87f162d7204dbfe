/**
 * The local identity provider standing in for Cognito: it signs ID tokens with the claims
 * Cognito puts in them, and verifies them the way API Gateway's JWT authorizer does
 * (signature, issuer, audience, expiry), so the API code sees the same caller locally and
 * in AWS.
 *
 * The signing key pair is made on first use and kept in `.data/local-jwt-key.json`
 * (git-ignored), so tokens printed by `npm run token` stay valid across restarts of
 * `npm start`. Development only: anyone who can read that file can sign tokens.
 */
import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import type { StaffGroup } from '#shared/http/auth.ts';

/** Issuer of local tokens: a fixed name, not a URL, so tokens do not depend on the port. */
export const LOCAL_ISSUER = 'urn:assistance-lsun:local-idp';
/** Audience of local tokens, standing in for the Cognito app client id. */
export const LOCAL_AUDIENCE = 'assistance-lsun-local';
/**
 * The app client id of the académie's portal, standing in for the Cognito confidential client
 * « portail » (client-credentials flow only): its access tokens name it in `client_id`.
 */
export const LOCAL_PORTAL_CLIENT_ID = 'assistance-lsun-local-portail';
/** Where the key pair is kept unless told otherwise. */
export const DEFAULT_KEY_PATH = fileURLToPath(new URL('../.data/local-jwt-key.json', import.meta.url));

const ALGORITHM = 'ES256';
/** Cognito's default ID token lifetime. */
const DEFAULT_TTL_SECONDS = 3600;

/** Where the local key pair lives; tests point this at a temporary directory. */
export type LocalIdpOptions = { keyPath?: string };

/** What a token is issued for. */
export type TokenRequest = {
  email: string;
  groups: StaffGroup[];
  /** Lifetime in seconds; 3600 (Cognito's default) when absent. */
  ttlSeconds?: number;
  /** Issue time in epoch seconds, now when absent (tests make expired tokens with it). */
  issuedAt?: number;
};

/** The claims of a local ID token, as Cognito names them. */
export type LocalIdClaims = JWTPayload & {
  sub: string;
  email: string;
  email_verified: boolean;
  'cognito:username': string;
  'cognito:groups'?: StaffGroup[];
  token_use: 'id';
  auth_time: number;
};

/** The token is missing its mark: bad signature, wrong issuer or audience, expired, malformed. */
export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
  /** Why, in API Gateway's words for its `WWW-Authenticate` header. */
  readonly reason: string;

  constructor(reason: string, options?: { cause?: unknown }) {
    super(`Invalid token: ${reason}`, options);
    this.reason = reason;
  }
}

type StoredKeyPair = {
  alg: typeof ALGORITHM;
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
  createdAt: string;
};
type LoadedKeyPair = { kid: string; privateKey: CryptoKey; publicKey: CryptoKey };

const keyPairs = new Map<string, Promise<LoadedKeyPair>>();

async function readKeyPair(path: string): Promise<StoredKeyPair | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as StoredKeyPair;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Creates the key file without ever exposing a half-written one: write aside, then `link`,
 * which fails if another process (a `npm run token` beside `npm start`) got there first.
 */
async function createKeyPair(path: string): Promise<StoredKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const stored: StoredKeyPair = {
    alg: ALGORITHM,
    kid,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: ALGORITHM },
    publicJwk: { ...publicJwk, kid, alg: ALGORITHM },
    createdAt: new Date().toISOString(),
  };
  await mkdir(dirname(path), { recursive: true });
  const aside = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(aside, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  try {
    await link(aside, path);
    return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = await readKeyPair(path);
    if (winner === undefined) throw error;
    return winner;
  } finally {
    await unlink(aside);
  }
}

async function loadKeyPair(path: string): Promise<LoadedKeyPair> {
  const stored = (await readKeyPair(path)) ?? (await createKeyPair(path));
  return {
    kid: stored.kid,
    privateKey: (await importJWK(stored.privateJwk, ALGORITHM)) as CryptoKey,
    publicKey: (await importJWK(stored.publicJwk, ALGORITHM)) as CryptoKey,
  };
}

function keyPairAt(options: LocalIdpOptions): Promise<LoadedKeyPair> {
  const path = resolve(options.keyPath ?? DEFAULT_KEY_PATH);
  let pair = keyPairs.get(path);
  if (pair === undefined) {
    pair = loadKeyPair(path);
    keyPairs.set(path, pair);
    // A failed load (unreadable file) must not stick for the life of the process.
    pair.catch(() => keyPairs.delete(path));
  }
  return pair;
}

/** Cognito's `sub` is a UUID fixed per user; derive one from the address so it is stable too. */
function subjectOf(email: string): string {
  const hex = createHash('sha256').update(`assistance-lsun-local:${email}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Issues an ID token for a demo account, shaped like Cognito's so that the API cannot tell
 * the difference (`sub`, `email`, `cognito:groups`, `token_use: 'id'`).
 */
export async function issueToken(request: TokenRequest, options: LocalIdpOptions = {}): Promise<string> {
  const { kid, privateKey } = await keyPairAt(options);
  const email = request.email.trim().toLowerCase();
  const issuedAt = request.issuedAt ?? Math.floor(Date.now() / 1000);
  const ttl = request.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  const groups = [...new Set(request.groups)];
  return new SignJWT({
    email,
    email_verified: true,
    'cognito:username': email,
    // Cognito leaves the claim out for a user in no group.
    ...(groups.length > 0 ? { 'cognito:groups': groups } : {}),
    token_use: 'id',
    auth_time: issuedAt,
  })
    .setProtectedHeader({ alg: ALGORITHM, kid, typ: 'JWT' })
    .setSubject(subjectOf(email))
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttl)
    .sign(privateKey);
}

/** What a client-credentials access token is issued for. */
export type ClientTokenRequest = {
  clientId: string;
  /** Scopes as Cognito writes them (`lsun/portal.write`). */
  scopes: string[];
  ttlSeconds?: number;
  issuedAt?: number;
};

/** The claims of a local client-credentials access token, as Cognito names them (no `aud`). */
export type LocalAccessClaims = JWTPayload & {
  sub: string;
  client_id: string;
  token_use: 'access';
  scope: string;
};

/**
 * Issues an access token as Cognito's token endpoint does for the client-credentials grant:
 * `sub` and `client_id` are the app client, `scope` the scopes granted, `token_use: 'access'`,
 * and no `aud` (API Gateway then matches `client_id` against the authorizer's audience).
 */
export async function issueClientToken(
  request: ClientTokenRequest,
  options: LocalIdpOptions = {},
): Promise<string> {
  const { kid, privateKey } = await keyPairAt(options);
  const issuedAt = request.issuedAt ?? Math.floor(Date.now() / 1000);
  return new SignJWT({
    client_id: request.clientId,
    token_use: 'access',
    scope: request.scopes.join(' '),
    auth_time: issuedAt,
    version: 2,
    jti: randomBytes(16).toString('hex'),
  })
    .setProtectedHeader({ alg: ALGORITHM, kid, typ: 'JWT' })
    .setSubject(request.clientId)
    .setIssuer(LOCAL_ISSUER)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + (request.ttlSeconds ?? DEFAULT_TTL_SECONDS))
    .sign(privateKey);
}

/** What an authorizer accepts: the `aud` (or, without one, the `client_id`) of these clients. */
export type VerifyOptions = LocalIdpOptions & {
  /** The authorizer's audience; the console's client only (`LOCAL_AUDIENCE`) when absent. */
  audiences?: readonly string[];
};

/**
 * Checks a token as API Gateway's JWT authorizer would (signature, issuer, audience, expiry)
 * and returns its claims. The audience as API Gateway matches it: the `aud` claim against the
 * authorizer's audience, or, only when the token has no `aud` (an access token), its
 * `client_id`.
 * @throws InvalidTokenError
 */
export async function verifyToken(
  token: string,
  options: VerifyOptions = {},
): Promise<LocalIdClaims | LocalAccessClaims> {
  const { publicKey } = await keyPairAt(options);
  const audiences = options.audiences ?? [LOCAL_AUDIENCE];
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, publicKey, {
      issuer: LOCAL_ISSUER,
      algorithms: [ALGORITHM],
      requiredClaims: ['exp', 'sub'],
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired)
      throw new InvalidTokenError('the token has expired', { cause: error });
    throw new InvalidTokenError('the token is not valid', { cause: error });
  }
  const aud = payload.aud;
  const named = aud === undefined ? [payload.client_id] : Array.isArray(aud) ? aud : [aud];
  if (!named.some((value) => typeof value === 'string' && audiences.includes(value))) {
    throw new InvalidTokenError('the token does not have a valid audience');
  }
  return payload as LocalIdClaims | LocalAccessClaims;
}
