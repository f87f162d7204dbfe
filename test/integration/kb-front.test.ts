/**
 * The public knowledge base on the local front, as CloudFront serves it in AWS: `/kb/` from the
 * bucket on the S3 stand-in, the stored content types, the French « page introuvable », no way
 * out of `kb/`, the pages' CSP; and the public search throttled per client as API Gateway does.
 */
import { request as httpRequest } from 'node:http';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpFront, startHttpFront, tokenBuckets } from '#local/http-front.ts';
import { KB_CACHE_CONTROL, kbKeyOf } from '../../infra/kb-public.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';

let desk: TestResources;
let front: HttpFront;
let throttled: HttpFront;
const calls: string[] = [];

async function publicSearch(
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
): Promise<APIGatewayProxyStructuredResultV2> {
  calls.push(event.routeKey);
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"articles":[]}' };
}

const refuseTokens = async () => {
  throw new Error('no token expected on public routes');
};

async function put(key: string, body: string, contentType: string): Promise<void> {
  await desk.clients.s3.send(
    new PutObjectCommand({ Bucket: desk.resources.kbBucket, Key: key, Body: body, ContentType: contentType }),
  );
}

/** A raw request: fetch would normalise `..` and `%2e%2e` away before sending. */
function raw(
  url: string,
  path: string,
  method = 'GET',
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((done, fail) => {
    const req = httpRequest({ hostname, port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        done({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', fail);
    req.end();
  });
}

beforeAll(async () => {
  desk = await makeTestResources('kb-front');
  await put(
    'kb/index.html',
    '<!doctype html><title>Base de connaissances</title>',
    'text/html; charset=utf-8',
  );
  await put(
    'kb/articles/3.html',
    '<!doctype html><title>Bulletins périodiques</title>',
    'text/html; charset=utf-8',
  );
  await put('kb/feed.json', '{"version":"https://jsonfeed.org/version/1.1"}', 'application/feed+json');
  await put('kb/atom.xml', '<feed xmlns="http://www.w3.org/2005/Atom"/>', 'application/atom+xml');
  await put('secret.txt', 'not public', 'text/plain');
  const kb = { s3: desk.clients.s3, bucket: desk.resources.kbBucket };
  front = await startHttpFront({
    port: 0,
    apiHandler: publicSearch,
    verify: refuseTokens,
    kb,
    log: () => undefined,
  });
  throttled = await startHttpFront({
    port: 0,
    apiHandler: publicSearch,
    verify: refuseTokens,
    publicSearchThrottle: { ratePerSecond: 1, burst: 3 },
    log: () => undefined,
  });
});

afterAll(async () => {
  await front?.stop();
  await throttled?.stop();
  desk?.destroy();
});

describe('the public knowledge base on the local front', () => {
  it('sends /kb to /kb/ and serves /kb/ as kb/index.html, without a token', async () => {
    // Act
    const redirect = await fetch(`${front.url}/kb`, { redirect: 'manual' });
    const index = await fetch(`${front.url}/kb/`);
    // Assess
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/kb/');
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<title>Base de connaissances</title>');
  });

  it('serves each file with the content type it was stored with, and the cache lifetime CloudFront applies', async () => {
    // Act
    const page = await fetch(`${front.url}/kb/articles/3.html`);
    const feed = await fetch(`${front.url}/kb/feed.json`);
    const atom = await fetch(`${front.url}/kb/atom.xml`);
    // Assess
    expect(await page.text()).toContain('Bulletins périodiques');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(feed.headers.get('content-type')).toBe('application/feed+json');
    expect(atom.headers.get('content-type')).toBe('application/atom+xml');
    expect(page.headers.get('cache-control')).toBe(KB_CACHE_CONTROL);
    expect(page.headers.get('etag')).toBeTruthy();
  });

  it('answers HEAD with the headers and no body, and 304 to a matching If-None-Match', async () => {
    // Prepare
    const first = await fetch(`${front.url}/kb/feed.json`);
    const etag = first.headers.get('etag') ?? '';
    // Act
    const head = await raw(front.url, '/kb/feed.json', 'HEAD');
    const again = await fetch(`${front.url}/kb/feed.json`, { headers: { 'if-none-match': etag } });
    // Assess
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe('application/feed+json');
    expect(head.body).toBe('');
    expect(again.status).toBe(304);
  });

  it('answers a missing page with the French « page introuvable », a 404 styled with the DSFR', async () => {
    // Act
    const missing = await fetch(`${front.url}/kb/articles/999.html`);
    // Assess
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await missing.text();
    expect(html).toContain('<html lang="fr"');
    expect(html).toContain('Page introuvable');
    expect(html).toContain('href="/dsfr/dsfr.min.css"');
    expect(html).toContain('href="/kb/"');
  });

  it.each([
    '/kb/../secret.txt',
    '/kb/%2e%2e/secret.txt',
    '/kb/articles/%2E%2E/%2E%2E/secret.txt',
    '/kb/..%2fsecret.txt',
    '/kb/%5c..%5csecret.txt',
  ])('refuses %s, which tries to leave kb/', async (path) => {
    // Act
    const answer = await raw(front.url, path);
    // Assess
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain('not public');
  });

  it('reads a path as its S3 key under kb/, and refuses rather than normalises one that climbs out', () => {
    // S3 keys are literal, so a climbing path must never be turned into another key.
    expect(kbKeyOf('/kb/')).toBe('kb/index.html');
    expect(kbKeyOf('/kb/articles/')).toBe('kb/articles/index.html');
    expect(kbKeyOf('/kb/articles/3.html')).toBe('kb/articles/3.html');
    expect(kbKeyOf('/kb/%C3%A9t%C3%A9.html')).toBe('kb/été.html');
    for (const path of [
      '/kb/../secret.txt',
      '/kb/%2e%2e/x',
      '/kb/a/%2E%2E/%2E%2E/x',
      '/kb/%5cx',
      '/kb/.env',
      '/kb/%00',
      '/kb/%zz',
      '/secret.txt',
    ]) {
      expect(kbKeyOf(path), path).toBeUndefined();
    }
  });

  it('sends the pages a CSP that lets them load the DSFR, search.js and the public search of their own origin only', async () => {
    // Act
    const csp = (await fetch(`${front.url}/kb/`)).headers.get('content-security-policy') ?? '';
    // Assess
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
  });

  it('refuses anything but GET and HEAD on the public pages', async () => {
    // Act
    const post = await fetch(`${front.url}/kb/index.html`, { method: 'POST', body: 'x' });
    // Assess
    expect(post.status).toBe(405);
  });
});

describe('the public search on the local front', () => {
  it('reaches the api function without a token, on its own route key', async () => {
    // Act
    const answer = await fetch(`${front.url}/api/public/articles?q=bulletin`);
    // Assess
    expect(answer.status).toBe(200);
    expect(calls.at(-1)).toBe('GET /api/public/articles');
  });

  it('lets a burst through, then answers 429 in French with Retry-After, before the function runs', async () => {
    // Prepare
    const before = calls.length;
    // Act: five searches at once from one address, with a burst of three and one a second.
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => fetch(`${throttled.url}/api/public/articles?q=livret`)),
    );
    // Assess
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const refused = answers.find((answer) => answer.status === 429);
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await refused?.json()) as { error: { code: string; message: string } };
    expect(body.error.message).toMatch(/réessayez/);
    expect(calls.length - before).toBe(3);
  });

  it('throttles neither the staff routes nor the health check', async () => {
    // Act: well past the burst on the health check.
    const answers = await Promise.all(Array.from({ length: 6 }, () => fetch(`${throttled.url}/api/health`)));
    // Assess
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
  });
});

describe('the token buckets', () => {
  it('refill at the steady rate, per client address', () => {
    // Prepare
    let now = 0;
    const over = tokenBuckets({ ratePerSecond: 10, burst: 2 }, () => now);
    // Act + Assess
    expect([over('a'), over('a'), over('a')]).toEqual([0, 0, 1]);
    expect(over('b')).toBe(0);
    now = 100; // a tenth of a second: one request's worth
    expect([over('a'), over('a')]).toEqual([0, 1]);
  });
});
