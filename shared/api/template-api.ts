/**
 * The routes of `template-contract.ts`, one step each.
 */
import type { Implementations } from '#shared/api/router.ts';
import type { Routes } from './contract.ts';

/** What these routes' steps are given (filled by `shared/wiring/template.ts`). */
export type TemplateDeps = Record<string, never>;

/** The implementations. */
export function templateApi(_deps: TemplateDeps) {
  return {} satisfies Partial<Implementations<Routes>>;
}
