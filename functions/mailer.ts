/** `mailer`: consumes the outbox queue; sends each mail through SES at most once and records its send state. */
import { dynamodbClient } from '#shared/adapters/clients/dynamodb.ts';
import { sesClient } from '#shared/adapters/clients/ses.ts';
import { makeMailSender } from '#shared/adapters/mail-sender.ts';
import { makeOutboxStore } from '#shared/adapters/outbox-store.ts';
import { sqsConsumer } from '#shared/adapters/sqs-consumer.ts';
import { deskConfig } from '#shared/config.ts';
import { OutboxMessage } from '#shared/domain/messages.ts';
import { logger } from '#shared/logger.ts';
import { deliveryMetrics, deskMetrics, publishMetrics } from '#shared/metrics.ts';
import { deliverMail } from '#shared/steps/mailer.ts';

const config = deskConfig();
const deps = {
  claims: makeOutboxStore({ client: dynamodbClient(), tableName: config.tableName }),
  sender: makeMailSender({ client: sesClient(), configurationSet: config.sesConfigurationSet }),
  now: () => new Date(),
};
const metrics = deskMetrics('mailer');

/** What each delivery's log line says, by its outcome. */
const said = {
  sent: 'Mail sent',
  failed: 'Mail refused by SES for good; recorded failed',
  unknown: 'Mail found claimed past its lease; recorded unknown (envoi incertain)',
  skipped: 'Mail already sent, refused or claimed; skipped',
} as const;

export const handler = sqsConsumer(
  OutboxMessage,
  async (message) => {
    const delivery = await deliverMail(message, deps);
    // The step records SES's answer right after it: the latency ends within a write of SES's acceptance.
    publishMetrics(metrics, deliveryMetrics(message, delivery, deps.now()));
    const fields = {
      outboxId: message.outboxId,
      purpose: message.purpose,
      ticketNumber: message.ticketNumber,
      ...(delivery.outcome === 'sent' ? { sesMessageId: delivery.sentMessageId } : {}),
      ...(delivery.outcome === 'failed' ? { sesError: delivery.code } : {}),
      ...(delivery.outcome === 'skipped' ? { found: delivery.status } : {}),
    };
    if (delivery.outcome === 'failed' || delivery.outcome === 'unknown')
      logger.warn(said[delivery.outcome], fields);
    else logger.info(said[delivery.outcome], fields);
  },
  (message) => ({ outboxId: message.outboxId, ticketNumber: message.ticketNumber }),
  { metrics },
);
