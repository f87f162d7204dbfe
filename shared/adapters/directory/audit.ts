/**
 * The directory's audit log: one item per director, school or circonscription a generation
 * changed (who, when, from what, before and after), listed newest first for everything or for
 * one entry. Entries are written with the switch (small changes) or by the projection after it;
 * their key is the change's and the generation's, so writing one twice changes nothing.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { AuditEntity, ChangeAction, type EntityChange } from '#shared/directory/diff.ts';
import { purgeDate } from '#shared/domain/retention.ts';
import { writeInTransactions } from './batches.ts';
import { orFail, parseItem } from './errors.ts';
import { Provenance } from './generations.ts';
import { directoryKeys, type Item } from './keys.ts';

/** One audit entry as the API lists it. */
export const AuditEntry = z.object({
  ...Provenance.shape,
  entity: AuditEntity,
  entityId: z.string(),
  action: ChangeAction,
  fields: z.array(z.string()),
  before: z.record(z.string(), z.unknown()).optional(),
  after: z.record(z.string(), z.unknown()).optional(),
  generation: z.number().int().positive(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** Which entries to list, and from where (`startKey`: the `lastKey` of the page before). */
export type AuditQuery = {
  entity?: AuditEntity;
  id?: string;
  limit: number;
  startKey?: Record<string, unknown>;
};

/** The audit items of a generation's changes. */
export function auditItems(
  changes: readonly EntityChange[],
  provenance: Provenance,
  generation: number,
  /** Days each entry is kept from its change (`RETENTION_AUDIT_DAYS`); undefined: kept. */
  retentionDays?: number,
): Item[] {
  // Only the provenance's own fields: callers may hand in the whole pointer.
  const { at, actor, source } = provenance;
  return changes.map((change) => ({
    ...directoryKeys.audit(change.entity, change.id, at, generation),
    type: 'directory_audit',
    entity: change.entity,
    entityId: change.id,
    action: change.action,
    fields: change.fields,
    ...(change.before ? { before: change.before } : {}),
    ...(change.after ? { after: change.after } : {}),
    at,
    actor,
    source,
    generation,
    gsi1pk: directoryKeys.auditList,
    gsi1sk: directoryKeys.auditListSort(at, generation, change.entity, change.id),
    ...(retentionDays === undefined ? {} : { expiresAt: purgeDate(at, retentionDays) }),
  }));
}

/** The audit log adapter over the desk's table. */
export function makeAuditLog({ client, tableName }: { client: DynamoDBDocumentClient; tableName: string }) {
  return {
    /** The Puts that write entries within the switch's transaction. */
    putActions(items: readonly Item[]) {
      return items.map((Item) => ({ Put: { TableName: tableName, Item } }));
    },

    /** Writes entries after the switch, in transactions, reporting each batch done. */
    write(items: readonly Item[], onDone: (count: number) => void): Promise<void> {
      return writeInTransactions(client, tableName, items, { onDone });
    },

    /** Entries, newest first: all of them, or those of one director, school or circonscription. */
    async list(query: AuditQuery): Promise<{ items: AuditEntry[]; lastKey?: Record<string, unknown> }> {
      const answer = await orFail('Reading the directory audit failed', () =>
        client.send(
          new QueryCommand({
            TableName: tableName,
            ...(query.entity !== undefined && query.id !== undefined
              ? {
                  KeyConditionExpression: 'pk = :pk',
                  ExpressionAttributeValues: { ':pk': directoryKeys.auditOf(query.entity, query.id) },
                }
              : {
                  IndexName: 'gsi1',
                  KeyConditionExpression: 'gsi1pk = :list',
                  ExpressionAttributeValues: { ':list': directoryKeys.auditList },
                }),
            ScanIndexForward: false,
            Limit: query.limit,
            ...(query.startKey ? { ExclusiveStartKey: query.startKey } : {}),
          }),
        ),
      );
      const items = (answer.Items ?? []).map((item) =>
        parseItem(AuditEntry, item, 'A directory audit entry'),
      );
      return { items, ...(answer.LastEvaluatedKey ? { lastKey: answer.LastEvaluatedKey } : {}) };
    },
  };
}
