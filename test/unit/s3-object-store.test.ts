/**
 * The api's S3 objects without the S3 client: what a HEAD, a PUT and the presigned links send and
 * how S3's answers are read, against a local HTTP server (the stand-in's own checks of a link
 * are in test/integration/download-files.test.ts).
 */
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import { Sha256 } from '@smithy/core/checksum';
import { afterEach, describe, expect, it } from 'vitest';
import { makeS3ObjectStore } from '#shared/adapters/clients/s3-object-store.ts';
import { fakeS3 } from '#test/support/fake-s3.ts';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'role-session' };

/** The store over the fake S3, path-style as locally. */
const storeOver = (endpoint: string) =>
  makeS3ObjectStore({ at: { endpoint, region: 'eu-west-1', pathStyle: true }, credentials });

describe('the S3 object store without the S3 client', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  it('puts an object signed with its payload hash, its type and its metadata', async () => {
    // Prepare
    const s3 = await fakeS3([{ status: 200 }]);
    close = s3.close;
    const store = storeOver(s3.endpoint);

    // Act
    await store.putObject({
      Bucket: 'raw',
      Key: 'downloads/incoming/ses-1/0',
      Body: new TextEncoder().encode('Bonjour'),
      ContentType: 'application/pdf',
      Metadata: { filename: 'a%20b.pdf' },
    });

    // Assess
    const [put] = s3.seen;
    expect(put).toMatchObject({ method: 'PUT', url: '/raw/downloads/incoming/ses-1/0', body: 'Bonjour' });
    expect(put?.headers).toMatchObject({
      'content-type': 'application/pdf',
      'content-length': '7',
      'x-amz-meta-filename': 'a%20b.pdf',
      'x-amz-security-token': 'role-session',
    });
    expect(put?.headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(put?.headers.authorization).toMatch(/SignedHeaders=.*x-amz-meta-filename/);
  });

  it('reads a HEAD’s size, type and metadata', async () => {
    // Prepare
    const s3 = await fakeS3([
      {
        status: 200,
        headers: { 'content-length': '6', 'content-type': 'application/pdf', 'x-amz-meta-filename': 'x.pdf' },
      },
    ]);
    close = s3.close;
    const store = storeOver(s3.endpoint);

    // Act
    const facts = await store.headObject({ Bucket: 'raw', Key: 'k' });

    // Assess
    expect(s3.seen[0]?.method).toBe('HEAD');
    expect(facts).toEqual({
      ContentLength: 6,
      ContentType: 'application/pdf',
      Metadata: { filename: 'x.pdf' },
    });
  });

  it('names a missing object NotFound, as the S3 client does, without retrying it', async () => {
    // Prepare
    const s3 = await fakeS3([{ status: 404 }]);
    close = s3.close;
    const store = storeOver(s3.endpoint);

    // Act
    const error = await store.headObject({ Bucket: 'raw', Key: 'absent' }).catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ name: 'NotFound', $metadata: { httpStatusCode: 404 } });
    expect(s3.seen).toHaveLength(1);
  });

  it('retries a PUT S3 answers 503 SlowDown', async () => {
    // Prepare
    const s3 = await fakeS3([
      {
        status: 503,
        body: '<Error><Code>SlowDown</Code><Message>Reduce your request rate</Message></Error>',
      },
      { status: 200 },
    ]);
    close = s3.close;
    const store = storeOver(s3.endpoint);

    // Act
    await store.putObject({
      Bucket: 'raw',
      Key: 'k',
      Body: new Uint8Array([1]),
      ContentType: 'message/rfc822',
    });

    // Assess
    expect(s3.seen.map((request) => request.method)).toEqual(['PUT', 'PUT']);
  });

  it('signs a PUT link for exactly its size and type, as the SDK’s presigner does', async () => {
    // Prepare
    const at = { endpoint: 'https://s3.eu-west-3.amazonaws.com', region: 'eu-west-3', pathStyle: false };
    const store = makeS3ObjectStore({ at, credentials });
    const signingDate = new Date('2026-12-07T08:30:00.000Z');

    // Act
    const link = new URL(
      await store.presignPut(
        { Bucket: 'raw', Key: 'portal-uploads/u-1', ContentLength: 1234, ContentType: 'application/pdf' },
        { expiresIn: 900, signingDate },
      ),
    );

    // Assess: the same signature the SDK's presigner gives the same request.
    expect(link.hostname).toBe('raw.s3.eu-west-3.amazonaws.com');
    expect(link.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
    expect(link.searchParams.get('X-Amz-Security-Token')).toBe('role-session');
    const query = Object.fromEntries([...link.searchParams].filter(([name]) => name !== 'X-Amz-Signature'));
    const again = await new S3RequestPresigner({ region: 'eu-west-3', credentials, sha256: Sha256 }).presign(
      {
        method: 'PUT',
        protocol: 'https:',
        hostname: link.hostname,
        path: link.pathname,
        query,
        headers: { host: link.hostname, 'content-length': '1234', 'content-type': 'application/pdf' },
      },
      { signingDate, expiresIn: 900, signableHeaders: new Set(['content-length', 'content-type']) },
    );
    expect(link.searchParams.get('X-Amz-Signature')).toBe(again.query?.['X-Amz-Signature']);
  });
});
