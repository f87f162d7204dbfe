/**
 * The adapters the merge routes' steps are given, wired once per container for `api`.
 *
 * `shared/wiring/` is the composition root: only the entry files of `functions/` (and the local
 * stack) import it.
 */

import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeTicketMergeStore } from '#shared/adapters/ticket-merge-store.ts';
import { makeTicketRetention } from '#shared/adapters/ticket-retention.ts';
import { makeTicketStore } from '#shared/adapters/ticket-store.ts';
import type { MergeDeps } from '#shared/api/merge-api.ts';
import { type DeskConfig, retentionOf } from '#shared/config.ts';

/** The clients the adapters talk through. */
export type MergeClients = { dynamodb: DynamoDBDocumentClient; sqs: SQSClient };

/** What the merge routes are given: the ticket store, the merge store, retention, a clock and ids. */
export function mergeDeps(config: DeskConfig, clients: MergeClients): MergeDeps {
  const table = { client: clients.dynamodb, tableName: config.tableName };
  return {
    ticketStore: makeTicketStore(table),
    merges: makeTicketMergeStore(table),
    ticketRetention: makeTicketRetention(table),
    retentionDays: retentionOf(config).ticketDays,
    now: () => new Date(),
    newId: () => randomUUID(),
  };
}
