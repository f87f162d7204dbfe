/**
 * Notifications to staff (issue 14): which events mail whom, and the words of those mails.
 *
 * A notification goes to a staff member's own address, never to a director: it says which
 * ticket needs them (subject, school, who asked) and links to its page, but carries none of the
 * director's text, since staff mailboxes are not where a director's words should be kept. It is a
 * generated mail (`Auto-Submitted: auto-generated`) recorded apart from the ticket's conversation,
 * and sent through the outbox and the mailer's at-most-once claim like every mail of the desk.
 */

import { normalizeAddress } from './address.ts';
import { type OutboxMessage, outgoingMail } from './messages.ts';
import type { Ticket } from './records.ts';
import * as z from './zod.ts';

/** The kinds of notification an agent may turn on or off. */
export const NotificationKind = z.enum(['assigned', 'follow_up']);
export type NotificationKind = z.infer<typeof NotificationKind>;

/** An agent's choice: each kind on (`true`) or off. */
export const NotificationPrefs = z.object({ assigned: z.boolean(), follow_up: z.boolean() });
export type NotificationPrefs = z.infer<typeof NotificationPrefs>;

/** What an agent who never chose gets: everything, since being told is the point. */
export const DEFAULT_NOTIFICATION_PREFS: NotificationPrefs = Object.freeze({
  assigned: true,
  follow_up: true,
});

/** The labels « Mon compte » shows for each kind. */
export const NOTIFICATION_LABELS: Record<NotificationKind, string> = {
  assigned: 'Quand un ticket m’est attribué par quelqu’un d’autre',
  follow_up: 'Quand le directeur ou la directrice relance un ticket qui m’est attribué',
};

/** What a notification mail is made of: the ticket, its page, who sends, and why. */
export type NoticeInput = {
  kind: NotificationKind;
  ticket: Pick<Ticket, 'number' | 'subject' | 'schools' | 'requester' | 'participants' | 'assignee'>;
  /** The staff member to tell. */
  to: string;
  /** Unique per event, so that a redelivered event records and sends the same mail once. */
  eventId: string;
  /** The console's public origin (`PUBLIC_BASE_URL`): the link is `<origin>/tickets/<number>`. */
  publicBaseUrl: string;
  /** The desk address the mail comes from, and the desk's name. */
  from: string;
  fromName: string;
  /** For an assignment: the agent who assigned it. */
  by?: string | undefined;
};

/** The console page of a ticket, as linked in notifications. */
export function ticketLink(publicBaseUrl: string, number: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/tickets/${encodeURIComponent(number)}`;
}

/**
 * Whether `address` belongs to the ticket's director side (the requester or a participant, who
 * may write to the ticket by mail): such an address never gets a notification, whatever the
 * assignee field says, since directors and staff share the academic domain.
 */
export function isDirectorSide(ticket: Pick<Ticket, 'requester' | 'participants'>, address: string): boolean {
  const wanted = normalizeAddress(address);
  return [ticket.requester.email, ...ticket.participants].some((other) => normalizeAddress(other) === wanted);
}

/**
 * Who an event notifies, if anyone: the ticket's agent (for a follow-up) or the new assignee
 * (for an assignment), when they want this kind, did not do it themselves, and are not on the
 * director's side of the ticket.
 */
export function noticeRecipient(input: {
  kind: NotificationKind;
  ticket: Pick<Ticket, 'requester' | 'participants' | 'assignee'>;
  /** Who caused the event: the agent assigning, or the director writing. */
  actor: string;
  prefs: NotificationPrefs;
}): string | undefined {
  const to = input.ticket.assignee;
  if (!to) return undefined;
  if (normalizeAddress(to) === normalizeAddress(input.actor)) return undefined;
  if (isDirectorSide(input.ticket, to)) return undefined;
  return input.prefs[input.kind] ? to : undefined;
}

function schoolLine(ticket: NoticeInput['ticket']): string {
  const schools = ticket.schools.map((school) => `${school.name} (${school.uai}), ${school.commune}`);
  return schools.length === 0 ? 'École : non renseignée' : `École : ${schools.join(' ; ')}`;
}

/**
 * The notification mail for an event, in French: subject, school and who asked, the link, and
 * nothing of the director's text. Its record is its own (`on: 'notification'`), keyed by the
 * event, so it never shows in the director's conversation.
 * @throws DirectorRecipientError when `to` is on the director's side of the ticket (a bug of the caller)
 */
export function notificationMail(input: NoticeInput): OutboxMessage {
  const { ticket, kind } = input;
  if (isDirectorSide(ticket, input.to)) throw new DirectorRecipientError(ticket.number);
  const link = ticketLink(input.publicBaseUrl, ticket.number);
  const who = `Demandeur : ${ticket.requester.name || ticket.requester.email}`;
  const [subject, opening] =
    kind === 'assigned'
      ? [
          `[Assistance LSUN] Ticket ${ticket.number} attribué`,
          `Le ticket ${ticket.number} vous a été attribué${input.by ? ` par ${input.by}` : ''}.`,
        ]
      : [
          `[Assistance LSUN] Relance sur le ticket ${ticket.number}`,
          `Une relance est arrivée sur le ticket ${ticket.number}, qui vous est attribué.`,
        ];
  const text = [
    'Bonjour,',
    '',
    opening,
    '',
    `Objet : ${ticket.subject}`,
    schoolLine(ticket),
    who,
    '',
    `Voir le ticket : ${link}`,
    '',
    '--',
    'Message automatique du guichet Assistance LSUN : ne pas y répondre.',
    'Pour ne plus recevoir ces messages : « Mon compte » dans la console.',
  ].join('\n');
  return outgoingMail({
    outboxId: `notify.${kind}.${input.eventId}`,
    record: { on: 'notification', id: `${kind}.${input.eventId}` },
    purpose: kind === 'assigned' ? 'notify_assigned' : 'notify_follow_up',
    ticketNumber: ticket.number,
    from: input.from,
    fromName: input.fromName,
    to: input.to,
    subject,
    text,
    // No thread id: a staff member's answer to this mail must not land in the director's ticket.
    references: [],
  });
}

/** A notification was about to go to a director: refused, whatever the caller meant. */
export class DirectorRecipientError extends Error {
  override name = 'DirectorRecipientError';
  constructor(ticketNumber: string) {
    super(`Notification of ticket ${ticketNumber} refused: its recipient is on the director's side`);
  }
}

/** An agent's notification choices, kept per staff address. */
export type NotificationPrefsStore = {
  /** The agent's choice, or undefined when they never made one. */
  readPrefs(email: string): Promise<NotificationPrefs | undefined>;
  writePrefs(email: string, prefs: NotificationPrefs, now: string): Promise<void>;
};

/** The send claims of notifications: each recorded `queued` before the mailer may claim it. */
export type NotificationRecords = {
  /**
   * Records a notification as `queued`, once: a record already there (the same event delivered
   * again) is kept as it is, so a mail already sent is not sent again. `expiresAt` in epoch seconds.
   */
  recordNotification(mail: OutboxMessage, now: string, expiresAt: number): Promise<void>;
};
