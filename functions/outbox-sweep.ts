/**
 * `outbox-sweep`: the tick (EventBridge Scheduler; locally, the runner) that queues again the
 * mails saved `queued` whose queue message was lost, and marks « envoi incertain » (`unknown`)
 * those left `sending` past their lease.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { dynamodbClient } from '#shared/adapters/clients/dynamodb.ts';
import { sqsClient } from '#shared/adapters/clients/sqs.ts';
import { makeOutboxStore } from '#shared/adapters/outbox-store.ts';
import { makeQueue } from '#shared/adapters/queue.ts';
import { deskConfig } from '#shared/config.ts';
import { OutboxMessage } from '#shared/domain/messages.ts';
import { logger } from '#shared/logger.ts';
import { deskMetrics, metricNames, publishMetrics } from '#shared/metrics.ts';
import { type SweepReport, sweepOutbox } from '#shared/steps/outbox-sweep.ts';

const config = deskConfig();
const deps = {
  records: makeOutboxStore({ client: dynamodbClient(), tableName: config.tableName }),
  outbox: makeQueue({ client: sqsClient(), queueUrl: config.queues.outbox, schema: OutboxMessage }),
  now: () => new Date(),
};
const metrics = deskMetrics('outbox-sweep');

/** The schedule's payload carries nothing the tick needs: the mails in flight are in DynamoDB. */
export const handler = middy<unknown, SweepReport>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async () => {
    const report = await sweepOutbox(deps);
    // A mail marked « envoi incertain » here is a send problem like the mailer's: the same alarm.
    if (report.unknown.length > 0)
      publishMetrics(metrics, [
        { name: metricNames.sendProblems, unit: 'Count', value: report.unknown.length },
      ]);
    if (report.requeued.length > 0)
      logger.warn('Stranded mails queued again', { outboxIds: report.requeued });
    if (report.unknown.length > 0)
      logger.warn('Mails claimed past their lease marked unknown (envoi incertain)', {
        outboxIds: report.unknown,
      });
    if (report.givenUp.length > 0)
      logger.error('Mails re-queued too often left queued; their messages are in the dead-letter queue', {
        outboxIds: report.givenUp,
      });
    return report;
  });
