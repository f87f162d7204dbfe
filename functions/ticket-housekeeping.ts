/**
 * `ticket-housekeeping`: the hourly tick (EventBridge Scheduler; locally, the runner) that
 * closes the tickets left waiting for their director for `AUTO_CLOSE_WORKING_DAYS` working days,
 * each with one notice to the director, counts the intake log's finished days for the
 * dashboard (`shared/domain/intake-summary.ts`), writes the open tickets' snapshot it reads
 * (`shared/domain/open-tickets-snapshot.ts`), and gives the tickets of a table from before ticket
 * cards theirs, once (`ticket-card-migration.ts`).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { dynamodbClient } from '#shared/adapters/clients/dynamodb.ts';
import { sqsClient } from '#shared/adapters/clients/sqs.ts';
import { makeIntakeSummaryStore } from '#shared/adapters/intake-summary-store.ts';
import { makeOpenTicketsSnapshotStore } from '#shared/adapters/open-tickets-snapshot-store.ts';
import { migrateTicketCardsIfNeeded } from '#shared/adapters/ticket-card-migration.ts';
import { deskConfig } from '#shared/config.ts';
import { logger } from '#shared/logger.ts';
import { closeWaitingTickets } from '#shared/steps/auto-close.ts';
import { summarizeIntakeDays } from '#shared/steps/intake-summaries.ts';
import { snapshotOpenTickets } from '#shared/steps/open-tickets-snapshot.ts';
import { autoCloseDeps } from '#shared/wiring/auto-close.ts';

const config = deskConfig();
const dynamodb = dynamodbClient();
const deps = autoCloseDeps(config, { dynamodb, sqs: sqsClient() });
const table = { client: dynamodb, tableName: config.tableName };
const summaryDeps = { intakeDays: makeIntakeSummaryStore(table), now: deps.now };
const snapshotDeps = { openTickets: makeOpenTicketsSnapshotStore(table), now: deps.now };

/** The schedule's payload carries nothing the tick needs: the waiting tickets are in DynamoDB. */
export const handler = middy<
  unknown,
  { closed: string[]; summarizedDays: number; openTicketsInSnapshot: number }
>()
  .use(injectLambdaContext(logger))
  .handler(async () => {
    // No job waits for another; a failure of any fails the tick, which the next one makes up.
    // The snapshot need not follow the closings: a ticket closed meanwhile is read as changed.
    const [closed, summarized, inSnapshot, cards] = await Promise.all([
      closeWaitingTickets(deps),
      summarizeIntakeDays(summaryDeps),
      snapshotOpenTickets(snapshotDeps),
      migrateTicketCardsIfNeeded(table),
    ]);
    if (closed.length > 0) logger.info('Waiting tickets closed automatically', { ticketNumbers: closed });
    if (cards) logger.info('Ticket cards migrated', cards);
    return { closed, summarizedDays: summarized.length, openTicketsInSnapshot: inSnapshot };
  });
