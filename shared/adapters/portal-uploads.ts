/**
 * The portal's uploads in S3: one object per file under `portal-uploads/<upload id>` of the
 * raw mails' bucket, written by the portal itself through a presigned `PUT` URL signed for the
 * declared size, read back when the request names it, removed by the bucket's lifecycle after a
 * day (the request keeps its own copy, inside its MIME message).
 *
 * A presigned `PUT` rather than a POST policy with `content-length-range`: the local S3
 * stand-in (fauxqs 1.9.2) serves `PUT` URLs but routes a bucket `POST` to DeleteObjects; the
 * signed `content-length` bounds each file as the policy would, and the desk checks the total.
 */
import type { S3ObjectStore } from '#shared/adapters/clients/s3-object-store.ts';
import { PORTAL_UPLOADS_PREFIX } from '#shared/domain/portal.ts';

/** How long a presigned upload URL stays valid. */
export const PORTAL_UPLOAD_URL_SECONDS = 900;

const MISSING = new Set(['NoSuchKey', 'NotFound']);

/** Makes the uploads' store over the api's S3 objects and the raw mails' bucket. */
export function makePortalUploads({ objects, bucket }: { objects: S3ObjectStore; bucket: string }) {
  const keyOf = (uploadId: string) => `${PORTAL_UPLOADS_PREFIX}${uploadId}`;
  return {
    /** A presigned `PUT` URL for exactly `size` bytes of `mimeType`, valid {@link PORTAL_UPLOAD_URL_SECONDS}. */
    async presignUpload(
      uploadId: string,
      file: { size: number; mimeType: string },
      now: Date,
    ): Promise<{ url: string; headers: Record<string, string>; expiresAt: string }> {
      const url = await objects.presignPut(
        { Bucket: bucket, Key: keyOf(uploadId), ContentLength: file.size, ContentType: file.mimeType },
        { expiresIn: PORTAL_UPLOAD_URL_SECONDS },
      );
      return {
        url,
        headers: { 'content-type': file.mimeType, 'content-length': String(file.size) },
        expiresAt: new Date(now.getTime() + PORTAL_UPLOAD_URL_SECONDS * 1000).toISOString(),
      };
    },

    /** The upload's size in bytes; undefined when there is none. */
    async sizeOf(uploadId: string): Promise<number | undefined> {
      try {
        const head = await objects.headObject({ Bucket: bucket, Key: keyOf(uploadId) });
        return head.ContentLength;
      } catch (error) {
        if (MISSING.has((error as { name?: string }).name ?? '')) return undefined;
        throw error;
      }
    },

    async read(uploadId: string): Promise<Uint8Array> {
      const response = await objects.getObject({ Bucket: bucket, Key: keyOf(uploadId) });
      return response.Body;
    },
  };
}

export type PortalUploads = ReturnType<typeof makePortalUploads>;
