/**
 * The contract of the broadcast routes (`/api/broadcasts/*`, « Information globale »): one zod
 * schema per path, query, body and answer, and the routes' declarations. Agents read
 * broadcasts; only admins create, edit, test, send, schedule, cancel and retry.
 *
 * Pure module: zod and the domain's broadcast schemas only, so the browser bundle can import it.
 */
import * as z from 'zod';
import { Broadcast, BroadcastInput, BroadcastRecipient, RecipientStatus } from '../domain/broadcast.ts';
import { pageOf, type RouteDeclarations } from './declaration.ts';

export { Broadcast, BroadcastInput, BroadcastRecipient, RecipientStatus };

/** A broadcast's id in a path. */
export const BroadcastPath = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'Identifiant de diffusion invalide.' }),
});
export type BroadcastPath = z.infer<typeof BroadcastPath>;

/** A page of the list, newest first. */
export const BroadcastListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(2048).optional(),
});
export type BroadcastListQuery = z.infer<typeof BroadcastListQuery>;

export const BroadcastPage = pageOf(Broadcast);
export type BroadcastPage = z.infer<typeof BroadcastPage>;

/**
 * A page of a broadcast's recipients, optionally of one status. A draft's or a scheduled
 * broadcast's recipients are those the directory gives today (all `queued`); once sending
 * started, those frozen then.
 */
export const RecipientListQuery = z.object({
  status: z.optional(RecipientStatus),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(2048).optional(),
});
export type RecipientListQuery = z.infer<typeof RecipientListQuery>;

export const RecipientPage = pageOf(BroadcastRecipient);
export type RecipientPage = z.infer<typeof RecipientPage>;

/**
 * Sends now, or at `at` (ISO 8601 with its offset; the console sends the Paris time the person
 * chose). Repeating the same request changes nothing.
 */
export const SendBody = z.object({
  at: z.iso.datetime({ offset: true, error: 'Date et heure attendues au format ISO 8601.' }).optional(),
});
export type SendBody = z.infer<typeof SendBody>;

/** The answer of a test send: where the copy went. */
export const TestResult = z.object({ to: z.string() });
export type TestResult = z.infer<typeof TestResult>;

/** The broadcast routes. */
export const broadcastRoutes = {
  'POST /api/broadcasts': { group: 'admin', body: BroadcastInput, response: Broadcast, status: 201 },
  'GET /api/broadcasts': { group: 'agent', query: BroadcastListQuery, response: BroadcastPage, status: 200 },
  'GET /api/broadcasts/{id}': { group: 'agent', path: BroadcastPath, response: Broadcast, status: 200 },
  'PUT /api/broadcasts/{id}': {
    group: 'admin',
    path: BroadcastPath,
    body: BroadcastInput,
    response: Broadcast,
    status: 200,
  },
  'GET /api/broadcasts/{id}/recipients': {
    group: 'agent',
    path: BroadcastPath,
    query: RecipientListQuery,
    response: RecipientPage,
    status: 200,
  },
  'POST /api/broadcasts/{id}/test': {
    group: 'admin',
    path: BroadcastPath,
    response: TestResult,
    status: 202,
  },
  'POST /api/broadcasts/{id}/send': {
    group: 'admin',
    path: BroadcastPath,
    body: SendBody,
    response: Broadcast,
    status: 202,
  },
  'POST /api/broadcasts/{id}/cancel': {
    group: 'admin',
    path: BroadcastPath,
    response: Broadcast,
    status: 200,
  },
  'POST /api/broadcasts/{id}/retry': {
    group: 'admin',
    path: BroadcastPath,
    response: Broadcast,
    status: 202,
  },
} as const satisfies RouteDeclarations;
