/** The raw MIME of received mails, as the SES S3 action stored it. */
import type { S3ObjectReader } from '#shared/adapters/clients/s3-object-reader.ts';
import type { S3ObjectStore } from '#shared/adapters/clients/s3-object-store.ts';
import { RawMailGoneError } from '#shared/domain/errors.ts';
import type { RawMailReader, RawMailWriter } from '#shared/domain/intake-ports.ts';
import type { RawMailLocation } from '#shared/domain/mail.ts';

/**
 * How S3 says there is no object at a key (the purge or the lifecycle rule deleted it, or it
 * never was). Readers are granted `s3:GetObject` on the raw-mail prefix and never
 * `s3:ListBucket` (it would list every mail's key), and without it S3 answers a missing object
 * 403 `AccessDenied` rather than 404 `NoSuchKey`: to such a reader, that too means « gone ».
 */
function isMissing(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'NoSuchKey' || name === 'NotFound' || $metadata?.httpStatusCode === 403;
}

/**
 * Reads raw mails from S3 through `objects`: with the signed-GET reader, `screen`'s bundle
 * carries no S3 client (nothing here that would pull it in).
 */
export function makeRawMailReader({ objects }: { objects: S3ObjectReader }) {
  return {
    /**
     * The stored bytes of one mail.
     * @throws RawMailGoneError when S3 has nothing at that key (past the retention period)
     */
    async read(location: RawMailLocation): Promise<Uint8Array> {
      const response = await objects
        .getObject({ Bucket: location.bucket, Key: location.key })
        .catch((error: unknown) => {
          if (isMissing(error)) throw new RawMailGoneError({ cause: error });
          throw error;
        });
      return response.Body;
    },
  } satisfies RawMailReader;
}

/** Reads raw mails and stores the portal's through the api's S3 objects. */
export function makeRawMailStore({ objects }: { objects: S3ObjectStore }) {
  return {
    ...makeRawMailReader({ objects }),

    /** Stores a portal request's MIME message beside the received mails (same prefix, same purge). */
    async write(location: RawMailLocation, bytes: Uint8Array): Promise<void> {
      await objects.putObject({
        Bucket: location.bucket,
        Key: location.key,
        Body: bytes,
        ContentType: 'message/rfc822',
      });
    },
  } satisfies RawMailReader & RawMailWriter;
}

export type RawMailStore = ReturnType<typeof makeRawMailStore>;
