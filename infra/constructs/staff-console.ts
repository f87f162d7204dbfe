/**
 * The staff console in AWS: its static files in a private bucket, served by CloudFront over
 * HTTPS with the console's security headers, and the `/config.json` it reads at start, written
 * at deploy time with the Cognito app client. The same distribution routes `/api/*` to the HTTP
 * API ({@link StaffConsole.serveApi}): one origin, so no CORS and a CSP without API Gateway.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CfnOutput, DefaultStackSynthesizer, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { consoleSecurityHeaders } from '../../console/security-headers.ts';

/**
 * The OAuth settings the console and its Cognito app client must agree on. They are written
 * into `/config.json` and registered on the app client from this one place.
 */
export const consoleOAuth = {
  scopes: ['openid', 'email', 'profile'],
  /** Where managed login sends the browser back with the code (`console/src/auth/cognito.ts`). */
  redirectPath: '/connexion/retour',
  /** Where managed login's sign-out sends the browser. */
  logoutPath: '/connexion',
} as const;

/**
 * The CloudFront Function on viewer requests: a path whose last segment has no extension is a
 * route of the single-page app (`/tickets/LSUN-2025-000042`), answered with `index.html`; any
 * other path is a file. The same rule as the local front (`local/http-front.ts`, `extname`), so
 * a route behaves the same on both. Rewriting the request, rather than turning S3's 403 into
 * `index.html` with a 200, leaves a missing asset a real error and an API-like typo visible.
 *
 * Plain ES5: CloudFront Functions run a restricted JavaScript engine.
 */
export const spaRewriteCode = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (last.lastIndexOf('.') <= 0) {
    request.uri = '/index.html';
  }
  return request;
}`;

/** Cache-Control of each kind of file, in S3's object metadata (CloudFront and browsers follow it). */
export const consoleCacheControl = {
  /** Vite's output under `assets/`: the name carries a content hash, so it never changes. */
  hashed: 'public, max-age=31536000, immutable',
  /** The DSFR's files (`dsfr/`): stable names, replaced on a DSFR upgrade; the deployment invalidates them. */
  stable: 'public, max-age=86400',
  /** `index.html` and `config.json`: always revalidated, so a deployment shows at the next load. */
  entry: 'no-cache',
} as const;

/**
 * Where the console calls the API: its own origin (`/config.json`'s `apiUrl` is empty), since
 * the distribution routes `/api/*` to the HTTP API.
 */
export const CONSOLE_API_URL = '';

/** The path pattern of the distribution's behaviour to the HTTP API. */
export const API_PATH_PATTERN = '/api/*';

/**
 * The security headers of the API's answers through CloudFront. Only headers that cannot change
 * what the API says: the API's own `content-type`, `content-disposition` and `cache-control`
 * pass unchanged. `cross-origin-resource-policy: same-origin` now that every page that reads
 * the API is on its origin: another site cannot even load an answer as an image or a script.
 */
export const apiSecurityHeaders: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'cross-origin-resource-policy': 'same-origin',
};

/** The values the console reads from `/config.json` (see docs/console.md). */
export type ConsoleRuntimeConfig = {
  /** Base URL of Cognito's managed login (`https://<prefix>.auth.<region>.amazoncognito.com`). */
  authDomain: string;
  /** The console's app client (public, PKCE). */
  clientId: string;
  region: string;
};

/** Properties of a {@link StaffConsole}. */
export type StaffConsoleProps = {
  /**
   * Origin of Cognito's managed login, whose token endpoint the console calls: with `'self'`,
   * the only source of the CSP's `connect-src`.
   */
  authOrigin: string;
  /**
   * A custom host name and its ACM certificate (us-east-1). With it, viewers get TLS 1.2 at
   * least (`TLSv1.2_2021`). Default: the distribution's `*.cloudfront.net` name only.
   */
  customDomain?: { domainName: string; certificateArn: string };
  /** Where the bucket's S3 server access logs go. Default: none (then cdk-nag's S1 fires). */
  accessLogs?: { bucketName: string; prefix: string };
  /**
   * A page served, with status 404, for any path whose origin answers 404: the public knowledge
   * base's « page introuvable » (its bucket lets CloudFront list, so a missing page is a 404;
   * the console's bucket does not, so a missing console file stays S3's 403). Uploaded beside
   * the console's files by {@link StaffConsole.publish}. CloudFront's error pages are the
   * distribution's, not a behaviour's: an API answer 404 through `/api/*` gets this page too
   * (same status; the console then shows its own French « Élément introuvable »).
   */
  notFoundPage?: { path: string; html: string };
};

/** The console's bucket, distribution and, once {@link StaffConsole.publish} ran, its files. */
export class StaffConsole extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly responseHeadersPolicy: cloudfront.ResponseHeadersPolicy;
  readonly spaRewrite: cloudfront.Function;
  /** Every origin the console is served from (`https://host`), the custom one first. */
  readonly origins: string[];
  /** OAuth callback URLs to register on the app client, one per origin. */
  readonly callbackUrls: string[];
  /** OAuth sign-out URLs to register on the app client, one per origin. */
  readonly logoutUrls: string[];
  /** The deployments of the files, once published: hashed assets, other files, entry files. */
  readonly deployments: s3deploy.BucketDeployment[] = [];
  /** The security headers of the API's answers, once {@link StaffConsole.serveApi} ran. */
  apiResponseHeadersPolicy: cloudfront.ResponseHeadersPolicy | undefined;
  private readonly notFoundPage: StaffConsoleProps['notFoundPage'];

  constructor(scope: Construct, id: string, props: StaffConsoleProps) {
    super(scope, id);
    this.notFoundPage = props.notFoundPage;

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      // Only built files live here, nothing a redeployment cannot put back; kept on stack
      // deletion because a non-empty bucket cannot be deleted by CloudFormation.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    if (props.accessLogs) {
      // Set on the L1 resource: handing the other stack's bucket to `serverAccessLogsBucket`
      // would add a log-delivery grant without any source condition to that bucket's policy;
      // the stateful stack grants it itself, for this account only (StatefulStack).
      (this.bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
        destinationBucketName: props.accessLogs.bucketName,
        logFilePrefix: props.accessLogs.prefix,
      };
    }

    this.responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Assistance LSUN : CSP et en-têtes de sécurité de la console',
      ...responseHeadersFrom(consoleSecurityHeaders({ authOrigin: props.authOrigin, https: true })),
    });

    this.spaRewrite = new cloudfront.Function(this, 'SpaRewrite', {
      comment: 'Console routes (paths without an extension) are served index.html',
      code: cloudfront.FunctionCode.fromInline(spaRewriteCode),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });

    const custom = props.customDomain;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Assistance LSUN : console du personnel',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        // Honours each object's Cache-Control (see consoleCacheControl), compresses text files.
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        compress: true,
        responseHeadersPolicy: this.responseHeadersPolicy,
        functionAssociations: [
          { function: this.spaRewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      },
      errorResponses: errorResponsesFor(props.notFoundPage),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // Staff work in France: Europe and North America edges are enough, at the lowest price.
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      ...(custom
        ? {
            domainNames: [custom.domainName],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', custom.certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            sslSupportMethod: cloudfront.SSLMethod.SNI,
          }
        : {}),
    });
    this.acknowledgeDistributionFindings(custom !== undefined);

    this.origins = [
      ...(custom ? [`https://${custom.domainName}`] : []),
      `https://${this.distribution.distributionDomainName}`,
    ];
    this.callbackUrls = this.origins.map((origin) => `${origin}${consoleOAuth.redirectPath}`);
    this.logoutUrls = this.origins.map((origin) => `${origin}${consoleOAuth.logoutPath}`);

    new CfnOutput(this, 'Url', { value: this.origins[0] ?? '' });
    new CfnOutput(this, 'DistributionDomain', {
      value: this.distribution.distributionDomainName,
      description: custom ? `CNAME target of ${custom.domainName}` : 'The console host',
    });
  }

  /**
   * Routes `/api/*` to the HTTP API, so that the console and the public pages call it on their
   * own origin: no CORS, and a CSP without any API Gateway host.
   *
   * - Origin: the API's own `execute-api` host (its `$default` stage, so no origin path),
   *   HTTPS only, TLS 1.2.
   * - Every method (the API has POST, PUT, PATCH, DELETE routes); nothing cached
   *   (`CachingDisabled`): every answer is per person.
   * - `AllViewerExceptHostHeader` forwards the viewer's headers (with `Authorization`, which
   *   CloudFront lets an origin request policy forward only when caching is disabled), cookies
   *   and query string, but not `Host`: API Gateway answers only to its own host name.
   * - HTTPS only for viewers, not a redirect: a redirected POST would lose its body and the
   *   first request would have gone out in clear with its token.
   *
   * The API's stage throttling still applies behind CloudFront, and its `execute-api` host stays
   * reachable directly, with the same JWT authorizer (docs/deploy.md).
   */
  serveApi(httpApi: IHttpApi): void {
    const stack = Stack.of(this);
    this.apiResponseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'ApiSecurityHeaders', {
      comment: 'Assistance LSUN : en-têtes de sécurité des réponses de l’API',
      ...responseHeadersFrom(apiSecurityHeaders),
    });
    const origin = new origins.HttpOrigin(`${httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
    });
    this.distribution.addBehavior(API_PATH_PATTERN, origin, {
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.apiResponseHeadersPolicy,
      compress: false,
    });
  }

  /**
   * Uploads the built console and writes its `/config.json`, in three deployments so that
   * each kind of file gets its Cache-Control, and `index.html` only lands once every asset it
   * names is in place. Old hashed assets are kept: a tab opened before the deployment still
   * loads its lazy chunks.
   * @param files the built console (`dist/console`).
   * @throws ConsoleNotBuiltError when `files` holds no `index.html`.
   */
  publish(files: string, config: ConsoleRuntimeConfig): void {
    if (!existsSync(join(files, 'index.html'))) {
      throw new ConsoleNotBuiltError(
        `The staff console is not built: ${join(files, 'index.html')} is missing. Run \`npm run console:build\` before \`cdk synth\` or \`cdk deploy\` (or synthesize without it, for checks only, with \`-c skipConsoleFiles=true\`).`,
      );
    }
    const built = s3deploy.Source.asset(files);
    const configJson = s3deploy.Source.jsonData('config.json', {
      apiUrl: CONSOLE_API_URL,
      auth: {
        kind: 'cognito',
        domain: config.authDomain,
        clientId: config.clientId,
        scopes: [...consoleOAuth.scopes],
        redirectPath: consoleOAuth.redirectPath,
        logoutPath: consoleOAuth.logoutPath,
      },
      region: config.region,
    });

    // One handler runs the three deployments (a singleton function); an explicit role and log
    // group rather than CDK's defaults (the AWSLambdaBasicExecutionRole managed policy, which
    // may write to every log group of the account, and logs without a retention).
    const logGroup = new logs.LogGroup(this, 'DeploymentLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'DeploymentRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Uploads the staff console to its bucket',
    });
    logGroup.grantWrite(role);
    const common = { destinationBucket: this.bucket, role, logGroup };

    const hashed = new s3deploy.BucketDeployment(this, 'DeployAssets', {
      ...common,
      sources: [built],
      exclude: ['*'],
      include: ['assets/*'],
      prune: false,
      cacheControl: [s3deploy.CacheControl.fromString(consoleCacheControl.hashed)],
    });
    const notFound = this.notFoundPage;
    const notFoundName = notFound?.path.replace(/^\//, '');
    const stable = new s3deploy.BucketDeployment(this, 'DeployFiles', {
      ...common,
      sources: [built],
      // Prunes what the DSFR dropped, never the files of the two other deployments.
      exclude: ['assets/*', 'index.html', 'config.json', ...(notFoundName ? [notFoundName] : [])],
      cacheControl: [s3deploy.CacheControl.fromString(consoleCacheControl.stable)],
    });
    const entry = new s3deploy.BucketDeployment(this, 'DeployEntry', {
      ...common,
      // config.json last: the tests read it as the deployment's last source.
      sources: [
        built,
        ...(notFound && notFoundName ? [s3deploy.Source.data(notFoundName, notFound.html)] : []),
        configJson,
      ],
      exclude: ['*'],
      include: ['index.html', 'config.json', ...(notFoundName ? [notFoundName] : [])],
      cacheControl: [s3deploy.CacheControl.fromString(consoleCacheControl.entry)],
      distribution: this.distribution,
      distributionPaths: ['/*'],
    });
    entry.node.addDependency(hashed, stable);
    this.deployments.push(hashed, stable, entry);
    this.acknowledgeDeploymentFindings(entry);
  }

  private acknowledgeDistributionFindings(customCertificate: boolean): void {
    const findings = Validations.of(this.distribution);
    findings.acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction: the distribution serves the public static files of the console and of the knowledge base, and routes /api/* to the HTTP API, whose every data route checks a Cognito JWT; the Cognito sign-in and the API’s own host are reachable from anywhere anyway, and staff may work abroad or behind VPN exits outside France.',
    });
    findings.acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'No WAF web ACL: the static files are served from S3 with GET/HEAD only, and /api/* goes to the HTTP API, whose routes check a Cognito JWT (the public ones are throttled apart) and whose stage throttles the whole API; its execute-api host stays reachable directly, so an ACL on the distribution alone would not cover the API anyway. Shield Standard covers the distribution; a CLOUDFRONT-scope ACL would need a us-east-1 stack and a monthly fee.',
    });
    findings.acknowledge({
      id: 'AwsSolutions-CFR3',
      reason:
        'No CloudFront access logs: they would record staff IP addresses for downloads of public static files, with no use; every action on data goes through the HTTP API, whose stage keeps access logs, and the bucket keeps S3 server access logs.',
    });
    if (!customCertificate) {
      findings.acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain CloudFront serves *.cloudfront.net with its default certificate, whose security policy AWS fixes and does not let us raise. Setting consoleDomain and consoleCertificateArn (docs/deploy.md) gives TLSv1.2_2021, and this acknowledgment then goes away.',
      });
    }
  }

  /**
   * CDK's bucket-deployment handler gets its grants from the library (`grantRead` on the asset
   * bucket, `grantReadWrite` on ours, invalidations on `*`); each wildcard is acknowledged
   * here, by name, so that any other one still fails the synthesis.
   */
  private acknowledgeDeploymentFindings(deployment: s3deploy.BucketDeployment): void {
    const policy = deployment.handlerRole.node.tryFindChild('DefaultPolicy');
    if (!policy) return;
    const stack = Stack.of(this);
    const bucketId = stack.resolve(stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket));
    const assetBucket = `cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-<AWS::AccountId>-${stack.region}`;
    const handler =
      "CDK's bucket-deployment handler, which runs only while deploying, reads the built console from the CDK asset bucket and writes it into the console bucket (public static files, no personal data): ";
    const reasons: Record<string, string> = {
      'Action::s3:GetObject*': 'object reads (versions, ACLs, tags) of the files it copies.',
      'Action::s3:GetBucket*': 'bucket reads (location, versioning) the sync needs on both buckets.',
      'Action::s3:List*': 'listing both buckets, to compare and prune files.',
      'Action::s3:DeleteObject*': 'deleting the console files a new build no longer has (prune).',
      'Action::s3:Abort*': 'aborting its own multipart uploads when a deployment fails.',
      [`Resource::arn:aws:s3:::${assetBucket}/*`]:
        'the objects of the CDK asset bucket, whose keys are content hashes known only at deployment.',
      [`Resource::<${bucketId}.Arn>/*`]: 'every object of the console bucket, which holds only the console.',
      'Resource::*':
        'cloudfront:CreateInvalidation and GetInvalidation, which CDK grants on * and which only empty edge caches.',
    };
    for (const [finding, reason] of Object.entries(reasons)) {
      Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason: handler + reason });
    }
    // The handler itself is a singleton function CDK puts at the root of the stack.
    const lambda = stack.node.children.find((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    if (lambda) {
      Validations.of(lambda).acknowledge({
        id: 'AwsSolutions-L1',
        reason:
          "CDK's bucket-deployment handler runs on the Python version aws-cdk-lib pins for its AWS CLI layer (python3.13 here), not ours to choose; it runs only during deployments, on files we built, and moves with aws-cdk-lib upgrades.",
      });
    }
  }
}

/**
 * The error statuses CloudFront lets a distribution configure: each is kept 0 s at the edge,
 * since `/api/*` answers per person (CloudFront would otherwise keep an error 10 s, and the API's
 * « introuvable » of a ticket about to exist would outlive it). 404 also gets the « page
 * introuvable » when there is one.
 */
export const EDGE_ERROR_STATUSES = [400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504] as const;

function errorResponsesFor(notFoundPage: StaffConsoleProps['notFoundPage']): cloudfront.ErrorResponse[] {
  return EDGE_ERROR_STATUSES.map((httpStatus) =>
    httpStatus === 404 && notFoundPage
      ? { httpStatus, responseHttpStatus: 404, responsePagePath: notFoundPage.path, ttl: Duration.seconds(0) }
      : { httpStatus, ttl: Duration.seconds(0) },
  );
}

/** Raised at synthesis when the console's build output is missing. */
export class ConsoleNotBuiltError extends Error {
  override name = 'ConsoleNotBuiltError';
}

/** Raised when a console header cannot be expressed in a CloudFront response headers policy. */
export class StaffConsoleError extends Error {
  override name = 'StaffConsoleError';
}

const referrerPolicies = new Set<string>(Object.values(cloudfront.HeadersReferrerPolicy));

/**
 * Turns the console's header record (`consoleSecurityHeaders`) into a response headers policy:
 * the five headers CloudFront manages as security headers go there (CloudFront refuses them as
 * custom headers), the others as custom headers. Every header overrides what S3 might send.
 * @throws StaffConsoleError for a value CloudFront cannot express, so a change of
 *   `console/security-headers.ts` fails the synthesis rather than being dropped.
 */
export function responseHeadersFrom(
  headers: Record<string, string>,
): Pick<cloudfront.ResponseHeadersPolicyProps, 'securityHeadersBehavior' | 'customHeadersBehavior'> {
  const security: {
    -readonly [K in keyof cloudfront.ResponseSecurityHeadersBehavior]: cloudfront.ResponseSecurityHeadersBehavior[K];
  } = {};
  const custom: cloudfront.ResponseCustomHeader[] = [];
  for (const [name, value] of Object.entries(headers)) {
    switch (name.toLowerCase()) {
      case 'content-security-policy':
        security.contentSecurityPolicy = { contentSecurityPolicy: value, override: true };
        break;
      case 'x-content-type-options':
        if (value !== 'nosniff') throw new StaffConsoleError(`x-content-type-options: ${value}`);
        security.contentTypeOptions = { override: true };
        break;
      case 'x-frame-options':
        if (value !== 'DENY' && value !== 'SAMEORIGIN')
          throw new StaffConsoleError(`x-frame-options: ${value}`);
        security.frameOptions = { frameOption: cloudfront.HeadersFrameOption[value], override: true };
        break;
      case 'referrer-policy':
        if (!referrerPolicies.has(value)) throw new StaffConsoleError(`referrer-policy: ${value}`);
        security.referrerPolicy = {
          referrerPolicy: value as cloudfront.HeadersReferrerPolicy,
          override: true,
        };
        break;
      case 'strict-transport-security':
        security.strictTransportSecurity = hsts(value);
        break;
      case 'x-xss-protection':
        throw new StaffConsoleError('x-xss-protection is not mapped: add it here if the console sets it');
      default:
        custom.push({ header: name, value, override: true });
    }
  }
  return {
    securityHeadersBehavior: security,
    ...(custom.length > 0 ? { customHeadersBehavior: { customHeaders: custom } } : {}),
  };
}

function hsts(value: string): cloudfront.ResponseHeadersStrictTransportSecurity {
  const directives = value.split(';').map((part) => part.trim().toLowerCase());
  const maxAge = directives.find((part) => part.startsWith('max-age='))?.slice('max-age='.length);
  if (maxAge === undefined || !/^\d+$/.test(maxAge)) {
    throw new StaffConsoleError(`strict-transport-security without max-age: ${value}`);
  }
  return {
    accessControlMaxAge: Duration.seconds(Number(maxAge)),
    includeSubdomains: directives.includes('includesubdomains'),
    preload: directives.includes('preload'),
    override: true,
  };
}
