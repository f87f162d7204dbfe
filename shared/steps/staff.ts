/**
 * What staff do from the console: read tickets and the intake log, reply to a director, change
 * a ticket's status, assign it, write internal notes, download raw mails and attachments, and
 * read the dashboard. Each action is one transaction with its history line (who, when, from
 * which value to which); a reply is mailed through the outbox like every mail the desk sends.
 *
 * Refusals a person can act on are thrown as the API's client errors (French messages).
 */

import PostalMime from 'postal-mime';
import { keys } from '#shared/adapters/keys.ts';
import type { Queue } from '#shared/adapters/queue.ts';
import { RawMailMissingError, type RawMailStore } from '#shared/adapters/raw-mail.ts';
import {
  DuplicateRequestError,
  type ListPosition,
  type StoredTicket,
  TicketChangedError,
  type TicketRecord,
  type TicketStore,
} from '#shared/adapters/ticket-store.ts';
import type {
  Dashboard,
  IntakeDetail,
  IntakeListQuery,
  NoteResult,
  ReplyResult,
  TicketActionResult,
  TicketDetail,
  TicketListQuery,
} from '#shared/api/contract.ts';
import { aggregateDashboard, intakeWindow, parisPeriod } from '#shared/domain/dashboard.ts';
import type { DirectoryLookup } from '#shared/domain/directory.ts';
import { type OutboxMessage, outgoingMail, sentMessage } from '#shared/domain/messages.ts';
import type {
  IntakeEntry,
  Ticket,
  TicketHistoryEntry,
  TicketMessage,
  TicketNote,
  TicketStatus,
} from '#shared/domain/records.ts';
import { acknowledgmentSubject } from '#shared/domain/subject.ts';
import { threadIdOf } from '#shared/domain/thread.ts';
import { decodeCursor, encodeCursor } from '#shared/http/cursor.ts';
import { BadRequestError, ConflictError, NotFoundError } from '#shared/http/errors.ts';

export type StaffDeps = {
  ticketStore: TicketStore;
  outbox: Queue<OutboxMessage>;
  rawMail: RawMailStore;
  directory: DirectoryLookup;
  /** The desk's addresses: a reply comes from the one the director wrote to. */
  deskAddresses: string[];
  deskDisplayName: string;
  /** Days a closed ticket is kept before it is purged. */
  retentionDays: number;
  now: () => Date;
  /** A fresh unique id (history lines, notes, replies without a request id). */
  newId: () => string;
};

/** The agent acting: the email recorded on their actions, the name they sign with. */
export type Actor = { email: string; name: string };

/**
 * A person's name from an academic address when the token carries none:
 * `camille.martin-roy@ac-dijon.fr` → `Camille Martin-Roy` (académie addresses are first.last).
 */
export function nameFromEmail(email: string): string {
  const local = email.split('@')[0] ?? '';
  return local
    .replace(/\d+$/, '')
    .split(/[._]+/)
    .filter(Boolean)
    .map((part) =>
      part
        .split('-')
        .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
        .join('-'),
    )
    .join(' ');
}

const DAY_SECONDS = 86_400;
/** Attempts at an action when another one changes the ticket between our read and our write. */
const ATTEMPTS = 3;
/** How many earlier message ids a reply's References carry, besides the thread id. */
const MAX_REFERENCES = 10;

function ticketNotFound(number: string): NotFoundError {
  return new NotFoundError(`Le ticket ${number} n'existe pas.`, { code: 'ticket_not_found' });
}

function concurrentChange(cause: unknown): ConflictError {
  return new ConflictError(
    "Le ticket a été modifié par quelqu'un d'autre pendant votre action. Rechargez la page et recommencez.",
    { code: 'ticket_changed', cause },
  );
}

/** Runs an action against the ticket as just read, again if the ticket changed in between. */
async function withTicket<T>(
  number: string,
  deps: StaffDeps,
  action: (current: StoredTicket) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const current = await deps.ticketStore.getTicket(number, deps.now());
    if (!current) throw ticketNotFound(number);
    try {
      return await action(current);
    } catch (error) {
      if (!(error instanceof TicketChangedError)) throw error;
      if (attempt >= ATTEMPTS) throw concurrentChange(error);
    }
  }
}

async function currentTicket(number: string, deps: StaffDeps): Promise<Ticket> {
  const stored = await deps.ticketStore.getTicket(number, deps.now());
  if (!stored) throw ticketNotFound(number);
  return stored.ticket;
}

// ---------------------------------------------------------------------------------------------
// Lists and reads

/** One page of the ticket list, as the console asked for it. */
export async function listTickets(query: TicketListQuery, deps: StaffDeps) {
  const period = parisPeriod(query.from, query.to);
  const page = await deps.ticketStore.listTickets({
    filter: {
      statuses: query.status,
      departement: query.departement,
      circonscription: query.circonscription,
      uai: query.uai,
      q: query.q,
      assignee: query.assignee,
      createdFrom: period.from,
      createdTo: period.to,
    },
    sort: query.sort,
    order: query.order,
    limit: query.limit,
    after: listPosition(query.cursor),
    now: deps.now(),
  });
  return { items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null };
}

/** The position a ticket-list cursor stands for. @throws BadRequestError */
function listPosition(cursor: string | undefined): ListPosition | undefined {
  const decoded = decodeCursor(cursor);
  if (decoded === undefined) return undefined;
  const { t, n } = decoded;
  if (typeof t !== 'string' || typeof n !== 'string' || Object.keys(decoded).length !== 2) {
    throw new BadRequestError('Curseur de pagination invalide.', { code: 'invalid_cursor' });
  }
  return { t, n };
}

/** One page of the intake log, newest first. */
export async function listIntake(query: IntakeListQuery, deps: StaffDeps) {
  const period = parisPeriod(query.from, query.to);
  const page = await deps.ticketStore.listIntake({
    outcome: query.outcome,
    receivedFrom: period.from,
    receivedTo: period.to,
    limit: query.limit,
    startKey: decodeCursor(query.cursor),
    now: deps.now(),
  });
  return { items: page.items, nextCursor: encodeCursor(page.lastKey) };
}

/**
 * A ticket as its page shows it: the conversation (mails and notes) in time order, the history
 * with how the ticket was opened first, and what the directory says of the requester today.
 */
export async function ticketDetail(number: string, deps: StaffDeps): Promise<TicketDetail> {
  const record = await deps.ticketStore.readTicket(number, deps.now());
  if (!record) throw ticketNotFound(number);
  const { ticket } = record;
  const [director, opening] = await Promise.all([
    deps.directory.findByEmail(ticket.requester.email),
    deps.ticketStore.readIntake(ticket.openedBy, deps.now()),
  ]);
  return {
    ...ticket,
    messages: conversationOf(record),
    history: historyOf(record, opening?.entry),
    director: director ?? null,
  };
}

function conversationOf(record: TicketRecord): TicketDetail['messages'] {
  return [
    ...record.messages.map((message) => ({ kind: 'message' as const, ...message })),
    ...record.notes.map((note) => ({ kind: 'note' as const, ...note })),
  ].sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
}

function historyOf(record: TicketRecord, opening: IntakeEntry | undefined): TicketHistoryEntry[] {
  const { ticket } = record;
  const opened: TicketHistoryEntry = {
    id: 'opened',
    ticketNumber: ticket.number,
    at: ticket.createdAt,
    actor: ticket.requester.email,
    action: 'opened',
  };
  const accepted: TicketHistoryEntry[] =
    opening?.acceptedBy && opening.acceptedAt
      ? [
          {
            id: 'accepted',
            ticketNumber: ticket.number,
            at: opening.acceptedAt,
            actor: opening.acceptedBy,
            action: 'accepted',
            itemId: opening.sesMessageId,
          },
        ]
      : [];
  return [...accepted, opened, ...record.history].sort((a, b) => a.at.localeCompare(b.at));
}

/** A received mail's log entry and the automatic reply it got. */
export async function intakeDetail(sesMessageId: string, deps: StaffDeps): Promise<IntakeDetail> {
  const found = await deps.ticketStore.readIntake(sesMessageId, deps.now());
  if (!found) throw mailNotFound();
  const reply = found.reply;
  return {
    entry: found.entry,
    reply: reply
      ? {
          outboxId: String(reply.outboxId ?? ''),
          purpose: String(reply.purpose ?? ''),
          from: String(reply.from ?? ''),
          to: String(reply.to ?? ''),
          subject: String(reply.subject ?? ''),
          text: String(reply.text ?? ''),
          status: reply.status as 'queued' | 'sent' | 'failed' | undefined,
          sentAt: typeof reply.sentAt === 'string' ? reply.sentAt : undefined,
        }
      : null,
  };
}

function mailNotFound(): NotFoundError {
  return new NotFoundError("Ce courriel n'existe pas dans le journal.", { code: 'mail_not_found' });
}

/** A file to download: its bytes, a file name and a content type. */
export type Download = { bytes: Uint8Array; filename: string; contentType: string };

async function readRaw(location: IntakeEntry['rawMail'], deps: StaffDeps): Promise<Uint8Array> {
  try {
    return await deps.rawMail.read(location);
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (error instanceof RawMailMissingError || name === 'NoSuchKey' || name === 'NotFound') {
      throw new NotFoundError("Le courriel brut n'est plus conservé (durée de conservation dépassée).", {
        code: 'raw_mail_gone',
        cause: error,
      });
    }
    throw error;
  }
}

/** The raw mail of a received mail of the intake log. */
export async function intakeRaw(sesMessageId: string, deps: StaffDeps): Promise<Download> {
  const found = await deps.ticketStore.readIntake(sesMessageId, deps.now());
  if (!found) throw mailNotFound();
  return {
    bytes: await readRaw(found.entry.rawMail, deps),
    filename: `${sesMessageId}.eml`,
    contentType: 'message/rfc822',
  };
}

async function incomingOf(number: string, id: string, deps: StaffDeps): Promise<TicketMessage> {
  const [ticket, message] = await Promise.all([
    deps.ticketStore.getTicket(number, deps.now()),
    deps.ticketStore.findMessage(number, id),
  ]);
  if (!ticket) throw ticketNotFound(number);
  if (!message) {
    throw new NotFoundError(`Le ticket ${number} n'a pas de message ${id}.`, { code: 'message_not_found' });
  }
  if (!message.rawMail) {
    throw new NotFoundError("Ce message a été envoyé par l'assistance : il n'a pas de courriel brut.", {
      code: 'no_raw_mail',
    });
  }
  return message;
}

/** The raw mail of an incoming message of a ticket. */
export async function messageRaw(number: string, id: string, deps: StaffDeps): Promise<Download> {
  const message = await incomingOf(number, id, deps);
  return {
    bytes: await readRaw(message.rawMail as IntakeEntry['rawMail'], deps),
    filename: `${number}-${id}.eml`,
    contentType: 'message/rfc822',
  };
}

/** One attachment of an incoming message, read from its raw mail (attachments are kept there only). */
export async function messageAttachment(
  number: string,
  id: string,
  index: number,
  deps: StaffDeps,
): Promise<Download> {
  const message = await incomingOf(number, id, deps);
  const raw = await readRaw(message.rawMail as IntakeEntry['rawMail'], deps);
  // Parsed as `shared/mail/parse.ts` parses it, so indexes match the recorded attachments.
  const email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  const attachment = email.attachments[index];
  if (!attachment) {
    throw new NotFoundError(`Ce message n'a pas de pièce jointe n° ${index}.`, {
      code: 'attachment_not_found',
    });
  }
  const content = attachment.content;
  const bytes =
    typeof content === 'string'
      ? new TextEncoder().encode(content)
      : content instanceof Uint8Array
        ? content
        : new Uint8Array(content);
  return {
    bytes,
    filename: attachment.filename || message.attachments[index]?.filename || `piece-jointe-${index + 1}`,
    contentType: attachment.mimeType,
  };
}

/** The dashboard, from the intake log of the last 30 days and the open tickets. */
export async function dashboard(deps: StaffDeps): Promise<Dashboard> {
  const now = deps.now();
  const facts = await deps.ticketStore.dashboardFacts(intakeWindow(now), now);
  return aggregateDashboard({ now, ...facts });
}

// ---------------------------------------------------------------------------------------------
// Actions

/** The desk's reply to a director, in French: the agent's text, signed, with the ticket's reference. */
export function staffReplyMail(input: {
  ticketNumber: string;
  subject: string;
  text: string;
  agentName: string;
  deskDisplayName: string;
}): { subject: string; text: string } {
  const { ticketNumber } = input;
  const text = input.text.replace(/\r\n?/g, '\n').trim();
  return {
    subject: `Re: ${acknowledgmentSubject(ticketNumber, input.subject)}`,
    text: [
      text,
      'Cordialement,',
      [input.agentName, input.deskDisplayName].filter((line) => line.trim() !== '').join('\n'),
      `Référence de votre demande : ${ticketNumber}. Pour nous répondre, répondez simplement à ce message en conservant « [${ticketNumber}] » dans l’objet.`,
    ]
      .join('\n\n')
      .concat('\n'),
  };
}

/** The address a reply comes from: the desk address the director last wrote to. */
async function deskAddressOf(record: TicketRecord, lastIn: TicketMessage | undefined, deps: StaffDeps) {
  const known = (address: string | undefined) =>
    address !== undefined && deps.deskAddresses.includes(address.toLowerCase())
      ? address.toLowerCase()
      : undefined;
  const written = lastIn?.sesMessageId
    ? await deps.ticketStore.readIntake(lastIn.sesMessageId, deps.now())
    : undefined;
  const acknowledgment = record.messages.find((message) => message.purpose === 'acknowledgment');
  return known(written?.entry.recipient) ?? known(acknowledgment?.from) ?? deps.deskAddresses[0] ?? '';
}

function claimOf(
  number: string,
  requestId: string | undefined,
  at: string,
  content: Record<string, unknown>,
) {
  return requestId === undefined ? undefined : { ...keys.ticketRequest(number, requestId), at, ...content };
}

function differentRequest(requestId: string): ConflictError {
  return new ConflictError(`L'identifiant de requête ${requestId} a déjà servi à une autre action.`, {
    code: 'request_id_reused',
  });
}

/**
 * Replies to the director: the mail is recorded on the ticket as an outgoing message with its
 * history line in one transaction, then queued for the mailer (which sends it once). The ticket
 * goes to `en_attente` unless told otherwise. With a `requestId`, a repeat (double click, retry
 * after a lost answer) sends nothing more: it queues the same mail again, which the mailer's
 * claim sends at most once, and answers the first result.
 */
export async function replyToTicket(
  input: { number: string; actor: Actor; text: string; status?: TicketStatus; requestId?: string },
  deps: StaffDeps,
): Promise<ReplyResult> {
  const { number, actor, requestId } = input;
  const replay = async (claim: Record<string, unknown> | undefined): Promise<ReplyResult> => {
    if (claim?.kind !== 'reply' || !requestId) throw differentRequest(requestId ?? '');
    await deps.outbox.send(claim.outbox as OutboxMessage);
    return {
      ticket: await currentTicket(number, deps),
      history: claim.history as TicketHistoryEntry,
      message: claim.message as TicketMessage,
    };
  };
  if (requestId) {
    const earlier = await deps.ticketStore.readRequest(number, requestId);
    if (earlier) return replay(earlier);
  }
  for (let attempt = 1; ; attempt++) {
    const record = await deps.ticketStore.readTicket(number, deps.now());
    if (!record) throw ticketNotFound(number);
    const { ticket } = record;
    if (ticket.status === 'clos') {
      throw new ConflictError(`Le ticket ${number} est clos : rouvrez-le avant de répondre.`, {
        code: 'ticket_closed',
      });
    }
    const now = deps.now().toISOString();
    const nextStatus = input.status ?? 'en_attente';
    const incoming = record.messages.filter((message) => message.direction === 'in');
    const lastIn = incoming.at(-1);
    const content = staffReplyMail({
      ticketNumber: number,
      subject: lastIn?.subject || ticket.subject,
      text: input.text,
      agentName: actor.name,
      deskDisplayName: deps.deskDisplayName,
    });
    const id = `${number}.reply.${requestId ?? deps.newId()}`;
    const from = await deskAddressOf(record, lastIn, deps);
    const to = lastIn?.from || ticket.requester.email;
    const references = [
      ...new Set(incoming.map((message) => message.messageId).filter((messageId) => messageId !== undefined)),
    ].slice(-MAX_REFERENCES);
    const outbox = outgoingMail({
      outboxId: id,
      record: { on: 'ticket', ticketNumber: number, at: now },
      purpose: 'staff_reply',
      ticketNumber: number,
      from,
      fromName: deps.deskDisplayName,
      to,
      subject: content.subject,
      text: content.text,
      inReplyTo: lastIn?.messageId,
      references: [...references, threadIdOf(number)],
    });
    const message = sentMessage(outbox, now, actor);
    const history: TicketHistoryEntry = {
      id: deps.newId(),
      ticketNumber: number,
      at: now,
      actor: actor.email,
      action: 'reply',
      from: ticket.status,
      to: nextStatus,
      itemId: id,
    };
    try {
      await deps.ticketStore.commit(
        {
          number,
          expectedStatus: ticket.status,
          set: { status: nextStatus, updatedAt: now, lastReplyAt: now },
          setIfAbsent: { answeredAt: now },
          countMessage: true,
          puts: [
            { ...keys.outbound(outbox.record, outbox.outboxId), ...message },
            { ...keys.ticketHistory(number, now, history.id), ...history },
          ],
          claim: claimOf(number, requestId, now, { kind: 'reply', outbox, message, history }),
        },
        now,
      );
    } catch (error) {
      if (error instanceof DuplicateRequestError) return replay(error.claim);
      if (!(error instanceof TicketChangedError)) throw error;
      if (attempt >= ATTEMPTS) throw concurrentChange(error);
      continue;
    }
    await deps.outbox.send(outbox);
    return { ticket: await currentTicket(number, deps), history, message };
  }
}

/**
 * Changes a ticket's status (the same status again changes nothing). Closing starts the
 * retention period: every item of the ticket gets its purge date; reopening removes it.
 */
export async function changeTicketStatus(
  input: { number: string; actor: Actor; status: TicketStatus },
  deps: StaffDeps,
): Promise<TicketActionResult> {
  const { number, status } = input;
  return withTicket(number, deps, async ({ ticket, expiresAt: currentExpiry }) => {
    if (ticket.status === status) {
      // Closing again repairs the purge date of items written since (or left by an interrupted close).
      if (status === 'clos' && currentExpiry !== undefined)
        await deps.ticketStore.setExpiry(number, currentExpiry);
      return { ticket, history: null };
    }
    const now = deps.now();
    const at = now.toISOString();
    const closing = status === 'clos';
    const reopening = ticket.status === 'clos';
    const expiresAt = closing
      ? Math.floor(now.getTime() / 1000) + deps.retentionDays * DAY_SECONDS
      : undefined;
    const history: TicketHistoryEntry = {
      id: deps.newId(),
      ticketNumber: number,
      at,
      actor: input.actor.email,
      action: 'status',
      from: ticket.status,
      to: status,
    };
    await deps.ticketStore.commit(
      {
        number,
        expectedStatus: ticket.status,
        set: { status, updatedAt: at, ...(closing ? { closedAt: at, expiresAt } : {}) },
        remove: reopening ? ['closedAt', 'expiresAt'] : [],
        puts: [
          { ...keys.ticketHistory(number, at, history.id), ...history, ...(closing ? { expiresAt } : {}) },
        ],
      },
      at,
    );
    if (expiresAt !== undefined) await deps.ticketStore.setExpiry(number, expiresAt);
    if (reopening) await deps.ticketStore.clearExpiry(number);
    return { ticket: await currentTicket(number, deps), history };
  });
}

/** Assigns a ticket to an agent, or to nobody (the same assignee again changes nothing). */
export async function assignTicket(
  input: { number: string; actor: Actor; assignee: string | null },
  deps: StaffDeps,
): Promise<TicketActionResult> {
  const { number, assignee } = input;
  return withTicket(number, deps, async ({ ticket, expiresAt }) => {
    const current = ticket.assignee ?? null;
    if (current === assignee) return { ticket, history: null };
    const at = deps.now().toISOString();
    const history: TicketHistoryEntry = {
      id: deps.newId(),
      ticketNumber: number,
      at,
      actor: input.actor.email,
      action: 'assign',
      from: current,
      to: assignee,
    };
    await deps.ticketStore.commit(
      {
        number,
        expectedStatus: ticket.status,
        expectedAssignee: current,
        set: { updatedAt: at, ...(assignee === null ? {} : { assignee }) },
        remove: assignee === null ? ['assignee'] : [],
        puts: [{ ...keys.ticketHistory(number, at, history.id), ...history, ...expiryOf(expiresAt) }],
      },
      at,
    );
    return { ticket: await currentTicket(number, deps), history };
  });
}

/** Items written to a closed ticket are purged with it. */
function expiryOf(expiresAt: number | undefined): { expiresAt?: number } {
  return expiresAt === undefined ? {} : { expiresAt };
}

/** Adds an internal note (staff only, never mailed), safe to repeat with the same `requestId`. */
export async function addTicketNote(
  input: { number: string; actor: Actor; text: string; requestId?: string },
  deps: StaffDeps,
): Promise<NoteResult> {
  const { number, requestId } = input;
  const replay = async (claim: Record<string, unknown> | undefined): Promise<NoteResult> => {
    if (claim?.kind !== 'note' || !requestId) throw differentRequest(requestId ?? '');
    return {
      ticket: await currentTicket(number, deps),
      history: claim.history as TicketHistoryEntry,
      note: claim.note as TicketNote,
    };
  };
  if (requestId) {
    const earlier = await deps.ticketStore.readRequest(number, requestId);
    if (earlier) return replay(earlier);
  }
  try {
    return await withTicket(number, deps, async ({ ticket, expiresAt }) => {
      const at = deps.now().toISOString();
      const note: TicketNote = {
        id: deps.newId(),
        ticketNumber: number,
        at,
        author: input.actor.email,
        text: input.text.replace(/\r\n?/g, '\n'),
      };
      const history: TicketHistoryEntry = {
        id: deps.newId(),
        ticketNumber: number,
        at,
        actor: input.actor.email,
        action: 'note',
        itemId: note.id,
      };
      const expiry = expiryOf(expiresAt);
      await deps.ticketStore.commit(
        {
          number,
          expectedStatus: ticket.status,
          puts: [
            { ...keys.ticketNote(number, at, note.id), ...note, ...expiry },
            { ...keys.ticketHistory(number, at, history.id), ...history, ...expiry },
          ],
          claim: (() => {
            const claim = claimOf(number, requestId, at, { kind: 'note', note, history });
            return claim && { ...claim, ...expiry };
          })(),
        },
        at,
      );
      return { ticket, history, note };
    });
  } catch (error) {
    if (error instanceof DuplicateRequestError) return replay(error.claim);
    throw error;
  }
}
