/**
 * The routes of `merge-contract.ts`, one step each.
 */
import type { Implementations } from '#shared/api/router.ts';
import { type MergeStepDeps, mergeTicket } from '#shared/steps/staff/merge.ts';
import type { Routes } from './contract.ts';
import { actorOf } from './tickets-api.ts';

/** What these routes' steps are given (filled by `shared/wiring/merge.ts`). */
export type MergeDeps = MergeStepDeps;

/** The implementations. */
export function mergeApi(deps: MergeDeps) {
  return {
    'POST /api/tickets/{number}/merge': async ({ caller, path, body, event }) =>
      mergeTicket({ number: path.number, into: body.into, actor: actorOf(caller, event) }, deps),
  } satisfies Partial<Implementations<Routes>>;
}
