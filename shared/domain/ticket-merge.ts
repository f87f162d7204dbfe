/**
 * Merging a duplicate ticket into another (issue 14): the target keeps its number and gains the
 * duplicate's mails, notes and participants; the duplicate stays as a closed stub that says where
 * its conversation went, so a later reply carrying its tag lands in the target.
 *
 * A merge is written in two phases, because one DynamoDB transaction holds at most 100 actions
 * and a ticket may have more mails than that:
 * 1. the decision, one transaction (`MergeMark`): the duplicate gets `mergedInto` and is closed,
 *    the target gains the participants, schools and message count, each side a history line;
 * 2. the move, in batches (`MOVE_BATCH` items a transaction): each mail and note is written into
 *    the target's partition and deleted from the duplicate's.
 * Repeating the same merge after the first phase resumes the second (`mergeDecision` answers
 * `resume`), and each batch is idempotent, so an interrupted merge is finished by asking again.
 */
import type { School } from './directory.ts';
import { DeskError } from './errors.ts';
import type { Ticket, TicketHistoryEntry, TicketMessage } from './records.ts';
import { purgeDate } from './retention.ts';
import type { StoredTicket } from './ticket-actions.ts';
import { historyLine } from './ticket-actions.ts';
import { type TicketCard, ticketCard } from './ticket-list.ts';

/** Items moved per transaction: a put and a delete each, within DynamoDB's 100 actions. */
export const MOVE_BATCH = 50;

/** Merges followed from a ticket to where its conversation lives now (A → B → C): a bound against a loop. */
export const MAX_MERGE_HOPS = 5;

/** A ticket cannot be merged into itself (422). */
export class MergeIntoSelfError extends DeskError {
  override name = 'MergeIntoSelfError';
  constructor(readonly ticketNumber: string) {
    super(
      'unprocessable',
      'merge_into_self',
      `Le ticket ${ticketNumber} ne peut pas être fusionné dans lui-même.`,
    );
  }
}

/** The target is closed: a closed ticket's items are about to be purged, they would take the merged ones with them (409). */
export class MergeTargetClosedError extends DeskError {
  override name = 'MergeTargetClosedError';
  constructor(readonly ticketNumber: string) {
    super(
      'conflict',
      'merge_target_closed',
      `Le ticket ${ticketNumber} est clos : rouvrez-le avant d'y fusionner un autre ticket.`,
    );
  }
}

/** The target was itself merged into another ticket: merge into that one instead (409). */
export class MergeTargetMergedError extends DeskError {
  override name = 'MergeTargetMergedError';
  constructor(
    readonly ticketNumber: string,
    readonly mergedInto: string,
  ) {
    super(
      'conflict',
      'merge_target_merged',
      `Le ticket ${ticketNumber} a déjà été fusionné dans ${mergedInto} : fusionnez plutôt dans ${mergedInto}.`,
    );
  }
}

/** The ticket was already merged into another one (409). */
export class TicketAlreadyMergedError extends DeskError {
  override name = 'TicketAlreadyMergedError';
  constructor(
    readonly ticketNumber: string,
    readonly mergedInto: string,
  ) {
    super(
      'conflict',
      'ticket_already_merged',
      `Le ticket ${ticketNumber} a déjà été fusionné dans ${mergedInto}.`,
    );
  }
}

/**
 * A mail of the duplicate is still waiting for the mailer (an acknowledgment, a reply): the
 * mailer records its sending on the duplicate, where the mail would no longer be, and would then
 * not send it. The merge waits until it is sent (409).
 */
export class MergeSendPendingError extends DeskError {
  override name = 'MergeSendPendingError';
  constructor(readonly ticketNumber: string) {
    super(
      'conflict',
      'merge_send_pending',
      `Un courriel du ticket ${ticketNumber} est en cours d'envoi : réessayez la fusion dans un instant.`,
    );
  }
}

/** Whether a mail of the conversation is queued or being sent, not yet settled (`MergeSendPendingError`). */
export function sendPending(messages: ReadonlyArray<Pick<TicketMessage, 'direction' | 'status'>>): boolean {
  return messages.some(
    (message) => message.direction === 'out' && (message.status === 'queued' || message.status === 'sending'),
  );
}

/**
 * What to do with a merge asked of `source` into `target`: write it, or resume the move of one
 * already decided (the same merge asked again, after an interruption or a double click).
 * @throws MergeIntoSelfError, TicketAlreadyMergedError, MergeTargetMergedError, MergeTargetClosedError
 */
export function mergeDecision(source: Ticket, target: Ticket): 'merge' | 'resume' {
  if (source.number === target.number) throw new MergeIntoSelfError(source.number);
  if (source.mergedInto === target.number) return 'resume';
  if (source.mergedInto) throw new TicketAlreadyMergedError(source.number, source.mergedInto);
  if (target.mergedInto) throw new MergeTargetMergedError(target.number, target.mergedInto);
  if (target.status === 'clos') throw new MergeTargetClosedError(target.number);
  return 'merge';
}

/**
 * The decision of a merge, as the store writes it in one transaction, on condition that both
 * tickets are still as read (status, message count, not merged).
 */
export type MergeMark = {
  source: {
    number: string;
    expectedStatus: Ticket['status'];
    expectedMessageCount: number;
    /** Closed now, kept for the retention period so that late replies find the target. */
    set: Pick<Ticket, 'status' | 'updatedAt' | 'closedAt' | 'mergedInto'> & { expiresAt: number };
    history: TicketHistoryEntry;
  };
  target: {
    number: string;
    expectedStatus: Ticket['status'];
    set: Pick<Ticket, 'updatedAt' | 'participants' | 'schools'>;
    /** Added to the target's message count: the mails it gains. */
    addMessages: number;
    history: TicketHistoryEntry;
    /** The target's creation and its card with the schools it gains (the list's filters read it). */
    createdAt: string;
    card: TicketCard;
  };
};

/** Addresses of both tickets, once each (lower case), the target's first. */
function participantsOf(target: Ticket, source: Ticket): string[] {
  return [
    ...new Set([...target.participants, ...source.participants].map((address) => address.toLowerCase())),
  ];
}

/** Schools of both tickets, once each by UAI, the target's first. */
function schoolsOf(target: Ticket, source: Ticket): School[] {
  const seen = new Set<string>();
  return [...target.schools, ...source.schools].filter((school) => {
    if (seen.has(school.uai)) return false;
    seen.add(school.uai);
    return true;
  });
}

/**
 * What merging `source` into `target` writes first. The target gains the source's participants
 * and schools, so a director who wrote on the duplicate may go on writing (the follow-up check
 * asks the ticket's participants); the source is closed with a purge date, its history and the
 * stub leave after the retention period like any closed ticket's.
 */
export function mergeMark(input: {
  source: StoredTicket;
  target: StoredTicket;
  actor: string;
  at: string;
  ids: { source: string; target: string };
  retentionDays: number;
}): MergeMark {
  const { at, actor } = input;
  const source = input.source.ticket;
  const target = input.target.ticket;
  const detail = { from: source.number, to: target.number };
  const schools = schoolsOf(target, source);
  return {
    source: {
      number: source.number,
      expectedStatus: source.status,
      expectedMessageCount: source.messageCount,
      set: {
        status: 'clos',
        updatedAt: at,
        closedAt: source.closedAt ?? at,
        mergedInto: target.number,
        expiresAt: purgeDate(at, input.retentionDays),
      },
      history: historyLine({ id: input.ids.source, number: source.number, at, actor }, 'merge', detail),
    },
    target: {
      number: target.number,
      expectedStatus: target.status,
      set: {
        updatedAt: at,
        participants: participantsOf(target, source),
        schools,
      },
      addMessages: source.messageCount,
      history: historyLine({ id: input.ids.target, number: target.number, at, actor }, 'merge', detail),
      createdAt: target.createdAt,
      card: ticketCard({ ...target, schools }),
    },
  };
}

/**
 * A mail or note of the source as it is written in the target: it names the target, and carries
 * the target's purge date (none while the target is open), whatever the source's was.
 */
export function movedItem<T extends { ticketNumber: string; expiresAt?: number }>(
  item: T,
  target: StoredTicket,
): Omit<T, 'expiresAt'> & { ticketNumber: string; expiresAt?: number } {
  const { expiresAt: _dropped, ...rest } = item;
  return {
    ...rest,
    ticketNumber: target.ticket.number,
    ...(target.expiresAt === undefined ? {} : { expiresAt: target.expiresAt }),
  };
}

/** What a merge answers: both tickets as now stored, the history line of each, and the items moved. */
export type MergeOutcome = {
  ticket: Ticket;
  target: Ticket;
  history: TicketHistoryEntry | null;
  moved: number;
};

/** Writing a merge. */
export type TicketMerges = {
  /**
   * Writes the decision at once, on condition that both tickets are still as read.
   * @throws StaleTicketError when either changed meanwhile
   */
  markMerged(mark: MergeMark): Promise<void>;
  /**
   * Moves every mail and note left in the source's partition into the target's, in batches of
   * `MOVE_BATCH` (each a transaction: put in the target, delete from the source). Idempotent;
   * returns how many items moved.
   */
  moveItems(source: string, target: StoredTicket): Promise<number>;
};
