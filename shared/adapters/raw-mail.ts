/** The raw MIME of received mails, as the SES S3 action stored it. */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { RawMailReader } from '#shared/domain/intake-ports.ts';
import type { RawMailLocation } from '#shared/domain/mail.ts';

/** Reads raw mails from S3. */
export function makeRawMailStore({ client }: { client: S3Client }) {
  return {
    /** The stored bytes of one mail. */
    async read(location: RawMailLocation): Promise<Uint8Array> {
      const { Body } = await client.send(
        new GetObjectCommand({ Bucket: location.bucket, Key: location.key }),
      );
      if (!Body) throw new RawMailMissingError(location);
      return Body.transformToByteArray();
    },
  } satisfies RawMailReader;
}

export type RawMailStore = ReturnType<typeof makeRawMailStore>;

/** S3 answered without a body: the mail is not where SES said it stored it. */
export class RawMailMissingError extends Error {
  override name = 'RawMailMissingError';
  constructor(location: RawMailLocation) {
    super(`No raw mail at s3://${location.bucket}/${location.key}`);
  }
}
