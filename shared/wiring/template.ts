/**
 * The adapters the template routes' steps are given, wired once per container for `api`.
 *
 * `shared/wiring/` is the composition root: only the entry files of `functions/` (and the local
 * stack) import it.
 */

import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TemplateDeps } from '#shared/api/template-api.ts';
import type { DeskConfig } from '#shared/config.ts';

/** The clients the adapters talk through. */
export type TemplateClients = { dynamodb: DynamoDBDocumentClient; sqs: SQSClient };

/** What the template routes are given. */
export function templateDeps(_config: DeskConfig, _clients: TemplateClients): TemplateDeps {
  return {};
}
