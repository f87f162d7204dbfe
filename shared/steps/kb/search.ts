/**
 * Finding articles: the staff search (every status, filtered, paged), the suggestions on a
 * ticket's page (published articles, public or internal), and the public search (published
 * public articles only, from the persisted public index).
 *
 * The staff index is built in memory from `store.all()` and kept per container; it is rebuilt
 * only when the catalogue's version (one GetItem) says an article changed since.
 */
import { type Article, articleUrl, isPublic } from '#shared/domain/article.ts';
import { TicketNotFoundError } from '#shared/domain/errors.ts';
import type { ArticleStore } from '#shared/domain/kb-ports.ts';
import { stripReplyPrefixes } from '#shared/domain/subject.ts';
import { decodeCursor, encodeCursor } from '#shared/http/cursor.ts';
import { BadRequestError } from '#shared/http/errors.ts';
import { type ArticleHit, ArticleIndex } from '#shared/kb/search.ts';
import type { KbDeps } from './deps.ts';

/** The staff index at one catalogue version, with the articles it was built from. */
type StaffIndex = { version: number; index: ArticleIndex; articles: ReadonlyMap<string, Article> };

/**
 * How long a global secondary index may lag behind the table: `all()` reads one, so an index
 * built in the moment after a change may miss it, and is built once more after this delay.
 */
export const INDEX_LAG_MS = 1500;

/** A staff index being built or built, with when its version was first seen and when it was built. */
type CachedIndex = { built: Promise<StaffIndex>; version: number; seenAt: number; builtAt: number };

/** One staff index per store, that is per container (the store is wired once). */
const staffIndexes = new WeakMap<ArticleStore, CachedIndex>();

/**
 * The staff index, rebuilt only when the catalogue changed: one read when it did not. Requests
 * arriving together share one rebuild. An index built less than `INDEX_LAG_MS` after its version
 * was first seen is built once more after that delay, in case the index it read lagged.
 */
export async function staffIndex(deps: Pick<KbDeps, 'store' | 'now'>): Promise<StaffIndex> {
  const version = await deps.store.catalogueVersion();
  const now = deps.now().getTime();
  const cached = staffIndexes.get(deps.store);
  const settled = cached !== undefined && cached.builtAt - cached.seenAt >= INDEX_LAG_MS;
  const current =
    cached !== undefined && cached.version >= version
      ? settled || now - cached.seenAt < INDEX_LAG_MS
        ? await cached.built.catch(() => undefined)
        : undefined
      : undefined;
  if (current !== undefined) return current;
  const seenAt = cached !== undefined && cached.version === version ? cached.seenAt : now;
  const built = (async (): Promise<StaffIndex> => {
    const articles = await deps.store.all();
    return {
      version,
      index: ArticleIndex.build(articles),
      articles: new Map(articles.map((article) => [article.id, article])),
    };
  })();
  staffIndexes.set(deps.store, { built, version, seenAt, builtAt: now });
  return built;
}

/** What the staff search is asked. */
export type ArticleListRequest = {
  q?: string | undefined;
  status?: Article['status'] | undefined;
  visibility?: Article['visibility'] | undefined;
  tag?: string | undefined;
  limit: number;
  cursor?: string | undefined;
};

/** An article in a list: no texts; its score when searched. */
export type ArticleSummary = Pick<
  Article,
  'id' | 'title' | 'tags' | 'application' | 'visibility' | 'status' | 'updatedAt' | 'updatedBy'
> & { score?: number };

/**
 * The staff search: without `q`, the most recently changed first; with it, the best matches
 * first. Filters by status, visibility and tag; pages with an opaque cursor.
 * @throws BadRequestError on a cursor this search did not give
 */
export async function searchArticles(
  request: ArticleListRequest,
  deps: Pick<KbDeps, 'store' | 'now'>,
): Promise<{ items: ArticleSummary[]; nextCursor: string | null }> {
  const { index, articles } = await staffIndex(deps);
  const tag = request.tag?.trim().replace(/\s+/g, ' ').toLocaleLowerCase('fr-FR');
  const keep = (article: Pick<Article, 'status' | 'visibility' | 'tags'>) =>
    (request.status === undefined || article.status === request.status) &&
    (request.visibility === undefined || article.visibility === request.visibility) &&
    (!tag || article.tags.includes(tag));
  const q = request.q?.trim();
  const found: ArticleSummary[] = q
    ? index.search(q, { filter: keep, limit: Number.MAX_SAFE_INTEGER }).flatMap((hit) => {
        const article = articles.get(hit.id);
        return article ? [{ ...summaryOf(article), score: hit.score }] : [];
      })
    : [...articles.values()]
        .filter(keep)
        .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || Number(b.id) - Number(a.id))
        .map(summaryOf);
  const offset = offsetOf(request.cursor);
  const end = offset + request.limit;
  return {
    items: found.slice(offset, end),
    nextCursor: end < found.length ? encodeCursor({ offset: end }) : null,
  };
}

/** A suggestion on a ticket's page, with what « insérer dans la réponse » inserts. */
export type TicketSuggestion = {
  id: string;
  title: string;
  score: number;
  visibility: Article['visibility'];
  solution: string;
  url?: string;
};

/**
 * Up to 3 published articles (public or internal) for a ticket's subject and first message,
 * only above the suggestion threshold: none rather than a wrong one.
 * @throws TicketNotFoundError
 */
export async function suggestForTicket(
  number: string,
  deps: Pick<KbDeps, 'store' | 'tickets' | 'publicBaseUrl' | 'now'>,
): Promise<{ items: TicketSuggestion[] }> {
  const record = await deps.tickets.readTicket(number, deps.now());
  if (record === undefined) throw new TicketNotFoundError(number);
  const first = record.messages.find((message) => message.direction === 'in');
  const question = [ticketTitle(record.ticket.subject), first?.text ?? ''].join('\n');
  const { index, articles } = await staffIndex(deps);
  const hits = index.suggest(question, { limit: 3, filter: (hit) => hit.status === 'published' });
  return {
    items: hits.flatMap((hit) => {
      const article = articles.get(hit.id);
      if (article === undefined) return [];
      return [
        {
          id: article.id,
          title: article.title,
          score: hit.score,
          visibility: article.visibility,
          solution: article.solution,
          ...(isPublic(article) ? { url: articleUrl(deps.publicBaseUrl, article.id) } : {}),
        },
      ];
    }),
  };
}

/** A published public article, as anyone may find it. */
export type PublicArticle = Pick<ArticleHit, 'id' | 'title' | 'tags' | 'application' | 'updatedAt'> & {
  url: string;
  score: number;
};

/**
 * The public search, over the persisted public index only (published public articles): what
 * the API answers anyone is exactly what the public pages show.
 */
export async function searchPublicArticles(
  request: { q?: string | undefined; limit: number },
  deps: Pick<KbDeps, 'publicIndex' | 'publicBaseUrl'>,
): Promise<{ items: PublicArticle[] }> {
  const q = request.q?.trim();
  if (!q) return { items: [] };
  const index = await deps.publicIndex.current();
  return {
    items: index.search(q, { limit: request.limit, filter: isPublic }).map((hit) => ({
      id: hit.id,
      title: hit.title,
      url: articleUrl(deps.publicBaseUrl, hit.id),
      tags: hit.tags,
      application: hit.application,
      updatedAt: hit.updatedAt,
      score: hit.score,
    })),
  };
}

/**
 * A ticket's subject as an article's title: without the desk's tag (`[LSUN-2026-00042]`) and the
 * reply prefixes (« Re : », « TR : »).
 */
export function ticketTitle(subject: string): string {
  let rest = subject;
  for (let previous = ''; previous !== rest; ) {
    previous = rest;
    rest = stripReplyPrefixes(rest.replace(/\[\s*LSUN(?:-\d{4}-\d{5,})?\s*\]/giu, ' '));
  }
  return rest;
}

function summaryOf(article: Article): ArticleSummary {
  const { id, title, tags, application, visibility, status, updatedAt, updatedBy } = article;
  return { id, title, tags, application, visibility, status, updatedAt, updatedBy };
}

function offsetOf(cursor: string | undefined): number {
  const position = decodeCursor(cursor);
  if (position === undefined) return 0;
  const { offset } = position;
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
    throw new BadRequestError('Curseur de pagination invalide.', { code: 'invalid_cursor' });
  }
  return offset;
}
