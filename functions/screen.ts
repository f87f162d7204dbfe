/** `screen`: consumes the intake queue; every received mail gets exactly one recorded outcome. */
import { awsClients } from '#shared/adapters/aws-clients.ts';
import { makeDeskStore } from '#shared/adapters/desk-store.ts';
import { makeDirectoryStore } from '#shared/adapters/directory-store.ts';
import { makeQueue } from '#shared/adapters/queue.ts';
import { makeRawMailStore } from '#shared/adapters/raw-mail.ts';
import { sqsConsumer } from '#shared/adapters/sqs-consumer.ts';
import { deskConfig } from '#shared/config.ts';
import { logger } from '#shared/logger.ts';
import { IntakeMessage, OutboxMessage, TicketCommand } from '#shared/messages.ts';
import { screenMail } from '#shared/steps/screen.ts';

const config = deskConfig();
const dynamodb = awsClients.dynamodb();
const deps = {
  config,
  rawMail: makeRawMailStore({ client: awsClients.s3() }),
  directory: makeDirectoryStore({ client: dynamodb, tableName: config.tableName }),
  store: makeDeskStore({ client: dynamodb, tableName: config.tableName }),
  tickets: makeQueue({ client: awsClients.sqs(), queueUrl: config.queues.tickets, schema: TicketCommand }),
  outbox: makeQueue({ client: awsClients.sqs(), queueUrl: config.queues.outbox, schema: OutboxMessage }),
  now: () => new Date(),
};

export const handler = sqsConsumer(IntakeMessage, async (message) => {
  const entry = await screenMail(message, deps);
  logger.info('Mail screened', {
    sesMessageId: entry.sesMessageId,
    outcome: entry.outcome,
    ticketNumber: entry.ticketNumber,
  });
});
