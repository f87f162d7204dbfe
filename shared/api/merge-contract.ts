/**
 * Merging a duplicate ticket into another, which keeps its number.
 *
 * Pure module: zod and the domain's schemas only, so the browser bundle can import it.
 */
import type { RouteDeclarations } from './declaration.ts';

/** The routes (issue 14: declared by the engineer who builds them). */
export const mergeRoutes = {} as const satisfies RouteDeclarations;
