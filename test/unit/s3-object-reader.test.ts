import { afterEach, describe, expect, it } from 'vitest';
import {
  endpointFromEnv,
  getObjectRequest,
  makeS3ObjectReader,
} from '#shared/adapters/clients/s3-object-reader.ts';
import { fakeS3 } from '#test/support/fake-s3.ts';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'role-session' };

describe('the signed-GET S3 object reader', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  it('addresses the bucket in the host name on AWS and in the path on a local endpoint', () => {
    // Act
    const aws = getObjectRequest(endpointFromEnv({ AWS_REGION: 'eu-west-3' }), {
      Bucket: 'lsun-raw',
      Key: 'incoming/a b+é',
    });
    const local = getObjectRequest(
      endpointFromEnv({ AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4566' }),
      {
        Bucket: 'lsun-raw',
        Key: 'incoming/x',
      },
    );

    // Assess
    expect(aws).toMatchObject({ protocol: 'https:', hostname: 'lsun-raw.s3.eu-west-3.amazonaws.com' });
    expect(aws.path).toBe('/incoming/a%20b%2B%C3%A9');
    expect(local).toMatchObject({ hostname: '127.0.0.1', port: 4566, path: '/lsun-raw/incoming/x' });
    expect(local.headers.host).toBe('127.0.0.1:4566');
  });

  it('signs with the role’s session token, retries a 503, and returns the bytes and ETag', async () => {
    // Prepare
    const s3 = await fakeS3([
      {
        status: 503,
        body: '<Error><Code>SlowDown</Code><Message>Reduce your request rate</Message></Error>',
      },
      { status: 200, body: 'Bonjour', headers: { etag: '"abc"' } },
    ]);
    close = s3.close;
    const reader = makeS3ObjectReader({
      at: { endpoint: s3.endpoint, region: 'eu-west-3', pathStyle: true },
      credentials,
    });

    // Act
    const object = await reader.getObject({ Bucket: 'lsun-raw', Key: 'incoming/m1', IfNoneMatch: '"old"' });

    // Assess
    expect(Buffer.from(object.Body).toString('utf8')).toBe('Bonjour');
    expect(object.ETag).toBe('"abc"');
    expect(s3.seen).toHaveLength(2);
    const first = s3.seen[0];
    expect(first?.url).toBe('/lsun-raw/incoming/m1');
    expect(first?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-3\/s3\/aws4_request, SignedHeaders=[^,]*if-none-match[^,]*x-amz-security-token/,
    );
    expect(first?.headers['x-amz-security-token']).toBe('role-session');
    expect(first?.headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('fails as the S3 client does, with S3’s code and status, and does not retry a missing key', async () => {
    // Prepare
    const s3 = await fakeS3([
      {
        status: 404,
        body: '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>',
      },
    ]);
    close = s3.close;
    const reader = makeS3ObjectReader({
      at: { endpoint: s3.endpoint, region: 'eu-west-3', pathStyle: true },
      credentials,
    });

    // Act
    const error = await reader.getObject({ Bucket: 'b', Key: 'gone' }).catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    expect(s3.seen).toHaveLength(1);
  });
});
