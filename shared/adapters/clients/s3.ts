/** The S3 client of this container, made once. */
import { S3Client } from '@aws-sdk/client-s3';

let client: S3Client | undefined;

/** Path-style addressing when a local endpoint is configured (an IP or localhost has no bucket subdomains). */
export function s3Client(): S3Client {
  client ??= new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3) });
  return client;
}
