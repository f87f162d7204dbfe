/**
 * The demo articles of the first `npm start`, through its own stack: loaded from
 * `data/kb-demo.json` in file order, published and exported, so `/kb/`, the feeds and the public
 * search are full from the first minute, on the front's own address and without a token.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublicArticles } from '#shared/api/kb-contract.ts';
import type { ArticleInput } from '#shared/domain/article.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let demo: ArticleInput[];

beforeAll(async () => {
  demo = JSON.parse(
    await readFile(join(import.meta.dirname, '../../data/kb-demo.json'), 'utf8'),
  ) as ArticleInput[];
  stack = await startTestStack({ seedDirectory: false, seedArticles: true });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

/** The demo's articles with the ids the first start gives them: "1", "2"… in file order. */
const withIds = () => demo.map((article, index) => ({ ...article, id: String(index + 1) }));

describe('the demo articles on first start', () => {
  it('are published and exported: /kb/ lists every public one, and each has its page', async () => {
    // Act
    const index = await fetch(`${stack.desk.httpUrl}/kb/`);
    const html = await index.text();
    // Assess
    expect(index.status).toBe(200);
    const publicOnes = withIds().filter((article) => article.visibility === 'public');
    expect(publicOnes.length).toBeGreaterThan(0);
    for (const article of publicOnes) {
      expect(html, article.id).toContain(`articles/${article.id}.html`);
      expect((await fetch(`${stack.desk.httpUrl}/kb/articles/${article.id}.html`)).status, article.id).toBe(
        200,
      );
    }
  });

  it('keeps the internal ones off the public pages and feeds', async () => {
    // Act
    const feed = (await (await fetch(`${stack.desk.httpUrl}/kb/feed.json`)).json()) as {
      items: { id: string; url: string }[];
    };
    // Assess
    const internal = withIds().filter((article) => article.visibility === 'internal');
    for (const article of internal) {
      expect((await fetch(`${stack.desk.httpUrl}/kb/articles/${article.id}.html`)).status, article.id).toBe(
        404,
      );
      expect(feed.items.map((item) => item.url)).not.toContain(
        `${stack.desk.httpUrl}/kb/articles/${article.id}.html`,
      );
    }
  });

  it('name the front itself in the feeds, so the links work from the first minute', async () => {
    // Act
    const feed = (await (await fetch(`${stack.desk.httpUrl}/kb/feed.json`)).json()) as {
      items: { url: string }[];
    };
    const atom = await (await fetch(`${stack.desk.httpUrl}/kb/atom.xml`)).text();
    // Assess
    expect(feed.items.length).toBe(withIds().filter((article) => article.visibility === 'public').length);
    for (const item of feed.items)
      expect(item.url.startsWith(`${stack.desk.httpUrl}/kb/articles/`)).toBe(true);
    expect(atom).toContain(`${stack.desk.httpUrl}/kb/`);
  });

  it('are found by the public search, without a token', async () => {
    // Prepare: the first public article's own title.
    const first = withIds().find((article) => article.visibility === 'public');
    // Act
    const answer = await fetch(
      `${stack.desk.httpUrl}/api/public/articles?q=${encodeURIComponent(first?.title ?? '')}`,
    );
    // Assess
    expect(answer.status).toBe(200);
    const found = PublicArticles.parse(await answer.json());
    expect(found.items.map((item) => item.id)).toContain(first?.id);
  });
});
