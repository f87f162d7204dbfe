/**
 * The retention of a ticket's items: closing gives every item of its partition (messages, notes,
 * history, claims) the ticket's purge date, so DynamoDB's TTL removes the whole ticket after the
 * retention period; reopening takes it away. Both are one mechanism: bring every item to a
 * target purge date (undefined: none). Satisfies the domain's `TicketRetention`.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TicketRetention } from '#shared/domain/staff-ports.ts';
import { needsPurgeDate } from '#shared/domain/ticket-actions.ts';
import { keys } from './keys.ts';
import { queryAll } from './table-queries.ts';
import { expiryOf } from './ticket-items.ts';

/** Items updated at once: enough to be quick on a long ticket, few enough not to throttle. */
const PARALLEL_UPDATES = 10;

/** Makes the retention of tickets' items over a DynamoDB document client and the desk table's name. */
export function makeTicketRetention({
  client,
  tableName,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): TicketRetention {
  /**
   * Brings every item of the ticket to the purge date `target` (undefined: none). Idempotent:
   * items already there are left alone, so closing again repairs only items written meanwhile.
   * Returns how many items it changed.
   */
  async function retain(number: string, target: number | undefined): Promise<number> {
    const { items } = await queryAll(
      { client, tableName },
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.ticket(number).pk },
        ProjectionExpression: 'pk, sk, expiresAt',
        ConsistentRead: true,
      },
    );
    const stale = items.filter((item) => needsPurgeDate({ expiresAt: expiryOf(item) }, target));
    let updated = 0;
    for (let start = 0; start < stale.length; start += PARALLEL_UPDATES) {
      const results = await Promise.all(
        stale.slice(start, start + PARALLEL_UPDATES).map(async (item) => {
          try {
            await client.send(
              new UpdateCommand({
                TableName: tableName,
                Key: { pk: item.pk, sk: item.sk },
                ConditionExpression: 'attribute_exists(pk)',
                ...(target === undefined
                  ? { UpdateExpression: 'REMOVE expiresAt' }
                  : {
                      UpdateExpression: 'SET expiresAt = :expiresAt',
                      ExpressionAttributeValues: { ':expiresAt': target },
                    }),
              }),
            );
            return 1;
          } catch (error) {
            // Deleted meanwhile (TTL, or the ticket purged): nothing to keep.
            if (error instanceof ConditionalCheckFailedException) return 0;
            throw error;
          }
        }),
      );
      updated += results.reduce((sum: number, one) => sum + one, 0);
    }
    return updated;
  }

  return {
    setExpiry: (number, expiresAt) => retain(number, expiresAt),
    clearExpiry: (number) => retain(number, undefined),
  };
}
