/**
 * The shape of the desk's single DynamoDB table, read by the CDK stack and by the local
 * stack so both create the same table.
 *
 * One table, generic keys: every entity's key is built in `shared/adapters/keys.ts`. Each index
 * says what it projects: the listing indexes project ALL, because the console's lists read
 * whole items from them; an index only a tick reads projects its keys (DynamoDB bills an index
 * write on the projected size, and none when a write changes neither its keys nor what it projects).
 */
export const deskTable = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Items that expire (quota counters, claims, purged data) carry their epoch seconds here. */
  timeToLiveAttribute: 'expiresAt',
  globalSecondaryIndexes: [
    /** Lists in time order: the intake log (`INTAKE`), tickets (`TICKETS`), directory lists. */
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'ALL' },
    /** A second listing axis: intake by outcome, tickets by status. */
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: 'ALL' },
    /**
     * Tickets by status in creation order (the console's list sorted by creation with a status
     * filter, and the dashboard's open tickets, oldest first). gsi2 orders a status by last
     * update only. Keyed on the ticket's own `status` and `createdAt` rather than generic
     * attributes, so that every writer of a ticket's status (the ticket step, follow-ups, staff)
     * keeps it right without knowing it exists. Sparse: only tickets carry both attributes
     * (outgoing mails have a `status` but no `createdAt`); any item that carries either must
     * carry it as a string.
     */
    { indexName: 'gsi3', partitionKey: 'status', sortKey: 'createdAt', projection: 'ALL' },
    /**
     * The outbox sweeper's candidates: every mail in flight (`queued` or `sending`), by when it was
     * queued (or given back, or re-queued). Keys only: an index projecting ALL is written again,
     * at the item's full size (about 1.7 KB for an acknowledgment), whenever any attribute of an
     * item in it changes, and twice when its key moves; this one is written only when a mail
     * enters it (saved `queued`) and leaves it (its final record), one unit each, and not at the
     * mailer's claim, which changes neither its keys nor any projected attribute. The sweeper
     * reads each candidate's state from the table (an empty index on a good day).
     */
    { indexName: 'gsi4', partitionKey: 'gsi4pk', sortKey: 'gsi4sk', projection: 'KEYS_ONLY' },
    /**
     * Every ticket's card by creation (`CARDS`, `<createdAt>#<number>`): the ticket list's
     * circonscription, free-text and UAI filters read these small items (about 400 bytes, against
     * about 950 for a ticket) with a `FilterExpression`, then fetch the matching tickets. ALL: a
     * card is all it projects, and it is written only at the ticket's opening and at a merge into
     * it, never by a status change, an assignment or a reply.
     */
    { indexName: 'gsi5', partitionKey: 'gsi5pk', sortKey: 'gsi5sk', projection: 'ALL' },
    /**
     * Each agent's tickets by creation: the console's « assigned to me », which on gsi1 read every
     * ticket to keep one agent's (about thirteen read for each kept in the console benchmark's twelve
     * agents) and missed its 100 ms.
     * Keyed, as gsi3, on the ticket's own `assignee` and `createdAt`, so every writer of an
     * assignment keeps it right without knowing it exists; sparse: an unassigned ticket has no
     * `assignee` (unassigning removes it, and it is never an empty string: an index key cannot be).
     * ALL, as the other lists' indexes: it is rewritten with each change of an assigned ticket.
     * DynamoDB fills it from the tickets already there when it is added (until then it cannot be
     * read, and the list reads an agent's tickets as before: `ticket-list-store.ts`).
     */
    { indexName: 'gsi6', partitionKey: 'assignee', sortKey: 'createdAt', projection: 'ALL' },
  ],
} as const;
