/**
 * Downloads of any size: the attachments taken out of raw mails expire after a day, and the api
 * function's role reaches the raw-mail bucket with exactly the actions a presigned download
 * needs (S3 checks the signer's own grant when the browser follows a link).
 */

import { describe, expect, it } from 'vitest';
import { PORTAL_ID_PREFIX, PORTAL_UPLOADS_PREFIX } from '#shared/domain/portal.ts';
import { pipeline } from '#shared/pipeline.ts';
import { DOWNLOAD_COPY_DAYS } from '../../infra/constructs/raw-mail-store.ts';
import {
  asArray,
  logicalIdIn,
  type Resource,
  resourcesOf,
  type Statement,
  type SynthesizedDesk,
  synthFullDesk,
} from './synth.ts';

const full = synthFullDesk();

/** The raw-mail bucket's statements of a function's role, as `action resource` lines. */
function rawMailGrantsOf(name: keyof SynthesizedDesk['desk']['functions']): string[] {
  const role = logicalIdIn(full, full.desk.functions[name].role as never);
  return Object.values(resourcesOf(full.deskTemplate, 'AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${role}"`))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
    .flatMap((statement) =>
      asArray(statement.Action).flatMap((action) =>
        // CDK merges statements of the same actions: keep this bucket's resources only.
        asArray(statement.Resource)
          .map((resource) => JSON.stringify(resource))
          .filter((resource) => resource.includes('RawMailBucketArn'))
          .map(
            (resource) => `${statement.Effect} ${action} ${resource.match(/"\/([^"]*)"/)?.[1] ?? resource}`,
          ),
      ),
    )
    .sort();
}

describe('the raw-mail bucket', () => {
  it('expires the attachments taken out for downloads after a day, and only those', () => {
    // Why: they are copies of personal data; the raw mail they come from stays the reference.
    const bucket = resourcesOf(full.statefulTemplate, 'AWS::S3::Bucket').RawMailBucket as Resource;
    const rules = (bucket.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(DOWNLOAD_COPY_DAYS).toBe(1);
    expect(rules).toContainEqual({
      Id: 'ExpireDownloads',
      Prefix: pipeline.downloadPrefix,
      ExpirationInDays: 1,
      Status: 'Enabled',
    });
    // Neither prefix holds the other: the day-long rule never reaches a raw mail.
    expect(pipeline.downloadPrefix.startsWith(pipeline.rawMailPrefix)).toBe(false);
    expect(pipeline.rawMailPrefix.startsWith(pipeline.downloadPrefix)).toBe(false);
  });

  it('is encrypted with S3-managed keys, so a presigned GET needs no KMS grant', () => {
    // Why: with SSE-KMS, S3 would refuse every link unless the signer could kms:Decrypt.
    const bucket = resourcesOf(full.statefulTemplate, 'AWS::S3::Bucket').RawMailBucket as Resource;
    expect(bucket.Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
  });
});

describe("the api function's role on the raw-mail bucket", () => {
  it('reads raw mails, reads and writes the download copies, and nothing else', () => {
    // Why: a link is only as wide as its signer's grant; no listing, no delete, no other prefix.
    expect(rawMailGrantsOf('api')).toEqual(
      [
        `Allow s3:GetObject ${pipeline.rawMailPrefix}*`,
        `Allow s3:GetObject ${pipeline.downloadPrefix}*`,
        `Allow s3:PutObject ${pipeline.downloadPrefix}*`,
        // The portal's requests and uploads (test/infra/portal.test.ts).
        `Allow s3:PutObject ${pipeline.rawMailPrefix}${PORTAL_ID_PREFIX}*`,
        `Allow s3:GetObject ${PORTAL_UPLOADS_PREFIX}*`,
        `Allow s3:PutObject ${PORTAL_UPLOADS_PREFIX}*`,
      ].sort(),
    );
  });

  it('leaves the download copies to the api alone', () => {
    // Why: the pipeline reads raw mails only; nobody else needs the copies.
    for (const name of ['screen', 'retention-purge'] as const) {
      expect(rawMailGrantsOf(name).filter((grant) => grant.includes(pipeline.downloadPrefix))).toEqual([]);
    }
  });
});
