/**
 * What staff do to a ticket: reply to the director, change its status, assign it, write an
 * internal note. Each is one transaction with its history line (who, when, from which value to
 * which), decided on a fresh read and decided again if the ticket changed meanwhile; a reply is
 * mailed through the outbox like every mail the desk sends. Replies and notes are safe to repeat
 * with the console's `requestId`.
 */

import { TicketClosedError, TicketNotFoundError } from '#shared/domain/errors.ts';
import type { TicketNote, TicketStatus } from '#shared/domain/records.ts';
import { DuplicateRequestError } from '#shared/domain/staff-ports.ts';
import { lastIncoming, replySender, staffReply } from '#shared/domain/staff-reply.ts';
import {
  closingRepair,
  type FoundClaim,
  historyLine,
  type RequestClaim,
  replayable,
  statusAfterReply,
  statusChange,
} from '#shared/domain/ticket-actions.ts';
import type { NoteResult, ReplyResult, TicketActionResult } from '#shared/domain/ticket-views.ts';
import { logger } from '#shared/logger.ts';
import { notifyAssignment } from '../notifications.ts';
import {
  type Actor,
  currentTicket,
  onFreshTicket,
  onStoredTicket,
  type StaffDeps,
  type TicketActionDeps,
} from './deps.ts';

/**
 * Runs a repeatable action once per `requestId`: a request already carried out (found before
 * acting, or when the store refuses its claim) is answered by `replay` with what it recorded.
 * @throws RequestIdReusedError when the id served another kind of action
 */
async function once<K extends RequestClaim['kind'], T>(
  input: { number: string; requestId: string | undefined; kind: K },
  deps: Pick<StaffDeps, 'ticketStore'>,
  replay: (claim: Extract<RequestClaim, { kind: K }>) => Promise<T>,
  act: () => Promise<T>,
): Promise<T> {
  const { number, requestId, kind } = input;
  const answer = (found: FoundClaim) => replay(replayable(found, kind, requestId ?? ''));
  if (requestId) {
    const earlier = await deps.ticketStore.readRequest(number, requestId);
    if (earlier) return answer(earlier);
  }
  try {
    return await act();
  } catch (error) {
    if (error instanceof DuplicateRequestError) return answer(error.claim);
    throw error;
  }
}

/**
 * Replies to the director: the mail is recorded on the ticket as an outgoing message with its
 * history line in one transaction, then queued for the mailer (which sends it once). The ticket
 * goes to `en_attente` unless told otherwise. With a `requestId`, a repeat (double click, retry
 * after a lost answer) sends nothing more: it queues the same mail again, which the mailer's
 * claim sends at most once, and answers the first result.
 * @throws TicketNotFoundError, TicketClosedError, TicketChangedError, RequestIdReusedError
 */
export async function replyToTicket(
  input: { number: string; actor: Actor; text: string; status?: TicketStatus; requestId?: string },
  deps: StaffDeps,
): Promise<ReplyResult> {
  const { number, actor, requestId } = input;
  return once(
    { number, requestId, kind: 'reply' },
    deps,
    async (claim) => {
      await deps.outbox.send(claim.outbox);
      return { ticket: await currentTicket(number, deps), history: claim.history, message: claim.message };
    },
    () =>
      onFreshTicket(
        number,
        () => deps.ticketStore.readTicket(number, deps.now()),
        async (record) => {
          const { ticket } = record;
          if (ticket.status === 'clos') throw new TicketClosedError(number);
          const now = deps.now().toISOString();
          const nextStatus = statusAfterReply(input.status);
          const lastIn = lastIncoming(record.messages);
          const written = lastIn?.sesMessageId
            ? await deps.intakeLog.readIntake(lastIn.sesMessageId, deps.now())
            : undefined;
          const { outbox, message } = staffReply({
            ticket,
            messages: record.messages,
            id: `${number}.reply.${requestId ?? deps.newId()}`,
            at: now,
            text: input.text,
            from: replySender({
              deskAddresses: deps.deskAddresses,
              writtenTo: written?.entry.recipient,
              messages: record.messages,
            }),
            author: actor,
            deskDisplayName: deps.deskDisplayName,
          });
          const history = historyLine({ id: deps.newId(), number, at: now, actor: actor.email }, 'reply', {
            from: ticket.status,
            to: nextStatus,
            itemId: message.id,
          });
          await deps.ticketStore.commit(
            {
              number,
              expectedStatus: ticket.status,
              set: { status: nextStatus, updatedAt: now, lastReplyAt: now },
              setIfAbsent: { answeredAt: now },
              countMessage: true,
              message,
              outbox,
              history,
              claim: requestId
                ? { requestId, record: { kind: 'reply', at: now, outbox, message, history } }
                : undefined,
              expiresAt: record.expiresAt,
            },
            now,
          );
          await deps.outbox.send(outbox);
          return { ticket: await currentTicket(number, deps), history, message };
        },
      ),
  );
}

/**
 * Changes a ticket's status (the same status again changes nothing). Closing starts the
 * retention period: every item of the ticket gets its purge date; reopening removes it.
 * With a `requestId` (a bulk action's, one per ticket), a repeat answers the first change
 * instead of acting again, even if someone moved the ticket since.
 * @throws TicketNotFoundError, TicketChangedError, RequestIdReusedError
 */
export async function changeTicketStatus(
  input: { number: string; actor: Actor; status: TicketStatus; requestId?: string },
  deps: TicketActionDeps,
): Promise<TicketActionResult> {
  const { number, status, requestId } = input;
  return once(
    { number, requestId, kind: 'status' },
    deps,
    async (claim) => {
      // The first attempt may have stopped between its closing and the purge dates of the items.
      const stored = await deps.ticketStore.getTicket(number, deps.now());
      if (!stored) throw new TicketNotFoundError(number);
      const repair = claim.history.to === 'clos' ? closingRepair(stored, 'clos') : undefined;
      if (repair !== undefined) await deps.ticketRetention.setExpiry(number, repair);
      return { ticket: stored.ticket, history: claim.history };
    },
    () =>
      onStoredTicket(number, deps, async (stored) => {
        const { ticket } = stored;
        if (ticket.status === status) {
          const repair = closingRepair(stored, status);
          if (repair !== undefined) await deps.ticketRetention.setExpiry(number, repair);
          return { ticket, history: null };
        }
        const at = deps.now().toISOString();
        const change = statusChange({
          ticket,
          to: status,
          act: { id: deps.newId(), number, at, actor: input.actor.email },
          retentionDays: deps.retentionDays,
        });
        await deps.ticketStore.commit(
          {
            number,
            expectedStatus: ticket.status,
            set: change.set,
            remove: change.remove,
            history: change.history,
            claim: requestId
              ? { requestId, record: { kind: 'status', at, history: change.history } }
              : undefined,
            expiresAt: change.expiresAt,
          },
          at,
        );
        if (change.expiresAt !== undefined) await deps.ticketRetention.setExpiry(number, change.expiresAt);
        if (ticket.status === 'clos') await deps.ticketRetention.clearExpiry(number);
        return { ticket: await currentTicket(number, deps), history: change.history };
      }),
  );
}

/**
 * Assigns a ticket to an agent, or to nobody (the same assignee again changes nothing). With a
 * `requestId` (a bulk action's, one per ticket), a repeat answers the first assignment. The new
 * agent is told by mail (unless they assigned themselves, or turned it off). The assignment stands
 * even when that mail cannot be queued: the failure is logged, not answered as a failed action.
 * @throws TicketNotFoundError, TicketChangedError, RequestIdReusedError
 */
export async function assignTicket(
  input: { number: string; actor: Actor; assignee: string | null; requestId?: string },
  deps: TicketActionDeps,
): Promise<TicketActionResult> {
  const { number, assignee, requestId } = input;
  return once(
    { number, requestId, kind: 'assign' },
    deps,
    async (claim) => ({
      ticket: await currentTicket(number, deps),
      history: claim.history,
    }),
    () =>
      onStoredTicket(number, deps, async ({ ticket, expiresAt }) => {
        const current = ticket.assignee ?? null;
        if (current === assignee) return { ticket, history: null };
        const at = deps.now().toISOString();
        const history = historyLine({ id: deps.newId(), number, at, actor: input.actor.email }, 'assign', {
          from: current,
          to: assignee,
        });
        await deps.ticketStore.commit(
          {
            number,
            expectedStatus: ticket.status,
            expectedAssignee: current,
            set: { updatedAt: at, ...(assignee === null ? {} : { assignee }) },
            remove: assignee === null ? ['assignee'] : [],
            history,
            claim: requestId ? { requestId, record: { kind: 'assign', at, history } } : undefined,
            expiresAt,
          },
          at,
        );
        const assigned = await currentTicket(number, deps);
        if (assignee !== null && deps.notifier) {
          await notifyAssignment(
            { ticket: assigned, actor: input.actor, historyId: history.id },
            deps.notifier,
          ).catch((error: unknown) =>
            logger.error('Assignment notification not queued', { ticketNumber: number, error }),
          );
        }
        return { ticket: assigned, history };
      }),
  );
}

/**
 * Adds an internal note (staff only, never mailed), safe to repeat with the same `requestId`.
 * @throws TicketNotFoundError, TicketChangedError, RequestIdReusedError
 */
export async function addTicketNote(
  input: { number: string; actor: Actor; text: string; requestId?: string },
  deps: StaffDeps,
): Promise<NoteResult> {
  const { number, requestId } = input;
  return once(
    { number, requestId, kind: 'note' },
    deps,
    async (claim) => ({
      ticket: await currentTicket(number, deps),
      history: claim.history,
      note: claim.note,
    }),
    () =>
      onStoredTicket(number, deps, async ({ ticket, expiresAt }) => {
        const at = deps.now().toISOString();
        const note: TicketNote = {
          id: deps.newId(),
          ticketNumber: number,
          at,
          author: input.actor.email,
          text: input.text.replace(/\r\n?/g, '\n'),
        };
        const history = historyLine({ id: deps.newId(), number, at, actor: input.actor.email }, 'note', {
          itemId: note.id,
        });
        await deps.ticketStore.commit(
          {
            number,
            expectedStatus: ticket.status,
            note,
            history,
            claim: requestId ? { requestId, record: { kind: 'note', at, note, history } } : undefined,
            expiresAt,
          },
          at,
        );
        return { ticket, history, note };
      }),
  );
}
