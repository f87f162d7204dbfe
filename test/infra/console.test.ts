/**
 * The staff console in AWS (S3 + CloudFront) and what ties it to the API and Cognito, checked
 * on the templates. The built console is the three-file fixture of `synth.ts`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleSecurityHeaders } from '../../console/security-headers.ts';
import {
  ConsoleNotBuiltError,
  consoleCacheControl,
  consoleOAuth,
  responseHeadersFrom,
  StaffConsoleError,
  spaRewriteCode,
} from '../../infra/constructs/staff-console.ts';
import { DeploySettingsError } from '../../infra/settings.ts';
import { fullContext, removeSyntheses, type SynthesizedDesk, synthDesk } from './synth.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };

const customDomain = {
  consoleDomain: 'assistance-lsun.ac-dijon.fr',
  consoleCertificateArn:
    'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
};

let full: SynthesizedDesk;
let custom: SynthesizedDesk;
/** The console's own schema of `/config.json` (see below why it is imported at run time). */
let ConsoleConfig: { safeParse(value: unknown): { success: boolean } };

beforeAll(async () => {
  // A browser module, type-checked by console/tsconfig.json (DOM types): a literal import would
  // make the root project check it against Node's types.
  const browserModule = '../../console/src/config.ts';
  ({ ConsoleConfig } = (await import(browserModule)) as { ConsoleConfig: typeof ConsoleConfig });
  full = synthDesk({ context: fullContext });
  custom = synthDesk({ context: { ...fullContext, ...customDomain } });
});

afterAll(removeSyntheses);

function resources(desk: SynthesizedDesk, type: string): Record<string, Resource> {
  return desk.deskTemplate.findResources(type) as Record<string, Resource>;
}

function only(desk: SynthesizedDesk, type: string): Resource {
  const found = Object.values(resources(desk, type));
  expect(found, type).toHaveLength(1);
  return found[0] as Resource;
}

/** The bucket policy of one bucket of the desk stack (the console's, the knowledge base's). */
function bucketPolicyOf(desk: SynthesizedDesk, bucketId: string): Resource {
  const found = Object.values(resources(desk, 'AWS::S3::BucketPolicy')).filter(
    (policy) => JSON.stringify(policy.Properties.Bucket) === JSON.stringify({ Ref: bucketId }),
  );
  expect(found, bucketId).toHaveLength(1);
  return found[0] as Resource;
}

function logicalId(desk: SynthesizedDesk, construct: { node: { defaultChild?: unknown } }): string {
  return desk.desk.getLogicalId(construct.node.defaultChild as never);
}

/**
 * A template value as one string: `Fn::Join` joined, `Ref` and `Fn::GetAtt` as `{name}`, so a
 * value built from tokens can be compared with the text it stands for.
 */
function flat(value: unknown): string {
  if (typeof value === 'string') return value;
  const object = value as Record<string, unknown>;
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map(flat).join(separator);
  }
  if ('Ref' in object) return `{${object.Ref as string}}`;
  if ('Fn::GetAtt' in object) return `{${(object['Fn::GetAtt'] as string[]).join('.')}}`;
  return JSON.stringify(value);
}

function distributionConfig(desk: SynthesizedDesk): Record<string, unknown> {
  return only(desk, 'AWS::CloudFront::Distribution').Properties.DistributionConfig as Record<string, unknown>;
}

/** The origin the console is served from on its CloudFront name, as the templates write it. */
function distributionOrigin(desk: SynthesizedDesk): string {
  return `https://{${logicalId(desk, desk.desk.console.distribution)}.DomainName}`;
}

function deployments(desk: SynthesizedDesk): Resource[] {
  return Object.values(resources(desk, 'Custom::CDKBucketDeployment'));
}

describe('the console distribution', () => {
  it('reads the private bucket through Origin Access Control and redirects plain HTTP to HTTPS', () => {
    // Why: the bucket must answer CloudFront alone, and tokens must never cross the network in clear.
    const config = distributionConfig(full);
    const bucket = logicalId(full, full.desk.console.bucket);
    const [origin] = config.Origins as Record<string, unknown>[];
    expect(origin?.DomainName).toEqual({ 'Fn::GetAtt': [bucket, 'RegionalDomainName'] });
    expect(origin?.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Id'] });
    expect(origin?.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    full.deskTemplate.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always' },
    });
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
    });
    expect(config.DefaultRootObject).toBe('index.html');
    // No error-response rewriting but the knowledge base's 404 (its bucket lets CloudFront list,
    // the console's does not): a missing console file stays an error, routes are the function's job.
    const rewritten = (config.CustomErrorResponses as Record<string, unknown>[]).filter(
      (response) => 'ResponsePagePath' in response || 'ResponseCode' in response,
    );
    expect(rewritten).toEqual([
      { ErrorCode: 404, ResponseCode: 404, ResponsePagePath: '/kb-404.html', ErrorCachingMinTTL: 0 },
    ]);
  });

  it('keeps the bucket private, encrypted, TLS only, readable by this distribution alone, and logged', () => {
    // Why: the console's files are only ever served through CloudFront's headers and HTTPS.
    const bucketId = logicalId(full, full.desk.console.bucket);
    const bucket = resources(full, 'AWS::S3::Bucket')[bucketId];
    expect(bucket?.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: { ServerSideEncryptionConfiguration: [expect.anything()] },
      LoggingConfiguration: { LogFilePrefix: full.stateful.consoleAccessLogs.prefix },
    });
    expect(JSON.stringify(bucket?.Properties.LoggingConfiguration)).toContain('RawMailAccessLogBucket');
    const policy = bucketPolicyOf(full, bucketId).Properties.PolicyDocument as {
      Statement: Record<string, unknown>[];
    };
    const allows = policy.Statement.filter((statement) => statement.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
      }),
    ]);
    const condition = allows[0]?.Condition as { StringEquals: Record<string, unknown> };
    expect(flat(condition.StringEquals['AWS:SourceArn'])).toContain(
      `:distribution/{${logicalId(full, full.desk.console.distribution)}}`,
    );
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    // The stateful stack lets S3 deliver them, for buckets of this account only.
    full.statefulTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: 'RawMailAccessLogBucket' },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowConsoleAccessLogs',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });

  it('sends the console’s CSP, with frame-ancestors none, and its security headers on every response', () => {
    // Why: mail content is hostile; the CSP and anti-framing headers are what contain it in the browser.
    const config = distributionConfig(full);
    const policyId = logicalId(full, full.desk.console.responseHeadersPolicy);
    expect(config.DefaultCacheBehavior).toMatchObject({ ResponseHeadersPolicyId: { Ref: policyId } });
    const policy = resources(full, 'AWS::CloudFront::ResponseHeadersPolicy')[policyId]?.Properties
      .ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: Record<string, Record<string, unknown>>;
      CustomHeadersConfig: { Items: { Header: string; Value: string; Override: boolean }[] };
    };
    const security = policy.SecurityHeadersConfig;
    const cognito = `https://${fullContext.authDomainPrefix}.auth.eu-west-1.amazoncognito.com`;
    const expected = consoleSecurityHeaders({ authOrigin: cognito, https: true });
    const csp = flat(security.ContentSecurityPolicy?.ContentSecurityPolicy);
    // The exact policy: connect-src is the console's own origin (the API is routed there) and
    // Cognito's domain (the PKCE code exchange), nothing else; no API Gateway host.
    expect(csp).toBe(
      [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'sha256-HzhUjVBe6Oi2wcxUM7bmy2Rp9VdLMHYDdYr9MalNmOY=' 'sha256-xVQ4mcypV0CvOtZpQgVcKpcoNvdUkR9BrwZBrtBbU+w='",
        "img-src 'self' data: https:",
        "font-src 'self'",
        `connect-src 'self' ${cognito}`,
        "frame-src 'self'",
        "worker-src 'none'",
        "manifest-src 'self'",
        "media-src 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        'upgrade-insecure-requests',
      ].join('; '),
    );
    expect(csp).toBe(expected['content-security-policy']);
    expect(security.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(security.ContentTypeOptions).toEqual({ Override: true });
    expect(security.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    expect(security.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: 63072000,
      IncludeSubdomains: true,
      Override: true,
    });
    for (const name of ['permissions-policy', 'cross-origin-opener-policy', 'cross-origin-resource-policy']) {
      expect(policy.CustomHeadersConfig.Items).toContainEqual({
        Header: name,
        Value: expected[name],
        Override: true,
      });
    }
  });

  it('refuses a console header CloudFront could not send as the console means it', () => {
    // Why: a header dropped on the way would weaken the console in AWS while the local tests stay green.
    expect(() => responseHeadersFrom({ 'x-frame-options': 'ALLOW-FROM https://example.org' })).toThrow(
      StaffConsoleError,
    );
    expect(() => responseHeadersFrom({ 'strict-transport-security': 'includeSubDomains' })).toThrow(
      StaffConsoleError,
    );
  });

  it('rewrites extensionless paths to /index.html in a viewer-request function, as the local front does', () => {
    // Why: a reload on /tickets/LSUN-… must show the console, while a missing asset stays an error.
    const functionId = logicalId(full, full.desk.console.spaRewrite);
    expect(
      (distributionConfig(full).DefaultCacheBehavior as Record<string, unknown>).FunctionAssociations,
    ).toEqual([{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } }]);
    const code = resources(full, 'AWS::CloudFront::Function')[functionId]?.Properties.FunctionCode as string;
    const handler = runInNewContext(`${code}\nhandler`) as (event: { request: { uri: string } }) => {
      uri: string;
    };
    const routes = [
      '/',
      '/tickets',
      '/tickets/LSUN-2025-000042',
      '/annuaire/directeur',
      '/courriels/0102abc-def',
    ];
    const files = ['/assets/index-DYnUY81E.js', '/config.json', '/index.html', '/dsfr/favicon/favicon.ico'];
    for (const uri of [...routes, ...files, '/.well-known', '/a/b.']) {
      const rewritten = handler({ request: { uri } }).uri;
      // The local front serves index.html exactly when Node's extname finds no extension.
      expect(rewritten, uri).toBe(extname(uri) === '' ? '/index.html' : uri);
    }
    for (const uri of routes) expect(handler({ request: { uri } }).uri, uri).toBe('/index.html');
    for (const uri of files) expect(handler({ request: { uri } }).uri, uri).toBe(uri);
    expect(code).toBe(spaRewriteCode);
  });

  it('keeps the CloudFront certificate’s TLS 1.2 minimum and the custom name only when one is configured', () => {
    // Why: the default *.cloudfront.net certificate cannot enforce TLS 1.2; a custom domain can.
    expect(distributionConfig(full).ViewerCertificate).toBeUndefined();
    expect(distributionConfig(custom)).toMatchObject({
      Aliases: [customDomain.consoleDomain],
      ViewerCertificate: {
        AcmCertificateArn: customDomain.consoleCertificateArn,
        MinimumProtocolVersion: 'TLSv1.2_2021',
        SslSupportMethod: 'sni-only',
      },
    });
    expect(() => synthDesk({ context: { consoleDomain: customDomain.consoleDomain } })).toThrow(
      DeploySettingsError,
    );
    expect(() =>
      synthDesk({
        context: {
          ...customDomain,
          consoleCertificateArn: customDomain.consoleCertificateArn.replace('us-east-1', 'eu-west-1'),
        },
      }),
    ).toThrow(/us-east-1/);
  });
});

describe('the console files', () => {
  /** Whether a deployment uploads (and prunes) `file`: `aws s3 sync` filters, excludes then includes, last match wins. */
  function syncs(deployment: Resource, file: string): boolean {
    const matches = (pattern: string) =>
      new RegExp(`^${pattern.replaceAll('.', '\\.').replaceAll('*', '.*')}$`).test(file);
    let included = true;
    for (const pattern of (deployment.Properties.Exclude ?? []) as string[])
      if (matches(pattern)) included = false;
    for (const pattern of (deployment.Properties.Include ?? []) as string[])
      if (matches(pattern)) included = true;
    return included;
  }

  function deploymentOf(desk: SynthesizedDesk, file: string): Resource {
    const found = deployments(desk).filter((deployment) => syncs(deployment, file));
    expect(found, file).toHaveLength(1);
    return found[0] as Resource;
  }

  it('caches hashed assets for a year, and makes browsers revalidate index.html and config.json', () => {
    // Why: a deployment must show at the next load, while unchanged bundles never download twice.
    const cacheOf = (file: string) =>
      (deploymentOf(full, file).Properties.SystemMetadata as Record<string, string>)['cache-control'];
    expect(cacheOf('assets/index-fixture1.js')).toBe(consoleCacheControl.hashed);
    expect(cacheOf('dsfr/dsfr.min.css')).toBe(consoleCacheControl.stable);
    expect(cacheOf('index.html')).toBe('no-cache');
    expect(cacheOf('config.json')).toBe('no-cache');
    // CloudFront's cache policy follows those headers (CachingOptimized honours the origin's).
    expect((distributionConfig(full).DefaultCacheBehavior as Record<string, unknown>).CachePolicyId).toBe(
      '658327ea-f89d-4fab-a63d-7e88639e58f6',
    );
  });

  it('uploads index.html last, keeps old hashed assets and empties the edge caches', () => {
    // Why: a page must never name a bundle that is not there yet, nor lose a chunk an open tab still needs.
    const entry = deploymentOf(full, 'index.html');
    const others = Object.entries(resources(full, 'Custom::CDKBucketDeployment'))
      .filter(([, deployment]) => deployment !== entry)
      .map(([id]) => id);
    expect(others).toHaveLength(2);
    expect(entry.DependsOn).toEqual(expect.arrayContaining(others));
    expect(deploymentOf(full, 'assets/index-fixture1.js').Properties.Prune).toBe(false);
    expect(entry.Properties).toMatchObject({
      DistributionId: { Ref: logicalId(full, full.desk.console.distribution) },
      DistributionPaths: ['/*'],
    });
  });

  it('writes config.json at deploy time with the same-origin API, managed login and the app client, as the console reads it', () => {
    // Why: one build serves every deployment; a config.json the console cannot parse locks every agent out.
    const entry = deploymentOf(full, 'config.json');
    const keys = entry.Properties.SourceObjectKeys as string[];
    const markers = (entry.Properties.SourceMarkers as Record<string, unknown>[])[keys.length - 1] ?? {};
    const hash = keys[keys.length - 1]?.replace(/\.zip$/, '');
    const raw = readFileSync(join(full.outdir, `asset.${hash}`, 'config.json'), 'utf8');
    // What each deploy-time value is, then a plausible value for it, for the console's schema.
    const meaning = Object.fromEntries(
      Object.entries(markers).map(([marker, value]) => [marker, flat(value)]),
    );
    const client = logicalId(full, full.desk.api.consoleClient);
    const domain = logicalId(full, full.desk.api.signInDomain);
    // Nothing of the API: the console calls it on its own origin.
    expect(Object.values(meaning).sort()).toEqual([`{${client}}`, `{${domain}}`].sort());
    const plausible: Record<string, string> = {
      [`{${client}}`]: '4example0client0id',
      [`{${domain}}`]: fullContext.authDomainPrefix,
    };
    const deployed = JSON.parse(
      Object.entries(meaning).reduce(
        (text, [marker, what]) => text.replaceAll(marker, plausible[what] ?? ''),
        raw,
      ),
    ) as Record<string, unknown>;
    expect(deployed).toEqual({
      apiUrl: '',
      auth: {
        kind: 'cognito',
        domain: `https://${fullContext.authDomainPrefix}.auth.eu-west-1.amazoncognito.com`,
        clientId: '4example0client0id',
        scopes: ['openid', 'email', 'profile'],
        redirectPath: '/connexion/retour',
        logoutPath: '/connexion',
      },
      region: 'eu-west-1',
    });
    expect(ConsoleConfig.safeParse(deployed).success).toBe(true);
    // The managed login the console goes to is the one its CSP lets it call.
    const csp = flat(
      (
        (
          resources(full, 'AWS::CloudFront::ResponseHeadersPolicy')[
            logicalId(full, full.desk.console.responseHeadersPolicy)
          ] as Resource
        ).Properties.ResponseHeadersPolicyConfig as {
          SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } };
        }
      ).SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy,
    );
    expect(csp).toContain(`connect-src 'self' ${(deployed.auth as { domain: string }).domain};`);
  });

  it('stops the synthesis when the console is not built, unless told to synthesize without its files', () => {
    // Why: a deployment without the build would publish an empty console; the error must say what to run.
    const empty = mkdtempSync(join(tmpdir(), 'lsun-no-console-'));
    try {
      expect(() => synthDesk({ context: { consoleDir: empty } })).toThrow(ConsoleNotBuiltError);
      expect(() => synthDesk({ context: { consoleDir: empty } })).toThrow(/npm run console:build/);
      const skipped = synthDesk({ context: { consoleDir: empty, skipConsoleFiles: 'true' } });
      skipped.deskTemplate.resourceCountIs('Custom::CDKBucketDeployment', 0);
      skipped.deskTemplate.resourceCountIs('AWS::CloudFront::Distribution', 1);
      const warnings = skipped.assembly
        .getStackByName(skipped.desk.stackName)
        .messages.map((message) => String(message.entry.data));
      expect(warnings.some((text) => text.includes('skipConsoleFiles'))).toBe(true);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('the console and the API', () => {
  it('registers the distribution’s own address as the app client’s callback and sign-out URLs', () => {
    // Why: Cognito sends the code only to a registered URL; any other would lock staff out (or leak codes).
    const origin = distributionOrigin(full);
    const client = only(full, 'AWS::Cognito::UserPoolClient').Properties;
    expect((client.CallbackURLs as unknown[]).map(flat)).toEqual([`${origin}${consoleOAuth.redirectPath}`]);
    expect((client.LogoutURLs as unknown[]).map(flat)).toEqual([`${origin}${consoleOAuth.logoutPath}`]);
    expect(client).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: [...consoleOAuth.scopes],
      GenerateSecret: false,
      SupportedIdentityProviders: ['COGNITO'],
    });
    // The ID token, the API's bearer, carries the caller's email and name; staff cannot rewrite their email.
    expect(client.ReadAttributes).toEqual(expect.arrayContaining(['email', 'name']));
    expect(client.WriteAttributes).not.toContain('email');

    const withDomain = only(custom, 'AWS::Cognito::UserPoolClient').Properties;
    expect((withDomain.CallbackURLs as unknown[]).map(flat)).toEqual([
      `https://${customDomain.consoleDomain}${consoleOAuth.redirectPath}`,
      `${distributionOrigin(custom)}${consoleOAuth.redirectPath}`,
    ]);
  });

  it('has no CORS: the browser calls the API on the console’s own origin, so no other page may read it', () => {
    // Why: CORS named the distribution, which now names the API: a cycle; same origin needs none.
    for (const desk of [full, custom]) {
      expect(only(desk, 'AWS::ApiGatewayV2::Api').Properties.CorsConfiguration).toBeUndefined();
    }
  });

  it('declares each route’s methods, never ANY or OPTIONS', () => {
    // Why: the API serves exactly what shared/api declares; an ANY route would take any method.
    const keys = Object.values(resources(full, 'AWS::ApiGatewayV2::Route')).map(
      (route) => route.Properties.RouteKey as string,
    );
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((key) => key.startsWith('ANY ') || key.startsWith('OPTIONS '))).toEqual([]);
  });
});

describe('sign-in in French: Cognito managed login', () => {
  it('serves the newer managed login on the domain, the configured prefix or one unique to the account', () => {
    // Why: only managed login is localised (`lang=fr`); the classic hosted UI is English only.
    full.deskTemplate.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: fullContext.authDomainPrefix,
      ManagedLoginVersion: 2,
    });
    const defaults = synthDesk();
    expect(flat(only(defaults, 'AWS::Cognito::UserPoolDomain').Properties.Domain)).toBe(
      'assistance-lsun-{AWS::AccountId}',
    );
  });

  it('gives the console client a managed login style, on a feature plan that has managed login', () => {
    // Why: a client without a style gets no managed login page at all; the Lite plan has none.
    const branding = only(full, 'AWS::Cognito::ManagedLoginBranding');
    expect(branding.Properties).toEqual({
      UserPoolId: { Ref: logicalId(full, full.desk.api.userPool) },
      ClientId: { Ref: logicalId(full, full.desk.api.consoleClient) },
      UseCognitoProvidedValues: true,
    });
    expect(branding.DependsOn).toContain(logicalId(full, full.desk.api.signInDomain));
    expect(only(full, 'AWS::Cognito::UserPool').Properties.UserPoolTier).toBe('PLUS');
  });
});

describe('one origin: /api/* on the console distribution', () => {
  type Behavior = Record<string, unknown> & { PathPattern: string; TargetOriginId: string };
  type Origin = { Id: string; DomainName: unknown; CustomOriginConfig?: Record<string, unknown> };

  it('routes /api/* to the HTTP API’s own host: HTTPS only, every method, nothing cached, the viewer’s headers but Host', () => {
    // Why: the console and the public pages call /api/ on their own origin; a cached or
    // header-less API answer would show one person’s data to another, or refuse everyone.
    const config = distributionConfig(full) as {
      Origins: Origin[];
      CacheBehaviors: Behavior[];
    };
    expect(config.CacheBehaviors.map((behavior) => behavior.PathPattern).sort()).toEqual([
      '/api/*',
      '/kb',
      '/kb/*',
    ]);
    const api = config.CacheBehaviors.find((behavior) => behavior.PathPattern === '/api/*');
    const origin = config.Origins.find((candidate) => candidate.Id === api?.TargetOriginId);
    expect(flat(origin?.DomainName)).toBe(
      `{${logicalId(full, full.desk.api.httpApi)}}.execute-api.eu-west-1.{AWS::URLSuffix}`,
    );
    expect(origin?.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    expect(api).toMatchObject({
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      // The managed policies: CachingDisabled, and AllViewerExceptHostHeader (which forwards
      // Authorization once caching is off; API Gateway wants its own Host).
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
      ResponseHeadersPolicyId: { Ref: logicalId(full, full.desk.console.apiResponseHeadersPolicy as never) },
    });
    expect(api?.FunctionAssociations).toBeUndefined();
  });

  it('keeps no error answer at the edge, so one person’s refusal is never served to another', () => {
    // Why: CloudFront keeps an error 10 s by default, per URL, whoever asks; /api/* answers per person.
    const { CustomErrorResponses } = distributionConfig(full) as {
      CustomErrorResponses: { ErrorCode: number; ErrorCachingMinTTL: number }[];
    };
    expect(CustomErrorResponses.map((response) => response.ErrorCode)).toEqual([
      400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504,
    ]);
    for (const response of CustomErrorResponses)
      expect(response.ErrorCachingMinTTL, `${response.ErrorCode}`).toBe(0);
    // Only 404 gets a page (the knowledge base’s « page introuvable »): every other API refusal
    // reaches the console with its own French message.
    expect(
      CustomErrorResponses.filter((response) => 'ResponsePagePath' in response).map((r) => r.ErrorCode),
    ).toEqual([404]);
  });

  it('adds to the API’s answers only headers that cannot change what the API says', () => {
    // Why: the downloads need the API’s own content-disposition and content-type to pass.
    const policy = resources(full, 'AWS::CloudFront::ResponseHeadersPolicy')[
      logicalId(full, full.desk.console.apiResponseHeadersPolicy as never)
    ]?.Properties.ResponseHeadersPolicyConfig as Record<string, unknown>;
    expect(policy.CustomHeadersConfig).toEqual({
      Items: [{ Header: 'cross-origin-resource-policy', Value: 'same-origin', Override: true }],
    });
    expect(policy.CorsConfig).toBeUndefined();
    expect(policy.SecurityHeadersConfig).toEqual({
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
      StrictTransportSecurity: {
        AccessControlMaxAgeSec: 63072000,
        IncludeSubdomains: true,
        Preload: false,
        Override: true,
      },
    });
  });

  it('names no API Gateway host in any policy of the distribution', () => {
    // Why: a wildcard execute-api source let an injected script reach any API of the region.
    for (const desk of [full, custom]) {
      const policies = JSON.stringify(resources(desk, 'AWS::CloudFront::ResponseHeadersPolicy'));
      expect(policies).not.toContain('execute-api');
      expect(policies).not.toContain('*.');
    }
  });

  it('has no dependency cycle: the distribution names the API, and nothing the API needs names the distribution', () => {
    // Why: CloudFormation refuses a template with a cycle (cdk synth does not look for one); the
    // edges say why there is none: the API, created first, names nothing of the distribution.
    for (const desk of [full, custom]) {
      const graph = dependencyGraph(desk.deskTemplate.toJSON() as { Resources: Record<string, Resource> });
      expect(cycleIn(graph)).toEqual([]);
      const distribution = logicalId(desk, desk.desk.console.distribution);
      const httpApi = logicalId(desk, desk.desk.api.httpApi);
      const client = logicalId(desk, desk.desk.api.consoleClient);
      expect(graph.get(distribution)).toContain(httpApi);
      expect(graph.get(client)).toContain(distribution);
      expect(reachable(graph, httpApi)).not.toContain(distribution);
    }
  });
});

/** Each resource's logical id → the resources it names (Ref, GetAtt, Sub, DependsOn). */
function dependencyGraph(template: { Resources: Record<string, Resource> }): Map<string, string[]> {
  const ids = new Set(Object.keys(template.Resources));
  const graph = new Map<string, string[]>();
  for (const [id, resource] of Object.entries(template.Resources)) {
    const named = new Set<string>(resource.DependsOn ?? []);
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) {
        value.forEach(walk);
        return;
      }
      if (value === null || typeof value !== 'object') return;
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'Ref' && typeof inner === 'string' && ids.has(inner)) named.add(inner);
        else if (key === 'Fn::GetAtt' && Array.isArray(inner) && ids.has(String(inner[0])))
          named.add(String(inner[0]));
        else if (key === 'Fn::Sub') {
          const text = Array.isArray(inner) ? String(inner[0]) : String(inner);
          for (const match of text.matchAll(/\$\{([^}.!]+)/g))
            if (ids.has(match[1] ?? '')) named.add(match[1] ?? '');
          if (Array.isArray(inner)) walk(inner[1]);
        } else walk(inner);
      }
    };
    walk(resource.Properties);
    graph.set(id, [...named]);
  }
  return graph;
}

/** The resources reachable from `start` by following what each names. */
function reachable(graph: Map<string, string[]>, start: string): string[] {
  const seen = new Set<string>();
  const queue = [...(graph.get(start) ?? [])];
  while (queue.length > 0) {
    const next = queue.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...(graph.get(next) ?? []));
  }
  return [...seen];
}

/** One cycle of the graph (its logical ids), or none. */
function cycleIn(graph: Map<string, string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] => {
    if (state.get(id) === 'done') return [];
    if (state.get(id) === 'open') return path.slice(path.indexOf(id));
    state.set(id, 'open');
    path.push(id);
    for (const next of graph.get(id) ?? []) {
      const found = visit(next);
      if (found.length > 0) return found;
    }
    path.pop();
    state.set(id, 'done');
    return [];
  };
  for (const id of graph.keys()) {
    const found = visit(id);
    if (found.length > 0) return found;
  }
  return [];
}
