/**
 * The routes of `contract.ts` that are not about one ticket or mail: the health check, who is
 * signed in, and the dashboard.
 */
import type { Implementations } from '#shared/api/router.ts';
import type { StaffDeps } from '#shared/steps/staff/deps.ts';
import { dashboard } from '#shared/steps/staff/reads.ts';
import type { Routes } from './contract.ts';
import { actorOf } from './tickets-api.ts';

/** The health, `me` and dashboard routes' implementations. */
export function deskApi(deps: StaffDeps) {
  return {
    'GET /api/health': async () => ({ status: 'ok' as const }),
    'GET /api/me': async ({ caller, event }) => ({ ...actorOf(caller, event), groups: caller.groups }),
    'GET /api/dashboard': async () => dashboard(deps),
  } satisfies Partial<Implementations<Routes>>;
}
