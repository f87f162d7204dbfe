/**
 * The intake log as the staff console reads it: a page of entries, newest first (gsi1 `INTAKE`,
 * or gsi2 `INTAKE#<outcome>` for one outcome), and one received mail's entry with the automatic
 * reply it got (its partition `MAIL#<sesMessageId>`). Satisfies the domain's `IntakeLogReads`.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { IntakeReply } from '#shared/domain/intake-reply.ts';
import { IntakeEntry } from '#shared/domain/records.ts';
import type { IntakeLogReads } from '#shared/domain/staff-ports.ts';
import { unpackedRecord } from './items.ts';
import { keys } from './keys.ts';
import { queryAll, sortKeyRange } from './table-queries.ts';
import { expired } from './ticket-items.ts';

/** Makes the intake log's queries over a DynamoDB document client and the desk table's name. */
export function makeIntakeLogQueries({
  client,
  tableName,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): IntakeLogReads {
  return {
    async listIntake(query) {
      const [index, partition] =
        query.outcome === undefined
          ? (['gsi1', keys.intakePartition()] as const)
          : (['gsi2', keys.intakeOfOutcomePartition(query.outcome)] as const);
      // The period's end is exclusive: `<end>#<id>` sorts after `<end>`, so the bare instant excludes it.
      const range = sortKeyRange(`${index}sk`, query.receivedFrom, query.receivedTo, true);
      const { Items = [], LastEvaluatedKey } = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index,
          KeyConditionExpression: `#pk = :pk${range.expression}`,
          ExpressionAttributeNames: { '#pk': `${index}pk`, ...range.names },
          ExpressionAttributeValues: { ':pk': partition, ...range.values },
          ScanIndexForward: false,
          Limit: query.limit,
          ExclusiveStartKey: query.startKey,
        }),
      );
      return {
        items: Items.filter((item) => !expired(item, query.now)).map((item) => IntakeEntry.parse(item)),
        lastKey: LastEvaluatedKey,
      };
    },

    async readIntake(sesMessageId, now) {
      const { items } = await queryAll(
        { client, tableName },
        {
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.intakeEntry(sesMessageId).pk },
        },
      );
      const entry = items.find((item) => item.sk === keys.intakeEntry(sesMessageId).sk);
      if (!entry || expired(entry, now)) return undefined;
      const reply = items.find((item) => item.sk === keys.intakeReply(sesMessageId).sk);
      return { entry: IntakeEntry.parse(entry), reply: reply && IntakeReply.parse(unpackedRecord(reply)) };
    },
  };
}
