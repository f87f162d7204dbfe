/** `ticket`: consumes the tickets queue; opens tickets and threads follow-ups, idempotently. */
import { dynamodbClient } from '#shared/adapters/clients/dynamodb.ts';
import { s3ObjectReader } from '#shared/adapters/clients/s3-object-reader.ts';
import { sqsClient } from '#shared/adapters/clients/sqs.ts';
import { makeFollowUpStore } from '#shared/adapters/follow-up-store.ts';
import { makeArticleSuggester, makePublicIndexReader } from '#shared/adapters/kb-index.ts';
import { makeQueue } from '#shared/adapters/queue.ts';
import { sqsBatchConsumer } from '#shared/adapters/sqs-consumer.ts';
import { makeTicketOpeningStore } from '#shared/adapters/ticket-opening-store.ts';
import { makeTicketRetention } from '#shared/adapters/ticket-retention.ts';
import { deskConfig } from '#shared/config.ts';
import { OutboxMessage, TicketCommand } from '#shared/domain/messages.ts';
import { logger } from '#shared/logger.ts';
import { handleTicketCommands } from '#shared/steps/ticket.ts';
import { followUpNotifierDeps } from '#shared/wiring/notification.ts';

const config = deskConfig();
const table = { client: dynamodbClient(), tableName: config.tableName };
const kb = config.kb;
// Without the knowledge base's bucket and public address, acknowledgments suggest no article.
const suggester =
  kb?.bucket && kb.publicBaseUrl
    ? makeArticleSuggester({
        index: makePublicIndexReader({ objects: s3ObjectReader(), bucket: kb.bucket }),
        publicBaseUrl: kb.publicBaseUrl,
      })
    : undefined;
const deps = {
  config,
  opening: makeTicketOpeningStore(table),
  followUps: makeFollowUpStore(table),
  tickets: makeTicketRetention(table),
  outbox: makeQueue({ client: sqsClient(), queueUrl: config.queues.outbox, schema: OutboxMessage }),
  suggester,
  notifier: followUpNotifierDeps(config, { dynamodb: table.client, sqs: sqsClient() }),
  now: () => new Date(),
};

export const handler = sqsBatchConsumer(
  TicketCommand,
  async (commands) => {
    const results = await handleTicketCommands(commands, deps);
    results.forEach((result, index) => {
      if (result.status === 'fulfilled') {
        logger.info('Ticket updated', {
          command: commands[index]?.type,
          sesMessageId: commands[index]?.message.sesMessageId,
          ticketNumber: result.value,
        });
      }
    });
    return results;
  },
  (command) => ({
    sesMessageId: command.message.sesMessageId,
    ticketNumber: command.type === 'ticket.follow_up' ? command.ticketNumber : undefined,
  }),
);
