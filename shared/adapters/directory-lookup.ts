/**
 * The intake's question to the directory, "who is this sender?", answered with one GetItem.
 *
 * Kept apart from the directory store (imports, generations, search) so that the `screen`
 * function's bundle carries only this.
 */
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { type DirectoryLookup, DirectoryMatch } from '#shared/domain/directory.ts';
import { directoryKeys } from './directory/keys.ts';

/** A contact item of the directory could not be read as a directory entry. */
export class DirectoryLookupError extends Error {
  override name = 'DirectoryLookupError';
}

/** The directory lookup over the desk's table. */
export function makeDirectoryLookup({
  client,
  tableName,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): DirectoryLookup {
  return {
    async findByEmail(email) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: directoryKeys.contact(email) }),
      );
      if (Item?.active !== true) return undefined;
      const match = DirectoryMatch.safeParse(Item);
      if (!match.success) {
        throw new DirectoryLookupError(`Directory contact item ${String(Item.pk)} is malformed`, {
          cause: match.error,
        });
      }
      return match.data;
    },
  };
}
