/**
 * `ticket-housekeeping`: the hourly tick (EventBridge Scheduler; locally, the runner) that
 * closes the tickets left waiting for their director for `AUTO_CLOSE_WORKING_DAYS` working days,
 * each with one notice to the director.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { dynamodbClient } from '#shared/adapters/clients/dynamodb.ts';
import { sqsClient } from '#shared/adapters/clients/sqs.ts';
import { deskConfig } from '#shared/config.ts';
import { logger } from '#shared/logger.ts';
import { closeWaitingTickets } from '#shared/steps/auto-close.ts';
import { autoCloseDeps } from '#shared/wiring/auto-close.ts';

const config = deskConfig();
const deps = autoCloseDeps(config, { dynamodb: dynamodbClient(), sqs: sqsClient() });

/** The schedule's payload carries nothing the tick needs: the waiting tickets are in DynamoDB. */
export const handler = middy<unknown, { closed: string[] }>()
  .use(injectLambdaContext(logger))
  .handler(async () => {
    const closed = await closeWaitingTickets(deps);
    if (closed.length > 0) logger.info('Waiting tickets closed automatically', { ticketNumbers: closed });
    return { closed };
  });
