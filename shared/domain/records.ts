/**
 * The desk's records as the API shows them: the intake log, tickets and their messages.
 * One schema per entity, shared by the stores (what they write) and the API (what it returns).
 */
import { School } from './directory.ts';
import { AttachmentInfo, RawMailLocation } from './mail.ts';
import { Outcome } from './outcome.ts';
import * as z from './zod.ts';

/**
 * Builds a schema where it is declared, and says so to the bundler (`@__NO_SIDE_EFFECTS__`): a
 * function that never reads one of these schemas leaves its construction out of its bundle (the
 * mailer reads only `SendStatus`).
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
export const SendStatus = declared(() => z.enum(['queued', 'sending', 'sent', 'failed', 'unknown']));
export type SendStatus = z.infer<typeof SendStatus>;

/** What an outgoing mail's record says of its sending, as the console shows it. */
export const SendReport = declared(() =>
  z.object({
    status: z.optional(SendStatus),
    /** `sent`: when SES took it, and the id SES gave it. */
    sentAt: z.optional(z.string()),
    sentMessageId: z.optional(z.string()),
    /** `failed`, `unknown`: when the desk stopped trying, SES's error code (`failed` only), why in French. */
    failedAt: z.optional(z.string()),
    sendError: z.optional(z.string()),
    sendReason: z.optional(z.string()),
  }),
);
export type SendReport = z.infer<typeof SendReport>;

/** One received mail and what became of it. */
export const IntakeEntry = declared(() =>
  z.object({
    sesMessageId: z.string(),
    messageId: z.optional(z.string()),
    envelopeFrom: z.string(),
    from: z.optional(z.string()),
    fromName: z.optional(z.string()),
    /** The desk address the mail was sent to. */
    recipient: z.string(),
    subject: z.string(),
    receivedAt: z.string(),
    outcome: Outcome,
    /** Why, in French, for the staff reading the log. */
    detail: z.string(),
    /** The ticket the mail opened or was added to; set by the ticket step for new tickets. */
    ticketNumber: z.optional(z.string()),
    /**
     * A follow-up held back over the daily cap: the ticket it continues. Its text is not on the
     * ticket; staff accepting the mail add it there.
     */
    followUpOf: z.optional(z.string()),
    /** The directory entry that matched the sender, if any. */
    directoryEntryId: z.optional(z.string()),
    /** The automatic reply sent, if any. */
    reply: z.optional(z.enum(['no_keyword', 'not_director', 'quota_notice'])),
    rawMail: RawMailLocation,
    /** A held mail (rate limited, not a director) that staff accepted into a ticket: who and when. */
    acceptedBy: z.optional(z.string()),
    acceptedAt: z.optional(z.string()),
    /**
     * The way in: `portal` for a request the académie's portal sent (`POST /api/portal/requests`);
     * absent on a mail (`mail`), so that entries written before the portal read the same.
     */
    channel: z.optional(z.enum(['mail', 'portal'])),
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
    requester: z.object({ email: z.string(), name: z.string(), entryId: z.optional(z.string()) }),
    schools: z.array(School),
    /** Addresses that may add to the ticket by mail. */
    participants: z.array(z.string()),
    /** The mail that opened the ticket. */
    openedBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    messageCount: z.number().check(z.int()),
    /** The agent in charge (lower-case email); absent when nobody is. */
    assignee: z.optional(z.string()),
    /** When staff first replied; absent while the director still waits for a first answer. */
    answeredAt: z.optional(z.string()),
    /** When staff last replied. */
    lastReplyAt: z.optional(z.string()),
    /** When it was closed; absent unless its status is `clos`. Closed tickets are purged after the retention period. */
    closedAt: z.optional(z.string()),
    /** The broadcast (« Information globale ») whose mail the opening mail answered. */
    broadcastId: z.optional(z.string()),
    /** The ticket this one was merged into (its conversation now lives there); absent otherwise. */
    mergedInto: z.optional(z.string()),
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
    fromName: z.optional(z.string()),
    to: z.optional(z.string()),
    subject: z.string(),
    text: z.string(),
    attachments: z.array(AttachmentInfo),
    /** Incoming: where the raw mail is, and its ids. */
    rawMail: z.optional(RawMailLocation),
    sesMessageId: z.optional(z.string()),
    messageId: z.optional(z.string()),
    /** Outgoing: why it was sent and how far it got (`SendReport`). */
    purpose: z.optional(z.string()),
    ...SendReport.shape,
    outboxId: z.optional(z.string()),
    /** Outgoing staff reply: the agent who wrote it (email) and the name it was signed with. */
    author: z.optional(z.string()),
    authorName: z.optional(z.string()),
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
    from: z.optional(z.nullable(z.string())),
    to: z.optional(z.nullable(z.string())),
    /** The message or note the action wrote, if any. */
    itemId: z.optional(z.string()),
  }),
);
export type TicketHistoryEntry = z.infer<typeof TicketHistoryEntry>;
