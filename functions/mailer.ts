/** `mailer`: consumes the outbox queue; sends each mail through SES at most once. */
import { dynamodbClient } from '#shared/adapters/clients/dynamodb.ts';
import { sesClient } from '#shared/adapters/clients/ses.ts';
import { makeMailSender } from '#shared/adapters/mail-sender.ts';
import { makeOutboxStore } from '#shared/adapters/outbox-store.ts';
import { sqsConsumer } from '#shared/adapters/sqs-consumer.ts';
import { deskConfig } from '#shared/config.ts';
import { OutboxMessage } from '#shared/domain/messages.ts';
import { logger } from '#shared/logger.ts';
import { deliverMail } from '#shared/steps/mailer.ts';

const config = deskConfig();
const deps = {
  claims: makeOutboxStore({ client: dynamodbClient(), tableName: config.tableName }),
  sender: makeMailSender({ client: sesClient(), configurationSet: config.sesConfigurationSet }),
  now: () => new Date(),
};

export const handler = sqsConsumer(
  OutboxMessage,
  async (message) => {
    const sesMessageId = await deliverMail(message, deps);
    logger.info(sesMessageId ? 'Mail sent' : 'Mail already sent; skipped', {
      outboxId: message.outboxId,
      purpose: message.purpose,
      ticketNumber: message.ticketNumber,
      sesMessageId,
    });
  },
  (message) => ({ outboxId: message.outboxId, ticketNumber: message.ticketNumber }),
);
