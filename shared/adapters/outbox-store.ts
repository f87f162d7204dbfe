/**
 * The send claims of the mails we send, in DynamoDB: each outgoing mail is recorded (by the step
 * that decided to send it) with the status `queued`; the mailer moves it to `sent` before sending,
 * and only the delivery whose move succeeds sends. SES has no idempotency token: this is it.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SendClaims } from '#shared/domain/intake-ports.ts';
import type { OutboxMessage } from '#shared/domain/messages.ts';
import { keys } from './keys.ts';

/** Makes the outbox's send claims over a DynamoDB document client and the desk table's name. */
export function makeOutboxStore({
  client,
  tableName,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
}) {
  return {
    /**
     * Claims an outgoing mail for sending: only one delivery of its outbox message may send it.
     * Returns false when it was already claimed (sent, or being sent).
     */
    async claimSend(message: OutboxMessage, now: string): Promise<boolean> {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.outbound(message.record, message.outboxId),
            UpdateExpression: 'SET #status = :sent, sentAt = :now',
            ConditionExpression: '#status = :queued',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':sent': 'sent', ':queued': 'queued', ':now': now },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    /** Gives a claimed mail back after SES refused it, so that the retry may send it. */
    async releaseSend(message: OutboxMessage): Promise<void> {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.outbound(message.record, message.outboxId),
          UpdateExpression: 'SET #status = :queued REMOVE sentAt',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':queued': 'queued' },
        }),
      );
    },
  } satisfies SendClaims;
}

/** The send claims as this adapter makes them. */
export type OutboxStore = ReturnType<typeof makeOutboxStore>;
