/**
 * The adapters the bulk routes' steps are given, wired once per container for `api`.
 *
 * `shared/wiring/` is the composition root: only the entry files of `functions/` (and the local
 * stack) import it.
 */

import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BulkDeps } from '#shared/api/bulk-api.ts';
import type { DeskConfig } from '#shared/config.ts';

/** The clients the adapters talk through. */
export type BulkClients = { dynamodb: DynamoDBDocumentClient; sqs: SQSClient };

/** What the bulk routes are given. */
export function bulkDeps(_config: DeskConfig, _clients: BulkClients): BulkDeps {
  return {};
}
