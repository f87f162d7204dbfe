/**
 * Reply templates (« Réponses types »): shared ones kept by admins, personal ones by each agent, and the text of one rendered for a ticket.
 *
 * Pure module: zod and the domain's schemas only, so the browser bundle can import it.
 */
import type { RouteDeclarations } from './declaration.ts';

/** The routes (issue 14: declared by the engineer who builds them). */
export const templateRoutes = {} as const satisfies RouteDeclarations;
