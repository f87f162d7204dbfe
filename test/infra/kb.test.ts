/**
 * The infrastructure of the knowledge base (issue 10), checked on the template: the private
 * bucket of the public pages and how CloudFront serves it under `/kb/*`, the export's queue, who
 * may touch the bucket, and the public search route (no authorizer, throttled). No bundling and
 * no CloudFormation validation (nag.test.ts runs those once, cdk-nag included).
 */
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { KB_CACHE_CONTROL as STORED_CACHE_CONTROL } from '#shared/adapters/kb-site.ts';
import { allStages } from '#shared/pipeline.ts';
import { KB_SEARCH_INDEX_KEY } from '../../infra/constructs/kb-site.ts';
import {
  KB_CACHE_CONTROL,
  KB_MAX_AGE_SECONDS,
  kbRewriteCode,
  PUBLIC_SEARCH_THROTTLE,
} from '../../infra/kb-public.ts';
import {
  asArray,
  logicalIdIn,
  resourcesOf,
  type Statement,
  type SynthesizedDesk,
  synthFullDesk,
} from './synth.ts';

type FunctionName = keyof SynthesizedDesk['desk']['functions'];

const full = synthFullDesk();

/** A template value as one string: `Fn::Join` joined, `Ref` as `{name}` (as in console.test.ts). */
function flat(value: unknown): string {
  if (typeof value === 'string') return value;
  const object = value as Record<string, unknown>;
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map(flat).join(separator);
  }
  if ('Ref' in object) return `{${object.Ref as string}}`;
  return JSON.stringify(value);
}

/** A resource's properties, or a failure naming what is missing. */
function propertiesOf(type: string, id: string): Record<string, unknown> {
  const found = resourcesOf(full.deskTemplate, type)[id];
  if (found === undefined) throw new Error(`no ${type} ${id}`);
  return found.Properties;
}

const kbBucketId = () => logicalIdIn(full, full.desk.kb.bucket);

/** Every statement of a function's role that names the knowledge base's bucket. */
function kbGrantsOf(name: FunctionName): Statement[] {
  const role = logicalIdIn(full, full.desk.functions[name].role);
  return Object.values(resourcesOf(full.deskTemplate, 'AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${role}"`))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
    .map((statement) => ({
      ...statement,
      // IAM merges statements with the same actions: keep the resources of this bucket only.
      Resource: asArray(statement.Resource).filter((one) =>
        JSON.stringify(one).includes(`"${kbBucketId()}"`),
      ),
    }))
    .filter((statement) => statement.Resource.length > 0);
}

/** A statement's actions and resources, readable: `<bucket>` for the bucket's ARN. */
function shape(statement: Statement) {
  const resource = asArray(statement.Resource as unknown).map((one) =>
    JSON.stringify(one)
      .replace(/\{"Fn::GetAtt":\["[^"]+","Arn"\]\}/g, '<bucket>')
      .replace(/\{"Fn::Join":\["",\[<bucket>,"([^"]*)"\]\]\}/, '<bucket>$1')
      .replaceAll('"', ''),
  );
  return { actions: asArray(statement.Action).sort(), resource, condition: statement.Condition };
}

/** Runs the CloudFront Function's code on a request, as CloudFront would. */
function viewerRequest(uri: string): { uri?: string; statusCode?: number; headers?: unknown } {
  const handler = runInNewContext(`${kbRewriteCode}; handler`) as (event: unknown) => unknown;
  return handler({ request: { uri, headers: {} } }) as { uri?: string; statusCode?: number };
}

describe('the knowledge base bucket', () => {
  it('is private, encrypted, TLS only and logged, readable by the console distribution alone', () => {
    // Why: only what the export wrote under kb/ may reach a browser, and only through CloudFront.
    const bucket = resourcesOf(full.deskTemplate, 'AWS::S3::Bucket')[kbBucketId()];
    expect(bucket?.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: { ServerSideEncryptionConfiguration: [expect.anything()] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { LogFilePrefix: full.stateful.kbAccessLogs.prefix },
    });
    const [policy, ...others] = Object.values(resourcesOf(full.deskTemplate, 'AWS::S3::BucketPolicy')).filter(
      (candidate) => JSON.stringify(candidate.Properties.Bucket) === JSON.stringify({ Ref: kbBucketId() }),
    );
    expect(others).toHaveLength(0);
    if (policy === undefined) throw new Error('the knowledge base bucket has no policy');
    const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    const denies = statements.filter((statement) => statement.Effect === 'Deny');
    expect(denies).toEqual([
      expect.objectContaining({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);
    const allows = statements.filter((statement) => statement.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(0);
    const distribution = logicalIdIn(full, full.desk.console.distribution);
    for (const statement of allows) {
      expect(statement.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
      expect(JSON.stringify(statement.Condition)).toContain(distribution);
      expect(
        asArray(statement.Action).every((action) => ['s3:GetObject', 's3:ListBucket'].includes(action)),
      ).toBe(true);
    }
    // The log delivery to the stateful stack's bucket is allowed for this prefix.
    const logPolicy = Object.values(resourcesOf(full.statefulTemplate, 'AWS::S3::BucketPolicy'))
      .map((candidate) => JSON.stringify(candidate.Properties.PolicyDocument))
      .find((document) => document.includes('logging.s3.amazonaws.com'));
    expect(logPolicy).toContain(`/${full.stateful.kbAccessLogs.prefix}*`);
  });
});

describe('/kb/* on the console distribution', () => {
  type Behavior = {
    PathPattern: string;
    TargetOriginId: string;
    AllowedMethods: string[];
    ViewerProtocolPolicy: string;
    CachePolicyId: unknown;
    ResponseHeadersPolicyId: unknown;
    FunctionAssociations: { EventType: string; FunctionARN: unknown }[];
  };
  const config = () =>
    resourcesOf(full.deskTemplate, 'AWS::CloudFront::Distribution')[
      logicalIdIn(full, full.desk.console.distribution)
    ]?.Properties.DistributionConfig as {
      Origins: { Id: string; DomainName: unknown; OriginAccessControlId?: unknown }[];
      CacheBehaviors: Behavior[];
    };

  it('serves /kb and /kb/* from the knowledge base bucket through origin access control, HTTPS, GET and HEAD', () => {
    // Why: the bucket is private; CloudFront signs its reads, and nothing may be written through it.
    const { Origins, CacheBehaviors } = config();
    const origin = Origins.find(
      (candidate) =>
        JSON.stringify(candidate.DomainName) ===
        JSON.stringify({ 'Fn::GetAtt': [kbBucketId(), 'RegionalDomainName'] }),
    );
    expect(origin?.OriginAccessControlId).toBeDefined();
    const kbBehaviors = CacheBehaviors.filter((behavior) => behavior.PathPattern.startsWith('/kb'));
    expect(kbBehaviors.map((behavior) => behavior.PathPattern).sort()).toEqual(['/kb', '/kb/*']);
    for (const behavior of kbBehaviors) {
      expect(behavior).toMatchObject({
        TargetOriginId: origin?.Id,
        AllowedMethods: ['GET', 'HEAD'],
        ViewerProtocolPolicy: 'redirect-to-https',
        ResponseHeadersPolicyId: { Ref: logicalIdIn(full, full.desk.kb.responseHeadersPolicy as never) },
        CachePolicyId: { Ref: logicalIdIn(full, full.desk.kb.cachePolicy as never) },
      });
      expect(behavior.FunctionAssociations).toEqual([
        {
          EventType: 'viewer-request',
          FunctionARN: { 'Fn::GetAtt': [logicalIdIn(full, full.desk.kb.rewrite as never), 'FunctionARN'] },
        },
      ]);
    }
  });

  it('rewrites directory URLs to index.html and redirects /kb to /kb/, leaving files alone', () => {
    // Why: S3 behind OAC has no index document; /kb/ must be the index page, as locally.
    expect(viewerRequest('/kb')).toMatchObject({ statusCode: 301, headers: { location: { value: '/kb/' } } });
    expect(viewerRequest('/kb/').uri).toBe('/kb/index.html');
    expect(viewerRequest('/kb/articles/').uri).toBe('/kb/articles/index.html');
    expect(viewerRequest('/kb/articles/12.html').uri).toBe('/kb/articles/12.html');
    expect(viewerRequest('/kb/feed.json').uri).toBe('/kb/feed.json');
  });

  it('keeps files at most a minute at the edge, so a publication shows without an invalidation', () => {
    // Why: the export does not invalidate; a long TTL would hide a withdrawn article for hours.
    const policy = resourcesOf(full.deskTemplate, 'AWS::CloudFront::CachePolicy')[
      logicalIdIn(full, full.desk.kb.cachePolicy as never)
    ];
    expect(policy?.Properties.CachePolicyConfig).toMatchObject({
      MinTTL: 0,
      DefaultTTL: KB_MAX_AGE_SECONDS,
      MaxTTL: KB_MAX_AGE_SECONDS,
    });
    expect(KB_MAX_AGE_SECONDS).toBeLessThanOrEqual(300);
    // Browsers follow the Cache-Control the export stores with each file: the same minute.
    expect(STORED_CACHE_CONTROL).toBe(KB_CACHE_CONTROL);
  });

  it('sends the pages a CSP allowing only their own origin: the DSFR, search.js and the public search on /api/', () => {
    // Why: the pages show staff-written text; no script from elsewhere may run in them.
    const policy = propertiesOf(
      'AWS::CloudFront::ResponseHeadersPolicy',
      logicalIdIn(full, full.desk.kb.responseHeadersPolicy as never),
    );
    const csp = flat(
      (
        policy.ResponseHeadersPolicyConfig as {
          SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } };
        }
      ).SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy,
    );
    // The exact policy: the public search is on the pages' own origin (the distribution routes
    // /api/* to the HTTP API), so connect-src names no API Gateway host.
    expect(csp).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; upgrade-insecure-requests",
    );
  });

  it('answers a missing public page with the French « page introuvable », status 404', () => {
    // Why: a link from an old acknowledgment to a withdrawn article must say so, in French.
    const { CustomErrorResponses } = propertiesOf(
      'AWS::CloudFront::Distribution',
      logicalIdIn(full, full.desk.console.distribution),
    ).DistributionConfig as { CustomErrorResponses: unknown[] };
    expect(
      CustomErrorResponses.filter((response) => (response as { ErrorCode: number }).ErrorCode === 404),
    ).toEqual([
      { ErrorCode: 404, ResponseCode: 404, ResponsePagePath: '/kb-404.html', ErrorCachingMinTTL: 0 },
    ]);
  });
});

describe('the kb-export stage', () => {
  it('comes from shared/pipeline.ts, with a dead-letter queue and an alarm, consumed by kb-export', () => {
    // Why: an export that keeps failing leaves /kb/ stale; staff must be told, not find out.
    const stage = allStages.find((candidate) => candidate.queue === 'kb-export');
    expect(stage?.consumer).toBe('kb-export');
    const deployed = full.desk.pipeline.stages['kb-export'];
    const queue = resourcesOf(full.deskTemplate, 'AWS::SQS::Queue')[logicalIdIn(full, deployed.queue)];
    expect(queue?.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdIn(full, deployed.deadLetterQueue), 'Arn'] },
      maxReceiveCount: stage?.maxReceiveCount,
    });
    const alarm = Object.values(resourcesOf(full.deskTemplate, 'AWS::CloudWatch::Alarm')).find((candidate) =>
      JSON.stringify(candidate.Properties.Dimensions).includes(
        `"${logicalIdIn(full, deployed.deadLetterQueue)}"`,
      ),
    );
    expect(alarm?.Properties).toMatchObject({
      Threshold: 0,
      AlarmActions: [{ Ref: logicalIdIn(full, full.desk.pipeline.alarmTopic) }],
    });
    // The alarm says what is wrong in staff's terms: the public pages, not a mail.
    expect(alarm?.Properties.AlarmDescription).toContain('base de connaissances');
    full.deskTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalIdIn(full, deployed.queue), 'Arn'] },
      FunctionName: { Ref: logicalIdIn(full, full.desk.functions['kb-export'].function) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });
});

describe('who may touch the knowledge base bucket', () => {
  it('lets kb-export write, delete and list under kb/ only, and read the table without writing', () => {
    // Why: the export rewrites the public files; a flaw in it must not reach anything else.
    expect(kbGrantsOf('kb-export').map(shape)).toEqual([
      {
        actions: ['s3:DeleteObject', 's3:PutObject'],
        resource: ['<bucket>/kb/*'],
        condition: undefined,
      },
      {
        actions: ['s3:ListBucket'],
        resource: ['<bucket>'],
        condition: { StringLike: { 's3:prefix': ['kb/*'] } },
      },
    ]);
    const role = logicalIdIn(full, full.desk.functions['kb-export'].role);
    const dynamodb = Object.values(resourcesOf(full.deskTemplate, 'AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${role}"`))
      .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
      .flatMap((statement) => asArray(statement.Action))
      .filter((action) => action.startsWith('dynamodb:'));
    expect(dynamodb.length).toBeGreaterThan(0);
    expect(dynamodb.filter((action) => !/^dynamodb:(Get|BatchGet|Query)/.test(action))).toEqual([]);
  });

  it('lets the api and ticket functions read the public search index alone', () => {
    // Why: suggestions and the public search need the index; no other public file, nor a write.
    const indexOnly = [
      { actions: ['s3:GetObject'], resource: [`<bucket>/${KB_SEARCH_INDEX_KEY}`], condition: undefined },
      {
        actions: ['s3:ListBucket'],
        resource: ['<bucket>'],
        condition: { StringEquals: { 's3:prefix': KB_SEARCH_INDEX_KEY } },
      },
    ];
    expect(kbGrantsOf('api').map(shape)).toEqual(indexOnly);
    expect(kbGrantsOf('ticket').map(shape)).toEqual(indexOnly);
  });

  it('gives no other function any access to it', () => {
    // Why: the intake, the mailer and broadcasts have nothing to do with the public pages.
    const others = (Object.keys(full.desk.functions) as FunctionName[]).filter(
      (name) => !['kb-export', 'api', 'ticket'].includes(name),
    );
    for (const name of others) expect(kbGrantsOf(name), name).toEqual([]);
  });

  it('tells the functions where the public files are and the address they are read at', () => {
    // Why: links in acknowledgments and feeds must name the distribution that serves /kb/.
    const fn = resourcesOf(full.deskTemplate, 'AWS::Lambda::Function')[
      logicalIdIn(full, full.desk.functions['kb-export'].function)
    ];
    const variables = (fn?.Properties.Environment as { Variables: Record<string, unknown> } | undefined)
      ?.Variables;
    if (variables === undefined) throw new Error('kb-export has no environment');
    expect(variables.KB_BUCKET).toEqual({ Ref: kbBucketId() });
    expect(variables.PUBLIC_BASE_URL).toEqual({
      'Fn::Join': [
        '',
        ['https://', { 'Fn::GetAtt': [logicalIdIn(full, full.desk.console.distribution), 'DomainName'] }],
      ],
    });
    expect(variables.KB_EXPORT_QUEUE_URL).toEqual({
      Ref: logicalIdIn(full, full.desk.pipeline.stages['kb-export'].queue),
    });
    // The pages' search box asks /api/ on their own origin: no function is told the API's host.
    expect(variables.PUBLIC_API_URL).toBeUndefined();
  });
});

describe('the public search route', () => {
  it('has no authorizer and its own throttle, below the API-wide one', () => {
    // Why: anyone may search without a token, so a script must not be able to run up the bill.
    const route = Object.values(resourcesOf(full.deskTemplate, 'AWS::ApiGatewayV2::Route')).find(
      (candidate) => candidate.Properties.RouteKey === 'GET /api/public/articles',
    );
    expect(route?.Properties.AuthorizationType).toBe('NONE');
    const [stageId, stage] =
      Object.entries(resourcesOf(full.deskTemplate, 'AWS::ApiGatewayV2::Stage'))[0] ?? [];
    expect(stageId).toBe(logicalIdIn(full, full.desk.api.stage));
    expect(stage?.Properties.RouteSettings).toEqual({
      'GET /api/public/articles': {
        ThrottlingRateLimit: PUBLIC_SEARCH_THROTTLE.ratePerSecond,
        ThrottlingBurstLimit: PUBLIC_SEARCH_THROTTLE.burst,
      },
    });
    const apiWide = stage?.Properties.DefaultRouteSettings as { ThrottlingRateLimit: number };
    expect(PUBLIC_SEARCH_THROTTLE.ratePerSecond).toBeLessThan(apiWide.ThrottlingRateLimit);
    // API Gateway refuses a setting for a route it does not have yet.
    const routeId = Object.entries(resourcesOf(full.deskTemplate, 'AWS::ApiGatewayV2::Route')).find(
      ([, candidate]) => candidate.Properties.RouteKey === 'GET /api/public/articles',
    )?.[0];
    expect(asArray(stage?.DependsOn ?? [])).toContain(routeId);
  });
});
