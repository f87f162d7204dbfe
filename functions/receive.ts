/** `receive`: invoked by the SES receipt rule once the raw mail is in S3; queues it for screening. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { sqsClient } from '#shared/adapters/clients/sqs.ts';
import { makeQueue } from '#shared/adapters/queue.ts';
import { receivedMails } from '#shared/adapters/ses-event.ts';
import { deskConfig } from '#shared/config.ts';
import { IntakeMessage } from '#shared/domain/messages.ts';
import { logger } from '#shared/logger.ts';
import { deskMetrics, publishMetrics, receivedMetrics } from '#shared/metrics.ts';
import { receiveMail } from '#shared/steps/receive.ts';

const config = deskConfig();
const deps = {
  intake: makeQueue({ client: sqsClient(), queueUrl: config.queues.intake, schema: IntakeMessage }),
  rawMailBucket: config.rawMailBucket,
};
const metrics = deskMetrics('receive');

// A failure here throws: SES's asynchronous invocation retries it, and the function's
// on-failure destination keeps what still fails (see infra), so no mail is lost.
export const handler = middy()
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .handler(async (event: unknown) => {
    const sesMessageIds = await receiveMail(receivedMails(event), deps);
    logger.info('Mail received', { sesMessageIds });
    publishMetrics(metrics, receivedMetrics(sesMessageIds.length));
  });
