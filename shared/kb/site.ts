/**
 * The public knowledge base as files (`/kb/`): the index, a page per article, the search
 * script, and the feeds for PANDA. Pure: articles in, files out; the export step
 * (`shared/steps/kb/`) writes them with the `KbSite` port, next to the public search index.
 *
 * The caller passes the published public articles only; nothing here reads a status.
 */
import type { Article } from '#shared/domain/article.ts';
import type { KbFile } from '#shared/domain/kb-ports.ts';
import { atomFeed, feedEntries, jsonFeed } from './feeds.ts';
import { articleHtml, indexHtml } from './pages.ts';
import { SEARCH_SCRIPT } from './search-script.ts';
import { articlePagePath, type KbSiteOptions } from './site-basics.ts';

export { articlePagePath, type KbSiteOptions } from './site-basics.ts';

const HTML = 'text/html; charset=utf-8';

/** An article's page, `articles/<id>.html`. */
export function articlePage(article: Article, options: KbSiteOptions): KbFile {
  return { path: articlePagePath(article.id), contentType: HTML, body: articleHtml(article, options) };
}

/**
 * The files every change rewrites, from every published public article: `index.html`,
 * `feed.json` (JSON Feed 1.1), `atom.xml` (Atom) and `search.js`.
 */
export function commonFiles(articles: readonly Article[], options: KbSiteOptions): KbFile[] {
  const entries = feedEntries(articles);
  return [
    { path: 'index.html', contentType: HTML, body: indexHtml(articles, options) },
    {
      path: 'feed.json',
      contentType: 'application/feed+json; charset=utf-8',
      body: `${JSON.stringify(jsonFeed(entries, options), null, 2)}\n`,
    },
    {
      path: 'atom.xml',
      contentType: 'application/atom+xml; charset=utf-8',
      body: atomFeed(entries, options),
    },
    { path: 'search.js', contentType: 'text/javascript; charset=utf-8', body: SEARCH_SCRIPT },
  ];
}
