/**
 * The adapters the merge routes' steps are given, wired once per container for `api`.
 *
 * `shared/wiring/` is the composition root: only the entry files of `functions/` (and the local
 * stack) import it.
 */

import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MergeDeps } from '#shared/api/merge-api.ts';
import type { DeskConfig } from '#shared/config.ts';

/** The clients the adapters talk through. */
export type MergeClients = { dynamodb: DynamoDBDocumentClient; sqs: SQSClient };

/** What the merge routes are given. */
export function mergeDeps(_config: DeskConfig, _clients: MergeClients): MergeDeps {
  return {};
}
