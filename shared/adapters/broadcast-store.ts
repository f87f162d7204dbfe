/**
 * Broadcasts in the desk table: the broadcast (its fields under `broadcast`, with a version for
 * optimistic replacement), its frozen recipients in its partition (one item each, their status
 * moved by conditional updates: the claims that make a send happen once), the lookup of a mail
 * by its SES message id, and the problems seen on addresses. Counts are read from the
 * recipients, so they are exact; the list shows the counts saved after each chunk.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  Broadcast,
  BroadcastRecipient,
  chunksOf,
  countsOf,
  type RecipientCounts,
  RecipientStatus,
} from '#shared/domain/broadcast.ts';
import type {
  AddressProblem,
  BroadcastMailFinder,
  BroadcastStore,
  Page,
  StoredBroadcast,
} from '#shared/domain/broadcast-ports.ts';
import { purgeDate } from '#shared/domain/retention.ts';
// zod/mini: built at the import of the Lambda functions (see shared/domain/zod.ts).
import * as z from '#shared/domain/zod.ts';
import type { Item } from './items.ts';
import { keys } from './keys.ts';
import { batchGetAll } from './table-queries.ts';
import { TransactionRefusedError, transact } from './transact.ts';

/** DynamoDB's limit of actions in one transaction. */
const TRANSACTION_SIZE = 100;

const StoredItem = z.object({
  broadcast: Broadcast,
  version: z.number().check(z.int()),
  chunksQueued: z.optional(z.boolean()),
});
const MailLookup = z.object({ broadcastId: z.string(), directorId: z.string() });
const AddressProblemItem = z.object({
  email: z.string(),
  kind: z.enum(['bounced', 'complained']),
  at: z.string(),
  detail: z.optional(z.string()),
  broadcastId: z.string(),
});

/**
 * Which broadcast a received mail answers, alone: all `screen` needs of the store, so its bundle
 * does not carry the rest (8 KB).
 */
export function makeBroadcastMailFinder({
  client,
  tableName,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): BroadcastMailFinder {
  return {
    async broadcastOfMail(sesMessageId) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: keys.broadcastMail(sesMessageId) }),
      );
      return Item === undefined ? undefined : MailLookup.parse(Item).broadcastId;
    },
  };
}

/** Makes the broadcasts' store over a DynamoDB document client and the desk table's name. */
export function makeBroadcastStore({
  client,
  tableName,
  recipientRetentionDays,
  now: clock = () => new Date(),
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
  /**
   * Days a recipient, its mail's lookup and an address problem are kept from when they are
   * written (`RETENTION_BROADCAST_RECIPIENT_DAYS`); undefined: kept (tests that do not look).
   */
  recipientRetentionDays?: number | undefined;
  now?: () => Date;
}) {
  /** The purge date of a recipient's data written now, as an attribute to spread. */
  const purge = () =>
    recipientRetentionDays === undefined ? {} : { expiresAt: purgeDate(clock(), recipientRetentionDays) };
  /** Runs a conditional update; false when its condition failed. */
  /** Moves a recipient from one status to another, if it is still in the first; whether it moved. */
  function moveStatus(
    id: string,
    directorId: string,
    from: RecipientStatus,
    to: RecipientStatus,
    now: string,
  ) {
    return conditional({
      Key: keys.broadcastRecipient(id, directorId),
      UpdateExpression: 'SET #status = :to, updatedAt = :now',
      ConditionExpression: '#status = :from',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':from': from, ':to': to, ':now': now },
    });
  }

  const conditional = async (input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'>) => {
    try {
      await client.send(new UpdateCommand({ TableName: tableName, ...input }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  };

  /** Every item of a query, page after page. */
  const queryAll = async (input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> => {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({ TableName: tableName, ...input, ExclusiveStartKey: start }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
  };

  const batchGet = (itemKeys: Item[]) => batchGetAll({ client, tableName }, itemKeys);

  const recipientOf = (item: Item) => BroadcastRecipient.parse(item);
  const recipientPrefix = {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :rcpt)',
  };
  const recipientValues = (id: string) => ({
    ':pk': keys.broadcast(id).pk,
    ':rcpt': keys.broadcastRecipientPrefix,
  });

  const indexKeys = (broadcast: Broadcast) => ({
    ...keys.broadcastsByTime(broadcast.createdAt, broadcast.id),
    ...(broadcast.status === 'scheduled' && broadcast.scheduledAt
      ? keys.broadcastsDue(broadcast.scheduledAt, broadcast.id)
      : {}),
  });

  return {
    async create(broadcast) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.broadcast(broadcast.id), ...indexKeys(broadcast), broadcast, version: 1 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    async get(id): Promise<StoredBroadcast | undefined> {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: keys.broadcast(id), ConsistentRead: true }),
      );
      if (Item === undefined) return undefined;
      const parsed = StoredItem.parse(Item);
      return {
        broadcast: parsed.broadcast,
        version: parsed.version,
        chunksQueued: parsed.chunksQueued === true,
      };
    },

    async replace(broadcast, version) {
      const scheduled = broadcast.status === 'scheduled' && broadcast.scheduledAt !== undefined;
      const index = indexKeys(broadcast);
      return conditional({
        Key: keys.broadcast(broadcast.id),
        UpdateExpression: `SET broadcast = :broadcast, version = :next, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk${
          scheduled ? ', gsi2pk = :gsi2pk, gsi2sk = :gsi2sk' : ''
        }${scheduled ? '' : ' REMOVE gsi2pk, gsi2sk'}`,
        ConditionExpression: 'version = :version',
        ExpressionAttributeValues: {
          ':broadcast': broadcast,
          ':next': version + 1,
          ':version': version,
          ...Object.fromEntries(Object.entries(index).map(([name, value]) => [`:${name}`, value])),
        },
      });
    },

    async markChunksQueued(id) {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.broadcast(id),
          UpdateExpression: 'SET chunksQueued = :true',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':true': true },
        }),
      );
    },

    async saveCounts(id, counts) {
      await conditional({
        Key: keys.broadcast(id),
        UpdateExpression: 'SET broadcast.#counts = :counts',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#counts': 'counts' },
        ExpressionAttributeValues: { ':counts': counts },
      });
    },

    async list({ limit, cursor }): Promise<Page<Broadcast>> {
      const answer = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.broadcastsPartition() },
          ScanIndexForward: false,
          Limit: limit,
          ExclusiveStartKey: cursor === undefined ? undefined : decodeKey(cursor),
        }),
      );
      return {
        items: (answer.Items ?? []).map((item) => StoredItem.parse(item).broadcast),
        nextCursor: answer.LastEvaluatedKey ? encodeKey(answer.LastEvaluatedKey) : null,
      };
    },

    async due(now) {
      const items = await queryAll({
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :now',
        ExpressionAttributeValues: { ':pk': keys.dueBroadcastsPartition(), ':now': `${now}#\uffff` },
      });
      return items.map((item) => StoredItem.parse(item).broadcast.id);
    },

    async freezeRecipients(id, recipients) {
      // A hundred recipients per transaction (DynamoDB's limit), each written only if absent, so
      // a start repeated after a crash changes no recipient already claimed or sent. A refused
      // transaction (some were written by the earlier start) is done again one item at a time.
      const putIfAbsent = (recipient: BroadcastRecipient) => ({
        TableName: tableName,
        Item: { ...keys.broadcastRecipient(id, recipient.directorId), ...recipient, ...purge() },
        ConditionExpression: 'attribute_not_exists(pk)',
      });
      await inParallel(chunksOf(recipients, TRANSACTION_SIZE), 4, async (group) => {
        try {
          await transact(
            client,
            group.map((recipient) => ({ Put: putIfAbsent(recipient) })),
          );
        } catch (error) {
          if (!(error instanceof TransactionRefusedError && error.expected)) throw error;
          await inParallel(group, 16, async (recipient) => {
            try {
              await client.send(new PutCommand(putIfAbsent(recipient)));
            } catch (single) {
              if (!(single instanceof ConditionalCheckFailedException)) throw single;
            }
          });
        }
      });
    },

    async counts(id): Promise<RecipientCounts> {
      const items = await queryAll({
        ...recipientPrefix,
        ExpressionAttributeValues: recipientValues(id),
        ExpressionAttributeNames: { '#status': 'status' },
        ProjectionExpression: '#status',
        ConsistentRead: true,
      });
      return countsOf(items.map((item) => RecipientStatus.parse(item.status)));
    },

    async listRecipients(id, { status, limit, cursor }): Promise<Page<BroadcastRecipient>> {
      const items: BroadcastRecipient[] = [];
      let start: Record<string, unknown> | undefined = cursor === undefined ? undefined : decodeKey(cursor);
      // Read on until the page is full: a status filter may keep few items of each read.
      while (items.length < limit) {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            ...recipientPrefix,
            ExpressionAttributeValues: recipientValues(id),
            ExclusiveStartKey: start,
            Limit: Math.max(limit, 100),
          }),
        );
        const found = page.Items ?? [];
        for (const [index, item] of found.entries()) {
          const recipient = recipientOf(item);
          if (status !== undefined && recipient.status !== status) continue;
          items.push(recipient);
          if (items.length === limit) {
            const more = index < found.length - 1 || page.LastEvaluatedKey !== undefined;
            return {
              items,
              nextCursor: more ? encodeKey({ pk: item.pk, sk: item.sk }) : null,
            };
          }
        }
        start = page.LastEvaluatedKey;
        if (start === undefined) break;
      }
      return { items, nextCursor: null };
    },

    async recipients(id, directorIds) {
      const items = await batchGet(directorIds.map((directorId) => keys.broadcastRecipient(id, directorId)));
      return items.map(recipientOf);
    },

    async claim(id, directorId, now) {
      return moveStatus(id, directorId, 'queued', 'sending', now);
    },

    async release(id, directorId, now) {
      await moveStatus(id, directorId, 'sending', 'queued', now);
    },

    async record(id, directorId, result, now) {
      if (result.status === 'failed') {
        await conditional({
          Key: keys.broadcastRecipient(id, directorId),
          UpdateExpression:
            'SET #status = :failed, #error = :error, retryable = :retryable, updatedAt = :now',
          ConditionExpression: '#status = :sending',
          ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
          ExpressionAttributeValues: {
            ':failed': 'failed',
            ':sending': 'sending',
            ':error': result.error,
            ':retryable': result.retryable,
            ':now': now,
          },
        });
        return;
      }
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: tableName,
                  Key: keys.broadcastRecipient(id, directorId),
                  UpdateExpression:
                    'SET #status = :sent, messageId = :messageId, updatedAt = :now REMOVE #error, retryable',
                  // A claim a redelivery took for a dead worker's (failed, unknown outcome) was
                  // in fact sent: the truth wins.
                  ConditionExpression: '#status IN (:sending, :failed)',
                  ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
                  ExpressionAttributeValues: {
                    ':sent': 'sent',
                    ':sending': 'sending',
                    ':failed': 'failed',
                    ':messageId': result.messageId,
                    ':now': now,
                  },
                },
              },
              {
                Put: {
                  TableName: tableName,
                  Item: { ...keys.broadcastMail(result.messageId), broadcastId: id, directorId, ...purge() },
                },
              },
            ],
          }),
        );
      } catch (error) {
        // Already recorded (a repeated record): nothing to do.
        if ((error as { name?: string }).name !== 'TransactionCanceledException') throw error;
      }
    },

    async expireClaim(id, directorId, claimedBefore, error, now) {
      return conditional({
        Key: keys.broadcastRecipient(id, directorId),
        UpdateExpression: 'SET #status = :failed, #error = :error, retryable = :false, updatedAt = :now',
        ConditionExpression: '#status = :sending AND updatedAt < :before',
        ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
        ExpressionAttributeValues: {
          ':failed': 'failed',
          ':sending': 'sending',
          ':error': error,
          ':false': false,
          ':before': claimedBefore,
          ':now': now,
        },
      });
    },

    async requeueRetryable(id, now) {
      const items = await queryAll({
        ...recipientPrefix,
        FilterExpression: '#status = :failed AND retryable = :true',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ...recipientValues(id), ':failed': 'failed', ':true': true },
        ConsistentRead: true,
      });
      const requeued: string[] = [];
      await inParallel(items.map(recipientOf), 16, async (recipient) => {
        const moved = await conditional({
          Key: keys.broadcastRecipient(id, recipient.directorId),
          UpdateExpression: 'SET #status = :queued, updatedAt = :now REMOVE #error, retryable',
          ConditionExpression: '#status = :failed AND retryable = :true',
          ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
          ExpressionAttributeValues: { ':queued': 'queued', ':failed': 'failed', ':true': true, ':now': now },
        });
        if (moved) requeued.push(recipient.directorId);
      });
      return requeued.sort();
    },

    broadcastOfMail: makeBroadcastMailFinder({ client, tableName }).broadcastOfMail,

    async recipientOfMessage(sesMessageId) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: keys.broadcastMail(sesMessageId) }),
      );
      return Item === undefined ? undefined : MailLookup.parse(Item);
    },

    async recordEvent(id, directorId, status, detail, now) {
      const from = status === 'delivered' ? ['sent'] : ['sent', 'delivered'];
      return conditional({
        Key: keys.broadcastRecipient(id, directorId),
        UpdateExpression: `SET #status = :status, updatedAt = :now${detail ? ', #error = :detail' : ''}`,
        ConditionExpression: `#status IN (${from.map((_, index) => `:from${index}`).join(', ')})`,
        ExpressionAttributeNames: { '#status': 'status', ...(detail ? { '#error': 'error' } : {}) },
        ExpressionAttributeValues: {
          ':status': status,
          ':now': now,
          ...(detail ? { ':detail': detail } : {}),
          ...Object.fromEntries(from.map((value, index) => [`:from${index}`, value])),
        },
      });
    },

    async recordAddressProblem(problem) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...keys.addressProblem(problem.email),
            ...problem,
            email: problem.email.trim().toLowerCase(),
            ...purge(),
          },
        }),
      );
    },

    async addressProblems(emails): Promise<AddressProblem[]> {
      const unique = [...new Set(emails.map((email) => email.trim().toLowerCase()))];
      const items = await batchGet(unique.map((email) => keys.addressProblem(email)));
      return items.map((item) => AddressProblemItem.parse(item));
    },
  } satisfies BroadcastStore;
}

/** The broadcasts' store as this adapter makes it. */
export type BroadcastStoreAdapter = ReturnType<typeof makeBroadcastStore>;

function encodeKey(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** A cursor we did not make reads as the start. */
function decodeKey(cursor: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function inParallel<T>(
  items: readonly T[],
  width: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await work(item);
      }
    }),
  );
}
