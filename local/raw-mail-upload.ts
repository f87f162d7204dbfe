/**
 * Stores a raw mail in the local S3 stand-in the way SES's S3 action stores it: one object,
 * whatever its size up to SES's 40 MB. fauxqs refuses request bodies over 11 MiB (its Fastify
 * `bodyLimit`), where real S3 takes 5 GB in one PUT, so a big mail goes up in parts of 8 MiB.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';

/** Above this, the mail goes up in parts (S3 wants parts of at least 5 MiB but the last). */
export const PART_BYTES = 8 * 1024 * 1024;

/** Puts `body` at `bucket`/`key`, in one request or in parts; the object appears whole or not at all. */
export async function putRawMail(s3: S3Client, bucket: string, key: string, body: Buffer): Promise<void> {
  if (body.length <= PART_BYTES) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    return;
  }
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  try {
    const parts: Array<{ ETag?: string; PartNumber: number }> = [];
    for (let offset = 0, PartNumber = 1; offset < body.length; offset += PART_BYTES, PartNumber++) {
      const { ETag } = await s3.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          PartNumber,
          Body: body.subarray(offset, offset + PART_BYTES),
        }),
      );
      parts.push({ ETag, PartNumber });
    }
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } catch (error) {
    await s3
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId }))
      .catch(() => undefined);
    throw error;
  }
}
