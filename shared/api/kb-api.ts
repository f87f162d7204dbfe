/**
 * The knowledge base's routes of `kb-contract.ts`, one step each: the router has checked the
 * group (agents write and submit, admins publish and archive, anyone searches the public
 * articles) and parsed the request; a refusal is a `DeskError` thrown by the step or the domain
 * (an agent publishing, an edit on a stale version, a ticket without an answer).
 */
import type { Implementations } from '#shared/api/router.ts';
import type { KbDeps } from '#shared/steps/kb/deps.ts';
import { draftFromTicket } from '#shared/steps/kb/from-ticket.ts';
import {
  createArticle,
  editArticleContent,
  moveArticleTo,
  previewMarkdown,
  readArticle,
} from '#shared/steps/kb/manage.ts';
import { searchArticles, searchPublicArticles, suggestForTicket } from '#shared/steps/kb/search.ts';
import type { Routes } from './contract.ts';

/** The knowledge base routes' implementations. */
export function kbApi(deps: KbDeps) {
  return {
    'POST /api/articles': async ({ caller, body }) => createArticle(body, caller, deps),
    'GET /api/articles': async ({ query }) => searchArticles(query, deps),
    'POST /api/articles/preview': async ({ body }) => previewMarkdown(body.markdown),
    'GET /api/articles/{id}': async ({ path }) => readArticle(path.id, deps),
    'PUT /api/articles/{id}': async ({ caller, path, body }) =>
      editArticleContent(path.id, body, caller, deps),
    'POST /api/articles/{id}/review': async ({ caller, path }) =>
      moveArticleTo(path.id, 'submitted', caller, deps),
    'POST /api/articles/{id}/publish': async ({ caller, path }) =>
      moveArticleTo(path.id, 'published', caller, deps),
    'POST /api/articles/{id}/archive': async ({ caller, path }) =>
      moveArticleTo(path.id, 'archived', caller, deps),
    'POST /api/tickets/{number}/article': async ({ caller, path }) =>
      draftFromTicket(path.number, caller, deps),
    'GET /api/tickets/{number}/suggestions': async ({ path }) => suggestForTicket(path.number, deps),
    'GET /api/public/articles': async ({ query }) => searchPublicArticles(query, deps),
  } satisfies Partial<Implementations<Routes>>;
}
