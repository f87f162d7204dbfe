/**
 * The staff API's routes: each parses its input with zod, checks the caller's group, and
 * calls one store. Lists answer `{ items, nextCursor }`.
 */
import { z } from 'zod';
import type { DeskStore, Page } from '#shared/adapters/desk-store.ts';
import type { Queue } from '#shared/adapters/queue.ts';
import type { RawMailStore } from '#shared/adapters/raw-mail.ts';
import { type DirectoryImporter, importDirectoryFile } from '#shared/directory/import.ts';
import { DirectoryFileError } from '#shared/directory/rows.ts';
import type { DirectoryLookup } from '#shared/domain/directory.ts';
import { Outcome, outcomeLabel } from '#shared/domain/outcome.ts';
import { TicketStatus } from '#shared/domain/records.ts';
import { TicketNumber } from '#shared/domain/ticket-number.ts';
import { authorize } from '#shared/http/auth.ts';
import { decodeCursor, encodeCursor } from '#shared/http/cursor.ts';
import { BadRequestError, ConflictError, NotFoundError } from '#shared/http/errors.ts';
import {
  type ApiEvent,
  type ApiResult,
  type ApiRoute,
  json,
  parsePath,
  parseQuery,
} from '#shared/http/middleware.ts';
import type { TicketCommand } from '#shared/messages.ts';
import { acceptIntoTicket, NotAcceptableError } from '#shared/steps/accept.ts';

export type ApiDeps = {
  store: DeskStore;
  directory: DirectoryImporter & DirectoryLookup;
  rawMail: RawMailStore;
  tickets: Queue<TicketCommand>;
  academicDomain: string;
  now: () => Date;
};

const limit = z.coerce.number().int().min(1).max(100).default(50);

const IntakeQuery = z.object({ outcome: Outcome.optional(), limit, cursor: z.string().optional() });
const TicketsQuery = z.object({ status: TicketStatus.optional(), limit, cursor: z.string().optional() });
const TicketPath = z.object({ number: TicketNumber });
const ImportQuery = z.object({ apply: z.enum(['true', 'false']).default('false') });
const IntakePath = z.object({ sesMessageId: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/) });

/** The bytes of a request body, whether API Gateway passed it as text or base64. */
function bodyBytes(event: ApiEvent): Uint8Array {
  if (typeof event.body !== 'string' || event.body.length === 0) {
    throw new BadRequestError('Le fichier à importer est vide.', { code: 'missing_body' });
  }
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

/** One route, its handler typed (middy's `Route` is a union that defeats inference). */
const route = (
  method: ApiRoute['method'],
  path: string,
  handler: (event: ApiEvent) => Promise<ApiResult>,
) => ({
  method,
  path,
  handler,
});

/** Every list answers `{ items, nextCursor }`; `nextCursor` is null on the last page. */
const listPage = (page: Page<unknown>) =>
  json(200, { items: page.items, nextCursor: encodeCursor(page.lastKey) });

export function makeRoutes(deps: ApiDeps): ApiRoute[] {
  return [
    route('GET', '/api/health', async () => json(200, { status: 'ok' })),
    route('GET', '/api/intake', async (event) => {
      authorize(event, 'agent');
      const { cursor, ...query } = parseQuery(IntakeQuery, event);
      return listPage(await deps.store.listIntake({ ...query, startKey: decodeCursor(cursor) }));
    }),
    route('GET', '/api/tickets', async (event) => {
      authorize(event, 'agent');
      const { cursor, ...query } = parseQuery(TicketsQuery, event);
      return listPage(await deps.store.listTickets({ ...query, startKey: decodeCursor(cursor) }));
    }),
    route('GET', '/api/tickets/{number}', async (event) => {
      authorize(event, 'agent');
      const { number } = parsePath(TicketPath, event);
      const found = await deps.store.getTicket(number);
      if (!found) throw new NotFoundError(`Le ticket ${number} n'existe pas.`, { code: 'ticket_not_found' });
      return json(200, { ...found.ticket, messages: found.messages });
    }),
    route('POST', '/api/intake/{sesMessageId}/accept', async (event) => {
      const caller = authorize(event, 'agent');
      const { sesMessageId } = parsePath(IntakePath, event);
      try {
        return json(202, await acceptIntoTicket({ sesMessageId, actor: caller.email }, deps));
      } catch (error) {
        if (!(error instanceof NotAcceptableError)) throw error;
        if (!error.entry)
          throw new NotFoundError("Ce courriel n'existe pas dans le journal.", { code: 'mail_not_found' });
        throw new ConflictError(
          error.entry.ticketNumber
            ? `Ce courriel est déjà rattaché au ticket ${error.entry.ticketNumber}.`
            : `Seul un courriel retenu (quota atteint, expéditeur non directeur) peut être accepté en ticket ; celui-ci est « ${outcomeLabel[error.entry.outcome]} ».`,
          { code: 'not_acceptable', cause: error },
        );
      }
    }),
    route('POST', '/api/directory/import', async (event) => {
      const caller = authorize(event, 'admin');
      const { apply } = parseQuery(ImportQuery, event);
      const contentType = event.headers['content-type'] ?? '';
      // A Windows-1252 file keeps its bytes only when sent as binary (base64 through API Gateway).
      if (!/^(text\/csv|application\/octet-stream)\b/i.test(contentType)) {
        throw new BadRequestError(
          'Envoyez le fichier CSV avec Content-Type: text/csv ou application/octet-stream.',
          {
            code: 'unsupported_media_type',
          },
        );
      }
      try {
        const report = await importDirectoryFile(bodyBytes(event), deps.directory, {
          apply: apply === 'true',
          now: deps.now(),
          actor: caller.email,
          academicDomain: deps.academicDomain,
        });
        return json(200, report);
      } catch (error) {
        if (error instanceof DirectoryFileError) {
          throw new BadRequestError(error.message, { code: error.code, cause: error });
        }
        throw error;
      }
    }),
  ];
}
