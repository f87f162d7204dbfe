/**
 * Where SES stores every received mail, raw, before the pipeline reads it; and the attachments
 * taken out of them for staff to download (`downloads/`, kept a day).
 */
import {
  CfnOutput,
  type CfnResource,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';
import { PORTAL_ID_PREFIX, PORTAL_UPLOADS_PREFIX } from '#shared/domain/portal.ts';
import { pipeline } from '#shared/pipeline.ts';

/** Properties of a {@link RawMailStore}. */
export type RawMailStoreProps = {
  /** Days the bucket's access logs are kept (they name the stored objects). */
  accessLogDays: number;
  /**
   * Days after receipt S3 deletes a raw mail in any case. A backstop only: a raw mail lives as
   * long as its ticket (or, for a mail that opened none, its intake entry), and the purge
   * deletes it with them; this rule catches what a failed purge left. Must exceed the intake and
   * ticket durations (the settings check it).
   */
  backstopDays: number;
};

/** Days S3 keeps an attachment taken out of a raw mail for a download. */
export const DOWNLOAD_COPY_DAYS = 1;

/** The receipt rule allowed to write into the store, by name. */
export type ReceiptRuleName = { ruleSetName: string; ruleName: string };

/**
 * The raw-mail bucket (encrypted, private, TLS only, purged after the retention period,
 * retained on stack deletion) and the bucket receiving its access logs.
 */
export class RawMailStore extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogBucket: s3.Bucket;
  /** Name of the export holding the bucket's ARN, imported by grants in other stacks. */
  readonly bucketArnExportName: string;

  constructor(scope: Construct, id: string, props: RawMailStoreProps) {
    super(scope, id);

    this.accessLogBucket = new s3.Bucket(this, 'AccessLogBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // Access logs name the stored objects: keep them as long as the mails, not longer.
      lifecycleRules: [{ expiration: Duration.days(props.accessLogDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    (this.accessLogBucket.node.defaultChild as CfnResource).overrideLogicalId('RawMailAccessLogBucket');
    Validations.of(this.accessLogBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access-log bucket of the raw-mail bucket; logging it into itself would loop and logging it elsewhere would need a third bucket that raises the same finding.',
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'raw-mail/',
      lifecycleRules: [
        {
          id: 'PurgeRawMail',
          // A backstop, far beyond the retention: the purge deletes raw mails with their ticket,
          // so an open ticket keeps its mail whatever its age (up to this many days).
          prefix: pipeline.rawMailPrefix,
          expiration: Duration.days(props.backstopDays),
        },
        {
          id: 'ExpireDownloads',
          // An attachment taken out of a raw mail for a download is a copy, made again on the
          // next download: a day covers a working session, and a purged mail's copies follow it
          // within a day (S3 runs expirations asynchronously, usually within a further day).
          prefix: pipeline.downloadPrefix,
          expiration: Duration.days(DOWNLOAD_COPY_DAYS),
        },
        { id: 'AbortUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // The portal's uploads wait a day at most for the request that names them.
        { id: 'PurgePortalUploads', prefix: PORTAL_UPLOADS_PREFIX, expiration: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // A fixed logical id: moving the construct in the tree must never replace the bucket.
    (this.bucket.node.defaultChild as CfnResource).overrideLogicalId('RawMailBucket');

    // An explicit export (rather than an automatic cross-stack reference) for the read grants:
    // its name is what cdk-nag prints for the granted resource, so the acknowledgment of the
    // prefix wildcard can name it, and the stateful stack cannot drop it while it is used.
    this.bucketArnExportName = `${Stack.of(this).stackName}-RawMailBucketArn`;
    new CfnOutput(this, 'BucketArn', { value: this.bucket.bucketArn, exportName: this.bucketArnExportName });
  }

  /**
   * Lets SES store mails under the raw-mail prefix, for one receipt rule of this account only
   * (confused-deputy protection: `aws:SourceAccount` and `aws:SourceArn`).
   *
   * Names, not references: the rule lives in a stack that depends on this one, and a reference
   * back would make the two stacks depend on each other.
   */
  allowSesReceipt(rule: ReceiptRuleName): void {
    if (Token.isUnresolved(rule.ruleSetName) || Token.isUnresolved(rule.ruleName)) {
      throw new RawMailStoreError('allowSesReceipt needs literal rule names, not references');
    }
    const stack = Stack.of(this);
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowSesReceiptRule',
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${pipeline.rawMailPrefix}*`)],
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({
              service: 'ses',
              resource: 'receipt-rule-set',
              resourceName: `${rule.ruleSetName}:receipt-rule/${rule.ruleName}`,
            }),
          },
        },
      }),
    );
  }

  /**
   * Lets the purge delete stored mails: `s3:DeleteObject` on the objects under the raw-mail
   * prefix, nothing else of the bucket (no list, no read).
   */
  grantDeleteRawMail(grantee: iam.IGrantable & IConstruct): void {
    this.grantOnRawMail(grantee, 's3:DeleteObject');
  }

  /**
   * Lets a function read stored mails: `s3:GetObject` on the objects under the raw-mail prefix,
   * nothing else of the bucket.
   */
  grantReadRawMail(grantee: iam.IGrantable & IConstruct): void {
    this.grantOnRawMail(grantee, 's3:GetObject');
  }

  /**
   * Lets the `api` function take the portal's requests: write each one's MIME message under the
   * raw-mail prefix (`incoming/portail-*`, read and purged then like a mail), and presign the
   * portal's uploads and read them back (`portal-uploads/*`). Nothing else of the bucket.
   */
  grantPortalRequests(grantee: iam.IGrantable & IConstruct): void {
    const bucketArn =
      Stack.of(grantee) === Stack.of(this) ? this.bucket.bucketArn : Fn.importValue(this.bucketArnExportName);
    const requests = `${pipeline.rawMailPrefix}${PORTAL_ID_PREFIX}*`;
    const uploads = `${PORTAL_UPLOADS_PREFIX}*`;
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:PutObject'],
      resourceArns: [`${bucketArn}/${requests}`],
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:PutObject', 's3:GetObject'],
      resourceArns: [`${bucketArn}/${uploads}`],
    });
    const policy = grantee.node.tryFindChild('DefaultPolicy');
    if (policy) {
      for (const objects of [requests, uploads]) {
        Validations.of(policy).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${this.bucketArnExportName}/${objects}]`,
          reason:
            "A portal request's MIME message is named by its idempotency key, an upload by a fresh id: neither is known in advance, so the wildcard covers that one prefix of this one bucket.",
        });
      }
    }
  }

  /**
   * Lets the staff API hand out downloads: `s3:GetObject` on the raw mails (read for a link's
   * size, an attachment's extraction and accepting a held mail; the presigned link is signed
   * with this role, so S3 checks this same grant when the browser follows it), and
   * `s3:GetObject` + `s3:PutObject` on `downloads/` (the attachments taken out once). Nothing
   * else of the bucket: no listing, no delete. The bucket is encrypted with S3-managed keys
   * (SSE-S3), so a presigned GET needs no `kms:Decrypt`; SSE-KMS would need it on this role.
   */
  grantStaffDownloads(grantee: iam.IGrantable & IConstruct): void {
    this.grantOnRawMail(grantee, 's3:GetObject');
    this.grantOnPrefix(grantee, ['s3:GetObject', 's3:PutObject'], pipeline.downloadPrefix);
  }

  private grantOnRawMail(
    grantee: iam.IGrantable & IConstruct,
    action: 's3:GetObject' | 's3:DeleteObject',
  ): void {
    this.grantOnPrefix(grantee, [action], pipeline.rawMailPrefix);
  }

  private grantOnPrefix(
    grantee: iam.IGrantable & IConstruct,
    actions: Array<'s3:GetObject' | 's3:PutObject' | 's3:DeleteObject'>,
    prefix: string,
  ): void {
    const bucketArn =
      Stack.of(grantee) === Stack.of(this) ? this.bucket.bucketArn : Fn.importValue(this.bucketArnExportName);
    iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [`${bucketArn}/${prefix}*`] });
    const policy = grantee.node.tryFindChild('DefaultPolicy');
    if (policy) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${this.bucketArnExportName}/${prefix}*]`,
        reason:
          prefix === pipeline.rawMailPrefix
            ? 'Each stored mail is an object named by its SES message id, unknown in advance: the wildcard covers the objects under the raw-mail prefix of this one bucket, for s3:GetObject (readers) or s3:DeleteObject (the purge) only.'
            : 'Each attachment taken out for a download is an object named after its raw mail, unknown in advance: the wildcard covers the objects under the downloads prefix of this one bucket, for s3:GetObject and s3:PutObject (the staff API) only.',
      });
    }
  }
}

/** Raised when the store is wired in a way that cannot deploy. */
export class RawMailStoreError extends Error {
  override name = 'RawMailStoreError';
}
