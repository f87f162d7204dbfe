import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidTokenError,
  issueClientToken,
  issueToken,
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  LOCAL_PORTAL_CLIENT_ID,
  verifyToken,
} from '#local/jwt.ts';

let dir: string;
let keyPath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lsun-jwt-'));
  // A directory that does not exist yet, like `.data/` on a fresh clone.
  keyPath = join(dir, 'data', 'local-jwt-key.json');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function refusalOf(promise: Promise<unknown>): Promise<InvalidTokenError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InvalidTokenError) return error;
    throw error;
  }
  throw new Error('the token was accepted');
}

describe('local identity provider', () => {
  it('issues an ID token with the claims Cognito gives, which it then verifies', async () => {
    // Act
    const token = await issueToken({ email: 'Agent@AC-Dijon.fr', groups: ['admin', 'agent'] }, { keyPath });
    const claims = await verifyToken(token, { keyPath });

    // Assess
    expect(claims).toMatchObject({
      email: 'agent@ac-dijon.fr',
      'cognito:groups': ['admin', 'agent'],
      token_use: 'id',
      iss: LOCAL_ISSUER,
      aud: LOCAL_AUDIENCE,
    });
    expect(claims.sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3600);
  });

  it('keeps its key in a file only its owner reads, and gives a person the same subject every time', async () => {
    // Act
    const first = await verifyToken(
      await issueToken({ email: 'a@ac-dijon.fr', groups: ['agent'] }, { keyPath }),
      {
        keyPath,
      },
    );
    const second = await verifyToken(
      await issueToken({ email: 'a@ac-dijon.fr', groups: ['agent'] }, { keyPath }),
      {
        keyPath,
      },
    );
    const info = await stat(keyPath);

    // Assess
    expect(second.sub).toBe(first.sub);
    expect(info.mode & 0o077).toBe(0);
  });

  it('refuses a token signed by another key', async () => {
    // Prepare
    const otherKeyPath = join(dir, 'other', 'local-jwt-key.json');
    const foreign = await issueToken(
      { email: 'a@ac-dijon.fr', groups: ['admin'] },
      { keyPath: otherKeyPath },
    );

    // Act
    const refusal = await refusalOf(verifyToken(foreign, { keyPath }));

    // Assess
    expect(refusal.reason).toBe('the token is not valid');
  });

  it('refuses an expired token and says so', async () => {
    // Prepare
    const twoHoursAgo = Math.floor(Date.now() / 1000) - 7200;
    const expired = await issueToken(
      { email: 'a@ac-dijon.fr', groups: ['agent'], issuedAt: twoHoursAgo, ttlSeconds: 3600 },
      { keyPath },
    );

    // Act
    const refusal = await refusalOf(verifyToken(expired, { keyPath }));

    // Assess
    expect(refusal.reason).toBe('the token has expired');
  });

  it('refuses a token of the right key but for another audience or issuer', async () => {
    // Prepare
    const stored = JSON.parse(await readFile(keyPath, 'utf8')) as { kid: string; privateJwk: JWK };
    const privateKey = await importJWK(stored.privateJwk, 'ES256');
    const sign = (issuer: string, audience: string) =>
      new SignJWT({ email: 'a@ac-dijon.fr', token_use: 'id' })
        .setProtectedHeader({ alg: 'ES256', kid: stored.kid })
        .setSubject('s-1')
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey);

    // Act
    const wrongAudience = await refusalOf(verifyToken(await sign(LOCAL_ISSUER, 'another-app'), { keyPath }));
    const wrongIssuer = await refusalOf(
      verifyToken(await sign('https://elsewhere', LOCAL_AUDIENCE), { keyPath }),
    );
    const rightOnes = await verifyToken(await sign(LOCAL_ISSUER, LOCAL_AUDIENCE), { keyPath });

    // Assess
    expect(wrongAudience).toBeInstanceOf(InvalidTokenError);
    expect(wrongIssuer).toBeInstanceOf(InvalidTokenError);
    expect(rightOnes.sub).toBe('s-1');
  });

  it('refuses garbage', async () => {
    // Act
    const refusal = await refusalOf(verifyToken('not.a.token', { keyPath }));

    // Assess
    expect(refusal.cause).toBeDefined();
  });
});

describe("the portal's client-credentials token", () => {
  it('is matched by its client_id, having no aud, as API Gateway does: the portal authorizer takes it, the staff one does not', async () => {
    // Prepare
    const token = await issueClientToken(
      { clientId: LOCAL_PORTAL_CLIENT_ID, scopes: ['lsun/portal.write'] },
      { keyPath },
    );

    // Act
    const claims = await verifyToken(token, { keyPath, audiences: [LOCAL_PORTAL_CLIENT_ID, LOCAL_AUDIENCE] });

    // Assess
    expect(claims).toMatchObject({
      client_id: LOCAL_PORTAL_CLIENT_ID,
      token_use: 'access',
      scope: 'lsun/portal.write',
    });
    expect(claims.aud).toBeUndefined();
    await expect(verifyToken(token, { keyPath })).rejects.toThrow(InvalidTokenError);
  });
});
