/** `screen`: consumes the intake queue; every received mail gets exactly one recorded outcome. */
import { makeBroadcastMailFinder } from '#shared/adapters/broadcast-store.ts';
import { dynamodbClient } from '#shared/adapters/clients/dynamodb.ts';
import { s3ObjectReader } from '#shared/adapters/clients/s3-object-reader.ts';
import { sqsClient } from '#shared/adapters/clients/sqs.ts';
import { makeDirectoryLookup } from '#shared/adapters/directory-lookup.ts';
import { makeFollowUpStore } from '#shared/adapters/follow-up-store.ts';
import { makeIntakeLogStore } from '#shared/adapters/intake-log-store.ts';
import { makeQueue } from '#shared/adapters/queue.ts';
import { makeRawMailReader } from '#shared/adapters/raw-mail.ts';
import { sqsBatchConsumer } from '#shared/adapters/sqs-consumer.ts';
import { deskConfig } from '#shared/config.ts';
import { IntakeMessage, OutboxMessage, TicketCommand } from '#shared/domain/messages.ts';
import { logger } from '#shared/logger.ts';
import { deskMetrics, publishMetrics, screenedMetrics } from '#shared/metrics.ts';
import { screenMails } from '#shared/steps/screen.ts';

const config = deskConfig();
const dynamodb = dynamodbClient();
const table = { client: dynamodb, tableName: config.tableName };
const deps = {
  config,
  rawMail: makeRawMailReader({ objects: s3ObjectReader() }),
  directory: makeDirectoryLookup(table),
  intakeLog: makeIntakeLogStore(table),
  threads: makeFollowUpStore(table),
  tickets: makeQueue({ client: sqsClient(), queueUrl: config.queues.tickets, schema: TicketCommand }),
  outbox: makeQueue({ client: sqsClient(), queueUrl: config.queues.outbox, schema: OutboxMessage }),
  broadcasts: makeBroadcastMailFinder(table),
  now: () => new Date(),
};
const metrics = deskMetrics('screen');

export const handler = sqsBatchConsumer(
  IntakeMessage,
  async (messages) => {
    const results = await screenMails(messages, deps);
    for (const result of results) {
      if (result.status === 'rejected') continue;
      const entry = result.value;
      logger.info('Mail screened', {
        sesMessageId: entry.sesMessageId,
        outcome: entry.outcome,
        ticketNumber: entry.ticketNumber,
      });
      publishMetrics(metrics, screenedMetrics(entry));
    }
    return results;
  },
  (message) => ({ sesMessageId: message.sesMessageId }),
  { metrics },
);
