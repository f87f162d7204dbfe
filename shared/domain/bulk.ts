/**
 * Actions on many tickets at once, from the ticket list: assign, change status, close. Each
 * ticket goes through the single action's step (same history line, same conditions, same
 * retention); this module says how a bulk request becomes per-ticket requests and how its
 * outcome is told to the agent.
 */
import * as z from 'zod';
import { DeskError } from './errors.ts';
import { TicketStatus } from './records.ts';

/** The most tickets one bulk action takes (a page of the list holds at most 100). */
export const BULK_LIMIT = 100;

/** What a bulk action does to each ticket. */
export const BulkAction = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('assign'), assignee: z.string().nullable() }),
  z.object({ kind: z.literal('status'), status: TicketStatus }),
  z.object({ kind: z.literal('close') }),
]);
export type BulkAction = z.infer<typeof BulkAction>;

/** One ticket's outcome: done (`changed` false when it already was so), or refused and why. */
export const BulkTicketResult = z.object({
  number: z.string(),
  ok: z.boolean(),
  changed: z.boolean().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type BulkTicketResult = z.infer<typeof BulkTicketResult>;

/**
 * The request id one ticket's action is recorded under, derived from the bulk request's id: a
 * retried bulk request finds each ticket's claim and acts on none twice. The claim lives in the
 * ticket's own partition, so the id need not name the ticket.
 */
export function ticketRequestId(bulkRequestId: string): string {
  return `bulk-${bulkRequestId}`;
}

/** The numbers to act on, each once, in the order given. */
export function distinctNumbers(numbers: readonly string[]): string[] {
  return [...new Set(numbers)];
}

/** Closing a ticket already closed: the agent meant to close an open one. */
export class TicketAlreadyClosedError extends DeskError {
  override name = 'TicketAlreadyClosedError';
  constructor(readonly ticketNumber: string) {
    super('conflict', 'ticket_already_closed', `${ticketNumber} est déjà clos.`);
  }
}

/** The outcome of a ticket whose action failed for a fault of ours: nothing of it is shown. */
export function faultResult(number: string): BulkTicketResult {
  return {
    number,
    ok: false,
    error: { code: 'internal', message: `${number} : une erreur inattendue est survenue, réessayez.` },
  };
}

const statusWord: Record<TicketStatus, string> = {
  nouveau: 'remis à « Nouveau »',
  en_cours: 'passés « En cours »',
  en_attente: 'mis « En attente du directeur »',
  resolu: 'passés « Résolu »',
  clos: 'clos',
};

function plural(count: number, one: string, many: string): string {
  return count > 1 ? many : one;
}

function doneWords(action: BulkAction, count: number): string {
  if (action.kind === 'close') return 'clos';
  if (action.kind === 'status') {
    const word = statusWord[action.status];
    return count > 1 ? word : word.replace('passés', 'passé');
  }
  if (action.assignee === null) return plural(count, 'désattribué', 'désattribués');
  return plural(count, 'attribué', 'attribués');
}

/**
 * What the console announces after a bulk action: how many tickets it did, how many it refused
 * and why, each refused ticket named (« 12 tickets attribués, 1 refusé : LSUN-2026-00042 est
 * déjà clos. »); those it found already so are counted apart (« dont 2 l’étaient déjà »).
 */
export function bulkSummary(action: BulkAction, results: readonly BulkTicketResult[]): string {
  const done = results.filter((result) => result.ok).length;
  const refused = results.filter((result) => !result.ok);
  const already = results.filter((result) => result.ok && result.changed === false).length;
  const head = `${done} ${plural(done, 'ticket', 'tickets')} ${doneWords(action, done)}${
    already === 0 ? '' : ` (dont ${already} ${plural(already, 'l’était', 'l’étaient')} déjà)`
  }`;
  if (refused.length === 0) return `${head}.`;
  const reasons = refused
    .map((result) => result.error?.message.replace(/\.$/, '') ?? result.number)
    .join(' ; ');
  return `${head}, ${refused.length} ${plural(refused.length, 'refusé', 'refusés')} : ${reasons}.`;
}
