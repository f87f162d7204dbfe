/**
 * The routes of `merge-contract.ts`, one step each.
 */
import type { Implementations } from '#shared/api/router.ts';
import type { Routes } from './contract.ts';

/** What these routes' steps are given (filled by `shared/wiring/merge.ts`). */
export type MergeDeps = Record<string, never>;

/** The implementations. */
export function mergeApi(_deps: MergeDeps) {
  return {} satisfies Partial<Implementations<Routes>>;
}
