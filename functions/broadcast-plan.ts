/**
 * `broadcast-plan`: the scheduler's tick (EventBridge Scheduler every minute; locally, the
 * runner). Starts the scheduled broadcasts whose time has come.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { dynamodbClient } from '#shared/adapters/clients/dynamodb.ts';
import { sesClient } from '#shared/adapters/clients/ses.ts';
import { sqsClient } from '#shared/adapters/clients/sqs.ts';
import { deskConfig } from '#shared/config.ts';
import { logger } from '#shared/logger.ts';
import { startDueBroadcasts } from '#shared/steps/broadcast/fan-out.ts';
import { broadcastDeps } from '#shared/wiring/broadcast.ts';

const config = deskConfig();
const deps = broadcastDeps(config, { dynamodb: dynamodbClient(), sqs: sqsClient(), ses: sesClient() });

/** The tick's event (a schedule's payload) carries nothing the tick needs: the due list is in DynamoDB. */
export const handler = middy<unknown, { started: string[] }>()
  .use(injectLambdaContext(logger))
  .handler(async () => {
    const started = await startDueBroadcasts(deps);
    if (started.length > 0) logger.info('Scheduled broadcasts started', { broadcastIds: started });
    return { started };
  });
