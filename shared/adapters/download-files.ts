/**
 * The files staff download, in the raw-mail bucket: raw mails as SES stored them, attachments
 * taken out of them (`pipeline.downloadPrefix`), and short-lived presigned GET links to either.
 * The bytes go from S3 to the browser: no Lambda answer to fit them in, whatever their size.
 */
import type { S3ObjectStore } from '#shared/adapters/clients/s3-object-store.ts';
import type { DownloadFiles } from '#shared/domain/staff-ports.ts';

/**
 * How long a link works. The console follows it at once, so a few minutes is plenty even on a
 * slow start; a link that leaks afterwards (browser history, a proxy's log, a pasted address)
 * no longer opens anything. S3 checks the expiry when a download starts, not while it runs, so
 * a large file still arrives whole. A link signed with a Lambda role's session credentials
 * stops working when those credentials expire, if that comes first (the SDK refreshes them
 * minutes before: in practice the link's own expiry applies).
 */
export const LINK_SECONDS = 300;

/**
 * How S3 says there is no object at a key. Without `s3:ListBucket`, which the api function is
 * deliberately not given (it would list every mail's key), S3 answers a HEAD of a missing object
 * 403 rather than 404: that too means « not there » to a role granted `s3:GetObject` on the
 * prefix (`RawMailStore.grantStaffDownloads`, pinned by the infra tests).
 */
function isMissing(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'NoSuchKey' || name === 'NotFound' || $metadata?.httpStatusCode === 403;
}

/** The file name kept in an object's metadata: S3 metadata is ASCII, so it is percent-encoded. */
const FILENAME_META = 'filename';

/** The download store over the api function's S3 objects. */
export function makeDownloadFiles({ objects }: { objects: S3ObjectStore }) {
  return {
    async facts(file) {
      const head = await objects
        .headObject({ Bucket: file.bucket, Key: file.key })
        .catch((error: unknown) => {
          if (isMissing(error)) return undefined;
          throw error;
        });
      if (!head) return undefined;
      const stored = head.Metadata[FILENAME_META];
      return {
        size: head.ContentLength ?? 0,
        filename: stored === undefined ? '' : safeDecode(stored),
        contentType: head.ContentType ?? 'application/octet-stream',
      };
    },

    async put(file, bytes, facts) {
      await objects.putObject({
        Bucket: file.bucket,
        Key: file.key,
        Body: bytes,
        ContentType: facts.contentType,
        Metadata: { [FILENAME_META]: encodeURIComponent(facts.filename) },
      });
    },

    async link(file, headers, now) {
      const url = await objects.presignGet(
        {
          Bucket: file.bucket,
          Key: file.key,
          responseHeaders: {
            'response-content-disposition': headers.contentDisposition,
            'response-content-type': headers.contentType,
            // Nothing to cache: the next download asks for a fresh link.
            'response-cache-control': 'no-store',
          },
        },
        { expiresIn: LINK_SECONDS, signingDate: now },
      );
      return { url, expiresAt: new Date(now.getTime() + LINK_SECONDS * 1000).toISOString() };
    },
  } satisfies DownloadFiles;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return '';
  }
}

export type DownloadFilesStore = ReturnType<typeof makeDownloadFiles>;
