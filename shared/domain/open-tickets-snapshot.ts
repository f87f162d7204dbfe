/**
 * The open tickets' snapshot: what the dashboard counts of every open ticket (`OpenTicketFact`),
 * written each hour by the housekeeping tick, so that the dashboard reads a few items and the
 * tickets changed since instead of every open ticket (docs/PERFORMANCE.md, « console »).
 *
 * Exact, not merely recent: every write to a ticket item moves its `updatedAt`, and so its gsi2
 * key (`TICKETS#<status>`, `<updatedAt>#<number>`), to the writer's clock taken at most
 * `SNAPSHOT_OVERLAP_MS` before the write lands. The snapshot's time is taken before its read
 * starts; a ticket written after its line was read therefore has an `updatedAt` after the
 * snapshot's time less the overlap, and the dashboard reads every such ticket as it is now
 * (`changedSince`), whatever its status: its current facts replace its line, a closed one leaves,
 * a new one joins (`mergeSnapshot`).
 */
import { type OpenTicketFact, openTicketFact } from './dashboard.ts';
import { type Ticket, TicketStatus } from './records.ts';

/**
 * How long before its write a writer may have taken the `updatedAt` it writes: the longest a
 * Lambda function runs (its hard limit, 900 s; a writer takes its clock once per invocation),
 * plus five minutes for an index to show a write (normally under a second) and clocks' drift.
 */
export const SNAPSHOT_OVERLAP_MS = 20 * 60_000;

/**
 * A snapshot older than this is not used: the dashboard reads every open ticket, as without one.
 * The tick writes one an hour; a day without one means the tick is failing, and the tickets
 * changed since would be most of the open ones anyway.
 */
export const SNAPSHOT_MAX_AGE_MS = 24 * 3_600_000;

/** Bytes of lines per snapshot item: well under DynamoDB's 400 KB per item, names and keys included. */
export const SNAPSHOT_CHUNK_BYTES = 300_000;

/** The instant from which the tickets changed must be read to bring a snapshot taken at `takenAt` up to date. */
export function changedSince(takenAt: string): string {
  return new Date(Date.parse(takenAt) - SNAPSHOT_OVERLAP_MS).toISOString();
}

/**
 * One open ticket's facts as one line: fields joined by tabs, the départements by commas. None
 * of them holds either (numbers, statuses, ISO instants, département codes).
 */
export function snapshotLine(fact: OpenTicketFact): string {
  return [fact.number, fact.status, fact.createdAt, fact.answeredAt ?? '', fact.departements.join(',')].join(
    '\t',
  );
}

/** The facts of a line (`snapshotLine`); undefined when it does not read as one. */
export function snapshotFact(line: string): OpenTicketFact | undefined {
  const [number, status, createdAt, answeredAt, departements, ...rest] = line.split('\t');
  const parsed = TicketStatus.safeParse(status);
  if (!number || !createdAt || departements === undefined || rest.length > 0 || !parsed.success) {
    return undefined;
  }
  return {
    number,
    status: parsed.data,
    createdAt,
    ...(answeredAt ? { answeredAt } : {}),
    departements: departements === '' ? [] : departements.split(','),
  };
}

/** Lines cut into chunks of at most `maxBytes` (UTF-8) each, in order; one line never splits. */
export function snapshotChunks(lines: readonly string[], maxBytes = SNAPSHOT_CHUNK_BYTES): string[] {
  const encoder = new TextEncoder();
  const chunks: string[] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const line of lines) {
    const size = encoder.encode(line).length + 1;
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current.join('\n'));
      current = [];
      bytes = 0;
    }
    current.push(line);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current.join('\n'));
  return chunks;
}

/** What a changed ticket brings to the merge: its facts now, and when it was last written. */
export type ChangedTicket = Pick<
  Ticket,
  'number' | 'status' | 'createdAt' | 'answeredAt' | 'schools' | 'updatedAt'
>;

/**
 * The open tickets now: the snapshot's facts, each ticket changed since replacing its line with
 * its facts now (a closed one leaving, a new one joining). Where a ticket comes twice (an index
 * showing it under its old and new status for a moment), its latest write counts.
 */
export function mergeSnapshot(
  snapshot: readonly OpenTicketFact[],
  changed: readonly ChangedTicket[],
): OpenTicketFact[] {
  const latest = new Map<string, ChangedTicket>();
  for (const ticket of changed) {
    const seen = latest.get(ticket.number);
    if (!seen || seen.updatedAt < ticket.updatedAt) latest.set(ticket.number, ticket);
  }
  const open = new Map(snapshot.map((fact) => [fact.number, fact]));
  for (const [number, ticket] of latest) {
    if (ticket.status === 'clos') open.delete(number);
    else open.set(number, openTicketFact(ticket));
  }
  return [...open.values()];
}

/** A snapshot as stored: when it was taken (before its read began), and every open ticket's facts then. */
export type OpenTicketsSnapshot = { takenAt: string; facts: OpenTicketFact[] };

/** What the tick's snapshot needs of the desk table. */
export type OpenTicketsSnapshots = {
  /** Every open ticket's facts at `now` (a purged one left out), read whole. */
  readOpenTickets(now: Date): Promise<OpenTicketFact[]>;
  /** Replaces the snapshot. */
  saveSnapshot(snapshot: OpenTicketsSnapshot): Promise<void>;
};
