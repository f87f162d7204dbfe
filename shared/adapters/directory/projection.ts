/**
 * The contact projection: one item per address (every director address, every school mailbox)
 * saying who the sender is, so that the intake's lookup (`directory-lookup.ts`) is one GetItem.
 * Each item is stamped with the generation that wrote it and is never taken back to an older
 * one, so concurrent or resumed writers converge on the newest.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type ContactEntry, contactWrites, projectContacts } from '#shared/directory/diff.ts';
import type { DirectoryState } from '#shared/domain/directory.ts';
import { type WriteCondition, writeInTransactions } from './batches.ts';
import { directoryKeys, type Item } from './keys.ts';

/** The condition that keeps a contact entry from going back to an older generation. */
function notNewerThan(generation: number): WriteCondition {
  return {
    ConditionExpression: 'attribute_not_exists(generation) OR generation <= :generation',
    ExpressionAttributeValues: { ':generation': generation },
  };
}

function contactItem(entry: ContactEntry, generation: number, at: string): Item {
  return { ...directoryKeys.contact(entry.email), type: 'contact', ...entry, generation, updatedAt: at };
}

/**
 * The contact items that take the projection from one state's to the next's (`after`'s
 * generation stamps them), those unchanged left out.
 */
export function contactItems(before: DirectoryState, after: DirectoryState, at: string): Item[] {
  return contactWrites(projectContacts(before), projectContacts(after)).map((entry) =>
    contactItem(entry, after.generation, at),
  );
}

/** The contact projection adapter over the desk's table. */
export function makeContactProjection({
  client,
  tableName,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
}) {
  return {
    /** The Puts that write contact items within the switch's transaction. */
    putActions(items: readonly Item[], generation: number) {
      return items.map((Item) => ({ Put: { TableName: tableName, Item, ...notNewerThan(generation) } }));
    },

    /**
     * Writes contact items after the switch, in transactions; an item a later generation
     * already wrote is left as it is.
     */
    write(items: readonly Item[], generation: number, onDone: (count: number) => void): Promise<void> {
      return writeInTransactions(client, tableName, items, { onDone, condition: notNewerThan(generation) });
    },
  };
}
