/**
 * Merging tickets in DynamoDB: the decision in one transaction (both tickets, both history
 * lines), then the duplicate's mails and notes moved into the target's partition in batches of
 * `MOVE_BATCH` (a put and a delete each: 100 actions, DynamoDB's limit). Satisfies the domain's
 * `TicketMerges`.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StaleTicketError } from '#shared/domain/staff-ports.ts';
import type { StoredTicket } from '#shared/domain/ticket-actions.ts';
import { type MergeMark, MOVE_BATCH, movedItem, type TicketMerges } from '#shared/domain/ticket-merge.ts';
import { expressionValues, ticketCardItem } from './items.ts';
import { keys } from './keys.ts';
import { type Item, queryAll } from './table-queries.ts';
import { type TransactAction, TransactionRefusedError, transact, transactNamed } from './transact.ts';

/** The table's keys of an item (the rest is the record). */
const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk'] as const;

function recordOf(item: Item): Item & { ticketNumber: string; at: string; id: string; expiresAt?: number } {
  const record: Item = { ...item };
  for (const name of KEY_ATTRIBUTES) delete record[name];
  return record as Item & { ticketNumber: string; at: string; id: string; expiresAt?: number };
}

/** Makes the merge store over a DynamoDB document client and the desk table's name. */
export function makeTicketMergeStore({
  client,
  tableName,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): TicketMerges {
  const table = { client, tableName };

  return {
    async markMerged(mark) {
      const { source, target } = mark;
      const history = (entry: MergeMark['source']['history']) => ({
        Put: {
          TableName: tableName,
          Item: { ...keys.ticketHistory(entry.ticketNumber, entry.at, entry.id), ...entry },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
      try {
        await transactNamed(client, [
          [
            'source',
            {
              Update: {
                TableName: tableName,
                Key: keys.ticket(source.number),
                UpdateExpression:
                  'SET #status = :status, updatedAt = :at, closedAt = :closedAt, mergedInto = :into, expiresAt = :expiresAt, gsi2pk = :gsi2pk, gsi2sk = :gsi2sk',
                ConditionExpression:
                  'attribute_exists(pk) AND #status = :read AND messageCount = :count AND attribute_not_exists(mergedInto)',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':status': source.set.status,
                  ':at': source.set.updatedAt,
                  ':closedAt': source.set.closedAt,
                  ':into': source.set.mergedInto,
                  ':expiresAt': source.set.expiresAt,
                  ':read': source.expectedStatus,
                  ':count': source.expectedMessageCount,
                  ...expressionValues(
                    keys.ticketsByStatus(source.set.status, source.set.updatedAt, source.number),
                  ),
                },
              },
            },
          ],
          [
            'target',
            {
              Update: {
                TableName: tableName,
                Key: keys.ticket(target.number),
                UpdateExpression:
                  'SET updatedAt = :at, participants = :participants, schools = :schools, gsi2sk = :gsi2sk ADD messageCount :added',
                ConditionExpression:
                  'attribute_exists(pk) AND #status = :read AND attribute_not_exists(mergedInto)',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':at': target.set.updatedAt,
                  ':participants': target.set.participants,
                  ':schools': target.set.schools,
                  ':added': target.addMessages,
                  ':read': target.expectedStatus,
                  ':gsi2sk': keys.ticketsByStatus(target.expectedStatus, target.set.updatedAt, target.number)
                    .gsi2sk,
                },
              },
            },
          ],
          ['sourceHistory', history(source.history)],
          ['targetHistory', history(target.history)],
          // The target gains schools: its card, which the list's filters read, with them.
          ['targetCard', { Put: { TableName: tableName, Item: ticketCardItem(target, target.card) } }],
        ]);
      } catch (error) {
        if (!(error instanceof TransactionRefusedError)) throw error;
        if (error.failed('source')) throw new StaleTicketError(source.number, { cause: error });
        if (error.failed('target')) throw new StaleTicketError(target.number, { cause: error });
        throw error;
      }
    },

    async moveItems(source, target: StoredTicket) {
      const { pk } = keys.ticket(source);
      const { message, note } = keys.ticketItemPrefix;
      const of = async (prefix: string) =>
        (
          await queryAll(table, {
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
          })
        ).items;
      const items = [...(await of(message)), ...(await of(note))];
      for (let start = 0; start < items.length; start += MOVE_BATCH) {
        const actions: TransactAction[] = items.slice(start, start + MOVE_BATCH).flatMap((item) => {
          const record = recordOf(item);
          const moved = movedItem(record, target);
          const prefix = String(item.sk).startsWith(message) ? 'message' : 'note';
          const key =
            prefix === 'message'
              ? keys.ticketMessage(target.ticket.number, record.at, record.id)
              : keys.ticketNote(target.ticket.number, record.at, record.id);
          // A put of the same item again is the same item: a batch written twice changes nothing.
          return [
            { Put: { TableName: tableName, Item: { ...moved, ...key } } },
            { Delete: { TableName: tableName, Key: { pk: item.pk, sk: item.sk } } },
          ];
        });
        await transact(client, actions);
      }
      return items.length;
    },
  };
}
