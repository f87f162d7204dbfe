/**
 * The routes of `bulk-contract.ts`, one step each.
 */
import type { Implementations } from '#shared/api/router.ts';
import { bulkTicketAction } from '#shared/steps/staff/bulk.ts';
import type { TicketActionDeps } from '#shared/steps/staff/deps.ts';
import type { Routes } from './contract.ts';
import { actorOf } from './tickets-api.ts';

/** What these routes' steps are given (filled by `shared/wiring/bulk.ts`): the single actions' own. */
export type BulkDeps = TicketActionDeps;

/** The implementations. */
export function bulkApi(deps: BulkDeps) {
  return {
    'POST /api/tickets/bulk': async ({ caller, body, event }) =>
      bulkTicketAction({ actor: actorOf(caller, event), ...body }, deps),
  } satisfies Partial<Implementations<Routes>>;
}
