/**
 * The adapters the notification routes' steps are given, wired once per container for `api`.
 *
 * `shared/wiring/` is the composition root: only the entry files of `functions/` (and the local
 * stack) import it.
 */

import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NotificationDeps } from '#shared/api/notification-api.ts';
import type { DeskConfig } from '#shared/config.ts';

/** The clients the adapters talk through. */
export type NotificationClients = { dynamodb: DynamoDBDocumentClient; sqs: SQSClient };

/** What the notification routes are given. */
export function notificationDeps(_config: DeskConfig, _clients: NotificationClients): NotificationDeps {
  return {};
}
