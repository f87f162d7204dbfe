/**
 * The open tickets' snapshot in the desk table (`shared/domain/open-tickets-snapshot.ts`): a few
 * items under `SNAPSHOT#OPEN_TICKETS`, each a chunk of lines, written by the hourly tick and read
 * by the dashboard in one Query; and the two reads of the tickets both sides share, both on gsi2
 * (`TICKETS#<status>`, by last update): every open ticket, and the tickets written since an instant.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { type OpenTicketFact, openTicketFact } from '#shared/domain/dashboard.ts';
import {
  type ChangedTicket,
  type OpenTicketsSnapshot,
  type OpenTicketsSnapshots,
  snapshotChunks,
  snapshotFact,
  snapshotLine,
} from '#shared/domain/open-tickets-snapshot.ts';
import { OPEN_STATUSES, Ticket, TicketStatus } from '#shared/domain/records.ts';
import { keys } from './keys.ts';
import { queryAll, type TableAccess } from './table-queries.ts';
import { expired } from './ticket-items.ts';

/** What the dashboard reads of a ticket: its facts, and when it was last written. */
const TicketFactsItem = Ticket.pick({
  number: true,
  status: true,
  createdAt: true,
  answeredAt: true,
  schools: true,
  updatedAt: true,
});
const TICKET_FACTS = '#number, #status, createdAt, answeredAt, schools, updatedAt, expiresAt';
const TICKET_FACT_NAMES = { '#status': 'status', '#number': 'number' };

/** A chunk as stored: which snapshot it belongs to, its place, how many there are, its lines. */
const SnapshotChunk = z.object({
  takenAt: z.string(),
  chunk: z.number().int(),
  chunks: z.number().int(),
  lines: z.string(),
});

/**
 * Every open ticket's facts (gsi2's four open partitions `TICKETS#<status>`, only what the counts
 * read: a fifth of a ticket's bytes), a purged one left out; up to `maxPages` pages a partition.
 */
export async function openTicketFacts(
  table: TableAccess,
  now: Date,
  maxPages = Number.POSITIVE_INFINITY,
): Promise<{ facts: OpenTicketFact[]; truncated: boolean }> {
  const reads = await Promise.all(
    OPEN_STATUSES.map((status) =>
      queryAll(
        table,
        {
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeNames: TICKET_FACT_NAMES,
          ExpressionAttributeValues: { ':pk': keys.ticketsOfStatusPartition(status) },
          ProjectionExpression: TICKET_FACTS,
        },
        maxPages,
      ),
    ),
  );
  return {
    facts: reads.flatMap((read) =>
      read.items
        .filter((item) => !expired(item, now))
        .map((item) => openTicketFact(TicketFactsItem.parse(item))),
    ),
    truncated: reads.some((read) => read.truncated),
  };
}

/**
 * Every ticket written at or after `since` (gsi2 `TICKETS#<status>`, `<updatedAt>#<number>`, in
 * each status's partition, closed included: a ticket closed since must leave the open ones), as
 * it is now; a purged one as closed. Up to `maxPages` pages a partition.
 */
export async function ticketsChangedSince(
  table: TableAccess,
  since: string,
  now: Date,
  maxPages = Number.POSITIVE_INFINITY,
): Promise<{ tickets: ChangedTicket[]; truncated: boolean }> {
  const reads = await Promise.all(
    TicketStatus.options.map((status) =>
      queryAll(
        table,
        {
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk >= :since',
          ExpressionAttributeNames: TICKET_FACT_NAMES,
          ExpressionAttributeValues: { ':pk': keys.ticketsOfStatusPartition(status), ':since': since },
          ProjectionExpression: TICKET_FACTS,
        },
        maxPages,
      ),
    ),
  );
  return {
    tickets: reads.flatMap((read) =>
      read.items.map((item): ChangedTicket => {
        const ticket = TicketFactsItem.parse(item);
        return expired(item, now) ? { ...ticket, status: 'clos' } : ticket;
      }),
    ),
    truncated: reads.some((read) => read.truncated),
  };
}

/**
 * Makes the snapshot's store over the desk table: the tick's port, and the dashboard's read.
 * `chunkBytes` (tests only) cuts the lines into smaller items than `SNAPSHOT_CHUNK_BYTES`.
 */
export function makeOpenTicketsSnapshotStore(
  table: TableAccess,
  options: { chunkBytes?: number } = {},
): OpenTicketsSnapshots & {
  /** The snapshot, or undefined: none yet, one being replaced (chunks of two ticks), or unreadable. */
  readSnapshot(): Promise<OpenTicketsSnapshot | undefined>;
} {
  const partition = keys.openTicketsSnapshotPartition();
  return {
    async readOpenTickets(now) {
      return (await openTicketFacts(table, now)).facts;
    },

    async saveSnapshot({ takenAt, facts }) {
      const found = snapshotChunks(facts.map(snapshotLine), options.chunkBytes);
      // No open ticket is a snapshot too: one empty chunk says so.
      const chunks = found.length > 0 ? found : [''];
      // Each chunk names its snapshot and how many chunks it has: a reader meeting chunks of two
      // ticks (this one writing while it reads) leaves the snapshot aside.
      await Promise.all(
        chunks.map((lines, chunk) =>
          table.client.send(
            new PutCommand({
              TableName: table.tableName,
              Item: { ...keys.openTicketsSnapshot(chunk), takenAt, chunk, chunks: chunks.length, lines },
            }),
          ),
        ),
      );
      // The chunks of a longer snapshot before this one are emptied, not deleted (the tick's role
      // may not delete): the reader leaves aside every chunk past the count of chunk 0.
      const { items } = await queryAll(table, {
        KeyConditionExpression: 'pk = :pk AND sk > :last',
        ExpressionAttributeValues: {
          ':pk': partition,
          ':last': keys.openTicketsSnapshot(chunks.length - 1).sk,
        },
        ProjectionExpression: 'pk, sk, chunk',
        ConsistentRead: true,
      });
      await Promise.all(
        items.map((item) =>
          table.client.send(
            new PutCommand({
              TableName: table.tableName,
              Item: {
                pk: item.pk,
                sk: item.sk,
                takenAt,
                chunk: item.chunk,
                chunks: chunks.length,
                lines: '',
              },
            }),
          ),
        ),
      );
    },

    async readSnapshot() {
      // Consistent: a snapshot the tick has just replaced is read whole, not half old.
      const { items } = await queryAll(table, {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': partition },
        ConsistentRead: true,
      });
      const chunks = items.flatMap((item) => {
        const chunk = SnapshotChunk.safeParse(item);
        return chunk.success ? [chunk.data] : [];
      });
      const first = chunks.find((chunk) => chunk.chunk === 0);
      if (!first) return undefined;
      const ours = chunks.filter((chunk) => chunk.chunk < first.chunks);
      const whole =
        ours.length === first.chunks &&
        ours.every(
          (chunk, index) =>
            chunk.chunk === index && chunk.takenAt === first.takenAt && chunk.chunks === first.chunks,
        );
      if (!whole) return undefined;
      const facts: OpenTicketFact[] = [];
      for (const chunk of ours) {
        for (const line of chunk.lines === '' ? [] : chunk.lines.split('\n')) {
          const fact = snapshotFact(line);
          if (!fact) return undefined;
          facts.push(fact);
        }
      }
      return { takenAt: first.takenAt, facts };
    },
  };
}
