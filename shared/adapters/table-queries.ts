/**
 * The read shapes the stores share on the desk table: every page of a partition (up to a page
 * budget), a sort key restricted to a period, and the items of a list of keys.
 */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';

/** An item as DynamoDB returns it, before it is parsed. */
export type Item = Record<string, unknown>;

/** The desk table and the client that reads it. */
export type TableAccess = { client: DynamoDBDocumentClient; tableName: string };

/** Every page of a query, or the first `maxPages`; `truncated` says more was left. */
export async function queryAll(
  { client, tableName }: TableAccess,
  input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>,
  maxPages = Number.POSITIVE_INFINITY,
): Promise<{ items: Item[]; truncated: boolean }> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  let pages = 0;
  do {
    const page = await client.send(
      new QueryCommand({ ...input, TableName: tableName, ExclusiveStartKey: startKey }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
    pages += 1;
  } while (startKey && pages < maxPages);
  return { items, truncated: startKey !== undefined };
}

/** A key condition suffix restricting a sort key to `[from, to]` (inclusive; refined in code). */
export function sortKeyRange(
  attribute: string,
  from: string | undefined,
  to: string | undefined,
  /** Take `to` as is: the sort key is a bare instant (gsi3), or `to` is an exclusive end. */
  bare = false,
): { expression: string; names: Record<string, string>; values: Record<string, string> } {
  const names = { '#sk': attribute };
  // `~` sorts after `#`: a bound instant then covers every `<instant>#<id>` key at that instant.
  const upper = bare || to === undefined ? to : `${to}~`;
  if (from !== undefined && upper !== undefined)
    return { expression: ' AND #sk BETWEEN :from AND :to', names, values: { ':from': from, ':to': upper } };
  if (from !== undefined) return { expression: ' AND #sk >= :from', names, values: { ':from': from } };
  if (upper !== undefined) return { expression: ' AND #sk <= :to', names, values: { ':to': upper } };
  return { expression: '', names: {}, values: {} };
}

/**
 * The items of these keys, in no particular order (missing ones are simply absent): 100 keys a
 * request, DynamoDB's limit, and the keys it leaves unprocessed asked again after a growing pause.
 */
export async function batchGetAll(
  { client, tableName }: TableAccess,
  itemKeys: readonly Item[],
): Promise<Item[]> {
  const items: Item[] = [];
  for (let start = 0; start < itemKeys.length; start += 100) {
    let pending: Item[] | undefined = itemKeys.slice(start, start + 100);
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      const answer: BatchGetCommandOutput = await client.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending } } }),
      );
      items.push(...(answer.Responses?.[tableName] ?? []));
      pending = answer.UnprocessedKeys?.[tableName]?.Keys;
      if (pending && pending.length > 0)
        await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 50 * 2 ** attempt)));
    }
  }
  return items;
}
