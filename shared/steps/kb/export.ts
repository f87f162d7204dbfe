/**
 * The public knowledge base's export (`kb-export` queue): the pages of the published public
 * articles, the index page, the JSON Feed and Atom feeds PANDA reads, and the public search
 * index, written to the site after every change directors will see.
 *
 * Requests naming articles write those articles' pages (or remove them, when an article is no
 * longer public) and the common files; a request without an article (seeding, a repair) writes
 * every page and removes the stale ones. Exports of overlapping changes may run at once: each
 * checks at the end that no published article changed while it ran (drafts being saved do not
 * count), and fails if it did, so its
 * message is retried and the newest state is the last written.
 */
import { type Article, isPublic } from '#shared/domain/article.ts';
import type { KbFile } from '#shared/domain/kb-ports.ts';
import type { KbExportRequest } from '#shared/domain/messages.ts';
import { ArticleIndex } from '#shared/kb/search.ts';
import { articlePage, articlePagePath, commonFiles } from '#shared/kb/site.ts';
import type { KbExportDeps } from './deps.ts';

/** Where the persisted public search index is, under `/kb/`. */
export const PUBLIC_INDEX_PATH = 'search-index.json';

/** The folder of the articles' pages, under `/kb/`. */
const PAGES_FOLDER = `${articlePagePath('0').split('/')[0]}/`;

/** A published article changed while the export ran: what it wrote may be older than the store. */
export class KbCatalogueChangedError extends Error {
  override name = 'KbCatalogueChangedError';
  constructor(
    readonly before: number,
    readonly after: number,
  ) {
    super(
      `The published catalogue moved from version ${before} to ${after} during the export: it is run again`,
    );
  }
}

/** What an export did. */
export type KbExportOutcome = { full: boolean; publicArticles: number; written: number; removed: number };

/**
 * Writes the public site for these requests (one export for a whole batch).
 * @throws KbCatalogueChangedError when an article changed meanwhile (the message is retried)
 */
export async function exportKnowledgeBase(
  requests: readonly KbExportRequest[],
  deps: KbExportDeps,
): Promise<KbExportOutcome> {
  const before = await deps.store.publishedVersion();
  const full = requests.length === 0 || requests.some((request) => request.articleId === undefined);
  const named = [...new Set(requests.flatMap((request) => (request.articleId ? [request.articleId] : [])))];
  const articles = await publishedNow(named, deps);
  const publicArticles = articles.filter(isPublic);
  const publicIds = new Set(publicArticles.map((article) => article.id));
  const options = {
    publicBaseUrl: deps.publicBaseUrl,
    deskDisplayName: deps.deskDisplayName,
    deskAddress: deps.deskAddress,
    subjectKeyword: deps.subjectKeyword,
    now: deps.now().toISOString(),
  };

  const pages = publicArticles
    .filter((article) => full || named.includes(article.id))
    .map((article) => articlePage(article, options));
  const common: KbFile[] = [
    ...commonFiles(publicArticles, options),
    {
      path: PUBLIC_INDEX_PATH,
      contentType: 'application/json; charset=utf-8',
      body: ArticleIndex.build(publicArticles).toJSON(),
    },
  ];
  const stale = full
    ? (await deps.site.paths()).filter(
        (path) => path.startsWith(PAGES_FOLDER) && !publicIds.has(idOfPage(path) ?? ''),
      )
    : named.filter((id) => !publicIds.has(id)).map(articlePagePath);

  // Pages first, then what links to them; a page leaves only once nothing links to it.
  await deps.site.write(pages);
  await deps.site.write(common);
  await deps.site.remove(stale);

  const after = await deps.store.publishedVersion();
  if (after !== before) throw new KbCatalogueChangedError(before, after);
  return {
    full,
    publicArticles: publicArticles.length,
    written: pages.length + common.length,
    removed: stale.length,
  };
}

/**
 * The published articles, with the named ones read again consistently: the index the list comes
 * from may lag behind the change that queued this export by a moment.
 */
async function publishedNow(named: readonly string[], deps: KbExportDeps): Promise<Article[]> {
  const [listed, fresh] = await Promise.all([
    deps.store.published(),
    Promise.all(named.map((id) => deps.store.get(id))),
  ]);
  const byId = new Map(listed.map((article) => [article.id, article]));
  named.forEach((id, index) => {
    const article = fresh[index];
    if (article?.status === 'published') byId.set(id, article);
    else byId.delete(id);
  });
  return [...byId.values()].sort((a, b) => Number(a.id) - Number(b.id));
}

/** The article id of a page's path (`articles/12.html` → `12`), if it is one. */
function idOfPage(path: string): string | undefined {
  return /^[^/]+\/([1-9][0-9]*)\.html$/.exec(path)?.[1];
}
