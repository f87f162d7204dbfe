/**
 * What staff do with articles (« Base de connaissances » in the console): write one, read it with
 * its texts rendered and its history, edit it at the version they read, move it through the
 * workflow, preview Markdown. Every change directors will see (a publication, an archiving, an
 * edit of a published public article, a change of visibility) asks for the public pages to be
 * written again (`kb-export` queue).
 */
import {
  type Article,
  type ArticleActor,
  ArticleChangedError,
  type ArticleHistoryEntry,
  ArticleInput,
  type ArticleMove,
  ArticleNotFoundError,
  articleUrl,
  editArticle,
  isPublic,
  moveArticle,
  newArticle,
} from '#shared/domain/article.ts';
import { renderMarkdown } from '#shared/kb/markdown.ts';
import type { KbDeps } from './deps.ts';

/** An article as its page shows it: the article, its texts rendered, its history, its public link. */
export type ArticleDetail = Article & {
  html: { symptom: string; cause?: string; solution: string };
  history: ArticleHistoryEntry[];
  url?: string;
};

/** A new draft, `internal` or `public` as written, version 1. */
export async function createArticle(
  input: ArticleInput,
  actor: ArticleActor,
  deps: Pick<KbDeps, 'store' | 'now' | 'publicBaseUrl'>,
  sourceTicket?: string,
): Promise<ArticleDetail> {
  const content = ArticleInput.parse(input);
  const { article, entry } = newArticle(
    await deps.store.nextId(),
    content,
    actor,
    deps.now().toISOString(),
    sourceTicket,
  );
  await deps.store.create(article, entry);
  return detailOf(article, [entry], deps.publicBaseUrl);
}

/** An article with its rendered texts, its history and its public link. @throws ArticleNotFoundError */
export async function readArticle(
  id: string,
  deps: Pick<KbDeps, 'store' | 'publicBaseUrl'>,
): Promise<ArticleDetail> {
  const [article, history] = await Promise.all([deps.store.get(id), deps.store.history(id)]);
  if (article === undefined) throw new ArticleNotFoundError(id);
  return detailOf(article, history, deps.publicBaseUrl);
}

/**
 * Saves an edit made on `version`. Nothing changed: the article as it is, no new version.
 * @throws ArticleNotFoundError, ArticleChangedError (someone saved meanwhile), ArticleForbiddenError, ArticleStateError
 */
export async function editArticleContent(
  id: string,
  edit: ArticleInput & { version: number },
  actor: ArticleActor,
  deps: KbDeps,
): Promise<ArticleDetail> {
  const { version, ...input } = edit;
  const content = ArticleInput.parse(input);
  const article = await deps.store.get(id);
  if (article === undefined) throw new ArticleNotFoundError(id);
  if (article.version !== version) throw new ArticleChangedError(id);
  const change = editArticle(article, content, actor, deps.now().toISOString());
  if (change === undefined) return readArticle(id, deps);
  return saveChange(article, change, deps);
}

/**
 * Moves an article through the workflow: `submitted` (agents), `published` and `archived`
 * (admins). @throws ArticleNotFoundError, ArticleForbiddenError, ArticleStateError, ArticleChangedError
 */
export async function moveArticleTo(
  id: string,
  move: ArticleMove,
  actor: ArticleActor,
  deps: KbDeps,
): Promise<ArticleDetail> {
  const article = await deps.store.get(id);
  if (article === undefined) throw new ArticleNotFoundError(id);
  return saveChange(article, moveArticle(article, move, actor, deps.now().toISOString()), deps);
}

/** The sanitised HTML of Markdown, as the public page will show it. */
export function previewMarkdown(markdown: string): { html: string } {
  return { html: renderMarkdown(markdown) };
}

/**
 * Writes a change at the version it was decided on, then asks for an export when directors'
 * pages change. The export is queued after the write: a lost message leaves the pages behind
 * until the next change or full export, never ahead of the store.
 */
async function saveChange(
  before: Article,
  change: { article: Article; entry: ArticleHistoryEntry },
  deps: KbDeps,
): Promise<ArticleDetail> {
  const saved = await deps.store.replace(change.article, before.version, change.entry);
  if (!saved) throw new ArticleChangedError(before.id);
  if (isPublic(before) || isPublic(change.article)) {
    await deps.exports.send({ type: 'kb.export', articleId: before.id, at: change.entry.at });
  }
  return readArticle(before.id, deps);
}

/** The article with its texts rendered, its history, and its public link once public. */
export function detailOf(
  article: Article,
  history: ArticleHistoryEntry[],
  publicBaseUrl: string,
): ArticleDetail {
  return {
    ...article,
    html: {
      symptom: renderMarkdown(article.symptom),
      ...(article.cause ? { cause: renderMarkdown(article.cause) } : {}),
      solution: renderMarkdown(article.solution),
    },
    history,
    ...(isPublic(article) ? { url: articleUrl(publicBaseUrl, article.id) } : {}),
  };
}
