/**
 * The adapters the bulk routes' steps are given, wired once per container for `api`.
 *
 * `shared/wiring/` is the composition root: only the entry files of `functions/` (and the local
 * stack) import it.
 */

import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeTicketRetention } from '#shared/adapters/ticket-retention.ts';
import { makeTicketStore } from '#shared/adapters/ticket-store.ts';
import type { BulkDeps } from '#shared/api/bulk-api.ts';
import { type DeskConfig, retentionOf } from '#shared/config.ts';

/** The clients the adapters talk through. */
export type BulkClients = { dynamodb: DynamoDBDocumentClient; sqs: SQSClient };

/**
 * What the bulk routes are given: the same stores and settings as a ticket's single actions, the
 * notifier included (a ticket assigned in bulk tells its agent as one assigned on its page).
 */
export function bulkDeps(
  config: DeskConfig,
  clients: BulkClients,
  notifier?: BulkDeps['notifier'],
): BulkDeps {
  const table = { client: clients.dynamodb, tableName: config.tableName };
  return {
    ticketStore: makeTicketStore(table),
    ticketRetention: makeTicketRetention(table),
    retentionDays: retentionOf(config).ticketDays,
    now: () => new Date(),
    newId: () => randomUUID(),
    notifier,
  };
}
