/**
 * Merging a duplicate ticket into another, which keeps its number.
 *
 * Pure module: zod and the domain's schemas only, so the browser bundle can import it.
 */
import * as z from 'zod';
import { Ticket, TicketHistoryEntry } from '../domain/records.ts';
import type { RouteDeclarations } from './declaration.ts';

// `contract.ts` spreads these routes into its own, so its schemas cannot be imported here (they
// are not yet defined when this module runs): the ticket number is declared again, alike.
const TicketNumberParam = z
  .string()
  .regex(/^LSUN-\d{4}-\d{5,}$/, { error: 'Numéro de ticket attendu (LSUN-AAAA-NNNNN).' });
const TicketPath = z.object({ number: TicketNumberParam });

/** The ticket that keeps its number and receives the other's mails, notes and participants. */
export const MergeBody = z.object({ into: TicketNumberParam });
export type MergeBody = z.infer<typeof MergeBody>;

/**
 * The merged ticket as now stored (closed, `mergedInto` set), the target, the merged ticket's
 * history line (null when the merge had already been decided: asking again finishes its move
 * and changes nothing else) and how many mails and notes moved by this request.
 */
export const MergeResult = z.object({
  ticket: Ticket,
  target: Ticket,
  history: z.nullable(TicketHistoryEntry),
  moved: z.number().int(),
});
export type MergeResult = z.infer<typeof MergeResult>;

/**
 * `POST /api/tickets/{number}/merge`: 404 if either ticket is unknown; 422 into itself; 409 if
 * the ticket was already merged elsewhere, or the target is closed or merged.
 */
export const mergeRoutes = {
  'POST /api/tickets/{number}/merge': {
    group: 'agent',
    path: TicketPath,
    body: MergeBody,
    response: MergeResult,
    status: 200,
  },
} as const satisfies RouteDeclarations;
