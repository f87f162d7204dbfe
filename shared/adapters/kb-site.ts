/**
 * The public knowledge base's files in S3, under `kb/` (CloudFront serves them at `/kb/`; locally
 * the HTTP front reads the S3 stand-in). Each file keeps its content type, and a short
 * `Cache-Control`: pages, feeds and the public index change with every publication, and a
 * director or PANDA should see the change within a minute.
 */
import {
  DeleteObjectsCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { KbFile, KbSite } from '#shared/domain/kb-ports.ts';

/** Where the public files live in the bucket. */
export const KB_PREFIX = 'kb/';

/** How long a browser, CloudFront or PANDA may keep a file before asking again. */
export const KB_CACHE_CONTROL = 'public, max-age=60';

/** How many files are written at once (S3 takes many more; the Lambda's sockets are the bound). */
const CONCURRENT_WRITES = 8;

/** S3 deletes at most this many objects a request. */
const DELETE_BATCH = 1000;

/** S3 refused to remove some of the files. */
export class KbSiteRemoveError extends Error {
  override name = 'KbSiteRemoveError';
  constructor(readonly keys: string[]) {
    super(`S3 did not remove ${keys.length} file(s) of the knowledge base: ${keys.slice(0, 5).join(', ')}`);
  }
}

/** The public site's files in `bucket`, under `kb/`. */
export function makeKbSite({ client, bucket }: { client: S3Client; bucket: string }): KbSite {
  const put = (file: KbFile) =>
    client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `${KB_PREFIX}${file.path}`,
        Body: file.body,
        ContentType: file.contentType,
        CacheControl: KB_CACHE_CONTROL,
      }),
    );

  return {
    async write(files) {
      for (let start = 0; start < files.length; start += CONCURRENT_WRITES) {
        await Promise.all(files.slice(start, start + CONCURRENT_WRITES).map(put));
      }
    },

    async remove(paths) {
      for (let start = 0; start < paths.length; start += DELETE_BATCH) {
        const objects = paths
          .slice(start, start + DELETE_BATCH)
          .map((path) => ({ Key: `${KB_PREFIX}${path}` }));
        // A missing key is no error for DeleteObjects: S3 reports it deleted.
        const { Errors = [] } = await client.send(
          new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }),
        );
        if (Errors.length > 0) throw new KbSiteRemoveError(Errors.map((error) => error.Key ?? '?'));
      }
    },

    async paths() {
      const paths: string[] = [];
      let token: string | undefined;
      do {
        const page: ListObjectsV2CommandOutput = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: KB_PREFIX, ContinuationToken: token }),
        );
        for (const object of page.Contents ?? []) {
          if (object.Key) paths.push(object.Key.slice(KB_PREFIX.length));
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return paths;
    },
  };
}
