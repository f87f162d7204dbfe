/** The S3 client of this container, made once. */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3ObjectReader } from './s3-object-reader.ts';

let client: S3Client | undefined;

/** Path-style addressing when a local endpoint is configured (an IP or localhost has no bucket subdomains). */
export function s3Client(): S3Client {
  client ??= new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3) });
  return client;
}

/**
 * The object-reading port over a full S3 client, for the code that holds one anyway (the
 * knowledge base's wiring, tests that stub S3 with `aws-sdk-client-mock`).
 */
export function s3Objects(client: S3Client): S3ObjectReader {
  return {
    async getObject(request) {
      const answer = await client.send(new GetObjectCommand(request));
      return { Body: (await answer.Body?.transformToByteArray()) ?? new Uint8Array(), ETag: answer.ETag };
    },
  };
}
