/**
 * Notifications to staff in DynamoDB: each agent's choices (`STAFF#<email>`/`NOTIFY_PREFS`, one
 * GetItem per notification considered) and each notification's send claim (`NOTIFY#<id>`/`MAIL`),
 * which the mailer moves from `queued` to `sent` like any other outgoing mail's record. The claim
 * sits in a partition of its own, so the director's conversation (the ticket's partition) never
 * shows it.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { OutboxMessage } from '#shared/domain/messages.ts';
import {
  NotificationPrefs,
  type NotificationPrefsStore,
  type NotificationRecords,
} from '#shared/domain/notifications.ts';
import { queuedMail } from './items.ts';
import { keys } from './keys.ts';

/** Makes the notification store over a DynamoDB document client and the desk table's name. */
export function makeNotificationStore({
  client,
  tableName,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
}) {
  return {
    async readPrefs(email: string): Promise<NotificationPrefs | undefined> {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: keys.notificationPrefs(email) }),
      );
      return Item ? NotificationPrefs.parse(Item.prefs) : undefined;
    },

    async writePrefs(email: string, prefs: NotificationPrefs, now: string): Promise<void> {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.notificationPrefs(email), prefs: NotificationPrefs.parse(prefs), updatedAt: now },
        }),
      );
    },

    async recordNotification(mail: OutboxMessage, now: string, expiresAt: number): Promise<void> {
      if (mail.record.on !== 'notification') throw new NotNotificationRecordError(mail.outboxId);
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keys.notification(mail.record.id),
              status: 'queued',
              purpose: mail.purpose,
              ticketNumber: mail.ticketNumber,
              to: mail.to,
              outboxId: mail.outboxId,
              // Not `createdAt`: with `status`, it would put the record in gsi3, the tickets' index.
              recordedAt: now,
              expiresAt,
              ...queuedMail(mail, now),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        // Recorded by an earlier delivery of the same event: keep it (it may already be sent).
        if (error instanceof ConditionalCheckFailedException) return;
        throw error;
      }
    },
  } satisfies NotificationPrefsStore & NotificationRecords;
}

/** The notification store as this adapter makes it. */
export type NotificationStore = ReturnType<typeof makeNotificationStore>;

/** A mail that is not a notification was handed to the notifications' records: a bug of ours. */
export class NotNotificationRecordError extends Error {
  override name = 'NotNotificationRecordError';
  constructor(outboxId: string) {
    super(`Mail ${outboxId} is not recorded as a notification`);
  }
}
