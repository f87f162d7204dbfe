/**
 * The adapters the notification routes' steps are given, wired once per container for `api`,
 * and the notifier the staff actions (assignment) and the ticket step (follow-ups) call.
 *
 * `shared/wiring/` is the composition root: only the entry files of `functions/` (and the local
 * stack) import it.
 */

import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeNotificationStore } from '#shared/adapters/notification-prefs-store.ts';
import { makeQueue } from '#shared/adapters/queue.ts';
import { makeTicketStore } from '#shared/adapters/ticket-store.ts';
import type { NotificationDeps } from '#shared/api/notification-api.ts';
import { type DeskConfig, retentionOf } from '#shared/config.ts';
import { OutboxMessage } from '#shared/domain/messages.ts';
import type { FollowUpNotifierDeps, NotifierDeps } from '#shared/steps/notifications.ts';

/** The clients the adapters talk through. */
export type NotificationClients = { dynamodb: DynamoDBDocumentClient; sqs: SQSClient };

/** What the notification routes are given. */
export function notificationDeps(config: DeskConfig, clients: NotificationClients): NotificationDeps {
  return {
    prefs: makeNotificationStore({ client: clients.dynamodb, tableName: config.tableName }),
    now: () => new Date(),
  };
}

/**
 * What sends notifications, or undefined when the desk has no public address (`PUBLIC_BASE_URL`):
 * a notification without its ticket's link would be of no use, so none is sent. They come from
 * the desk's first address.
 */
export function notifierDeps(config: DeskConfig, clients: NotificationClients): NotifierDeps | undefined {
  const publicBaseUrl = config.kb?.publicBaseUrl;
  const from = config.deskAddresses[0];
  if (!publicBaseUrl || !from) return undefined;
  const store = makeNotificationStore({ client: clients.dynamodb, tableName: config.tableName });
  return {
    prefs: store,
    records: store,
    outbox: makeQueue({ client: clients.sqs, queueUrl: config.queues.outbox, schema: OutboxMessage }),
    publicBaseUrl,
    from,
    fromName: config.deskDisplayName,
    retentionDays: retentionOf(config).sentMailDays,
    now: () => new Date(),
  };
}

/** What the ticket step tells agents of follow-ups with: the notifier and the ticket as stored. */
export function followUpNotifierDeps(
  config: DeskConfig,
  clients: NotificationClients,
): FollowUpNotifierDeps | undefined {
  const notifier = notifierDeps(config, clients);
  if (!notifier) return undefined;
  return { ...notifier, tickets: makeTicketStore({ client: clients.dynamodb, tableName: config.tableName }) };
}
