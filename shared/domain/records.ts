/**
 * The desk's records as the API shows them: the intake log, tickets and their messages.
 * One schema per entity, shared by the stores (what they write) and the API (what it returns).
 */
// Classic zod: the console's contracts derive views from these (`.pick`, `.extend`...).
import * as z from 'zod';
import { School } from './directory.ts';
import { AttachmentInfo, RawMailLocation } from './mail.ts';
import { Outcome } from './outcome.ts';
import * as mini from './zod.ts';

/**
 * Builds a schema where it is declared, and says so to the bundler (`@__NO_SIDE_EFFECTS__`): a
 * function that never reads one of these schemas leaves its construction out of its bundle (the
 * mailer reads only `SendStatus`; classic zod's `z.object` is not marked pure, so without this
 * every record's schema was built at its import).
 */
/* @__NO_SIDE_EFFECTS__ */
function declared<T>(build: () => T): T {
  return build();
}

/**
 * How far an outgoing mail got. `queued`: recorded, waiting for the mailer. `sending`: claimed by
 * one delivery, which holds it until its lease ends (the claim is SES's missing idempotency
 * token). `sent`: SES took it (its message id and time are kept). `failed`: SES refused it for
 * good (its error code and a French reason are kept); never retried. `unknown` (« envoi
 * incertain »): found still `sending` past its lease, so the function died between its claim and
 * its record; the mail may or may not have left, and it is never sent a second time.
 */
// zod/mini: the mailer reads it (shared/domain/zod.ts), and nothing derives from it.
export const SendStatus = mini.enum(['queued', 'sending', 'sent', 'failed', 'unknown']);
export type SendStatus = z.infer<typeof SendStatus>;

/** What an outgoing mail's record says of its sending, as the console shows it. */
export const SendReport = declared(() =>
  z.object({
    status: z.optional(SendStatus),
    /** `sent`: when SES took it, and the id SES gave it. */
    sentAt: z.string().optional(),
    sentMessageId: z.string().optional(),
    /** `failed`, `unknown`: when the desk stopped trying, SES's error code (`failed` only), why in French. */
    failedAt: z.string().optional(),
    sendError: z.string().optional(),
    sendReason: z.string().optional(),
  }),
);
export type SendReport = z.infer<typeof SendReport>;

/** One received mail and what became of it. */
export const IntakeEntry = declared(() =>
  z.object({
    sesMessageId: z.string(),
    messageId: z.string().optional(),
    envelopeFrom: z.string(),
    from: z.string().optional(),
    fromName: z.string().optional(),
    /** The desk address the mail was sent to. */
    recipient: z.string(),
    subject: z.string(),
    receivedAt: z.string(),
    outcome: Outcome,
    /** Why, in French, for the staff reading the log. */
    detail: z.string(),
    /** The ticket the mail opened or was added to; set by the ticket step for new tickets. */
    ticketNumber: z.string().optional(),
    /**
     * A follow-up held back over the daily cap: the ticket it continues. Its text is not on the
     * ticket; staff accepting the mail add it there.
     */
    followUpOf: z.string().optional(),
    /** The directory entry that matched the sender, if any. */
    directoryEntryId: z.string().optional(),
    /** The automatic reply sent, if any. */
    reply: z.enum(['no_keyword', 'not_director', 'quota_notice']).optional(),
    rawMail: RawMailLocation,
    /** A held mail (rate limited, not a director) that staff accepted into a ticket: who and when. */
    acceptedBy: z.string().optional(),
    acceptedAt: z.string().optional(),
    /**
     * The way in: `portal` for a request the académie's portal sent (`POST /api/portal/requests`);
     * absent on a mail (`mail`), so that entries written before the portal read the same.
     */
    channel: z.enum(['mail', 'portal']).optional(),
  }),
);
export type IntakeEntry = z.infer<typeof IntakeEntry>;

/** The ways a request comes in: by mail, or from the académie's portal. */
export type IntakeChannel = NonNullable<IntakeEntry['channel']>;

/** The way an entry came in (`mail` when unsaid). */
export function channelOf(entry: Pick<IntakeEntry, 'channel'>): IntakeChannel {
  return entry.channel ?? 'mail';
}

export const TicketStatus = declared(() => z.enum(['nouveau', 'en_cours', 'en_attente', 'resolu', 'clos']));
export type TicketStatus = z.infer<typeof TicketStatus>;

/** The statuses of a ticket still being worked on (not `clos`). */
export const OPEN_STATUSES = [
  'nouveau',
  'en_cours',
  'en_attente',
  'resolu',
] as const satisfies readonly TicketStatus[];
export type OpenStatus = (typeof OPEN_STATUSES)[number];

export const Ticket = declared(() =>
  z.object({
    number: z.string(),
    status: TicketStatus,
    subject: z.string(),
    requester: z.object({ email: z.string(), name: z.string(), entryId: z.string().optional() }),
    schools: z.array(School),
    /** Addresses that may add to the ticket by mail. */
    participants: z.array(z.string()),
    /** The mail that opened the ticket. */
    openedBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    messageCount: z.number().int(),
    /** The agent in charge (lower-case email); absent when nobody is. */
    assignee: z.string().optional(),
    /** When staff first replied; absent while the director still waits for a first answer. */
    answeredAt: z.string().optional(),
    /** When staff last replied. */
    lastReplyAt: z.string().optional(),
    /** When it was closed; absent unless its status is `clos`. Closed tickets are purged after the retention period. */
    closedAt: z.string().optional(),
    /** The broadcast (« Information globale ») whose mail the opening mail answered. */
    broadcastId: z.string().optional(),
    /** The ticket this one was merged into (its conversation now lives there); absent otherwise. */
    mergedInto: z.string().optional(),
  }),
);
export type Ticket = z.infer<typeof Ticket>;

/** A mail of a ticket's conversation: received from the director, or sent by the desk. */
export const TicketMessage = declared(() =>
  z.object({
    id: z.string(),
    ticketNumber: z.string(),
    direction: z.enum(['in', 'out']),
    at: z.string(),
    from: z.string(),
    fromName: z.string().optional(),
    to: z.string().optional(),
    subject: z.string(),
    text: z.string(),
    attachments: z.array(AttachmentInfo),
    /** Incoming: where the raw mail is, and its ids. */
    rawMail: z.optional(RawMailLocation),
    sesMessageId: z.string().optional(),
    messageId: z.string().optional(),
    /** Outgoing: why it was sent and how far it got (`SendReport`). */
    purpose: z.string().optional(),
    ...SendReport.shape,
    outboxId: z.string().optional(),
    /** Outgoing staff reply: the agent who wrote it (email) and the name it was signed with. */
    author: z.string().optional(),
    authorName: z.string().optional(),
  }),
);
export type TicketMessage = z.infer<typeof TicketMessage>;

/** An internal note on a ticket: staff only, never mailed. */
export const TicketNote = declared(() =>
  z.object({
    id: z.string(),
    ticketNumber: z.string(),
    at: z.string(),
    /** The agent who wrote it (email). */
    author: z.string(),
    text: z.string(),
  }),
);
export type TicketNote = z.infer<typeof TicketNote>;

/** What staff (or the desk) did to a ticket; the codes are a public contract of the API. */
export const TicketAction = declared(() =>
  z.enum([
    'opened',
    'accepted',
    'reply',
    'status',
    'assign',
    'note',
    'merge',
    'auto_close',
    /** A raw mail or an attachment downloaded (`to`: the file's name, `itemId`: its message). */
    'download',
  ]),
);
export type TicketAction = z.infer<typeof TicketAction>;

/** One line of a ticket's history: who did what, when, from which value to which. */
export const TicketHistoryEntry = declared(() =>
  z.object({
    id: z.string(),
    ticketNumber: z.string(),
    at: z.string(),
    /** Email of the agent, or of the sender for `opened`. */
    actor: z.string(),
    action: TicketAction,
    /** The value before and after (a status, an assignee); null for "none". */
    from: z.string().nullable().optional(),
    to: z.string().nullable().optional(),
    /** The message or note the action wrote, if any. */
    itemId: z.string().optional(),
  }),
);
export type TicketHistoryEntry = z.infer<typeof TicketHistoryEntry>;
