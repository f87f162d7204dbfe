/**
 * Staff notifications: which mails each staff member wants (« Mon compte »).
 *
 * Pure module: zod and the domain's schemas only, so the browser bundle can import it.
 */
import type { RouteDeclarations } from './declaration.ts';

/** The routes (issue 14: declared by the engineer who builds them). */
export const notificationRoutes = {} as const satisfies RouteDeclarations;
