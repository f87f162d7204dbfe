/**
 * The broadcast routes of `broadcast-contract.ts` (« Information globale »), one step each: the
 * router has checked the group (agents read, admins act) and parsed the request; a refusal is a
 * `DeskError` thrown by the step (unknown or empty zone, a past time, a cancelled broadcast).
 */
import type { Implementations } from '#shared/api/router.ts';
import type { BroadcastDeps } from '#shared/steps/broadcast/deps.ts';
import {
  cancelBroadcast,
  createBroadcast,
  editBroadcast,
  getBroadcast,
  listBroadcasts,
  listRecipients,
  retryFailures,
  sendBroadcast,
  sendTest,
} from '#shared/steps/broadcast/manage.ts';
import type { Routes } from './contract.ts';
import { actorOf } from './tickets-api.ts';

/** The broadcast routes' implementations. */
export function broadcastApi(deps: BroadcastDeps) {
  return {
    'POST /api/broadcasts': async ({ caller, body }) => createBroadcast(body, caller.email, deps),
    'GET /api/broadcasts': async ({ query }) => listBroadcasts(query, deps),
    'GET /api/broadcasts/{id}': async ({ path }) => getBroadcast(path.id, deps),
    'PUT /api/broadcasts/{id}': async ({ caller, path, body }) =>
      editBroadcast(path.id, body, caller.email, deps),
    'GET /api/broadcasts/{id}/recipients': async ({ path, query }) => listRecipients(path.id, query, deps),
    // The copy goes to the caller only, greeted with the name their token gives.
    'POST /api/broadcasts/{id}/test': async ({ caller, path, event }) =>
      sendTest(path.id, actorOf(caller, event), deps),
    'POST /api/broadcasts/{id}/send': async ({ caller, path, body }) =>
      sendBroadcast(path.id, body.at, caller.email, deps),
    'POST /api/broadcasts/{id}/cancel': async ({ caller, path }) =>
      cancelBroadcast(path.id, caller.email, deps),
    'POST /api/broadcasts/{id}/retry': async ({ caller, path }) => retryFailures(path.id, caller.email, deps),
  } satisfies Partial<Implementations<Routes>>;
}
