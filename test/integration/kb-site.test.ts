/**
 * The public knowledge base's files against the S3 stand-in: written under `kb/` with their
 * content type and a short cache, listed by their path under `/kb/`, removed (a missing one is
 * no error).
 */
import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KB_CACHE_CONTROL, makeKbSite } from '#shared/adapters/kb-site.ts';
import type { KbSite } from '#shared/domain/kb-ports.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';

let test: TestResources;
let site: KbSite;
let bucket: string;
/** The headers of every request the site's client sent (the S3 stand-in keeps no Cache-Control). */
const sentHeaders: Array<Record<string, string>> = [];

beforeAll(async () => {
  test = await makeTestResources('kb-site');
  bucket = `kb-${randomUUID().slice(0, 8)}`;
  await test.clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  test.clients.s3.middlewareStack.add(
    (next) => async (args) => {
      sentHeaders.push({ ...(args.request as { headers: Record<string, string> }).headers });
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordHeaders' },
  );
  site = makeKbSite({ client: test.clients.s3, bucket });
});

afterAll(() => test?.destroy());

async function read(key: string) {
  const object = await test.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return { body: await object.Body?.transformToString(), type: object.ContentType };
}

describe('the public site', () => {
  it('writes each file under kb/ with its content type and a short cache', async () => {
    // Prepare
    sentHeaders.length = 0;

    // Act
    await site.write([
      { path: 'feed.json', contentType: 'application/feed+json; charset=utf-8', body: '{"items":[]}' },
      { path: 'articles/1.html', contentType: 'text/html; charset=utf-8', body: '<h1>Bulletins</h1>' },
    ]);

    // Assess
    expect(await read('kb/feed.json')).toEqual({
      body: '{"items":[]}',
      type: 'application/feed+json; charset=utf-8',
    });
    const puts = sentHeaders.filter((headers) => headers['content-type']?.includes('feed+json'));
    expect(puts.map((headers) => headers['cache-control'])).toEqual([KB_CACHE_CONTROL]);
    expect((await read('kb/articles/1.html')).body).toBe('<h1>Bulletins</h1>');
  });

  it('lists the paths under kb/ only, relative to /kb/', async () => {
    // Prepare
    await test.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'incoming/mail-1', Body: 'x' }));
    await site.write([{ path: 'articles/2.html', contentType: 'text/html', body: '<h1>2</h1>' }]);

    // Act
    const paths = await site.paths();

    // Assess
    expect(paths).toEqual(expect.arrayContaining(['feed.json', 'articles/1.html', 'articles/2.html']));
    expect(paths).not.toContain('incoming/mail-1');
    expect(paths.some((path) => path.startsWith('kb/'))).toBe(false);
  });

  it('removes files, a missing one being no error', async () => {
    // Prepare
    await site.write([{ path: 'articles/3.html', contentType: 'text/html', body: '<h1>3</h1>' }]);

    // Act
    await site.remove(['articles/3.html', 'articles/404.html']);

    // Assess
    expect(await site.paths()).not.toContain('articles/3.html');
  });
});
