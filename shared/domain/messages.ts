/**
 * The messages that travel on the pipeline's queues: one zod schema per queue, shared by the
 * producer (which parses before sending, so a bug fails at the source) and the consumer.
 */
import { type DirectoryMatch, School } from './directory.ts';
import { AttachmentInfo, type InboundMail, RawMailLocation, ReceiptVerdicts } from './mail.ts';
import type { TicketMessage } from './records.ts';
import * as z from './zod.ts';

/**
 * Builds a schema where it is declared, and says so to the bundler (`@__NO_SIDE_EFFECTS__`): a
 * function that never reads a queue's schema leaves its construction out of its bundle. Each
 * function reads one or two queues' messages; building all of them cost `receive` about 8 ms of
 * its cold import (zod builds a schema, and a copy at each `.min()`, at import).
 */
/* @__NO_SIDE_EFFECTS__ */
function declared<T>(build: () => T): T {
  return build();
}

/** `receive` → `screen`: a mail SES accepted and stored. */
export const IntakeMessage = declared(() =>
  z.object({
    type: z.literal('mail.received'),
    sesMessageId: z.string().check(z.minLength(1)),
    receivedAt: z.iso.datetime(),
    envelopeFrom: z.string(),
    recipients: z.array(z.string()).check(z.minLength(1)),
    verdicts: ReceiptVerdicts,
    rawMail: RawMailLocation,
  }),
);
export type IntakeMessage = z.infer<typeof IntakeMessage>;

/** What the receipt of a mail tells, before the desk says where its raw MIME is. */
export type ReceivedMail = Omit<IntakeMessage, 'type' | 'rawMail'>;

/** What `ticket` needs of the incoming mail to record it as a message of a ticket. */
export const IncomingMessage = declared(() =>
  z.object({
    sesMessageId: z.string().check(z.minLength(1)),
    receivedAt: z.iso.datetime(),
    from: z.string(),
    fromName: z.string(),
    subject: z.string(),
    messageId: z.optional(z.string()),
    text: z.string(),
    attachments: z.array(AttachmentInfo),
    rawMail: RawMailLocation,
    /** The broadcast whose mail this one answers (its `In-Reply-To`), when it opens a ticket. */
    broadcastId: z.optional(z.string()),
  }),
);
export type IncomingMessage = z.infer<typeof IncomingMessage>;

/**
 * Who a ticket is for: the directory entry that matched, or (when staff accept a mail from
 * someone the directory does not know) just the sender, with no school.
 */
export const Requester = declared(() =>
  z.object({
    /** `sender`: not in the directory, accepted by staff. */
    kind: z.enum(['director', 'school_mailbox', 'sender']),
    email: z.string(),
    name: z.string(),
    entryId: z.optional(z.string()),
    civility: z.optional(z.string()),
    firstName: z.optional(z.string()),
    lastName: z.optional(z.string()),
    schools: z.array(School),
  }),
);
export type Requester = z.infer<typeof Requester>;

/** The incoming message of a ticket, from what was read of the mail. */
export function incomingMessage(
  mail: Pick<
    InboundMail,
    'sesMessageId' | 'receivedAt' | 'from' | 'subject' | 'messageId' | 'text' | 'attachments' | 'rawMail'
  >,
): IncomingMessage {
  return {
    sesMessageId: mail.sesMessageId,
    receivedAt: mail.receivedAt,
    from: mail.from?.address ?? '',
    fromName: mail.from?.name ?? '',
    subject: mail.subject,
    messageId: mail.messageId,
    text: mail.text,
    attachments: mail.attachments,
    rawMail: mail.rawMail,
  };
}

/** `screen` → `ticket`: open a ticket, or add a follow-up to one. */
export const TicketCommand = declared(() =>
  z.discriminatedUnion('type', [
    z.object({
      type: z.literal('ticket.open'),
      /** The desk address the director wrote to: the acknowledgment comes from it. */
      deskAddress: z.string(),
      requester: Requester,
      message: IncomingMessage,
    }),
    z.object({
      type: z.literal('ticket.follow_up'),
      ticketNumber: z.string(),
      message: IncomingMessage,
    }),
  ]),
);
export type TicketCommand = z.infer<typeof TicketCommand>;

/**
 * Where a mail we send is recorded, so that the mailer can claim it: as a message of its ticket
 * (at `at`, under the mail's `outboxId`), or beside the intake entry of the mail it answers. The
 * store turns this into its keys.
 */
export const OutboundRecord = declared(() =>
  z.discriminatedUnion('on', [
    z.object({ on: z.literal('ticket'), ticketNumber: z.string(), at: z.string() }),
    z.object({ on: z.literal('intake'), sesMessageId: z.string() }),
    /** A notification to a staff member: a record of its own, never in the director's conversation. */
    z.object({ on: z.literal('notification'), id: z.string() }),
  ]),
);
export type OutboundRecord = z.infer<typeof OutboundRecord>;

/** Why we send a mail (for logs, SES tags and the console). */
export const OutboxPurpose = declared(() =>
  z.enum([
    'acknowledgment',
    'no_keyword',
    'not_director',
    'quota_notice',
    'staff_reply',
    /** Notifications to staff (`shared/domain/notifications.ts`): generated, not answers. */
    'notify_assigned',
    'notify_follow_up',
    'auto_close_notice',
  ]),
);
export type OutboxPurpose = z.infer<typeof OutboxPurpose>;

/** `screen`/`ticket`/`api` → `mailer`: send one mail, exactly once. */
export const OutboxMessage = declared(() =>
  z.object({
    type: z.literal('mail.send'),
    /** Unique id of this outgoing mail; also set as a header so that it is recognised if it comes back. */
    outboxId: z.string().check(z.minLength(1)),
    record: OutboundRecord,
    purpose: OutboxPurpose,
    ticketNumber: z.optional(z.string()),
    from: z.string(),
    fromName: z.string(),
    to: z.string(),
    subject: z.string(),
    text: z.string(),
    inReplyTo: z.optional(z.string()),
    references: z.array(z.string()),
    /** RFC 3834: automatic answers say so, so that other robots do not answer them. */
    autoSubmitted: z.boolean(),
  }),
);
export type OutboxMessage = z.infer<typeof OutboxMessage>;

/**
 * A mail the desk sends. Every mail but a staff reply is an automatic answer and says so
 * (RFC 3834 `Auto-Submitted`), so that other robots do not answer it.
 */
export function outgoingMail(mail: Omit<OutboxMessage, 'type' | 'autoSubmitted'>): OutboxMessage {
  return { type: 'mail.send', ...mail, autoSubmitted: mail.purpose !== 'staff_reply' };
}

/**
 * The `Auto-Submitted` value of a mail we send (RFC 3834), undefined for a person's reply: a
 * notification to staff is generated by an event (`auto-generated`), every other automatic mail
 * answers one (`auto-replied`).
 */
export function autoSubmittedValue(mail: OutboxMessage): 'auto-generated' | 'auto-replied' | undefined {
  if (!mail.autoSubmitted) return undefined;
  return mail.purpose.startsWith('notify_') ? 'auto-generated' : 'auto-replied';
}

/**
 * How a mail we send appears in its ticket's conversation, queued until the mailer sends it;
 * a staff reply also names the agent who wrote it and the name it was signed with.
 */
export function sentMessage(
  mail: OutboxMessage,
  at: string,
  author?: { email: string; name: string },
): TicketMessage {
  return {
    id: mail.outboxId,
    ticketNumber: mail.ticketNumber ?? '',
    direction: 'out',
    at,
    from: mail.from,
    fromName: mail.fromName,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    attachments: [],
    purpose: mail.purpose,
    status: 'queued',
    outboxId: mail.outboxId,
    ...(author ? { author: author.email, authorName: author.name } : {}),
  };
}

/** The requester of a ticket, from the directory entry that matched the sender. */
export function requesterOf(match: DirectoryMatch, fromName: string): Requester {
  const name = [match.firstName, match.lastName].filter(Boolean).join(' ');
  return {
    kind: match.kind,
    email: match.email,
    name: name || fromName,
    entryId: match.entryId,
    civility: match.civility,
    firstName: match.firstName,
    lastName: match.lastName,
    schools: match.schools,
  };
}

// ---------------------------------------------------------------------------------------------
// Broadcasts

/**
 * `broadcast-plan`/`api` → `broadcast-send`: send one chunk (at most 50 recipients, SES's bulk
 * limit) of a broadcast. Delivered several times, it still mails each recipient at most once:
 * the consumer claims each recipient before sending.
 */
export const BroadcastChunk = declared(() =>
  z.object({
    type: z.literal('broadcast.chunk'),
    broadcastId: z.string().check(z.minLength(1)),
    /** The chunk's rank in the broadcast (for logs); a retry or a throttled chunk keeps it. */
    chunk: z.number().check(z.int(), z.nonnegative()),
    directorIds: z.array(z.string().check(z.minLength(1))).check(z.minLength(1), z.maxLength(50)),
    /** How many times this chunk was deferred for throttling (absent: never). */
    attempt: z.optional(z.number().check(z.int(), z.nonnegative())),
  }),
);
export type BroadcastChunk = z.infer<typeof BroadcastChunk>;

/**
 * What the desk keeps of an SES event (the configuration set's event publishing): which mail,
 * what happened to it. `other` covers the event types the desk does not act on (Send, Open...).
 */
export const SesMailEvent = declared(() =>
  z.object({
    kind: z.enum(['delivery', 'bounce', 'complaint', 'other']),
    /** SES's id of the mail the event is about (the one `SendBulkEmail` returned). */
    sesMessageId: z.string().check(z.minLength(1)),
    at: z.string(),
    /** The mail's tags (`broadcast`, `purpose`...), each with its values. */
    tags: z.record(z.string(), z.array(z.string())),
    /** For a bounce: `Permanent` (hard: the address does not work), `Transient`, `Undetermined`. */
    bounceType: z.optional(z.string()),
    /** For a bounce or a complaint: SES's sub type or feedback type, for the console. */
    detail: z.optional(z.string()),
  }),
);
export type SesMailEvent = z.infer<typeof SesMailEvent>;

const SesEventMail = declared(() =>
  z.looseObject({
    messageId: z.string().check(z.minLength(1)),
    timestamp: z.optional(z.string()),
    tags: z.catch(z.optional(z.record(z.string(), z.array(z.string()))), undefined),
  }),
);

/** The fields of an SES event the desk reads (`SesEventBody`). */
const SesEventFields = declared(() =>
  z.looseObject({
    eventType: z.optional(z.string()),
    notificationType: z.optional(z.string()),
    mail: SesEventMail,
    bounce: z.optional(
      z.looseObject({
        bounceType: z.optional(z.string()),
        bounceSubType: z.optional(z.string()),
        timestamp: z.optional(z.string()),
      }),
    ),
    complaint: z.optional(
      z.looseObject({ complaintFeedbackType: z.optional(z.string()), timestamp: z.optional(z.string()) }),
    ),
    delivery: z.optional(z.looseObject({ timestamp: z.optional(z.string()) })),
  }),
);

/**
 * An SES event as SES publishes it (`eventType`, or `notificationType` for identity
 * notifications), tolerant of every field the desk does not need. Only `mail.messageId` is
 * required: without it the event cannot be matched to anything.
 */
const SesEventBody = declared(() =>
  z.pipe(
    SesEventFields,
    z.transform((event: z.output<typeof SesEventFields>): SesMailEvent => {
      const type = (event.eventType ?? event.notificationType ?? '').toLowerCase();
      const kind = type === 'delivery' || type === 'bounce' || type === 'complaint' ? type : 'other';
      const at =
        event.bounce?.timestamp ??
        event.complaint?.timestamp ??
        event.delivery?.timestamp ??
        event.mail.timestamp ??
        '';
      const detail =
        kind === 'bounce'
          ? event.bounce?.bounceSubType
          : kind === 'complaint'
            ? event.complaint?.complaintFeedbackType
            : undefined;
      return {
        kind,
        sesMessageId: event.mail.messageId,
        at,
        tags: event.mail.tags ?? {},
        ...(kind === 'bounce' && event.bounce?.bounceType ? { bounceType: event.bounce.bounceType } : {}),
        ...(detail ? { detail } : {}),
      };
    }),
  ),
);

/**
 * A record of the SES events queue: the SES event itself (SNS raw message delivery, or
 * EventBridge's `detail`), or wrapped in SNS's notification envelope (`Message` holds the event
 * as JSON text). Unwrapped here, so the consumer sees one shape.
 */
export const SesEventRecord = declared(() =>
  // zod/mini has no `preprocess`: classic's is this pipe from a transform into the schema.
  z.pipe(
    z.transform((value: unknown) => {
      if (typeof value !== 'object' || value === null) return value;
      const record = value as Record<string, unknown>;
      if (typeof record.Message === 'string') {
        try {
          return JSON.parse(record.Message);
        } catch {
          return value;
        }
      }
      if (typeof record.detail === 'object' && record.detail !== null && 'mail' in record.detail)
        return record.detail;
      return value;
    }),
    SesEventBody,
  ),
);
export type SesEventRecord = z.output<typeof SesEventRecord>;

/**
 * `api` → `kb-export`: what directors may read changed (a publication, an edit of a published
 * article, an archive, a change of visibility): regenerate the public knowledge base. The page of
 * `articleId` is rewritten, or removed when the article is no longer public; without it (a full
 * export), every page is. The index, the feeds and the home page are rewritten every time.
 */
export const KbExportRequest = declared(() =>
  z.object({
    type: z.literal('kb.export'),
    articleId: z.optional(z.string()),
    /** When the change was made, for the logs. */
    at: z.string(),
  }),
);
export type KbExportRequest = z.infer<typeof KbExportRequest>;
