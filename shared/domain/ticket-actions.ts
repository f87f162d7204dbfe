/**
 * What staff actions do to a ticket, as plain data: the history line of each action, the
 * change a status brings (closing starts the retention period, reopening ends it), which items
 * carry a closed ticket's purge date, a request's claim and its replay, and how a ticket's page
 * orders its conversation and its history. The steps decide with these and the store writes the
 * `TicketChange` they describe in one transaction.
 */

import { RequestIdReusedError } from './errors.ts';
import { OutboxMessage } from './messages.ts';
import {
  type IntakeEntry,
  type Ticket,
  TicketHistoryEntry,
  TicketMessage,
  TicketNote,
  type TicketStatus,
} from './records.ts';
import { purgeDate } from './retention.ts';
import * as z from './zod.ts';

/** A ticket as stored: the record, and when it will be purged (closed tickets only). */
export type StoredTicket = { ticket: Ticket; expiresAt: number | undefined };

/**
 * A mail of the conversation as stored: the mailer also records when it sent an outgoing one,
 * and the ticket's page shows it.
 */
export const StoredMessage = z.extend(TicketMessage, { sentAt: z.optional(z.string()) });
export type StoredMessage = z.infer<typeof StoredMessage>;

/** A ticket with everything in its partition. */
export type TicketRecord = StoredTicket & {
  messages: StoredMessage[];
  notes: TicketNote[];
  history: TicketHistoryEntry[];
};

/**
 * What a request carried out recorded under the console's `requestId`, so that a repeat (double
 * click, retry after a lost answer) answers the first result instead of acting again.
 */
export const RequestClaim = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('reply'),
    at: z.string(),
    outbox: OutboxMessage,
    message: TicketMessage,
    history: TicketHistoryEntry,
  }),
  z.object({ kind: z.literal('note'), at: z.string(), note: TicketNote, history: TicketHistoryEntry }),
  // A bulk action's assignment or status change, repeated when the bulk request is retried.
  z.object({ kind: z.literal('assign'), at: z.string(), history: TicketHistoryEntry }),
  z.object({ kind: z.literal('status'), at: z.string(), history: TicketHistoryEntry }),
]);
export type RequestClaim = z.infer<typeof RequestClaim>;

/** A claim found under a request id: one this desk can replay, or one it cannot read. */
export type FoundClaim = RequestClaim | { kind: 'unknown' };

/**
 * The claim of an earlier request, when it was the same kind of action: a request id serves
 * one action only. @throws RequestIdReusedError
 */
export function replayable<K extends RequestClaim['kind']>(
  found: FoundClaim,
  kind: K,
  requestId: string,
): Extract<RequestClaim, { kind: K }> {
  if (found.kind !== kind) throw new RequestIdReusedError(requestId);
  return found as Extract<RequestClaim, { kind: K }>;
}

/** The ticket attributes a staff action may set. */
export type TicketFields = Partial<
  Pick<Ticket, 'status' | 'updatedAt' | 'lastReplyAt' | 'assignee' | 'closedAt'>
> & { expiresAt?: number };

/**
 * One staff action, as the store writes it in one transaction: the ticket's change, on condition
 * that its status (and assignee) is still what was read, the history line, and what the action
 * adds (an outgoing message, a note, the request's claim), each only if absent.
 */
export type TicketChange = {
  number: string;
  /** The status read before deciding: the change applies only if it is still the status. */
  expectedStatus: TicketStatus;
  /** The assignee read before deciding, when the change depends on it (null: nobody). */
  expectedAssignee?: string | null;
  /** Attributes to set on the ticket; a status change also moves the ticket in gsi2. */
  set?: TicketFields;
  /** Attributes to set only if absent (the first reply). */
  setIfAbsent?: Partial<Pick<Ticket, 'answeredAt'>>;
  remove?: Array<'assignee' | 'closedAt' | 'expiresAt'>;
  /** The ticket gains one message. */
  countMessage?: boolean;
  /** An outgoing mail recorded in the conversation. */
  message?: TicketMessage;
  /** The queue message of that mail, kept on its record while in flight (the outbox sweeper re-queues it). */
  outbox?: OutboxMessage;
  note?: TicketNote;
  history: TicketHistoryEntry;
  /** The request's claim, written with the action so that a repeat is refused by the store. */
  claim?: { requestId: string; record: RequestClaim };
  /** The purge date of the items the action adds: the one the ticket has once it is done. */
  expiresAt?: number;
};

/** Who acts and when, for a history line. */
type Act = { id: string; number: string; at: string; actor: string };

/** The history line of an action: who did what, when, from which value to which. */
export function historyLine(
  act: Act,
  action: Exclude<TicketHistoryEntry['action'], 'opened' | 'accepted'>,
  detail: Pick<TicketHistoryEntry, 'from' | 'to' | 'itemId'> = {},
): TicketHistoryEntry {
  return { id: act.id, ticketNumber: act.number, at: act.at, actor: act.actor, action, ...detail };
}

/** The status a reply leaves the ticket in: the one asked, else waiting for the director. */
export function statusAfterReply(asked: TicketStatus | undefined): TicketStatus {
  return asked ?? 'en_attente';
}

/**
 * What changing a ticket's status writes. Closing sets `closedAt` and the purge date (now plus
 * the retention period) on the ticket and its history line; reopening removes both.
 */
export function statusChange(input: { ticket: Ticket; to: TicketStatus; act: Act; retentionDays: number }): {
  set: TicketFields;
  remove: TicketChange['remove'];
  history: TicketHistoryEntry;
  expiresAt?: number;
} {
  const { ticket, to, act } = input;
  const closing = to === 'clos';
  const reopening = ticket.status === 'clos';
  const expiresAt = closing ? purgeDate(act.at, input.retentionDays) : undefined;
  return {
    set: { status: to, updatedAt: act.at, ...(closing ? { closedAt: act.at, expiresAt } : {}) },
    remove: reopening ? ['closedAt', 'expiresAt'] : [],
    history: historyLine(act, 'status', { from: ticket.status, to }),
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
}

/**
 * The purge date to set again when a ticket is closed a second time: closing again repairs the
 * items written since (or left by an interrupted close). Undefined: nothing to repair.
 */
export function closingRepair(stored: StoredTicket, to: TicketStatus): number | undefined {
  return to === 'clos' && stored.ticket.status === 'clos' ? stored.expiresAt : undefined;
}

/**
 * Whether an item of a ticket needs its purge date changed to `target` (undefined: kept for
 * good): after a closing, every item lacking that date; after a reopening, every item with one.
 */
export function needsPurgeDate(item: { expiresAt?: number }, target: number | undefined): boolean {
  return item.expiresAt !== target;
}

/** A conversation entry: a mail (in or out) or an internal note. */
export type ConversationEntry = ({ kind: 'message' } & StoredMessage) | ({ kind: 'note' } & TicketNote);

/** The conversation of a ticket's page: mails and notes together, in time order (then by id). */
export function conversationOf(record: Pick<TicketRecord, 'messages' | 'notes'>): ConversationEntry[] {
  return [
    ...record.messages.map((message) => ({ kind: 'message' as const, ...message })),
    ...record.notes.map((note) => ({ kind: 'note' as const, ...note })),
  ].sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
}

/**
 * The history of a ticket's page, oldest first: how it was opened (and, for a held mail staff
 * accepted, who accepted it), then every action recorded.
 */
export function historyOf(
  record: Pick<TicketRecord, 'ticket' | 'history'>,
  opening: IntakeEntry | undefined,
): TicketHistoryEntry[] {
  const { ticket } = record;
  const opened: TicketHistoryEntry = {
    id: 'opened',
    ticketNumber: ticket.number,
    at: ticket.createdAt,
    actor: ticket.requester.email,
    action: 'opened',
  };
  const accepted: TicketHistoryEntry[] =
    opening?.acceptedBy && opening.acceptedAt
      ? [
          {
            id: 'accepted',
            ticketNumber: ticket.number,
            at: opening.acceptedAt,
            actor: opening.acceptedBy,
            action: 'accepted',
            itemId: opening.sesMessageId,
          },
        ]
      : [];
  return [...accepted, opened, ...record.history].sort((a, b) => a.at.localeCompare(b.at));
}
