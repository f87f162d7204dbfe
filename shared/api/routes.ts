/**
 * The staff API's routes: each checks the caller's group, parses its input with the schemas of
 * `contract.ts`, and calls one step or store. Lists answer `{ items, nextCursor }`.
 *
 * Every route needs a staff member (`agent`; `admin` includes it). No ticket or intake action
 * is admin-only: answering directors is the agents' job. Directory writes are (directory-routes.ts).
 */

import type { DirectoryStore } from '#shared/adapters/directory-store.ts';
import type { Queue } from '#shared/adapters/queue.ts';
import type { RawMailStore } from '#shared/adapters/raw-mail.ts';
import {
  AssignBody,
  AttachmentPath,
  IntakeListQuery,
  IntakePath,
  MessagePath,
  NoteBody,
  ReplyBody,
  StatusBody,
  TicketListQuery,
  TicketPath,
} from '#shared/api/contract.ts';
import { FileTooLargeError } from '#shared/domain/errors.ts';
import type { IntakeLog } from '#shared/domain/intake-ports.ts';
import type { OutboxMessage, TicketCommand } from '#shared/domain/messages.ts';
import { outcomeLabel } from '#shared/domain/outcome.ts';
import { authorize, type StaffGroup } from '#shared/http/auth.ts';
import { ConflictError, NotFoundError } from '#shared/http/errors.ts';
import {
  type ApiEvent,
  type ApiResult,
  type ApiRoute,
  json,
  parseBody,
  parsePath,
  parseQuery,
} from '#shared/http/middleware.ts';
import { acceptIntoTicket, NotAcceptableError } from '#shared/steps/accept.ts';
import {
  type Actor,
  addTicketNote,
  assignTicket,
  changeTicketStatus,
  type Download,
  dashboard,
  intakeDetail,
  intakeRaw,
  listIntake,
  listTickets,
  messageAttachment,
  messageRaw,
  nameFromEmail,
  replyToTicket,
  type StaffDeps,
  ticketDetail,
} from '#shared/steps/staff.ts';
import { directoryRoutes } from './directory-routes.ts';

export type ApiDeps = Omit<StaffDeps, 'directory'> & {
  /** The intake's store: accepting a held mail marks its entry. */
  store: IntakeLog;
  directory: DirectoryStore;
  rawMail: RawMailStore;
  /** The ticket step's queue: an accepted mail is opened there like any other. */
  tickets: Queue<TicketCommand>;
  outbox: Queue<OutboxMessage>;
  academicDomain: string;
};

/** Larger files do not fit in a Lambda response once base64-encoded (6 MB). */
const MAX_DOWNLOAD_BYTES = 4_000_000;

/** Types a browser could render or run if it ignored `attachment`: served as bytes. */
const ACTIVE_TYPES =
  /^(text\/html|application\/xhtml\+xml|image\/svg\+xml|text\/xml|application\/xml|text\/javascript|application\/javascript|application\/x-javascript)$/i;
const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;

/** `Content-Disposition: attachment` with an ASCII file name and the exact one (RFC 6266 / 5987). */
export function attachmentDisposition(filename: string): string {
  const exact =
    filename
      .replace(/[\p{Cc}/\\]/gu, '_')
      .trim()
      .slice(0, 200) || 'fichier';
  const ascii =
    exact
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .replace(/[^A-Za-z0-9._ -]/g, '_')
      .slice(0, 120) || 'fichier';
  const encoded = encodeURIComponent(exact).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * A file as a download: base64 through API Gateway, never rendered by the browser (attachment,
 * nosniff, a sandboxing CSP), never cached.
 */
function download(file: Download): ApiResult {
  if (file.bytes.byteLength > MAX_DOWNLOAD_BYTES) {
    throw new FileTooLargeError();
  }
  const type =
    MIME_TYPE.test(file.contentType) && !ACTIVE_TYPES.test(file.contentType)
      ? file.contentType
      : 'application/octet-stream';
  return {
    statusCode: 200,
    headers: {
      'Content-Type': type,
      'Content-Disposition': attachmentDisposition(file.filename),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "sandbox; default-src 'none'",
    },
    body: Buffer.from(file.bytes).toString('base64'),
    isBase64Encoded: true,
  };
}

function claimText(claims: Record<string, unknown> | undefined, name: string): string {
  const value = claims?.[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** The caller, checked to belong to the group, with the name they sign replies with. */
function actorOf(event: ApiEvent, group: StaffGroup): Actor & { groups: StaffGroup[] } {
  const caller = authorize(event, group);
  const claims = event.requestContext?.authorizer?.jwt?.claims as Record<string, unknown> | undefined;
  const name =
    claimText(claims, 'name') ||
    [claimText(claims, 'given_name'), claimText(claims, 'family_name')].filter(Boolean).join(' ') ||
    nameFromEmail(caller.email);
  return { email: caller.email, name, groups: caller.groups };
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

export function makeRoutes(deps: ApiDeps): ApiRoute[] {
  return [
    route('GET', '/api/health', async () => json(200, { status: 'ok' })),
    route('GET', '/api/me', async (event) => {
      const { email, name, groups } = actorOf(event, 'agent');
      return json(200, { email, name, groups });
    }),
    route('GET', '/api/dashboard', async (event) => {
      authorize(event, 'agent');
      return json(200, await dashboard(deps));
    }),
    route('GET', '/api/tickets', async (event) => {
      authorize(event, 'agent');
      return json(200, await listTickets(parseQuery(TicketListQuery, event), deps));
    }),
    route('GET', '/api/tickets/{number}', async (event) => {
      authorize(event, 'agent');
      return json(200, await ticketDetail(parsePath(TicketPath, event).number, deps));
    }),
    route('POST', '/api/tickets/{number}/reply', async (event) => {
      const actor = actorOf(event, 'agent');
      const { number } = parsePath(TicketPath, event);
      return json(202, await replyToTicket({ number, actor, ...parseBody(ReplyBody, event) }, deps));
    }),
    route('POST', '/api/tickets/{number}/status', async (event) => {
      const actor = actorOf(event, 'agent');
      const { number } = parsePath(TicketPath, event);
      return json(200, await changeTicketStatus({ number, actor, ...parseBody(StatusBody, event) }, deps));
    }),
    route('POST', '/api/tickets/{number}/assign', async (event) => {
      const actor = actorOf(event, 'agent');
      const { number } = parsePath(TicketPath, event);
      return json(200, await assignTicket({ number, actor, ...parseBody(AssignBody, event) }, deps));
    }),
    route('POST', '/api/tickets/{number}/notes', async (event) => {
      const actor = actorOf(event, 'agent');
      const { number } = parsePath(TicketPath, event);
      return json(201, await addTicketNote({ number, actor, ...parseBody(NoteBody, event) }, deps));
    }),
    route('GET', '/api/tickets/{number}/messages/{id}/raw', async (event) => {
      authorize(event, 'agent');
      const { number, id } = parsePath(MessagePath, event);
      return download(await messageRaw(number, id, deps));
    }),
    route('GET', '/api/tickets/{number}/messages/{id}/attachments/{index}', async (event) => {
      authorize(event, 'agent');
      const { number, id, index } = parsePath(AttachmentPath, event);
      return download(await messageAttachment(number, id, index, deps));
    }),
    route('GET', '/api/intake', async (event) => {
      authorize(event, 'agent');
      return json(200, await listIntake(parseQuery(IntakeListQuery, event), deps));
    }),
    route('GET', '/api/intake/{sesMessageId}', async (event) => {
      authorize(event, 'agent');
      return json(200, await intakeDetail(parsePath(IntakePath, event).sesMessageId, deps));
    }),
    route('GET', '/api/intake/{sesMessageId}/raw', async (event) => {
      authorize(event, 'agent');
      return download(await intakeRaw(parsePath(IntakePath, event).sesMessageId, deps));
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
    ...directoryRoutes(deps),
  ];
}
