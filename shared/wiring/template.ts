/**
 * The adapters the template routes' steps are given, wired once per container for `api`.
 *
 * `shared/wiring/` is the composition root: only the entry files of `functions/` (and the local
 * stack) import it.
 */

import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeDirectoryStore } from '#shared/adapters/directory-store.ts';
import { makeReplyTemplateStore } from '#shared/adapters/reply-template-store.ts';
import { makeTicketStore } from '#shared/adapters/ticket-store.ts';
import type { TemplateDeps } from '#shared/api/template-api.ts';
import type { DeskConfig } from '#shared/config.ts';

/** The clients the adapters talk through. */
export type TemplateClients = { dynamodb: DynamoDBDocumentClient; sqs: SQSClient };

/** What the template routes are given. */
export function templateDeps(config: DeskConfig, clients: TemplateClients): TemplateDeps {
  const table = { client: clients.dynamodb, tableName: config.tableName };
  return {
    store: makeReplyTemplateStore(table),
    tickets: makeTicketStore(table),
    directory: makeDirectoryStore({ ...table, academicDomain: config.academicDomain }),
    now: () => new Date(),
    newId: () => randomUUID(),
  };
}
