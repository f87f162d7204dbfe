import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#local/emulators.ts';
import { s3Objects } from '#shared/adapters/clients/s3.ts';
import { makeS3ObjectReader } from '#shared/adapters/clients/s3-object-reader.ts';
import { makeRawMailReader } from '#shared/adapters/raw-mail.ts';
import { RawMailGoneError } from '#shared/domain/errors.ts';
import { makeTestResources, type TestResources } from '#test/support/aws.ts';

describe('the raw-mail store', () => {
  let desk: TestResources;
  beforeAll(async () => {
    desk = await makeTestResources('raw-mail');
  });
  afterAll(() => desk.destroy());
  // The signed-GET reader `screen` reads with, against the S3 stand-in.
  const objects = () =>
    makeS3ObjectReader({
      at: { endpoint: desk.endpoints.s3, region: LOCAL_REGION, pathStyle: true },
      credentials: LOCAL_CREDENTIALS,
    });

  it('reads the bytes SES stored', async () => {
    // Prepare
    const store = makeRawMailReader({ objects: objects() });
    const location = { bucket: desk.resources.bucket, key: 'incoming/present' };
    const raw = 'From: camille.martin@ac-dijon.fr\r\nSubject: LSUN\r\n\r\nBonjour\r\n';
    await desk.clients.s3.send(
      new PutObjectCommand({ Bucket: location.bucket, Key: location.key, Body: raw }),
    );

    // Act
    const bytes = await store.read(location);

    // Assess
    expect(Buffer.from(bytes).toString('utf8')).toBe(raw);
  });

  it('says a mail no longer stored is gone (past its retention), keeping what S3 answered', async () => {
    // Prepare
    const store = makeRawMailReader({ objects: objects() });

    // Act
    const reading = store.read({ bucket: desk.resources.bucket, key: 'incoming/purged' });

    // Assess
    const error = await reading.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RawMailGoneError);
    expect(error).toMatchObject({ code: 'raw_mail_gone', kind: 'not_found' });
    expect((error as Error).cause).toMatchObject({ name: 'NoSuchKey' });
  });

  it('says a mail is gone when S3 answers 403, as it does to a reader without s3:ListBucket', async () => {
    // Prepare: AWS's answer for a missing key to the api and screen roles (the stand-in says 404).
    const client = new S3Client({ region: 'eu-west-1' });
    mockClient(client)
      .on(GetObjectCommand)
      .rejects(
        new S3ServiceException({
          name: 'AccessDenied',
          $fault: 'client',
          $metadata: { httpStatusCode: 403 },
          message: 'Access Denied',
        }),
      );

    // Act
    const error = await makeRawMailReader({ objects: s3Objects(client) })
      .read({ bucket: 'raw-mail', key: 'incoming/purged' })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(RawMailGoneError);
    expect((error as Error).cause).toMatchObject({ name: 'AccessDenied' });
  });
});
