/** `broadcast-send`: consumes the broadcast queue; sends one chunk of a broadcast, at most once per recipient, paced. */
import { randomUUID } from 'node:crypto';
import { makeBroadcastStore } from '#shared/adapters/broadcast-store.ts';
import { makeBulkSender } from '#shared/adapters/bulk-sender.ts';
import { dynamodbClient } from '#shared/adapters/clients/dynamodb.ts';
import { sesClient } from '#shared/adapters/clients/ses.ts';
import { sqsClient } from '#shared/adapters/clients/sqs.ts';
import { makeDirectoryStore } from '#shared/adapters/directory-store.ts';
import { makeQueue } from '#shared/adapters/queue.ts';
import { sqsConsumer } from '#shared/adapters/sqs-consumer.ts';
import { deskConfig, requiredQueue } from '#shared/config.ts';
import { BroadcastChunk } from '#shared/domain/messages.ts';
import { logger } from '#shared/logger.ts';
import type { BroadcastDeps } from '#shared/steps/broadcast/deps.ts';
import { sendChunk } from '#shared/steps/broadcast/fan-out.ts';

const config = deskConfig();
const table = { client: dynamodbClient(), tableName: config.tableName };
const deps: BroadcastDeps = {
  store: makeBroadcastStore(table),
  directory: makeDirectoryStore({ ...table, academicDomain: config.academicDomain }),
  chunks: makeQueue({
    client: sqsClient(),
    queueUrl: requiredQueue(config, 'broadcast'),
    schema: BroadcastChunk,
  }),
  sender: makeBulkSender({
    client: sesClient(),
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

export const handler = sqsConsumer(
  BroadcastChunk,
  async (message) => {
    const outcome = await sendChunk(message, deps);
    logger.info('Broadcast chunk done', {
      broadcastId: message.broadcastId,
      chunk: message.chunk,
      ...outcome,
    });
  },
  (message) => ({ broadcastId: message.broadcastId }),
);
