/**
 * Actions on many tickets at once from the list: assign, change status, close.
 *
 * Pure module: zod and the domain's schemas only, so the browser bundle can import it.
 */
import type { RouteDeclarations } from './declaration.ts';

/** The routes (issue 14: declared by the engineer who builds them). */
export const bulkRoutes = {} as const satisfies RouteDeclarations;
