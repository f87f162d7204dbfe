/**
 * `broadcast-plan`: the scheduler's tick (EventBridge Scheduler every minute; locally, the
 * runner). Starts the scheduled broadcasts whose time has come.
 */
import { randomUUID } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { makeBroadcastStore } from '#shared/adapters/broadcast-store.ts';
import { makeBulkSender } from '#shared/adapters/bulk-sender.ts';
import { dynamodbClient } from '#shared/adapters/clients/dynamodb.ts';
import { sesClient } from '#shared/adapters/clients/ses.ts';
import { sqsClient } from '#shared/adapters/clients/sqs.ts';
import { makeDirectoryStore } from '#shared/adapters/directory-store.ts';
import { makeQueue } from '#shared/adapters/queue.ts';
import { deskConfig, requiredQueue } from '#shared/config.ts';
import { BroadcastChunk } from '#shared/domain/messages.ts';
import { logger } from '#shared/logger.ts';
import type { BroadcastDeps } from '#shared/steps/broadcast/deps.ts';
import { startDueBroadcasts } from '#shared/steps/broadcast/fan-out.ts';

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

/** The tick's event (a schedule's payload) carries nothing the tick needs: the due list is in DynamoDB. */
export const handler = middy<unknown, { started: string[] }>()
  .use(injectLambdaContext(logger))
  .handler(async () => {
    const started = await startDueBroadcasts(deps);
    if (started.length > 0) logger.info('Scheduled broadcasts started', { broadcastIds: started });
    return { started };
  });
