/**
 * The broadcasts' adapters, wired once per container for the functions that run their steps
 * (`broadcast-send`, `broadcast-plan`, `api`): the one place that says which store, queue and
 * sender the steps of `shared/steps/broadcast/` are given.
 *
 * `shared/wiring/` is the composition root: it may import adapters and steps; only the entry
 * files of `functions/` (and the local stack) import it.
 */
import { randomUUID } from 'node:crypto';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeBroadcastStore } from '#shared/adapters/broadcast-store.ts';
import { makeBulkSender } from '#shared/adapters/bulk-sender.ts';
import { makeDirectoryReader } from '#shared/adapters/directory-reader.ts';
import { makeQueue } from '#shared/adapters/queue.ts';
import { type DeskConfig, requiredQueue, retentionOf } from '#shared/config.ts';
import { BroadcastChunk } from '#shared/domain/messages.ts';
import type { BroadcastDeps } from '#shared/steps/broadcast/deps.ts';

/** The clients the broadcasts' adapters talk through. */
export type BroadcastClients = { dynamodb: DynamoDBDocumentClient; sqs: SQSClient; ses: SESv2Client };

/**
 * What the broadcasts' steps are given. `directory` may be passed when the function already has
 * a directory store (the API), so both read through one cache; else a read-only reader.
 * @throws ConfigError when the broadcast queue's URL is not configured
 */
export function broadcastDeps(
  config: DeskConfig,
  clients: BroadcastClients,
  // Sending only reads today's directory: the read-only reader keeps the store's write path out.
  directory: BroadcastDeps['directory'] = makeDirectoryReader({
    client: clients.dynamodb,
    tableName: config.tableName,
  }),
): BroadcastDeps {
  return {
    store: makeBroadcastStore({
      client: clients.dynamodb,
      tableName: config.tableName,
      recipientRetentionDays: retentionOf(config).broadcastRecipientDays,
    }),
    directory,
    chunks: makeQueue({
      client: clients.sqs,
      queueUrl: requiredQueue(config, 'broadcast'),
      schema: BroadcastChunk,
    }),
    // Chunks and test copies go out through the same bulk call.
    sender: makeBulkSender({
      client: clients.ses,
      configurationSet: config.sesConfigurationSet,
      maxSendRate: config.broadcast?.maxSendRate,
    }),
    config: {
      deskAddress: config.deskAddresses[0] ?? '',
      deskDisplayName: config.deskDisplayName,
      rateShare: config.broadcast?.rateShare ?? 0.5,
    },
    now: () => new Date(),
    newId: randomUUID,
  };
}
