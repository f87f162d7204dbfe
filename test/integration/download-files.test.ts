/**
 * The download store against the local S3 stand-in, and the stand-in answering presigned GET
 * links as S3 does (`local/s3-presigned.ts`): the signature and expiry checked, the `response-*`
 * overrides answered as headers.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#local/emulators.ts';
import { makeS3ObjectStore } from '#shared/adapters/clients/s3-object-store.ts';
import { makeDownloadFiles } from '#shared/adapters/download-files.ts';
import { makeTestResources, type TestResources } from '#test/support/aws.ts';

let desk: TestResources;

beforeAll(async () => {
  desk = await makeTestResources('download-files');
});
afterAll(() => desk.destroy());

const file = (key: string) => ({ bucket: desk.resources.bucket, key });
/** The store the api function uses, pointed at the stand-in as the local desk points it. */
const downloads = () =>
  makeDownloadFiles({
    objects: makeS3ObjectStore({
      at: { endpoint: desk.endpoints.s3, region: LOCAL_REGION, pathStyle: true },
      credentials: LOCAL_CREDENTIALS,
    }),
  });

describe('the download store', () => {
  it('knows nothing of an object that is not there', async () => {
    const files = downloads();
    expect(await files.facts(file('downloads/incoming/absent/0'))).toBeUndefined();
  });

  it('keeps an attachment with its exact name and type, and says so again', async () => {
    // Prepare
    const files = downloads();
    const bytes = new Uint8Array([0, 1, 2, 253, 254, 255]);

    // Act
    await files.put(file('downloads/incoming/ses-a/0'), bytes, {
      filename: 'Élève « n°1 ».pdf',
      contentType: 'application/pdf',
    });
    const facts = await files.facts(file('downloads/incoming/ses-a/0'));

    // Assess
    expect(facts).toEqual({ size: 6, filename: 'Élève « n°1 ».pdf', contentType: 'application/pdf' });
  });

  it('hands out a link the stand-in answers with the bytes and the headers asked for', async () => {
    // Prepare
    const files = downloads();
    const bytes = new Uint8Array([37, 80, 68, 70, 0, 255]);
    await files.put(file('downloads/incoming/ses-b/1'), bytes, {
      filename: 'a.pdf',
      contentType: 'text/plain',
    });

    // Act
    const link = await files.link(
      file('downloads/incoming/ses-b/1'),
      {
        contentDisposition: `attachment; filename="a.pdf"; filename*=UTF-8''a.pdf`,
        contentType: 'application/pdf',
      },
      new Date(),
    );
    const response = await fetch(link.url);

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="a.pdf"; filename*=UTF-8''a.pdf`,
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
  });
});

describe('the local S3 stand-in, for a link signed in its query', () => {
  it('refuses a link past its expiry, as S3 does', async () => {
    // Prepare: signed ten minutes ago, for five.
    await downloads().put(file('downloads/incoming/ses-c/0'), new Uint8Array([1]), {
      filename: 'x',
      contentType: 'application/pdf',
    });
    const url = await getSignedUrl(
      desk.clients.s3,
      new GetObjectCommand({ Bucket: desk.resources.bucket, Key: 'downloads/incoming/ses-c/0' }),
      { expiresIn: 300, signingDate: new Date(Date.now() - 600_000) },
    );

    // Act
    const response = await fetch(url);

    // Assess
    expect(response.status).toBe(403);
    expect(await response.text()).toContain(
      '<Code>AccessDenied</Code><Message>Request has expired</Message>',
    );
  });

  it('refuses a link whose overrides were changed after signing', async () => {
    // Prepare
    const link = await downloads().link(
      file('downloads/incoming/ses-c/0'),
      { contentDisposition: 'attachment; filename="x"', contentType: 'application/pdf' },
      new Date(),
    );
    const changed = new URL(link.url);
    changed.searchParams.set('response-content-disposition', 'inline');

    // Act
    const response = await fetch(changed);

    // Assess
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });
});
