/**
 * The shape of the desk's single DynamoDB table, read by the CDK stack and by the local
 * stack so both create the same table.
 *
 * One table, generic keys: every entity's key is built in `shared/adapters/keys.ts`.
 */
export const deskTable = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Items that expire (quota counters, claims, purged data) carry their epoch seconds here. */
  timeToLiveAttribute: 'expiresAt',
  globalSecondaryIndexes: [
    /** Lists in time order: the intake log (`INTAKE`), tickets (`TICKETS`), directory lists. */
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** A second listing axis: intake by outcome, tickets by status. */
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
} as const;
