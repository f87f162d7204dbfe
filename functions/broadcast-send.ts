/** `broadcast-send`: consumes the broadcast queue; sends one chunk of a broadcast, at most once per recipient, paced. */
import { dynamodbClient } from '#shared/adapters/clients/dynamodb.ts';
import { sesClient } from '#shared/adapters/clients/ses.ts';
import { sqsClient } from '#shared/adapters/clients/sqs.ts';
import { sqsConsumer } from '#shared/adapters/sqs-consumer.ts';
import { deskConfig } from '#shared/config.ts';
import { BroadcastChunk } from '#shared/domain/messages.ts';
import { logger } from '#shared/logger.ts';
import { chunkMetrics, deskMetrics, publishMetrics } from '#shared/metrics.ts';
import { sendChunk } from '#shared/steps/broadcast/fan-out.ts';
import { broadcastDeps } from '#shared/wiring/broadcast.ts';

const config = deskConfig();
const deps = broadcastDeps(config, { dynamodb: dynamodbClient(), sqs: sqsClient(), ses: sesClient() });
const metrics = deskMetrics('broadcast-send');

export const handler = sqsConsumer(
  BroadcastChunk,
  async (message) => {
    const outcome = await sendChunk(message, deps);
    logger.info('Broadcast chunk done', {
      broadcastId: message.broadcastId,
      chunk: message.chunk,
      ...outcome,
    });
    publishMetrics(metrics, chunkMetrics(outcome));
  },
  (message) => ({ broadcastId: message.broadcastId }),
  { metrics },
);
