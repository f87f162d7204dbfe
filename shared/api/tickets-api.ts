/**
 * The ticket routes of `contract.ts`, one step each: list, read, answer, move, assign, annotate,
 * and the downloads of a ticket's mails. The router has checked the group and parsed the
 * request; a refusal is a `DeskError` thrown by the step.
 *
 * No ticket action is admin-only: answering directors is the agents' job.
 */

import type { Implementations } from '#shared/api/router.ts';
import type { Caller } from '#shared/http/auth.ts';
import type { ApiEvent } from '#shared/http/middleware.ts';
import {
  addTicketNote,
  assignTicket,
  changeTicketStatus,
  replyToTicket,
} from '#shared/steps/staff/actions.ts';
import { type Actor, nameFromEmail, type StaffDeps } from '#shared/steps/staff/deps.ts';
import {
  type DownloadDeps,
  messageAttachmentLink,
  messageRawContent,
  messageRawLink,
} from '#shared/steps/staff/downloads.ts';
import { listTickets, ticketDetail } from '#shared/steps/staff/reads.ts';
import type { Routes } from './contract.ts';

function claimText(claims: Record<string, unknown> | undefined, name: string): string {
  const value = claims?.[name];
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * The caller as they act on a ticket: their email, and the name they sign replies with (the
 * token's name, else its given and family names, else one made from the address).
 */
export function actorOf(caller: Caller, event: ApiEvent): Actor {
  const claims = event.requestContext?.authorizer?.jwt?.claims as Record<string, unknown> | undefined;
  const name =
    claimText(claims, 'name') ||
    [claimText(claims, 'given_name'), claimText(claims, 'family_name')].filter(Boolean).join(' ') ||
    nameFromEmail(caller.email);
  return { email: caller.email, name };
}

/** The ticket routes' implementations. */
export function ticketsApi(deps: StaffDeps & DownloadDeps) {
  return {
    'GET /api/tickets': async ({ query }) => listTickets(query, deps),
    'GET /api/tickets/{number}': async ({ path }) => ticketDetail(path.number, deps),
    'POST /api/tickets/{number}/reply': async ({ caller, path, body, event }) =>
      replyToTicket({ number: path.number, actor: actorOf(caller, event), ...body }, deps),
    'POST /api/tickets/{number}/status': async ({ caller, path, body, event }) =>
      changeTicketStatus({ number: path.number, actor: actorOf(caller, event), ...body }, deps),
    'POST /api/tickets/{number}/assign': async ({ caller, path, body, event }) =>
      assignTicket({ number: path.number, actor: actorOf(caller, event), ...body }, deps),
    'POST /api/tickets/{number}/notes': async ({ caller, path, body, event }) =>
      addTicketNote({ number: path.number, actor: actorOf(caller, event), ...body }, deps),
    'GET /api/tickets/{number}/messages/{id}/raw': async ({ caller, path, event }) =>
      messageRawLink(path.number, path.id, actorOf(caller, event), deps),
    'GET /api/tickets/{number}/messages/{id}/raw/content': async ({ path }) =>
      messageRawContent(path.number, path.id, deps),
    'GET /api/tickets/{number}/messages/{id}/attachments/{index}': async ({ caller, path, event }) =>
      messageAttachmentLink(path.number, path.id, path.index, actorOf(caller, event), deps),
  } satisfies Partial<Implementations<Routes>>;
}
