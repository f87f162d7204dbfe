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
    /**
     * Tickets by status in creation order (the console's list sorted by creation with a status
     * filter, and the dashboard's open tickets, oldest first). gsi2 orders a status by last
     * update only. Keyed on the ticket's own `status` and `createdAt` rather than generic
     * attributes, so that every writer of a ticket's status (the ticket step, follow-ups, staff)
     * keeps it right without knowing it exists. Sparse: only tickets carry both attributes
     * (outgoing mails have a `status` but no `createdAt`); any item that carries either must
     * carry it as a string.
     */
    { indexName: 'gsi3', partitionKey: 'status', sortKey: 'createdAt' },
  ],
} as const;
