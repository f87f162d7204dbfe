/**
 * `mail-watch`: the hourly tick (EventBridge Scheduler; locally, the runner) that publishes
 * `SilentSchoolDay`: 1 when a working day has passed 14:00 in Paris with no mail received, else
 * 0. The alarm on it tells staff the mail may have stopped reaching the desk.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { dynamodbClient } from '#shared/adapters/clients/dynamodb.ts';
import { makeMailArrivals } from '#shared/adapters/mail-arrivals.ts';
import { deskConfig } from '#shared/config.ts';
import { logger } from '#shared/logger.ts';
import { deskMetrics, publishMetrics, silentDayMetrics } from '#shared/metrics.ts';
import { type MailWatchReport, watchMail } from '#shared/steps/mail-watch.ts';

const config = deskConfig();
const deps = {
  arrivals: makeMailArrivals({ client: dynamodbClient(), tableName: config.tableName }),
  now: () => new Date(),
  schoolHolidays: config.watch?.schoolHolidays ?? [],
};
const metrics = deskMetrics('mail-watch');

/** The schedule's payload carries nothing the tick needs: the intake log is in DynamoDB. */
export const handler = middy<unknown, MailWatchReport>()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async () => {
    const report = await watchMail(deps);
    if (report.silent) logger.warn('No mail received today by the check hour', { day: report.day });
    publishMetrics(metrics, silentDayMetrics(report));
    return report;
  });
