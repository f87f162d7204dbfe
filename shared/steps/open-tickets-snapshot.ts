/**
 * The hourly tick's snapshot of the open tickets for the dashboard
 * (`shared/domain/open-tickets-snapshot.ts` says why it stays exact). Repeating a tick, or two at
 * once, is harmless: the reader uses a snapshot only when all its chunks come from one tick.
 */
import type { OpenTicketsSnapshots } from '#shared/domain/open-tickets-snapshot.ts';

/** What the snapshot needs: the open tickets and where the snapshot goes, and the clock. */
export type OpenTicketsSnapshotDeps = { openTickets: OpenTicketsSnapshots; now: () => Date };

/**
 * Reads every open ticket and replaces the snapshot, dated from before the read: a ticket
 * written during the read is read again by the dashboard, with the tickets changed since.
 * Returns how many open tickets it holds.
 */
export async function snapshotOpenTickets(deps: OpenTicketsSnapshotDeps): Promise<number> {
  const takenAt = deps.now();
  const facts = await deps.openTickets.readOpenTickets(takenAt);
  await deps.openTickets.saveSnapshot({ takenAt: takenAt.toISOString(), facts });
  return facts.length;
}
