/**
 * The portal's way in, on the synthesized desk stack: a Cognito resource server `lsun` with the
 * scope `portal.write`, a confidential client « portail » for the client-credentials flow only,
 * and each portal route behind its own JWT authorizer requiring `lsun/portal.write`.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { routes } from '#shared/api/contract.ts';
import { PORTAL_SCOPE } from '#shared/api/declaration.ts';
import { PORTAL_UPLOADS_PREFIX } from '#shared/domain/portal.ts';
import { asArray, logicalIdIn, resourcesOf, type Statement, synthFullDesk } from './synth.ts';

const full = synthFullDesk();

const portalKeys = Object.entries(routes)
  .filter(([, declaration]) => declaration.group === 'portal')
  .map(([key]) => key);

describe("the portal's way in", () => {
  it('declares the resource server lsun with the one scope portal.write', () => {
    // Why: the scope is what the portal's routes require, and what no staff client is allowed.
    full.deskTemplate.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'lsun',
      Scopes: [{ ScopeName: 'portal.write', ScopeDescription: Match.anyValue() }],
    });
  });

  it('gives the portal a confidential client for client credentials only, allowed that scope alone', () => {
    // Why: the portal calls as itself, with a secret; no person signs in through its client.
    const clients = Object.values(resourcesOf(full.deskTemplate, 'AWS::Cognito::UserPoolClient'));
    const portal = clients.find((client) => client.Properties.ClientName === 'portail');
    expect(portal?.Properties).toMatchObject({
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
    });
    expect(JSON.stringify(portal?.Properties.AllowedOAuthScopes)).toContain('/portal.write');
    // The console's client is never allowed the portal's scope.
    const others = clients.filter((client) => client !== portal);
    for (const client of others)
      expect(JSON.stringify(client.Properties.AllowedOAuthScopes ?? [])).not.toContain('portal.write');
  });

  it("puts each portal route behind the portal's authorizer, requiring lsun/portal.write", () => {
    // Why: a staff token must not file requests as a director, nor a portal token read tickets.
    const apiRoutes = Object.values(resourcesOf(full.deskTemplate, 'AWS::ApiGatewayV2::Route'));
    const authorizers = resourcesOf(full.deskTemplate, 'AWS::ApiGatewayV2::Authorizer');
    const portalClientId = logicalIdIn(full, full.desk.api.portalClient);
    const consoleClientId = logicalIdIn(full, full.desk.api.consoleClient);
    expect(portalKeys.sort()).toEqual(['POST /api/portal/requests', 'POST /api/portal/uploads']);
    for (const key of portalKeys) {
      const route = apiRoutes.find((candidate) => candidate.Properties.RouteKey === key);
      expect(route?.Properties).toMatchObject({
        AuthorizationType: 'JWT',
        AuthorizationScopes: [PORTAL_SCOPE],
      });
      const authorizerId = (route?.Properties.AuthorizerId as { Ref: string } | undefined)?.Ref ?? '';
      const audience = JSON.stringify(
        (authorizers[authorizerId]?.Properties.JwtConfiguration as { Audience: unknown } | undefined)
          ?.Audience,
      );
      expect(audience).toContain(portalClientId);
      expect(audience).toContain(consoleClientId);
    }
    // The staff routes' authorizer knows the console's client only: a portal token gets 401 there.
    const staffRoute = apiRoutes.find((route) => route.Properties.RouteKey === 'GET /api/{proxy+}');
    const staffAuthorizer =
      authorizers[(staffRoute?.Properties.AuthorizerId as { Ref: string } | undefined)?.Ref ?? ''];
    expect(JSON.stringify(staffAuthorizer?.Properties.JwtConfiguration)).not.toContain(portalClientId);
    expect(apiRoutes.filter((route) => route.Properties.AuthorizationScopes !== undefined)).toHaveLength(
      portalKeys.length,
    );
  });

  it('lets the api function write portal requests and uploads under their prefixes only, which a lifecycle rule empties', () => {
    // Why: the api function stores a request's MIME message like a mail, and presigns uploads.
    const apiPolicy = Object.values(resourcesOf(full.deskTemplate, 'AWS::IAM::Policy')).find((policy) =>
      JSON.stringify(policy.Properties.Roles).includes('Api'),
    );
    const statements =
      (apiPolicy?.Properties.PolicyDocument as { Statement: Statement[] } | undefined)?.Statement ?? [];
    const putResources = statements
      .filter((statement) => asArray(statement.Action).includes('s3:PutObject'))
      .flatMap((statement) => asArray(statement.Resource))
      .map((resource) => JSON.stringify(resource));
    expect(putResources).toContainEqual(expect.stringContaining('"/incoming/portail-*"'));
    expect(putResources).toContainEqual(expect.stringContaining(`"/${PORTAL_UPLOADS_PREFIX}*"`));
    // Never the raw mails themselves: SES alone writes those.
    expect(putResources.filter((resource) => resource.includes('"/incoming/*"'))).toEqual([]);
    const bucket = resourcesOf(full.statefulTemplate, 'AWS::S3::Bucket').RawMailBucket;
    const rules = (bucket?.Properties.LifecycleConfiguration as { Rules: unknown[] } | undefined)?.Rules;
    expect(rules).toContainEqual(
      expect.objectContaining({
        Id: 'PurgePortalUploads',
        Prefix: PORTAL_UPLOADS_PREFIX,
        ExpirationInDays: 1,
      }),
    );
  });
});
