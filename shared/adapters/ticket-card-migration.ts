/**
 * The one-off migration that gives every ticket opened before cards existed its card
 * (`TicketCard`, gsi5), then writes the marker (`ticketCardsMigrated`) after which the ticket
 * list reads cards for its circonscription and free-text filters. Until the marker exists the
 * list filters tickets in code, as before, so a ticket without a card is never missed.
 *
 * The hourly tick runs it until it has written its marker (`migrateTicketCardsIfNeeded`), so a
 * deploy needs no step of its own: on a new table the first tick only writes the marker; on a table
 * from before cards, the first tick writes them (tickets opened meanwhile get theirs from the
 * ticket step), and the next one starts again if it was interrupted. It reads the tickets from gsi1 (`TICKETS`,
 * not a scan of the whole table), reads which already have a card (BatchGetItem: half a read unit
 * each, where a refused conditional put costs a write unit), and writes each missing card only if
 * it is still missing, so it never replaces a card the desk wrote since (a merge's, with more
 * schools). On an empty table it only writes the marker.
 */

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ticketCard } from '#shared/domain/ticket-list.ts';
import { ticketCardItem } from './items.ts';
import { keys } from './keys.ts';
import { batchGetAll } from './table-queries.ts';
import { storedTicket } from './ticket-items.ts';

/** Cards written at once: enough to keep DynamoDB busy, few enough not to be throttled on demand. */
const IN_FLIGHT = 16;

/** What the migration did: tickets read, cards written, cards already there. */
export type TicketCardMigration = { tickets: number; written: number; present: number };

/**
 * The migration if the table has no marker yet; undefined, after one consistent read, once it has.
 */
export async function migrateTicketCardsIfNeeded(table: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): Promise<TicketCardMigration | undefined> {
  const { Item } = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: keys.ticketCardsMigrated(), ConsistentRead: true }),
  );
  return Item ? undefined : migrateTicketCards(table);
}

/** Writes the missing cards, then the marker. */
export async function migrateTicketCards({
  client,
  tableName,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): Promise<TicketCardMigration> {
  const done: TicketCardMigration = { tickets: 0, written: 0, present: 0 };
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.allTicketsPartition() },
        ExclusiveStartKey: startKey,
      }),
    );
    const tickets = (page.Items ?? []).map((item) => storedTicket(item).ticket);
    done.tickets += tickets.length;
    // Which already have a card: a read is half a unit, a refused conditional put a whole one.
    const present = new Set(
      (
        await batchGetAll(
          { client, tableName },
          tickets.map((ticket) => keys.ticketCard(ticket.number)),
        )
      ).map((item) => item.pk),
    );
    done.present += present.size;
    const missing = tickets.filter((ticket) => !present.has(keys.ticketCard(ticket.number).pk));
    for (let start = 0; start < missing.length; start += IN_FLIGHT) {
      await Promise.all(
        missing.slice(start, start + IN_FLIGHT).map(async (ticket) => {
          try {
            await client.send(
              new PutCommand({
                TableName: tableName,
                Item: ticketCardItem(ticket, ticketCard(ticket)),
                ConditionExpression: 'attribute_not_exists(pk)',
              }),
            );
            done.written += 1;
          } catch (error) {
            // Written since the read (a merge's): keep it.
            if (!(error instanceof ConditionalCheckFailedException)) throw error;
            done.present += 1;
          }
        }),
      );
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  await client.send(
    new PutCommand({
      TableName: tableName,
      Item: { ...keys.ticketCardsMigrated(), ...done },
    }),
  );
  return done;
}
