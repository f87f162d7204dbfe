/**
 * The public knowledge base in AWS (« Base de connaissances »): a private bucket holding the
 * pages, the feeds and the public search index under `kb/`, written by the `kb-export`
 * function and served under `/kb/*` by the console's CloudFront distribution (origin access
 * control, short cache, the pages' own security headers). The grants on it are its methods.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';
import { KB_MAX_AGE_SECONDS, kbRewriteCode, kbSecurityHeaders } from '../kb-public.ts';
import { responseHeadersFrom } from './staff-console.ts';

/** Where the public files live in the bucket (the path under `/kb/` is the rest of the key). */
export const KB_PREFIX = 'kb/';

/** The public search index the acknowledgments' suggestions read (`shared/adapters/kb-index.ts`). */
export const KB_SEARCH_INDEX_KEY = `${KB_PREFIX}search-index.json`;

/** Properties of a {@link KbSite}. */
export type KbSiteProps = {
  /** Where the bucket's S3 server access logs go. Default: none (then cdk-nag's S1 fires). */
  accessLogs?: { bucketName: string; prefix: string };
};

/** The knowledge base's bucket, and once {@link KbSite.serveFrom} ran, its CloudFront behaviours. */
export class KbSite extends Construct {
  readonly bucket: s3.Bucket;
  /** Rewrites `/kb/` to `kb/index.html` and redirects `/kb` (set by {@link serveFrom}). */
  rewrite: cloudfront.Function | undefined;
  responseHeadersPolicy: cloudfront.ResponseHeadersPolicy | undefined;
  cachePolicy: cloudfront.CachePolicy | undefined;

  constructor(scope: Construct, id: string, props: KbSiteProps = {}) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      // Every file is regenerated from the table by the next export: nothing here is the only
      // copy. Kept on stack deletion all the same, as a non-empty bucket cannot be deleted.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    if (props.accessLogs) {
      // On the L1 resource, for the reason StaffConsole gives: the stateful stack grants the
      // log delivery itself, for this account only.
      (this.bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
        destinationBucketName: props.accessLogs.bucketName,
        logFilePrefix: props.accessLogs.prefix,
      };
    }
  }

  /**
   * Serves the public files under `/kb/*` (and `/kb`, redirected to `/kb/`) from `distribution`:
   * an S3 origin with origin access control (read, and list so that a missing page is a 404
   * rather than S3's 403), GET and HEAD only, cached {@link KB_MAX_AGE_SECONDS} at most.
   */
  serveFrom(distribution: cloudfront.Distribution): void {
    this.rewrite = new cloudfront.Function(this, 'Rewrite', {
      comment: 'Knowledge base: /kb to /kb/, directory URLs to index.html',
      code: cloudfront.FunctionCode.fromInline(kbRewriteCode),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });
    this.responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Assistance LSUN : CSP et en-têtes de sécurité de la base de connaissances',
      ...responseHeadersFrom(kbSecurityHeaders({ https: true })),
    });
    this.cachePolicy = new cloudfront.CachePolicy(this, 'Cache', {
      comment: 'Knowledge base: a publication shows within a minute (no invalidation)',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(KB_MAX_AGE_SECONDS),
      maxTtl: Duration.seconds(KB_MAX_AGE_SECONDS),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const behaviour: cloudfront.AddBehaviorOptions = {
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: this.cachePolicy,
      compress: true,
      responseHeadersPolicy: this.responseHeadersPolicy,
      functionAssociations: [
        { function: this.rewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
      ],
    };
    const origin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket, {
      originAccessLevels: [cloudfront.AccessLevel.READ, cloudfront.AccessLevel.LIST],
    });
    distribution.addBehavior('/kb/*', origin, behaviour);
    distribution.addBehavior('/kb', origin, behaviour);
    Validations.of(distribution).acknowledge({
      id: 'Annotation::@aws-cdk/aws-cloudfront-origins:listBucketSecurityRisk',
      reason:
        'LIST is given to the knowledge base origin only, behind /kb and /kb/* (never the default behaviour, which has its defaultRootObject): the rewrite function turns every directory URL into its index.html and the cache policy forwards no query string, so no request can reach ListObjects; LIST is there so that a missing page is a 404 (the French « page introuvable ») rather than S3’s 403.',
    });
  }

  /**
   * Lets the export write the public files: write and delete the objects under `kb/` (PutObject;
   * DeleteObjects is authorized as `s3:DeleteObject` per key), and list that prefix (a full
   * export removes the pages of articles no longer public). It never reads a file back, and
   * nothing outside `kb/`.
   */
  grantExport(grantee: iam.IGrantable & IConstruct): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:PutObject', 's3:DeleteObject'],
      resourceArns: [this.bucket.arnForObjects(`${KB_PREFIX}*`)],
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${KB_PREFIX}*`] } },
    });
    this.acknowledgePrefix(
      grantee,
      'Each public file is an object under kb/ named by its article id, unknown in advance: the wildcard covers the public files of this one bucket, which the export regenerates and prunes.',
    );
  }

  /**
   * Lets a function read the public search index, and nothing else of the bucket. Listing is
   * allowed for that one key, so that before the first export S3 answers « no such key » (an
   * empty index) rather than « access denied ».
   */
  grantReadPublicIndex(grantee: iam.IGrantable & IConstruct): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject'],
      resourceArns: [this.bucket.arnForObjects(KB_SEARCH_INDEX_KEY)],
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
      conditions: { StringEquals: { 's3:prefix': KB_SEARCH_INDEX_KEY } },
    });
  }

  private acknowledgePrefix(grantee: IConstruct, reason: string): void {
    const policy = grantee.node.tryFindChild('DefaultPolicy');
    if (!policy) return;
    const stack = Stack.of(this);
    const bucketId = stack.resolve(stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket));
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${KB_PREFIX}*]`,
      reason,
    });
  }
}
