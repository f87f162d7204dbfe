/**
 * The intake log's routes of `contract.ts`: the log, one received mail, its raw file, and
 * accepting a held mail into a ticket. The router has checked the group and parsed the request.
 */
import type { Implementations } from '#shared/api/router.ts';
import { type AcceptDeps, acceptIntoTicket } from '#shared/steps/accept.ts';
import type { StaffDeps } from '#shared/steps/staff/deps.ts';
import { type DownloadDeps, intakeRawContent, intakeRawLink } from '#shared/steps/staff/downloads.ts';
import { intakeDetail, listIntake } from '#shared/steps/staff/reads.ts';
import type { Routes } from './contract.ts';
import { actorOf } from './tickets-api.ts';

/** What the intake routes need: the staff steps' ports, and accepting's. */
export type IntakeApiDeps = StaffDeps & AcceptDeps & DownloadDeps;

/** The intake routes' implementations. */
export function intakeApi(deps: IntakeApiDeps) {
  return {
    'GET /api/intake': async ({ query }) => listIntake(query, deps),
    'GET /api/intake/{sesMessageId}': async ({ path }) => intakeDetail(path.sesMessageId, deps),
    'GET /api/intake/{sesMessageId}/raw': async ({ caller, path, event }) =>
      intakeRawLink(path.sesMessageId, actorOf(caller, event), deps),
    'GET /api/intake/{sesMessageId}/raw/content': async ({ path }) =>
      intakeRawContent(path.sesMessageId, deps),
    'POST /api/intake/{sesMessageId}/accept': async ({ caller, path }) =>
      acceptIntoTicket({ sesMessageId: path.sesMessageId, actor: caller.email }, deps),
  } satisfies Partial<Implementations<Routes>>;
}
