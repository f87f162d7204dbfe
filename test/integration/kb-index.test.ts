/**
 * The public index reader and the suggester against the S3 stand-in: an index is read once and
 * kept, read again once it is older than its age, empty before the first publication, and the
 * last good one goes on serving when S3 fails.
 */
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#local/emulators.ts';
import { s3Objects } from '#shared/adapters/clients/s3.ts';
import { makeS3ObjectReader } from '#shared/adapters/clients/s3-object-reader.ts';
import { makeArticleSuggester, makePublicIndexReader, PUBLIC_INDEX_KEY } from '#shared/adapters/kb-index.ts';
import type { Article } from '#shared/domain/article.ts';
import { ArticleIndex } from '#shared/kb/search.ts';
import { makeTestResources, type TestResources } from '#test/support/aws.ts';

const article = (id: string, title: string, solution: string): Article => ({
  id,
  title,
  symptom: title,
  solution,
  tags: [],
  application: 'LSUN',
  visibility: 'public',
  status: 'published',
  version: 2,
  createdAt: '2026-11-02T08:00:00.000Z',
  createdBy: 'agent@ac-dijon.fr',
  updatedAt: '2026-11-02T09:00:00.000Z',
  updatedBy: 'admin@ac-dijon.fr',
  publishedAt: '2026-11-02T09:00:00.000Z',
});

const pdf = article(
  '4',
  'Éditer les livrets en PDF pour toute une classe',
  "Dans LSU, ouvrez « Éditer les livrets », choisissez la classe et la période, puis « Générer le PDF ». L'édition d'une classe entière prend quelques minutes.",
);
const periods = article(
  '9',
  'Changer le découpage des périodes (trimestres ou semestres)',
  'Le directeur modifie les périodes dans « Paramétrage » › « Périodes » avant toute saisie dans les bulletins périodiques.',
);

async function publish(s3: S3Client, bucket: string, articles: Article[]) {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: PUBLIC_INDEX_KEY,
      Body: ArticleIndex.build(articles).toJSON(),
      ContentType: 'application/json',
    }),
  );
}

describe('the public index of the knowledge base', () => {
  let desk: TestResources;
  beforeAll(async () => {
    desk = await makeTestResources('kb-index');
  });
  afterAll(() => desk.destroy());
  // The signed-GET reader `ticket` reads with, against the S3 stand-in.
  const objects = () =>
    makeS3ObjectReader({
      at: { endpoint: desk.endpoints.s3, region: LOCAL_REGION, pathStyle: true },
      credentials: LOCAL_CREDENTIALS,
    });

  it('is empty before the first publication', async () => {
    // Prepare: a bucket without the index.
    const reader = makePublicIndexReader({ objects: objects(), bucket: desk.resources.bucket });
    // Act
    const index = await reader.current();
    // Assess
    expect(index.size).toBe(0);
  });

  it('is read once and kept, then read again once older than its age', async () => {
    // Prepare
    const { s3 } = desk.clients;
    const bucket = desk.resources.bucket;
    await publish(s3, bucket, [pdf]);
    let now = 0;
    const reader = makePublicIndexReader({ objects: objects(), bucket, maxAgeMs: 30_000, clock: () => now });
    expect((await reader.current()).size).toBe(1);

    // Act: a publication adds an article.
    await publish(s3, bucket, [pdf, periods]);
    now = 29_000;
    const before = await reader.current();
    now = 31_000;
    const after = await reader.current();

    // Assess
    expect(before.size).toBe(1);
    expect(after.size).toBe(2);
  });

  it('goes on serving the last index it read when S3 fails', async () => {
    // Prepare
    const { s3 } = desk.clients;
    const bucket = desk.resources.bucket;
    await publish(s3, bucket, [pdf, periods]);
    let now = 0;
    let failing = false;
    const flaky = {
      send: (command: Parameters<S3Client['send']>[0]) =>
        failing ? Promise.reject(new Error('socket hang up')) : s3.send(command),
    } as unknown as S3Client;
    const reader = makePublicIndexReader({ objects: s3Objects(flaky), bucket, clock: () => now });
    await reader.current();

    // Act
    failing = true;
    now = 60_000;
    const index = await reader.current();

    // Assess
    expect(index.size).toBe(2);
  });

  it('refuses to answer, rather than answer nothing, when it never could read S3', async () => {
    const broken = { send: () => Promise.reject(new Error('socket hang up')) } as unknown as S3Client;
    const reader = makePublicIndexReader({ objects: s3Objects(broken), bucket: desk.resources.bucket });
    await expect(reader.current()).rejects.toMatchObject({ name: 'PublicIndexUnreadableError' });
  });

  it('suggests the matching public article with its public link', async () => {
    // Prepare
    const { s3 } = desk.clients;
    const bucket = desk.resources.bucket;
    await publish(s3, bucket, [pdf, periods]);
    const suggester = makeArticleSuggester({
      index: makePublicIndexReader({ objects: objects(), bucket }),
      publicBaseUrl: 'https://assistance.example/',
    });

    // Act
    const found = await suggester.suggest(
      'LSUN édition PDF des livrets\nBonjour, comment éditer les livrets de toute la classe en PDF ? Merci',
      3,
    );

    // Assess
    expect(found[0]).toMatchObject({
      id: '4',
      title: pdf.title,
      url: 'https://assistance.example/kb/articles/4.html',
    });
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: PUBLIC_INDEX_KEY }));
  });
});
