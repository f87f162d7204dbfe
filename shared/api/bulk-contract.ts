/**
 * Actions on many tickets at once from the list: assign, change status, close.
 *
 * Pure module: zod and the domain's schemas only, so the browser bundle can import it.
 */
import * as z from 'zod';
import { BULK_LIMIT, BulkTicketResult } from '../domain/bulk.ts';
import { TicketStatus } from '../domain/records.ts';
import type { RouteDeclarations } from './declaration.ts';

export { BULK_LIMIT, BulkTicketResult };

const TicketNumber = z
  .string()
  .regex(/^LSUN-\d{4}-\d{5,}$/, { error: 'Numéro de ticket attendu (LSUN-AAAA-NNNNN).' });

const email = z
  .email({ error: 'Adresse électronique invalide.' })
  .max(254)
  .transform((value) => value.toLowerCase());

/**
 * A bulk action: up to 100 tickets (a number given twice is acted on once), and what to do to
 * each, exactly as its single action does (`POST /api/tickets/{number}/assign` or `/status`;
 * `close` is the status `clos`, refused per ticket when it is already closed). `requestId` (a
 * new one per click) makes the request safe to retry: each ticket's action is recorded under an
 * id derived from it, and a repeat answers what was done without acting again.
 */
export const BulkBody = z.object({
  requestId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, {
    error: 'Identifiant de requête invalide (8 à 64 caractères a-z, 0-9, - ou _).',
  }),
  numbers: z
    .array(TicketNumber)
    .min(1, { error: 'Sélectionnez au moins un ticket.' })
    .max(BULK_LIMIT, { error: `Au plus ${BULK_LIMIT} tickets à la fois.` }),
  action: z.discriminatedUnion(
    'kind',
    [
      z.object({ kind: z.literal('assign'), assignee: email.nullable() }),
      z.object({ kind: z.literal('status'), status: TicketStatus }),
      z.object({ kind: z.literal('close') }),
    ],
    { error: 'Action attendue : assign, status ou close.' },
  ),
});
export type BulkBody = z.infer<typeof BulkBody>;
/** What the console sends (before transforms). */
export type BulkBodyInput = z.input<typeof BulkBody>;

/** Each ticket's outcome, in the order given: one refusal does not stop the others. */
export const BulkAnswer = z.object({ results: z.array(BulkTicketResult) });
export type BulkAnswer = z.infer<typeof BulkAnswer>;

/** The routes. */
export const bulkRoutes = {
  'POST /api/tickets/bulk': { group: 'agent', body: BulkBody, response: BulkAnswer, status: 200 },
} as const satisfies RouteDeclarations;
