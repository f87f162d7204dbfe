/**
 * The routes of `bulk-contract.ts`, one step each.
 */
import type { Implementations } from '#shared/api/router.ts';
import type { Routes } from './contract.ts';

/** What these routes' steps are given (filled by `shared/wiring/bulk.ts`). */
export type BulkDeps = Record<string, never>;

/** The implementations. */
export function bulkApi(_deps: BulkDeps) {
  return {} satisfies Partial<Implementations<Routes>>;
}
