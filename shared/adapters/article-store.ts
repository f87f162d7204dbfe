/**
 * Knowledge base articles in the desk table: the article (its fields under `article`, its
 * `version` at the top for the condition of a replacement), its history lines in its partition,
 * the id counter, and the catalogue's versions, bumped in the transaction of every change so the
 * staff search knows with one read whether its index is still right (`version`: any change) and
 * the export whether what it wrote is still the published state (`published`: a change of a
 * published article, or one that publishes or unpublishes it; drafts being saved do not move it).
 *
 * Listing is a Query on a gsi partition (gsi1 `ARTICLES`: all; gsi2 `ARTICLES#<status>`), never
 * a Scan: the catalogue is a few hundred articles, read whole by the staff search and the export.
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { Article, ArticleHistoryEntry } from '#shared/domain/article.ts';
import type { ArticleStore } from '#shared/domain/kb-ports.ts';
import { purgeDate } from '#shared/domain/retention.ts';
import { type Item, putAction } from './items.ts';
import { keys } from './keys.ts';
import { queryAll } from './table-queries.ts';
import { type TransactAction, TransactionRefusedError, transactNamed } from './transact.ts';

const ArticleItem = z.object({ article: Article });
const HistoryItem = z.object({ entry: ArticleHistoryEntry });
const Counter = z.object({ last: z.number().int() });
const Catalogue = z.object({ version: z.number().int(), published: z.number().int().default(0) });

/** Makes the articles' store over a DynamoDB document client and the desk table's name. */
export function makeArticleStore({
  client,
  tableName,
  draftRetentionDays,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
  /**
   * Days a draft is kept after its last change (`RETENTION_ARTICLE_DRAFT_DAYS`): a draft made
   * from a ticket may hold what redaction missed. Undefined: kept (readers such as the export).
   * Any other status is written without a purge date, so submitting or publishing keeps it.
   */
  draftRetentionDays?: number | undefined;
}): ArticleStore {
  const access = { client, tableName };

  const articleItem = (article: Article): Item => ({
    ...keys.article(article.id),
    ...keys.articlesAll(article.updatedAt, article.id),
    ...keys.articlesByStatus(article.status, article.updatedAt, article.id),
    article,
    version: article.version,
    ...(article.status === 'draft' && draftRetentionDays !== undefined
      ? { expiresAt: purgeDate(article.updatedAt, draftRetentionDays) }
      : {}),
  });

  const historyAction = (id: string, entry: ArticleHistoryEntry): TransactAction =>
    putAction(tableName, { ...keys.articleHistory(id, entry.version), entry }, 'attribute_not_exists(pk)');

  /** Moves the catalogue's version, and its published version when published content changes. */
  const bumpCatalogue = (publishedChange: boolean): TransactAction => ({
    Update: {
      TableName: tableName,
      Key: keys.articleCatalogue(),
      UpdateExpression: publishedChange ? 'ADD #version :one, #published :one' : 'ADD #version :one',
      ExpressionAttributeNames: publishedChange
        ? { '#version': 'version', '#published': 'published' }
        : { '#version': 'version' },
      ExpressionAttributeValues: { ':one': 1 },
    },
  });

  const readCatalogue = async () => {
    const { Item } = await client.send(
      new GetCommand({ TableName: tableName, Key: keys.articleCatalogue(), ConsistentRead: true }),
    );
    return Item === undefined ? { version: 0, published: 0 } : Catalogue.parse(Item);
  };

  const articlesOf = (items: Item[]) => items.map((item) => ArticleItem.parse(item).article);

  return {
    async nextId() {
      const { Attributes } = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.articleSequence(),
          UpdateExpression: 'ADD #last :one',
          ExpressionAttributeNames: { '#last': 'last' },
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return String(Counter.parse(Attributes).last);
    },

    async create(article, entry) {
      await transactNamed(client, [
        ['article', putAction(tableName, articleItem(article), 'attribute_not_exists(pk)')],
        ['history', historyAction(article.id, entry)],
        ['catalogue', bumpCatalogue(article.status === 'published')],
      ]);
    },

    async get(id) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: keys.article(id), ConsistentRead: true }),
      );
      return Item === undefined ? undefined : ArticleItem.parse(Item).article;
    },

    async replace(article, version, entry) {
      try {
        await transactNamed(client, [
          [
            'article',
            {
              Put: {
                TableName: tableName,
                Item: articleItem(article),
                ConditionExpression: 'version = :version',
                ExpressionAttributeValues: { ':version': version },
              },
            },
          ],
          ['history', historyAction(article.id, entry)],
          ['catalogue', bumpCatalogue(article.status === 'published' || entry.from === 'published')],
        ]);
        return true;
      } catch (error) {
        // The history line of that version exists only if someone else wrote it: the same race.
        if (error instanceof TransactionRefusedError && (error.failed('article') || error.failed('history')))
          return false;
        throw error;
      }
    },

    async history(id) {
      const { items } = await queryAll(access, {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :hist)',
        ExpressionAttributeValues: { ':pk': keys.article(id).pk, ':hist': keys.articleHistoryPrefix },
        ConsistentRead: true,
      });
      return items.map((item) => HistoryItem.parse(item).entry);
    },

    async all() {
      const { items } = await queryAll(access, {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.articlesPartition() },
        ScanIndexForward: false,
      });
      return articlesOf(items);
    },

    async published() {
      const { items } = await queryAll(access, {
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.articlesOfStatusPartition('published') },
        ScanIndexForward: false,
      });
      return articlesOf(items);
    },

    async catalogueVersion() {
      return (await readCatalogue()).version;
    },

    async publishedVersion() {
      return (await readCatalogue()).published;
    },
  };
}
