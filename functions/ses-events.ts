/** `ses-events`: consumes the SES events queue (delivery, bounce, complaint); updates the broadcasts' recipients. */
import { makeBroadcastStore } from '#shared/adapters/broadcast-store.ts';
import { dynamodbClient } from '#shared/adapters/clients/dynamodb.ts';
import { sqsConsumer } from '#shared/adapters/sqs-consumer.ts';
import { deskConfig, retentionOf } from '#shared/config.ts';
import { SesEventRecord } from '#shared/domain/messages.ts';
import { logger } from '#shared/logger.ts';
import { recordSesEvent } from '#shared/steps/broadcast/events.ts';

const config = deskConfig();
const deps = {
  store: makeBroadcastStore({
    client: dynamodbClient(),
    tableName: config.tableName,
    recipientRetentionDays: retentionOf(config).broadcastRecipientDays,
  }),
  now: () => new Date(),
};

export const handler = sqsConsumer(
  SesEventRecord,
  async (event) => {
    const outcome = await recordSesEvent(event, deps);
    logger.info('SES event recorded', { sesMessageId: event.sesMessageId, kind: event.kind, outcome });
  },
  (event) => ({ sesMessageId: event.sesMessageId }),
);
