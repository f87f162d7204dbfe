/**
 * The demo articles of the local desk's first start (and of tests): each created and published,
 * in order, so they get ids "1", "2"… as the labelled questions of the search expect; then one
 * full export.
 */

import type * as z from 'zod';
import {
  type ArticleActor,
  ArticleChangedError,
  ArticleInput,
  moveArticle,
  newArticle,
} from '#shared/domain/article.ts';
import type { KbSeedDeps } from './deps.ts';

/** Creates and publishes each article, in order, then queues one full export. Returns the ids. */
export async function seedArticles(
  inputs: ReadonlyArray<z.input<typeof ArticleInput>>,
  deps: KbSeedDeps,
  actor: ArticleActor,
): Promise<string[]> {
  const ids: string[] = [];
  for (const input of inputs) {
    const at = deps.now().toISOString();
    const created = newArticle(await deps.store.nextId(), ArticleInput.parse(input), actor, at);
    await deps.store.create(created.article, created.entry);
    const published = moveArticle(created.article, 'published', actor, at);
    if (!(await deps.store.replace(published.article, created.article.version, published.entry)))
      throw new ArticleChangedError(created.article.id);
    ids.push(created.article.id);
  }
  await deps.exports.send({ type: 'kb.export', at: deps.now().toISOString() });
  return ids;
}
