/** The S3 client of this container, made once. */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { forgetHandlersOnStackChange, HANDLER_CACHE } from './handler-cache.ts';
import type { S3ObjectReader } from './s3-object-reader.ts';

let client: S3Client | undefined;

/**
 * Path-style addressing when a local endpoint is configured (an IP or localhost has no bucket
 * subdomains). Checksums only where S3 requires them: the SDK's default computes a CRC32 of
 * every object put and checks one on every object read, in JavaScript, over bytes that TLS
 * already protects in transit and S3 checks on arrival (its Content-MD5 rules still apply).
 */
export function s3Client(): S3Client {
  client ??= forgetHandlersOnStackChange(
    new S3Client({
      forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3),
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...HANDLER_CACHE,
    }),
  );
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
