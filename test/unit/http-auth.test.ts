import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { authorize, callerOf, parseListClaim, requireGroup } from '#shared/http/auth.ts';
import { ForbiddenError, UnauthorizedError } from '#shared/http/errors.ts';

type Claims = APIGatewayProxyEventV2WithJWTAuthorizer['requestContext']['authorizer']['jwt']['claims'];

/** Only the part of the event the authorizer fills matters here. */
function eventWith(claims: Claims | undefined): APIGatewayProxyEventV2WithJWTAuthorizer {
  const authorizer = claims === undefined ? undefined : { jwt: { claims, scopes: null } };
  return { requestContext: { authorizer } } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

const person = { sub: '5b1c0b2e-7f3a-4c55-a2b1-0c9e8d7f6a5b', email: 'Agent.Martin@AC-Dijon.fr' };

describe('callerOf', () => {
  it.each([
    ['API Gateway form', '[admin agent]'],
    ['JSON array form', '["admin","agent"]'],
    ['JSON array with spaces', '["admin", "agent"]'],
    ['a real array', ['admin', 'agent']],
  ])('reads the groups from the %s', (_form, groups) => {
    // Act
    const caller = callerOf(eventWith({ ...person, 'cognito:groups': groups }));

    // Assess
    expect(caller.groups).toEqual(['agent', 'admin']);
  });

  it('reads a single group and drops groups the API does not use', () => {
    // Act
    const one = callerOf(eventWith({ ...person, 'cognito:groups': '[agent]' }));
    const mixed = callerOf(eventWith({ ...person, 'cognito:groups': '[us-east-1_x_Google admin]' }));
    const bare = callerOf(eventWith({ ...person, 'cognito:groups': 'agent' }));

    // Assess
    expect(one.groups).toEqual(['agent']);
    expect(mixed.groups).toEqual(['admin']);
    expect(bare.groups).toEqual(['agent']);
  });

  it('gives the subject and the email in lower case', () => {
    // Act
    const caller = callerOf(eventWith({ ...person, 'cognito:groups': '[agent]' }));

    // Assess
    expect(caller).toEqual({
      subject: person.sub,
      email: 'agent.martin@ac-dijon.fr',
      groups: ['agent'],
    });
  });

  it('gives no group to a user Cognito puts in none (the claim is absent)', () => {
    // Act
    const caller = callerOf(eventWith(person));

    // Assess
    expect(caller.groups).toEqual([]);
  });

  it.each([
    ['no authorizer at all', undefined],
    ['no subject', { email: person.email }],
    ['no email (an access token)', { sub: person.sub, 'cognito:groups': '[admin]' }],
    ['an empty subject', { sub: '', email: person.email }],
  ])('refuses with 401 a request with %s', (_case, claims) => {
    // Act
    const act = () => callerOf(eventWith(claims as Claims | undefined));

    // Assess
    expect(act).toThrow(UnauthorizedError);
    try {
      act();
    } catch (error) {
      expect((error as UnauthorizedError).status).toBe(401);
    }
  });
});

describe('parseListClaim', () => {
  it('reads an empty list in either form', () => {
    // Assess
    expect(parseListClaim('[]')).toEqual([]);
    expect(parseListClaim('')).toEqual([]);
    expect(parseListClaim(undefined)).toEqual([]);
  });
});

describe('requireGroup', () => {
  const agent = { subject: 's-agent', email: 'agent@ac-dijon.fr', groups: ['agent' as const] };
  const admin = { subject: 's-admin', email: 'admin@ac-dijon.fr', groups: ['admin' as const] };
  const nobody = { subject: 's-none', email: 'nobody@ac-dijon.fr', groups: [] };

  it('lets an admin through an agent route: admin implies agent', () => {
    // Assess
    expect(() => requireGroup(admin, 'agent')).not.toThrow();
    expect(() => requireGroup(admin, 'admin')).not.toThrow();
    expect(() => requireGroup(agent, 'agent')).not.toThrow();
  });

  it('refuses an agent on an admin route with 403 and the French message', () => {
    // Act
    let refusal: unknown;
    try {
      requireGroup(agent, 'admin');
    } catch (error) {
      refusal = error;
    }

    // Assess
    expect(refusal).toBeInstanceOf(ForbiddenError);
    expect((refusal as ForbiddenError).status).toBe(403);
    expect((refusal as ForbiddenError).message).toBe(
      "Vous n'avez pas les droits nécessaires pour cette action.",
    );
  });

  it('refuses a user in no group even on an agent route', () => {
    // Assess
    expect(() => requireGroup(nobody, 'agent')).toThrow(ForbiddenError);
  });
});

describe('authorize', () => {
  it('returns the caller when the group allows it, refuses otherwise', () => {
    // Prepare
    const event = eventWith({ ...person, 'cognito:groups': '[agent]' });

    // Act
    const caller = authorize(event, 'agent');

    // Assess
    expect(caller.subject).toBe(person.sub);
    expect(() => authorize(event, 'admin')).toThrow(ForbiddenError);
  });
});
