/** `ticket`: consumes the tickets queue; opens tickets and threads follow-ups, idempotently. */
import { dynamodbClient } from '#shared/adapters/clients/dynamodb.ts';
import { sqsClient } from '#shared/adapters/clients/sqs.ts';
import { makeDeskStore } from '#shared/adapters/desk-store.ts';
import { makeQueue } from '#shared/adapters/queue.ts';
import { sqsConsumer } from '#shared/adapters/sqs-consumer.ts';
import { deskConfig } from '#shared/config.ts';
import { logger } from '#shared/logger.ts';
import { OutboxMessage, TicketCommand } from '#shared/messages.ts';
import { handleTicketCommand } from '#shared/steps/ticket.ts';

const config = deskConfig();
const deps = {
  config,
  store: makeDeskStore({ client: dynamodbClient(), tableName: config.tableName }),
  outbox: makeQueue({ client: sqsClient(), queueUrl: config.queues.outbox, schema: OutboxMessage }),
  now: () => new Date(),
};

export const handler = sqsConsumer(TicketCommand, async (command) => {
  const ticketNumber = await handleTicketCommand(command, deps);
  logger.info('Ticket updated', {
    command: command.type,
    sesMessageId: command.message.sesMessageId,
    ticketNumber,
  });
});
