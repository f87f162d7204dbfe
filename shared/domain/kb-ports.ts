/**
 * The ports of the knowledge base's steps (`shared/steps/kb/`) and of the acknowledgment's
 * suggestions, declared in the domain's terms and satisfied by `shared/adapters/article-store.ts`
 * (DynamoDB) and `shared/adapters/kb-site.ts` (S3: the public pages, the feeds and the public
 * search index).
 */
import type { Article, ArticleHistoryEntry } from './article.ts';

/** Articles and their history. */
export type ArticleStore = {
  /** A new id, never given before (a counter). */
  nextId(): Promise<string>;
  /** Writes a new article (version 1) and its first history line. */
  create(article: Article, entry: ArticleHistoryEntry): Promise<void>;
  get(id: string): Promise<Article | undefined>;
  /**
   * Replaces an article if it is still at `version`, with the history line of the change, in one
   * transaction; false when someone changed it meanwhile.
   */
  replace(article: Article, version: number, entry: ArticleHistoryEntry): Promise<boolean>;
  /** Oldest first. */
  history(id: string): Promise<ArticleHistoryEntry[]>;
  /** Every article, whatever its status (the staff search is built from them). */
  all(): Promise<Article[]>;
  /** The published articles, public and internal. */
  published(): Promise<Article[]>;
  /**
   * A number that changes whenever any article changes (one read): the staff search rebuilds its
   * index only then.
   */
  catalogueVersion(): Promise<number>;
  /**
   * A number that changes whenever published content changes: a published article edited, an
   * article published or unpublished (one read). The export checks it did not move while it ran;
   * drafts being saved meanwhile do not make it run again.
   */
  publishedVersion(): Promise<number>;
};

/** A file of the public knowledge base: its path under `/kb/`, its type and its content. */
export type KbFile = { path: string; contentType: string; body: string };

/** Where the public knowledge base is published (S3 behind CloudFront; locally the S3 stand-in). */
export type KbSite = {
  /** Writes (replaces) these files. */
  write(files: readonly KbFile[]): Promise<void>;
  /** Removes these files; a missing one is no error. */
  remove(paths: readonly string[]): Promise<void>;
  /** Every file's path (a full export removes the pages of articles no longer public). */
  paths(): Promise<string[]>;
};

/** An article suggested for a question: its id, title and public link, and how well it matched. */
export type ArticleSuggestion = { id: string; title: string; url: string; score: number };

/**
 * Suggests published public articles for a director's question, from the persisted public index
 * (reloaded when it changes). None at all is better than a wrong one: only above the threshold.
 */
export type ArticleSuggester = {
  suggest(question: string, limit: number): Promise<ArticleSuggestion[]>;
};
