/**
 * Reply templates in the desk table: one item per template (`REPLYTEMPLATE#<id>`), its fields
 * under `template` (so no top-level attribute lands in another index), listed through gsi1 by
 * scope: `REPLYTEMPLATES#shared` for the shared ones, `REPLYTEMPLATES#owner#<subject>` for one
 * person's own. A person's list is two Queries, never a Scan; there are tens of templates, not
 * thousands, so each partition is read whole. gsi1 is eventually consistent: a template saved a
 * moment ago may be missing from a list for a fraction of a second, never from its own page.
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { ReplyTemplate, type ReplyTemplateStore } from '#shared/domain/reply-template.ts';
import { keys } from './keys.ts';
import { type Item, queryAll } from './table-queries.ts';

const TemplateItem = z.object({ template: ReplyTemplate });

/** Makes the reply templates' store over a DynamoDB document client and the desk table's name. */
export function makeReplyTemplateStore({
  client,
  tableName,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): ReplyTemplateStore {
  const access = { client, tableName };

  const partition = async (owner: string | undefined) => {
    const { items } = await queryAll(access, {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.replyTemplatesPartition(owner) },
    });
    return items.map((item: Item) => TemplateItem.parse(item).template);
  };

  return {
    async get(id) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: keys.replyTemplate(id), ConsistentRead: true }),
      );
      return Item === undefined ? undefined : TemplateItem.parse(Item).template;
    },

    async listFor(owner) {
      const [shared, own] = await Promise.all([partition(undefined), partition(owner)]);
      return [...shared, ...own];
    },

    async put(template) {
      const owner = template.shared ? undefined : template.owner;
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...keys.replyTemplate(template.id),
            ...keys.replyTemplatesOf(owner, template.id),
            template: ReplyTemplate.parse(template),
          },
        }),
      );
    },

    async delete(id) {
      await client.send(new DeleteCommand({ TableName: tableName, Key: keys.replyTemplate(id) }));
    },
  };
}
