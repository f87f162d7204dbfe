/**
 * The addresses the console sends staff to at Cognito (`console/src/auth/cognito.ts`): managed
 * login in French (`lang=fr`), the authorization code flow with an S256 PKCE challenge, and the
 * sign-out back to the console. Without a real Cognito here, these URLs are what the tests can
 * hold the console to; the browser test drives the same code through a stand-in.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';

type CognitoAuth = {
  kind: 'cognito';
  domain: string;
  clientId: string;
  scopes: string[];
  redirectPath: string;
  logoutPath: string;
};
type CognitoModule = {
  authorizeUrl(auth: CognitoAuth, origin: string, request: { state: string; challenge: string }): string;
  cognitoSignOutUrl(auth: CognitoAuth, origin: string): string;
  challengeOf(verifier: string): Promise<string>;
  SIGN_IN_LANGUAGE: string;
};

let cognito: CognitoModule;

beforeAll(async () => {
  // A browser module, type-checked by console/tsconfig.json (DOM types): a literal import would
  // make the root project check it against Node's types. These functions need no DOM.
  const browserModule = '../../console/src/auth/cognito.ts';
  cognito = (await import(browserModule)) as CognitoModule;
});

const auth: CognitoAuth = {
  kind: 'cognito',
  domain: 'https://assistance-lsun.auth.eu-west-1.amazoncognito.com',
  clientId: '4example0client0id',
  scopes: ['openid', 'email', 'profile'],
  redirectPath: '/connexion/retour',
  logoutPath: '/connexion',
};
const origin = 'https://assistance-lsun.ac-dijon.fr';

describe('the sign-in address at Cognito', () => {
  it('asks managed login for French, an authorization code, and the S256 challenge of the verifier', async () => {
    // Prepare
    const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
    const challenge = await cognito.challengeOf(verifier);

    // Act
    const url = new URL(cognito.authorizeUrl(auth, origin, { state: 'etat-42', challenge }));

    // Assess
    expect(`${url.origin}${url.pathname}`).toBe(`${auth.domain}/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: auth.clientId,
      redirect_uri: `${origin}/connexion/retour`,
      scope: 'openid email profile',
      state: 'etat-42',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      lang: 'fr',
    });
  });

  it('computes the challenge as RFC 7636 does: BASE64URL(SHA-256(verifier))', async () => {
    // The example of RFC 7636, appendix B.
    expect(await cognito.challengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
    const other = 'another-verifier-of-forty-three-characters-x';
    expect(await cognito.challengeOf(other)).toBe(createHash('sha256').update(other).digest('base64url'));
  });
});

describe('the sign-out address at Cognito', () => {
  it('ends Cognito’s session in French and comes back to the console’s sign-in page', () => {
    const url = new URL(cognito.cognitoSignOutUrl(auth, origin));

    expect(`${url.origin}${url.pathname}`).toBe(`${auth.domain}/logout`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: auth.clientId,
      logout_uri: `${origin}/connexion`,
      lang: 'fr',
    });
    expect(cognito.SIGN_IN_LANGUAGE).toBe('fr');
  });
});
