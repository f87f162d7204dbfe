/**
 * Reply templates (« Réponses types »): shared ones kept by admins, personal ones by each agent, and the text of one rendered for a ticket.
 *
 * Every route is open to agents: who may change which template is the domain's rule
 * (`shared/domain/reply-template.ts`): an agent asking for a shared one gets a 403, someone
 * else's personal one is a 404.
 *
 * Pure module: zod and the domain's schemas only, so the browser bundle can import it.
 */
import * as z from 'zod';
import { ReplyTemplate, ReplyTemplateId, ReplyTemplateInput } from '../domain/reply-template.ts';
import type { RouteDeclarations } from './declaration.ts';

export { ReplyTemplateInput };

/** A template as its reader gets it (no owner), with whether they may change it. */
export const ReplyTemplateView = ReplyTemplate.omit({ owner: true }).extend({ editable: z.boolean() });
export type ReplyTemplateView = z.infer<typeof ReplyTemplateView>;

export const ReplyTemplateList = z.object({ items: z.array(ReplyTemplateView) });
export type ReplyTemplateList = z.infer<typeof ReplyTemplateList>;

/** A template's id in a path. */
export const ReplyTemplatePath = z.object({ id: ReplyTemplateId });

/** A ticket and a template (as the tickets' routes take the number). */
export const TicketTemplatePath = z.object({
  number: z.string().regex(/^LSUN-\d{4}-\d{5,}$/, { error: 'Numéro de ticket attendu (LSUN-AAAA-NNNNN).' }),
  id: ReplyTemplateId,
});

/** A rendered template: the text the reply box gets. */
export const RenderedTemplate = z.object({ text: z.string() });
export type RenderedTemplate = z.infer<typeof RenderedTemplate>;

export const DeletedTemplate = z.object({ id: ReplyTemplateId });

/** The routes. */
export const templateRoutes = {
  'GET /api/reply-templates': { group: 'agent', response: ReplyTemplateList, status: 200 },
  'POST /api/reply-templates': {
    group: 'agent',
    body: ReplyTemplateInput,
    response: ReplyTemplateView,
    status: 201,
  },
  'GET /api/reply-templates/{id}': {
    group: 'agent',
    path: ReplyTemplatePath,
    response: ReplyTemplateView,
    status: 200,
  },
  'PUT /api/reply-templates/{id}': {
    group: 'agent',
    path: ReplyTemplatePath,
    body: ReplyTemplateInput,
    response: ReplyTemplateView,
    status: 200,
  },
  'DELETE /api/reply-templates/{id}': {
    group: 'agent',
    path: ReplyTemplatePath,
    response: DeletedTemplate,
    status: 200,
  },
  'POST /api/tickets/{number}/reply-templates/{id}/render': {
    group: 'agent',
    path: TicketTemplatePath,
    response: RenderedTemplate,
    status: 200,
  },
} as const satisfies RouteDeclarations;
