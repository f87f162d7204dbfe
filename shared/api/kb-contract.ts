/**
 * The contract of the knowledge base's routes (« Base de connaissances »): articles, their
 * workflow, drafts made from tickets, suggestions on a ticket, and the public search.
 *
 * Agents write, search and submit for review; admins publish and archive. The public search
 * answers published public articles only, to anyone (throttled in front of the API).
 *
 * Pure module: zod and the domain's article schemas only, so the browser bundle can import it.
 */
import * as z from 'zod';
import {
  Article,
  ArticleApplication,
  ArticleHistoryEntry,
  ArticleId,
  ArticleInput,
  ArticleStatus,
  ArticleVisibility,
  RedactionCount,
  RedactionFlag,
} from '../domain/article.ts';
import { pageOf, type RouteDeclarations } from './declaration.ts';

export {
  Article,
  ArticleApplication,
  ArticleHistoryEntry,
  ArticleInput,
  ArticleStatus,
  ArticleVisibility,
  RedactionCount,
  RedactionFlag,
};

/** An article's id in a path. */
export const ArticlePath = z.object({ id: ArticleId });
export type ArticlePath = z.infer<typeof ArticlePath>;

/** A ticket's number in a path (as the tickets' routes take it). */
const TicketPath = z.object({
  number: z.string().regex(/^LSUN-\d{4}-\d{5,}$/, { error: 'Numéro de ticket attendu (LSUN-AAAA-NNNNN).' }),
});

/** The longest search a person may type. */
const SearchText = z
  .string()
  .trim()
  .max(500, { error: 'La recherche est trop longue (500 caractères au plus).' });

/**
 * The staff search: free text (French: stemmed, accents and stop words ignored), filters, a page.
 * Without `q`, the most recently changed first; with it, the best matches first.
 */
export const ArticleListQuery = z.object({
  q: SearchText.optional(),
  status: ArticleStatus.optional(),
  visibility: ArticleVisibility.optional(),
  tag: z.string().trim().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(2048).optional(),
});
export type ArticleListQuery = z.infer<typeof ArticleListQuery>;

/** An article in a list: no texts, its score when searched. */
export const ArticleSummary = Article.pick({
  id: true,
  title: true,
  tags: true,
  application: true,
  visibility: true,
  status: true,
  updatedAt: true,
  updatedBy: true,
}).extend({ score: z.number().optional() });
export type ArticleSummary = z.infer<typeof ArticleSummary>;

export const ArticlePage = pageOf(ArticleSummary);
export type ArticlePage = z.infer<typeof ArticlePage>;

/** The sanitised HTML of an article's Markdown texts. */
export const ArticleHtml = z.object({
  symptom: z.string(),
  cause: z.string().optional(),
  solution: z.string(),
});
export type ArticleHtml = z.infer<typeof ArticleHtml>;

/** An article as its page shows it: the article, its texts rendered, its history, its public link. */
export const ArticleDetail = Article.extend({
  html: ArticleHtml,
  history: z.array(ArticleHistoryEntry),
  /** The public page's address, once published and public. */
  url: z.string().optional(),
});
export type ArticleDetail = z.infer<typeof ArticleDetail>;

/** An edit: the whole article as staff see it, and the version they read. */
export const ArticleEdit = ArticleInput.extend({
  version: z.number({ error: 'Version attendue.' }).int().positive(),
});
export type ArticleEdit = z.infer<typeof ArticleEdit>;

/**
 * A draft made from a ticket, its personal data already replaced by placeholders in brackets
 * (« [adresse électronique] », « [UAI] »…), with how many of each kind, and the words to check.
 */
export const ArticleFromTicket = ArticleDetail.extend({
  redactions: z.array(RedactionCount),
  flags: z.array(RedactionFlag),
});
export type ArticleFromTicket = z.infer<typeof ArticleFromTicket>;

/** Markdown to preview, as the editor has it. */
export const PreviewBody = z.object({
  markdown: z.string({ error: 'Texte attendu.' }).max(20_000, { error: 'Le texte est trop long.' }),
});
export const PreviewAnswer = z.object({ html: z.string() });

/** An article suggested on a ticket page, with what « insérer dans la réponse » inserts. */
export const TicketSuggestion = z.object({
  id: ArticleId,
  title: z.string(),
  score: z.number(),
  visibility: ArticleVisibility,
  /** The solution, in Markdown. */
  solution: z.string(),
  /** The public page, for a public article. */
  url: z.string().optional(),
});
export type TicketSuggestion = z.infer<typeof TicketSuggestion>;

export const TicketSuggestions = z.object({ items: z.array(TicketSuggestion).max(3) });
export type TicketSuggestions = z.infer<typeof TicketSuggestions>;

/** The public search. */
export const PublicArticleQuery = z.object({
  q: SearchText.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export type PublicArticleQuery = z.infer<typeof PublicArticleQuery>;

/** A published public article, as anyone may find it. */
export const PublicArticle = z.object({
  id: ArticleId,
  title: z.string(),
  url: z.string(),
  tags: z.array(z.string()),
  application: ArticleApplication,
  updatedAt: z.string(),
  score: z.number().optional(),
});
export type PublicArticle = z.infer<typeof PublicArticle>;

export const PublicArticles = z.object({ items: z.array(PublicArticle) });
export type PublicArticles = z.infer<typeof PublicArticles>;

/** The knowledge base's routes. */
export const kbRoutes = {
  'POST /api/articles': { group: 'agent', body: ArticleInput, response: ArticleDetail, status: 201 },
  'GET /api/articles': { group: 'agent', query: ArticleListQuery, response: ArticlePage, status: 200 },
  'POST /api/articles/preview': { group: 'agent', body: PreviewBody, response: PreviewAnswer, status: 200 },
  'GET /api/articles/{id}': { group: 'agent', path: ArticlePath, response: ArticleDetail, status: 200 },
  'PUT /api/articles/{id}': {
    group: 'agent',
    path: ArticlePath,
    body: ArticleEdit,
    response: ArticleDetail,
    status: 200,
  },
  'POST /api/articles/{id}/review': {
    group: 'agent',
    path: ArticlePath,
    response: ArticleDetail,
    status: 200,
  },
  'POST /api/articles/{id}/publish': {
    group: 'admin',
    path: ArticlePath,
    response: ArticleDetail,
    status: 200,
  },
  'POST /api/articles/{id}/archive': {
    group: 'admin',
    path: ArticlePath,
    response: ArticleDetail,
    status: 200,
  },
  'POST /api/tickets/{number}/article': {
    group: 'agent',
    path: TicketPath,
    response: ArticleFromTicket,
    status: 201,
  },
  'GET /api/tickets/{number}/suggestions': {
    group: 'agent',
    path: TicketPath,
    response: TicketSuggestions,
    status: 200,
  },
  'GET /api/public/articles': {
    group: 'public',
    query: PublicArticleQuery,
    response: PublicArticles,
    status: 200,
  },
} as const satisfies RouteDeclarations;
