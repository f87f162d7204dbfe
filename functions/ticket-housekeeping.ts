/**
 * `ticket-housekeeping`: the hourly tick (EventBridge Scheduler; locally, the runner) that
 * closes the tickets left waiting for their director for `AUTO_CLOSE_WORKING_DAYS` working days,
 * each with one notice to the director, and counts the intake log's finished days for the
 * dashboard (`shared/domain/intake-summary.ts`).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { dynamodbClient } from '#shared/adapters/clients/dynamodb.ts';
import { sqsClient } from '#shared/adapters/clients/sqs.ts';
import { makeIntakeSummaryStore } from '#shared/adapters/intake-summary-store.ts';
import { deskConfig } from '#shared/config.ts';
import { logger } from '#shared/logger.ts';
import { closeWaitingTickets } from '#shared/steps/auto-close.ts';
import { summarizeIntakeDays } from '#shared/steps/intake-summaries.ts';
import { autoCloseDeps } from '#shared/wiring/auto-close.ts';

const config = deskConfig();
const dynamodb = dynamodbClient();
const deps = autoCloseDeps(config, { dynamodb, sqs: sqsClient() });
const summaryDeps = {
  intakeDays: makeIntakeSummaryStore({ client: dynamodb, tableName: config.tableName }),
  now: deps.now,
};

/** The schedule's payload carries nothing the tick needs: the waiting tickets are in DynamoDB. */
export const handler = middy<unknown, { closed: string[]; summarizedDays: number }>()
  .use(injectLambdaContext(logger))
  .handler(async () => {
    // Neither job waits for the other; a failure of either fails the tick, which the next one makes up.
    const [closed, summarized] = await Promise.all([
      closeWaitingTickets(deps),
      summarizeIntakeDays(summaryDeps),
    ]);
    if (closed.length > 0) logger.info('Waiting tickets closed automatically', { ticketNumbers: closed });
    return { closed, summarizedDays: summarized.length };
  });
