/**
 * Notifications to staff: deciding whom an event tells (`shared/domain/notifications.ts`),
 * recording the mail's send claim, then queueing it for the mailer, which sends it at most once.
 * And the agent's own choices (« Mon compte »).
 *
 * Each notification's id comes from its event (the assignment's history line, the follow-up's SES
 * message id): an event handled twice records nothing more and queues the same mail, which the
 * mailer's claim sends once.
 */
import type { QueueProducer } from '#shared/domain/intake-ports.ts';
import type { OutboxMessage } from '#shared/domain/messages.ts';
import {
  DEFAULT_NOTIFICATION_PREFS,
  type NotificationKind,
  type NotificationPrefs,
  type NotificationPrefsStore,
  type NotificationRecords,
  noticeRecipient,
  notificationMail,
} from '#shared/domain/notifications.ts';
import type { Ticket } from '#shared/domain/records.ts';
import { purgeDate } from '#shared/domain/retention.ts';
import type { StoredTicket } from '#shared/domain/ticket-actions.ts';

/** What sending a notification needs. */
export type NotifierDeps = {
  prefs: Pick<NotificationPrefsStore, 'readPrefs'>;
  records: NotificationRecords;
  outbox: Pick<QueueProducer<OutboxMessage>, 'send'>;
  /** The console's public origin, for the ticket's link. */
  publicBaseUrl: string;
  /** The desk address notifications come from, and the desk's name. */
  from: string;
  fromName: string;
  /** Days a notification's record is kept (the desk's retention). */
  retentionDays: number;
  now: () => Date;
};

/** What a follow-up's notification needs besides: the ticket as stored. */
export type FollowUpNotifierDeps = NotifierDeps & {
  tickets: { getTicket(number: string, now: Date): Promise<StoredTicket | undefined> };
};

/** An agent's choices as they stand: the stored ones, or everything on. */
export async function notificationPrefsOf(
  email: string,
  deps: { prefs: Pick<NotificationPrefsStore, 'readPrefs'> },
): Promise<NotificationPrefs> {
  return (await deps.prefs.readPrefs(email)) ?? { ...DEFAULT_NOTIFICATION_PREFS };
}

/** Saves an agent's choices (only their own: the route passes the caller's address). */
export async function saveNotificationPrefs(
  email: string,
  prefs: NotificationPrefs,
  deps: { prefs: NotificationPrefsStore; now: () => Date },
): Promise<NotificationPrefs> {
  await deps.prefs.writePrefs(email, prefs, deps.now().toISOString());
  return prefs;
}

/**
 * Tells the ticket's agent about an event if they want it; returns the mail queued, or undefined
 * when nobody is told.
 */
async function notify(
  input: {
    kind: NotificationKind;
    ticket: Ticket;
    actor: string;
    eventId: string;
    by?: string | undefined;
  },
  deps: NotifierDeps,
): Promise<OutboxMessage | undefined> {
  const { ticket, kind } = input;
  if (!ticket.assignee) return undefined;
  const prefs = await notificationPrefsOf(ticket.assignee, deps);
  const to = noticeRecipient({ kind, ticket, actor: input.actor, prefs });
  if (!to) return undefined;
  const now = deps.now();
  const mail = notificationMail({
    kind,
    ticket,
    to,
    eventId: input.eventId,
    publicBaseUrl: deps.publicBaseUrl,
    from: deps.from,
    fromName: deps.fromName,
    by: input.by,
  });
  await deps.records.recordNotification(mail, now.toISOString(), purgeDate(now, deps.retentionDays));
  await deps.outbox.send(mail);
  return mail;
}

/**
 * A ticket was just assigned (`ticket` as it now stands): its new agent is told, unless they
 * assigned it to themselves or turned this kind off.
 */
export function notifyAssignment(
  input: { ticket: Ticket; actor: { email: string; name: string }; historyId: string },
  deps: NotifierDeps,
): Promise<OutboxMessage | undefined> {
  return notify(
    {
      kind: 'assigned',
      ticket: input.ticket,
      actor: input.actor.email,
      eventId: input.historyId,
      by: input.actor.name || input.actor.email,
    },
    deps,
  );
}

/**
 * A director's follow-up was added to a ticket: its agent, if it has one, is told. Safe to repeat
 * for the same mail (`sesMessageId`).
 */
export async function notifyFollowUp(
  input: { ticketNumber: string; sesMessageId: string; from: string },
  deps: FollowUpNotifierDeps,
): Promise<OutboxMessage | undefined> {
  const stored = await deps.tickets.getTicket(input.ticketNumber, deps.now());
  if (!stored) return undefined;
  return notify(
    { kind: 'follow_up', ticket: stored.ticket, actor: input.from, eventId: input.sesMessageId },
    deps,
  );
}
