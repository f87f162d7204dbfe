/**
 * The mail watch's read of the intake log: gsi1 `INTAKE` by reception time, counted from an
 * instant and stopped at a few items, so a busy day costs the same one small Query as a quiet one.
 */

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { MailArrivals } from '#shared/domain/mail-watch.ts';
import { keys } from './keys.ts';

/** Makes the watch's port over a DynamoDB document client and the desk table's name. */
export function makeMailArrivals({
  client,
  tableName,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): MailArrivals {
  return {
    async mailsSince(since, atMost) {
      const answer = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk >= :since',
          ExpressionAttributeValues: { ':pk': keys.intakePartition(), ':since': since.toISOString() },
          Select: 'COUNT',
          Limit: atMost,
        }),
      );
      return answer.Count ?? 0;
    },
  };
}
