/**
 * The public knowledge base's export against DynamoDB Local and the S3 stand-in: a publication
 * writes the article's page and puts it in the feeds, the index page and the public search
 * index; an archiving removes the page and takes it out of the feeds; a change made while an
 * export runs fails that export, and running it again writes the newest state. A full export
 * writes every page and removes stale ones.
 */
import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeArticleStore } from '#shared/adapters/article-store.ts';
import { documentClient } from '#shared/adapters/clients/dynamodb.ts';
import { makeKbSite } from '#shared/adapters/kb-site.ts';
import { type ArticleActor, ArticleInput } from '#shared/domain/article.ts';
import type { ArticleStore, KbSite } from '#shared/domain/kb-ports.ts';
import type { KbExportRequest } from '#shared/domain/messages.ts';
import { ArticleIndex } from '#shared/kb/search.ts';
import type { KbDeps, KbExportDeps } from '#shared/steps/kb/deps.ts';
import { exportKnowledgeBase, KbCatalogueChangedError } from '#shared/steps/kb/export.ts';
import { createArticle, editArticleContent, moveArticleTo } from '#shared/steps/kb/manage.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';

const BASE = 'https://assistance.example.fr';
const agent: ArticleActor = { email: 'agent@ac-dijon.fr', groups: ['agent'] };
const admin: ArticleActor = { email: 'admin@ac-dijon.fr', groups: ['admin'] };

let test: TestResources;
let store: ArticleStore;
let site: KbSite;
let bucket: string;
/** What the steps asked to export since the last test began. */
let queued: KbExportRequest[];

beforeAll(async () => {
  test = await makeTestResources('kb-export');
  store = makeArticleStore({
    client: documentClient(test.clients.dynamodb),
    tableName: test.resources.tableName,
  });
});

beforeEach(async () => {
  // A bucket per test: each starts from an empty site.
  bucket = `kb-${randomUUID().slice(0, 8)}`;
  await test.clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  site = makeKbSite({ client: test.clients.s3, bucket });
  queued = [];
});

afterAll(() => test?.destroy());

function steps(): KbDeps {
  return {
    store,
    exports: { send: async (request) => void queued.push(request) },
    tickets: { readTicket: async () => undefined },
    directory: {
      current: async () => ({ state: { generation: 0, directors: [], schools: [], circonscriptions: [] } }),
    },
    publicIndex: { current: async () => ArticleIndex.build([]) },
    publicBaseUrl: BASE,
    now: () => new Date(),
  };
}

function exportDeps(overrides: Partial<KbExportDeps> = {}): KbExportDeps {
  return {
    store,
    site,
    publicBaseUrl: BASE,
    deskDisplayName: 'Assistance LSUN',
    deskAddress: 'assistance1d@ac-dijon.fr',
    subjectKeyword: 'LSUN',
    now: () => new Date(),
    ...overrides,
  };
}

async function read(path: string): Promise<string | undefined> {
  try {
    const object = await test.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: `kb/${path}` }));
    return await object.Body?.transformToString();
  } catch {
    return undefined;
  }
}

async function feedIds(): Promise<string[]> {
  const feed = JSON.parse((await read('feed.json')) ?? '{"items":[]}') as { items: Array<{ url: string }> };
  return feed.items.map((item) => item.url);
}

const input = (title: string) =>
  ArticleInput.parse({
    title,
    symptom: `Le problème « ${title} » apparaît dans LSU.`,
    solution: 'Suivre la procédure du **paramétrage**.',
    tags: ['export'],
    visibility: 'public',
  });

async function publishedArticle(title: string) {
  const created = await createArticle(input(title), agent, steps());
  return moveArticleTo(created.id, 'published', admin, steps());
}

describe('the export', () => {
  it('puts a published article on its page, in the feeds, the index page and the public search index', async () => {
    // Prepare
    const article = await publishedArticle('Bulletins périodiques introuvables');

    // Act
    await exportKnowledgeBase(queued, exportDeps());

    // Assess
    expect(queued).toEqual([expect.objectContaining({ articleId: article.id })]);
    expect(await read(`articles/${article.id}.html`)).toContain('Bulletins périodiques introuvables');
    expect(await feedIds()).toContain(`${BASE}/kb/articles/${article.id}.html`);
    expect(await read('atom.xml')).toContain(`${BASE}/kb/articles/${article.id}.html`);
    expect(await read('index.html')).toContain('Bulletins périodiques introuvables');
    const index = ArticleIndex.load((await read('search-index.json')) ?? '');
    expect(index.search('bulletin periodique').map((hit) => hit.id)).toContain(article.id);
  });

  it('removes an archived article’s page and takes it out of the feeds and the public index', async () => {
    // Prepare
    const article = await publishedArticle('Absences non reportées');
    await exportKnowledgeBase(queued, exportDeps());
    queued = [];

    // Act
    await moveArticleTo(article.id, 'archived', admin, steps());
    await exportKnowledgeBase(queued, exportDeps());

    // Assess
    expect(await read(`articles/${article.id}.html`)).toBeUndefined();
    expect(await feedIds()).not.toContain(`${BASE}/kb/articles/${article.id}.html`);
    const index = ArticleIndex.load((await read('search-index.json')) ?? '');
    expect(index.search('absences').map((hit) => hit.id)).not.toContain(article.id);
  });

  it('fails when an article changes while it runs, and a rerun writes the newest state', async () => {
    // Prepare
    const article = await publishedArticle('Export concurrent');
    const requests = queued;
    // An admin edits the article just after the export has read the published articles.
    const racing: KbExportDeps['store'] = {
      ...store,
      published: async () => {
        const listed = await store.published();
        await editArticleContent(
          article.id,
          { ...input('Export concurrent'), title: 'Export concurrent, titre revu', version: article.version },
          admin,
          steps(),
        );
        return listed;
      },
    };

    // Act
    const first = exportKnowledgeBase(requests, exportDeps({ store: racing }));
    await expect(first).rejects.toBeInstanceOf(KbCatalogueChangedError);
    await exportKnowledgeBase(queued, exportDeps());

    // Assess
    expect(await read(`articles/${article.id}.html`)).toContain('Export concurrent, titre revu');
  });

  it('writes every public page on a full export and removes the pages of articles no longer public', async () => {
    // Prepare
    const kept = await publishedArticle('Page gardée');
    await site.write([{ path: 'articles/999999.html', contentType: 'text/html', body: 'ancienne page' }]);

    // Act
    await exportKnowledgeBase([{ type: 'kb.export', at: new Date().toISOString() }], exportDeps());

    // Assess
    const paths = await site.paths();
    expect(paths).toContain(`articles/${kept.id}.html`);
    expect(paths).not.toContain('articles/999999.html');
    expect(paths).toEqual(
      expect.arrayContaining(['index.html', 'feed.json', 'atom.xml', 'search.js', 'search-index.json']),
    );
  });
});
