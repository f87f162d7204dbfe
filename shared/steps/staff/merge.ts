/**
 * Merging a duplicate ticket into another: decide on fresh reads of both, write the decision
 * (both tickets, both history lines) in one transaction, then move the duplicate's mails and
 * notes into the target in batches, and give what stays of the duplicate its purge date.
 *
 * Resumable: the same merge asked again once decided finds `mergedInto` already set to that
 * target, writes nothing new and finishes the move; every batch and the purge dates are
 * idempotent. So a merge interrupted after its decision (a timeout, a lost answer) is finished
 * by asking again; meanwhile new mails already go to the target.
 */
import { TicketNotFoundError } from '#shared/domain/errors.ts';
import type { TicketRetention } from '#shared/domain/staff-ports.ts';
import {
  type MergeOutcome,
  MergeSendPendingError,
  mergeDecision,
  mergeMark,
  sendPending,
  type TicketMerges,
} from '#shared/domain/ticket-merge.ts';
import { type Actor, onFreshTicket, type StaffDeps } from './deps.ts';

/** What merging needs beyond the staff steps' ports. */
export type MergeStepDeps = Pick<StaffDeps, 'ticketStore' | 'retentionDays' | 'now' | 'newId'> & {
  merges: TicketMerges;
  ticketRetention: Pick<TicketRetention, 'setExpiry'>;
};

/**
 * Merges ticket `number` into ticket `into`, which keeps its number.
 * @throws TicketNotFoundError, MergeIntoSelfError, TicketAlreadyMergedError, MergeTargetMergedError,
 * MergeTargetClosedError, MergeSendPendingError, TicketChangedError
 */
export async function mergeTicket(
  input: { number: string; into: string; actor: Actor },
  deps: MergeStepDeps,
): Promise<MergeOutcome> {
  const { number, into } = input;
  const read = async () => {
    const [source, target] = await Promise.all([
      deps.ticketStore.readTicket(number, deps.now()),
      deps.ticketStore.getTicket(into, deps.now()),
    ]);
    if (source && !target) throw new TicketNotFoundError(into);
    return source && target ? { source, target } : undefined;
  };
  const { history, target } = await onFreshTicket(number, read, async ({ source, target }) => {
    if (mergeDecision(source.ticket, target.ticket) === 'resume') return { history: null, target };
    if (sendPending(source.messages)) throw new MergeSendPendingError(number);
    const at = deps.now().toISOString();
    const mark = mergeMark({
      source,
      target,
      actor: input.actor.email,
      at,
      ids: { source: deps.newId(), target: deps.newId() },
      retentionDays: deps.retentionDays,
    });
    await deps.merges.markMerged(mark);
    return { history: mark.source.history, target };
  });
  const moved = await deps.merges.moveItems(number, target);
  const merged = await deps.ticketStore.getTicket(number, deps.now());
  const kept = await deps.ticketStore.getTicket(into, deps.now());
  if (!merged) throw new TicketNotFoundError(number);
  if (!kept) throw new TicketNotFoundError(into);
  // What stays of the duplicate (its history, request claims) leaves with it.
  if (merged.expiresAt !== undefined) await deps.ticketRetention.setExpiry(number, merged.expiresAt);
  return { ticket: merged.ticket, target: kept.ticket, history, moved };
}
