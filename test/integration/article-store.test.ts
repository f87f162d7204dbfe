/**
 * The articles' store against DynamoDB Local: ids from a counter, a change written with its
 * history line only at the version read, the catalogue's version moved by every change, and
 * the lists read from the indexes (all, published) without the history lines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeArticleStore } from '#shared/adapters/article-store.ts';
import { documentClient } from '#shared/adapters/clients/dynamodb.ts';
import {
  type ArticleActor,
  ArticleInput,
  editArticle,
  moveArticle,
  newArticle,
} from '#shared/domain/article.ts';
import type { ArticleStore } from '#shared/domain/kb-ports.ts';
import { makeTestResources, type TestResources } from '../support/aws.ts';

let test: TestResources;
let store: ArticleStore;

const agent: ArticleActor = { email: 'agent@ac-dijon.fr', groups: ['agent'] };
const admin: ArticleActor = { email: 'admin@ac-dijon.fr', groups: ['admin'] };
const input = ArticleInput.parse({
  title: 'Bulletins périodiques introuvables',
  symptom: 'Les bulletins du 1er trimestre ne s’affichent pas.',
  solution: 'Vérifier la période dans **Paramétrage**.',
  tags: ['bulletins'],
  application: 'LSUN',
  visibility: 'public',
});

beforeAll(async () => {
  test = await makeTestResources('article-store');
  store = makeArticleStore({
    client: documentClient(test.clients.dynamodb),
    tableName: test.resources.tableName,
  });
});

afterAll(() => test?.destroy());

async function created(at = '2027-01-04T08:00:00.000Z') {
  const { article, entry } = newArticle(await store.nextId(), input, agent, at);
  await store.create(article, entry);
  return article;
}

describe('articles', () => {
  it('gives increasing ids that are never given twice, even asked at once', async () => {
    // Act
    const ids = await Promise.all(Array.from({ length: 10 }, () => store.nextId()));

    // Assess
    expect(new Set(ids).size).toBe(10);
    expect(ids.every((id) => /^[1-9][0-9]*$/.test(id))).toBe(true);
  });

  it('reads back a created article and its first history line', async () => {
    // Act
    const article = await created();

    // Assess
    expect(await store.get(article.id)).toEqual(article);
    const history = await store.history(article.id);
    expect(history.map((line) => [line.action, line.version])).toEqual([['created', 1]]);
  });

  it('replaces an article only at the version read, so of two writers one loses', async () => {
    // Prepare
    const article = await created();
    const first = moveArticle(article, 'submitted', agent, '2027-01-04T09:00:00.000Z');
    const second = moveArticle(article, 'published', admin, '2027-01-04T09:00:01.000Z');

    // Act
    const outcomes = [
      await store.replace(first.article, article.version, first.entry),
      await store.replace(second.article, article.version, second.entry),
    ];

    // Assess
    expect(outcomes).toEqual([true, false]);
    expect((await store.get(article.id))?.status).toBe('review');
    expect((await store.history(article.id)).map((line) => line.action)).toEqual(['created', 'submitted']);
  });

  it('moves the catalogue version with every creation and change, and not with a refused one', async () => {
    // Prepare
    const before = await store.catalogueVersion();
    const article = await created();
    const afterCreate = await store.catalogueVersion();
    const move = moveArticle(article, 'submitted', agent, '2027-01-04T10:00:00.000Z');

    // Act
    await store.replace(move.article, article.version, move.entry);
    const afterChange = await store.catalogueVersion();
    await store.replace(move.article, article.version, move.entry);

    // Assess
    expect(afterCreate).toBeGreaterThan(before);
    expect(afterChange).toBeGreaterThan(afterCreate);
    expect(await store.catalogueVersion()).toBe(afterChange);
  });

  it('moves the published version when published content changes, not when drafts are saved', async () => {
    // Prepare
    const article = await created();
    const start = await store.publishedVersion();
    const edit = editArticle(
      article,
      { ...input, title: 'Brouillon revu' },
      agent,
      '2027-01-04T10:00:00.000Z',
    );
    if (!edit) throw new Error('the edit changed nothing');

    // Act
    await store.replace(edit.article, article.version, edit.entry);
    const afterDraftEdit = await store.publishedVersion();
    const publish = moveArticle(edit.article, 'published', admin, '2027-01-04T10:05:00.000Z');
    await store.replace(publish.article, edit.article.version, publish.entry);
    const afterPublish = await store.publishedVersion();
    const archive = moveArticle(publish.article, 'archived', admin, '2027-01-04T10:10:00.000Z');
    await store.replace(archive.article, publish.article.version, archive.entry);

    // Assess
    expect(afterDraftEdit).toBe(start);
    expect(afterPublish).toBe(start + 1);
    expect(await store.publishedVersion()).toBe(start + 2);
  });

  it('lists every article, and only the published ones as published, without history lines', async () => {
    // Prepare
    const draft = await created();
    const published = await created();
    const move = moveArticle(published, 'published', admin, '2027-01-05T08:00:00.000Z');
    await store.replace(move.article, published.version, move.entry);

    // Act
    const all = await store.all();
    const onlyPublished = await store.published();

    // Assess
    expect(all.map((article) => article.id)).toEqual(expect.arrayContaining([draft.id, published.id]));
    expect(all.every((article) => typeof article.title === 'string')).toBe(true);
    expect(onlyPublished.map((article) => article.id)).toContain(published.id);
    expect(onlyPublished.map((article) => article.id)).not.toContain(draft.id);
    expect(onlyPublished.every((article) => article.status === 'published')).toBe(true);
  });

  it('answers nothing for an unknown article', async () => {
    // Act and Assess
    expect(await store.get('999999')).toBeUndefined();
    expect(await store.history('999999')).toEqual([]);
  });
});
