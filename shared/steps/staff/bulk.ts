/**
 * A bulk action from the ticket list: each ticket goes through the single action's step
 * (`assignTicket`, `changeTicketStatus`), so its history line, its conditions and the retention
 * of a closed ticket are exactly those of the ticket's own page. Each ticket's request id is
 * derived from the bulk request's, so a retried bulk request acts on none twice; one ticket's
 * refusal does not stop the others.
 */
import {
  type BulkAction,
  type BulkTicketResult,
  distinctNumbers,
  faultResult,
  TicketAlreadyClosedError,
  ticketRequestId,
} from '#shared/domain/bulk.ts';
import { DeskError } from '#shared/domain/errors.ts';
import type { TicketActionResult } from '#shared/domain/ticket-views.ts';
import { logger } from '#shared/logger.ts';
import { assignTicket, changeTicketStatus } from './actions.ts';
import type { Actor, TicketActionDeps } from './deps.ts';

/** Tickets acted on at once: a hundred tickets in a few seconds without a burst on the table. */
const CONCURRENCY = 4;

/** One ticket's action, through the same step as on the ticket's page. */
async function actOn(
  number: string,
  input: { actor: Actor; action: BulkAction; requestId: string },
  deps: TicketActionDeps,
): Promise<TicketActionResult> {
  const { actor, action } = input;
  const requestId = ticketRequestId(input.requestId);
  if (action.kind === 'assign')
    return assignTicket({ number, actor, assignee: action.assignee, requestId }, deps);
  const status = action.kind === 'close' ? 'clos' : action.status;
  const result = await changeTicketStatus({ number, actor, status, requestId }, deps);
  // The single action leaves a closed ticket as it is; asked to close it, the agent is told.
  if (action.kind === 'close' && result.history === null) throw new TicketAlreadyClosedError(number);
  return result;
}

/**
 * Applies `action` to each ticket of `numbers` (each once), a few at a time, and answers each
 * ticket's outcome in the order given: done (`changed` false when it already was so), or the
 * French refusal of its step (not found, already closed, changed meanwhile…). A fault of ours
 * on one ticket is logged and answered as such for that ticket only.
 */
export async function bulkTicketAction(
  input: { actor: Actor; numbers: string[]; action: BulkAction; requestId: string },
  deps: TicketActionDeps,
): Promise<{ results: BulkTicketResult[] }> {
  const numbers = distinctNumbers(input.numbers);
  const results: BulkTicketResult[] = new Array(numbers.length);
  let next = 0;
  async function worker() {
    while (next < numbers.length) {
      const index = next++;
      const number = numbers[index] as string;
      try {
        const done = await actOn(number, input, deps);
        results[index] = { number, ok: true, changed: done.history !== null };
      } catch (error) {
        if (error instanceof DeskError) {
          results[index] = { number, ok: false, error: { code: error.code, message: error.message } };
        } else {
          logger.error('Bulk action failed on one ticket', { ticketNumber: number, error });
          results[index] = faultResult(number);
        }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, numbers.length) }, worker));
  return { results };
}
