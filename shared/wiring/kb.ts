/**
 * The knowledge base's adapters, wired once per container for the functions that run its steps
 * (`api`, `kb-export`) and for the local stack's seeding: the one place that says which store,
 * site, queue and index the steps of `shared/steps/kb/` are given.
 *
 * `shared/wiring/` is the composition root: only the entry files of `functions/` (and the local
 * stack) import it.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeArticleStore } from '#shared/adapters/article-store.ts';
import type { S3ObjectReader } from '#shared/adapters/clients/s3-object-reader.ts';
import { makeDirectoryStore } from '#shared/adapters/directory-store.ts';
import { makePublicIndexReader } from '#shared/adapters/kb-index.ts';
import { makeKbSite } from '#shared/adapters/kb-site.ts';
import { makeQueue } from '#shared/adapters/queue.ts';
import { makeTicketStore } from '#shared/adapters/ticket-store.ts';
import { type DeskConfig, requiredKb, requiredQueue, retentionOf } from '#shared/config.ts';
import { KbExportRequest } from '#shared/domain/messages.ts';
import type { KbDeps, KbExportDeps } from '#shared/steps/kb/deps.ts';

/**
 * The clients the knowledge base's steps talk through: S3 only to read the public index, through
 * the object-reading port (the api reads it without the S3 client).
 */
export type KbClients = { dynamodb: DynamoDBDocumentClient; sqs: SQSClient; objects: S3ObjectReader };

/**
 * What the API's knowledge base steps are given. `directory` and `tickets` may be passed when the
 * function already has those stores (the API), so they read through one cache.
 * @throws ConfigError when the bucket, the public address or the export queue is not configured
 */
export function kbDeps(
  config: DeskConfig,
  clients: KbClients,
  shared: Partial<Pick<KbDeps, 'directory' | 'tickets'>> = {},
): KbDeps {
  const { bucket, publicBaseUrl } = requiredKb(config);
  const table = { client: clients.dynamodb, tableName: config.tableName };
  return {
    store: makeArticleStore({ ...table, draftRetentionDays: retentionOf(config).articleDraftDays }),
    exports: makeQueue({
      client: clients.sqs,
      queueUrl: requiredQueue(config, 'kbExport'),
      schema: KbExportRequest,
    }),
    tickets: shared.tickets ?? makeTicketStore(table),
    directory: shared.directory ?? makeDirectoryStore({ ...table, academicDomain: config.academicDomain }),
    publicIndex: makePublicIndexReader({ objects: clients.objects, bucket }),
    publicBaseUrl,
    now: () => new Date(),
  };
}

/**
 * What the export step is given.
 * @throws ConfigError when the bucket or the public address is not configured
 */
export function kbExportDeps(
  config: DeskConfig,
  clients: { dynamodb: DynamoDBDocumentClient; s3: S3Client },
): KbExportDeps {
  const { bucket, publicBaseUrl } = requiredKb(config);
  return {
    store: makeArticleStore({ client: clients.dynamodb, tableName: config.tableName }),
    site: makeKbSite({ client: clients.s3, bucket }),
    publicBaseUrl,
    deskDisplayName: config.deskDisplayName,
    deskAddress: config.deskAddresses[0] ?? '',
    subjectKeyword: config.subjectKeyword,
    now: () => new Date(),
  };
}
