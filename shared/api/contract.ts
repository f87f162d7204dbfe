/**
 * The staff console's API contract: one zod schema per request body, query, path and response,
 * each with a type of the same name, shared by the API (which parses with them) and the
 * console's typed client (which builds requests and reads answers with them).
 *
 * Pure module: only zod and the pure record schemas, so the browser bundle can import it.
 * Directory routes (`/api/directory/*`, `/api/zones`) have their own contract
 * (`directory-contract.ts`); `routes`, at the end, declares every route of the API.
 *
 * Conventions of every route:
 * - every route but the health check needs a signed-in staff member of the group it declares
 *   (`agent`; `admin` can do all an agent can); 401 without a valid token, 403 without the group;
 * - a refusal answers `ApiError` with a French `message` (400 bad input, 404 unknown, 409 conflict);
 * - lists answer `{ items, nextCursor }`; hand `nextCursor` back as `?cursor=` unchanged; null
 *   means the end. A page may hold fewer than `limit` items (even none) while `nextCursor` is not
 *   null: the server stops after a bounded read budget, the console offers "continuer".
 * - dates in queries are Paris calendar days `YYYY-MM-DD`; instants in answers are ISO 8601 UTC.
 */
import * as z from 'zod';
import { Dashboard, OutcomeCounts } from '../domain/dashboard.ts';
import { School } from '../domain/directory.ts';
import { IntakeDetail, IntakeReply } from '../domain/intake-reply.ts';
import { Outcome } from '../domain/outcome.ts';
import { ParisDate } from '../domain/paris-day.ts';
import {
  IntakeEntry,
  Ticket,
  TicketAction,
  TicketHistoryEntry,
  TicketMessage,
  TicketNote,
  TicketStatus,
} from '../domain/records.ts';
import { StaffGroup } from '../domain/staff.ts';
import {
  ConversationEntry,
  NoteResult,
  RecognisedDirector,
  ReplyResult,
  TicketActionResult,
  TicketClock,
  TicketDetail,
  TicketListItem,
} from '../domain/ticket-views.ts';
import { broadcastRoutes } from './broadcast-contract.ts';
import { bulkRoutes } from './bulk-contract.ts';
import { type FileAnswer, fileAnswer, pageOf, type RouteDeclarations } from './declaration.ts';
import { directoryRoutes } from './directory-contract.ts';
import { kbRoutes } from './kb-contract.ts';
import { mergeRoutes } from './merge-contract.ts';
import { notificationRoutes } from './notification-contract.ts';
import { portalRoutes } from './portal-contract.ts';
import { templateRoutes } from './template-contract.ts';

export {
  ConversationEntry,
  Dashboard,
  IntakeDetail,
  IntakeEntry,
  IntakeReply,
  NoteResult,
  Outcome,
  OutcomeCounts,
  ParisDate,
  RecognisedDirector,
  ReplyResult,
  School,
  Ticket,
  TicketAction,
  TicketActionResult,
  TicketClock,
  TicketDetail,
  TicketHistoryEntry,
  TicketListItem,
  TicketMessage,
  TicketNote,
  TicketStatus,
};

/** French labels of the statuses, as the console shows them. */
export const ticketStatusLabel: Record<TicketStatus, string> = {
  nouveau: 'Nouveau',
  en_cours: 'En cours',
  en_attente: 'En attente du directeur',
  resolu: 'Résolu',
  clos: 'Clos',
};

export { OPEN_STATUSES } from '#shared/domain/records.ts';

// ---------------------------------------------------------------------------------------------
// Shared pieces

/** Every refusal of the API. `details` lists the fields at fault for a 400. */
export const ApiError = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;

/** Page size of lists: 1 to 100, 50 by default. */
export const Limit = z.coerce
  .number({ error: 'Nombre attendu.' })
  .int({ error: 'Nombre entier attendu.' })
  .min(1, { error: 'Au moins 1.' })
  .max(100, { error: 'Au plus 100.' })
  .default(50);

/** The opaque cursor of the next page. */
export const Cursor = z.string().max(2048);

const withPeriod = <T extends z.ZodRawShape>(shape: T) =>
  z.object({ ...shape, from: z.optional(ParisDate), to: z.optional(ParisDate) }).refine(
    (query) => {
      const { from, to } = query as { from?: string; to?: string };
      return !from || !to || from <= to;
    },
    {
      error: 'La date de début doit précéder la date de fin.',
      path: ['to'],
    },
  );

/** A ticket number in a path or a query: `LSUN-2026-00042`. */
export const TicketNumberParam = z
  .string()
  .regex(/^LSUN-\d{4}-\d{5,}$/, { error: 'Numéro de ticket attendu (LSUN-AAAA-NNNNN).' });

/** The SES message id of a received mail, as the intake log shows it. */
export const SesMessageIdParam = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,128}$/, { error: 'Identifiant de courriel invalide.' });

/** An optional client-made id (a UUID per click) that makes a POST safe to repeat. */
export const RequestId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, {
  error: 'Identifiant de requête invalide (8 à 64 caractères a-z, 0-9, - ou _).',
});

const email = z
  .email({ error: 'Adresse électronique invalide.' })
  .max(254)
  .transform((value) => value.toLowerCase());

/** A text written by an agent (reply, note): not empty once trimmed, at most 20 000 characters. */
const StaffText = z
  .string({ error: 'Texte attendu.' })
  .trim()
  .min(1, { error: 'Le texte ne peut pas être vide.' })
  .max(20_000, { error: 'Le texte est trop long (20 000 caractères au plus).' });

export { pageOf };

// ---------------------------------------------------------------------------------------------
// GET /api/me

export { StaffGroup };

/** Who is signed in: the console shows admin-only screens from `groups` (the API still checks). */
export const Me = z.object({
  email: z.string(),
  /** Display name from the token when it has one, else derived from the email. */
  name: z.string(),
  groups: z.array(StaffGroup),
});
export type Me = z.infer<typeof Me>;

// ---------------------------------------------------------------------------------------------
// GET /api/tickets

/** Comma-separated statuses (`status=nouveau,en_cours`), or one. */
const StatusList = z
  .string()
  .transform((value) => [
    ...new Set(
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    ),
  ])
  .pipe(z.array(TicketStatus).min(1));

/**
 * Filters, sort and page of the ticket list. `q` matches, case- and accent-insensitively, the
 * number, subject, requester (name or email) and school (name, commune, UAI); a full ticket
 * number goes straight to that ticket. `assignee` is an email, or `none` for unassigned tickets.
 */
export const TicketListQuery = withPeriod({
  status: StatusList.optional(),
  departement: z
    .string()
    .regex(/^\d{2}$/, { error: 'Département attendu sur deux chiffres (21, 58, 71, 89).' })
    .optional(),
  circonscription: z.string().trim().min(1).max(120).optional(),
  uai: z
    .string()
    .trim()
    .transform((value) => value.toUpperCase())
    .pipe(z.string().regex(/^\d{7}[A-Z]$/, { error: 'UAI attendu : 7 chiffres et une lettre.' }))
    .optional(),
  q: z.string().trim().min(1).max(120).optional(),
  assignee: z.union([z.literal('none'), email]).optional(),
  /** Only tickets late for their first response, their resolution, or either (`any`). */
  late: z.enum(['first_response', 'resolution', 'any']).optional(),
  /** `due`: by the clocks' due time, which follows the creation time (`asc`: the most urgent first). */
  sort: z.enum(['created', 'updated', 'due']).default('created'),
  order: z.enum(['asc', 'desc']).default('desc'),
  limit: Limit,
  cursor: Cursor.optional(),
});
export type TicketListQuery = z.infer<typeof TicketListQuery>;
/** What the console writes in the query string (before defaults and transforms). */
export type TicketListQueryInput = z.input<typeof TicketListQuery>;

export const TicketPage = pageOf(TicketListItem);
export type TicketPage = z.infer<typeof TicketPage>;

// ---------------------------------------------------------------------------------------------
// GET /api/tickets/{number}

export const TicketPath = z.object({ number: TicketNumberParam });
export type TicketPath = z.infer<typeof TicketPath>;

// ---------------------------------------------------------------------------------------------
// POST /api/tickets/{number}/reply · /status · /assign · /notes

/**
 * A staff reply, mailed to the director through the outbox (threaded, tag kept in the subject,
 * signed with the agent's name). The ticket goes to `status` (default `en_attente`). 409 if the
 * ticket is `clos` (reopen it first). Repeating a request with the same `requestId` sends nothing
 * more and answers the first result.
 */
export const ReplyBody = z.object({
  text: StaffText,
  // TicketStatus but `nouveau` and `clos` (zod/mini's enum has no `exclude`).
  status: z.optional(z.enum(['en_cours', 'en_attente', 'resolu'] as const satisfies readonly TicketStatus[])),
  requestId: RequestId.optional(),
});
export type ReplyBody = z.infer<typeof ReplyBody>;

/** Changes the status; the same status again changes nothing. Closing starts the retention period. */
export const StatusBody = z.object({ status: TicketStatus });
export type StatusBody = z.infer<typeof StatusBody>;

/** Assigns the ticket to an agent (email), or to nobody (null). */
export const AssignBody = z.object({ assignee: email.nullable() });
export type AssignBody = z.infer<typeof AssignBody>;

/** An internal note: staff only, never mailed. Same `requestId` rule as replies. */
export const NoteBody = z.object({ text: StaffText, requestId: RequestId.optional() });
export type NoteBody = z.infer<typeof NoteBody>;

// ---------------------------------------------------------------------------------------------
// GET /api/tickets/{number}/messages/{id}/raw · /attachments/{index} · /api/intake/{sesMessageId}/raw
// Answer a short-lived link to the file in S3, of any size: the browser follows it, and S3
// answers the bytes with `Content-Disposition: attachment` (the file's name) and its type.
// GET …/raw/content answers the raw mail's bytes themselves (up to 4 MB), for the console's reader.

/** A download: where to get the file for the next few minutes, and what it is. */
export const DownloadLink = z.object({
  /** A presigned S3 GET URL; it stops working at `expiresAt`. */
  url: z.url(),
  filename: z.string(),
  contentType: z.string(),
  /** Bytes. */
  size: z.number().int().nonnegative(),
  expiresAt: z.string(),
});
export type DownloadLink = z.infer<typeof DownloadLink>;

export const MessagePath = TicketPath.extend({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,160}$/, { error: 'Identifiant de message invalide.' }),
});
export type MessagePath = z.infer<typeof MessagePath>;

export const AttachmentPath = MessagePath.extend({
  index: z.coerce.number({ error: 'Numéro de pièce jointe attendu.' }).int().min(0).max(999),
});
export type AttachmentPath = z.infer<typeof AttachmentPath>;

// ---------------------------------------------------------------------------------------------
// GET /api/intake · /api/intake/{sesMessageId} · /raw · POST /accept

/** The intake log, newest first, optionally of one outcome and within a period (received, Paris days). */
export const IntakeListQuery = withPeriod({
  outcome: z.optional(Outcome),
  limit: Limit,
  cursor: Cursor.optional(),
});
export type IntakeListQuery = z.infer<typeof IntakeListQuery>;
export type IntakeListQueryInput = z.input<typeof IntakeListQuery>;

export const IntakePage = pageOf(IntakeEntry);
export type IntakePage = z.infer<typeof IntakePage>;

export const IntakePath = z.object({ sesMessageId: SesMessageIdParam });
export type IntakePath = z.infer<typeof IntakePath>;

/** POST /api/intake/{sesMessageId}/accept answers 202 with the entry as now recorded (its ticket is being opened). */
export const AcceptResult = IntakeEntry;
export type AcceptResult = z.infer<typeof AcceptResult>;

// ---------------------------------------------------------------------------------------------
// GET /api/dashboard

// ---------------------------------------------------------------------------------------------
// GET /api/health

/** The health check, the one route anyone may call (uptime probes): it reads nothing. */
export const Health = z.object({ status: z.literal('ok') });
export type Health = z.infer<typeof Health>;

// ---------------------------------------------------------------------------------------------
// The routes: the server's router serves exactly these, the console's client calls them by key.

/** The routes of this contract: the tickets, the intake log, the dashboard, who is signed in. */
export const deskRoutes = {
  'GET /api/health': { group: 'public', response: Health, status: 200 },
  'GET /api/me': { group: 'agent', response: Me, status: 200 },
  'GET /api/dashboard': { group: 'agent', response: Dashboard, status: 200 },
  'GET /api/tickets': { group: 'agent', query: TicketListQuery, response: TicketPage, status: 200 },
  'GET /api/tickets/{number}': { group: 'agent', path: TicketPath, response: TicketDetail, status: 200 },
  'POST /api/tickets/{number}/reply': {
    group: 'agent',
    path: TicketPath,
    body: ReplyBody,
    response: ReplyResult,
    status: 202,
  },
  'POST /api/tickets/{number}/status': {
    group: 'agent',
    path: TicketPath,
    body: StatusBody,
    response: TicketActionResult,
    status: 200,
  },
  'POST /api/tickets/{number}/assign': {
    group: 'agent',
    path: TicketPath,
    body: AssignBody,
    response: TicketActionResult,
    status: 200,
  },
  'POST /api/tickets/{number}/notes': {
    group: 'agent',
    path: TicketPath,
    body: NoteBody,
    response: NoteResult,
    status: 201,
  },
  'GET /api/tickets/{number}/messages/{id}/raw': {
    group: 'agent',
    path: MessagePath,
    response: DownloadLink,
    status: 200,
  },
  'GET /api/tickets/{number}/messages/{id}/raw/content': {
    group: 'agent',
    path: MessagePath,
    response: fileAnswer,
    status: 200,
  },
  'GET /api/tickets/{number}/messages/{id}/attachments/{index}': {
    group: 'agent',
    path: AttachmentPath,
    response: DownloadLink,
    status: 200,
  },
  'GET /api/intake': { group: 'agent', query: IntakeListQuery, response: IntakePage, status: 200 },
  'GET /api/intake/{sesMessageId}': { group: 'agent', path: IntakePath, response: IntakeDetail, status: 200 },
  'GET /api/intake/{sesMessageId}/raw': {
    group: 'agent',
    path: IntakePath,
    response: DownloadLink,
    status: 200,
  },
  'GET /api/intake/{sesMessageId}/raw/content': {
    group: 'agent',
    path: IntakePath,
    response: fileAnswer,
    status: 200,
  },
  'POST /api/intake/{sesMessageId}/accept': {
    group: 'agent',
    path: IntakePath,
    response: AcceptResult,
    status: 202,
  },
} as const satisfies RouteDeclarations;

/**
 * Every route of the API, and only those: the router refuses to serve a route missing here.
 * The key is `METHOD path` with path parameters in braces, as the router declares them.
 */
export const routes = {
  ...deskRoutes,
  ...directoryRoutes,
  ...broadcastRoutes,
  ...kbRoutes,
  ...templateRoutes,
  ...notificationRoutes,
  ...mergeRoutes,
  ...bulkRoutes,
  ...portalRoutes,
} as const satisfies RouteDeclarations;

export type Routes = typeof routes;
export type RouteKey = keyof Routes;
/** The parsed JSON answer of a route (never for a route that answers a file). */
export type ResponseOf<K extends RouteKey> = Routes[K]['response'] extends infer R extends z.core.$ZodType
  ? z.output<R>
  : never;
/** The body a route takes, as the client writes it. */
export type BodyOf<K extends RouteKey> = Routes[K] extends { body: infer B extends z.core.$ZodType }
  ? z.input<B>
  : never;
/** The query a route takes, as the client writes it. */
export type QueryOf<K extends RouteKey> = Routes[K] extends { query: infer Q extends z.core.$ZodType }
  ? z.input<Q>
  : never;
/** The path parameters a route takes, as the client writes them. */
export type PathOf<K extends RouteKey> = Routes[K] extends { path: infer P extends z.core.$ZodType }
  ? z.input<P>
  : never;
/** The routes that answer a file, to download rather than read as JSON. */
export type FileRouteKey = {
  [K in RouteKey]: Routes[K]['response'] extends FileAnswer ? K : never;
}[RouteKey];
