/** What the broadcasts' steps share: reading a broadcast, changing it safely, queueing its chunks. */
import {
  type Broadcast,
  type BroadcastHistoryEntry,
  BroadcastNotFoundError,
  chunksOf,
} from '#shared/domain/broadcast.ts';
import type { StoredBroadcast } from '#shared/domain/broadcast-ports.ts';
import type { BroadcastDeps } from './deps.ts';

/** The actor of what the desk does on its own (a scheduled start, the end of sending). */
export const SYSTEM_ACTOR = 'planificateur';

/** A broadcast as stored. @throws BroadcastNotFoundError */
export async function stored(id: string, deps: Pick<BroadcastDeps, 'store'>): Promise<StoredBroadcast> {
  const found = await deps.store.get(id);
  if (found === undefined) throw new BroadcastNotFoundError(id);
  return found;
}

/**
 * Reads a broadcast, lets `change` decide what it becomes (undefined: nothing to do; it may
 * throw a refusal) and replaces it on condition that nobody changed it meanwhile; a conflict is
 * decided again on a fresh read.
 */
export async function changeBroadcast(
  id: string,
  deps: Pick<BroadcastDeps, 'store'>,
  change: (current: StoredBroadcast) => Broadcast | undefined | Promise<Broadcast | undefined>,
): Promise<{ broadcast: Broadcast; changed: boolean; before: StoredBroadcast }> {
  for (let attempt = 0; ; attempt++) {
    const current = await stored(id, deps);
    const next = await change(current);
    if (next === undefined) return { broadcast: current.broadcast, changed: false, before: current };
    if (await deps.store.replace(next, current.version))
      return { broadcast: next, changed: true, before: current };
    if (attempt >= 10) throw new BroadcastConflictError(id);
  }
}

/** A history line. */
export function historyLine(
  at: string,
  actor: string,
  action: BroadcastHistoryEntry['action'],
  detail?: string,
): BroadcastHistoryEntry {
  return { at, actor, action, ...(detail === undefined ? {} : { detail }) };
}

/**
 * Queues a chunk for every recipient still `queued` in the frozen set (read back from the store,
 * so an earlier, interrupted start's recipients are included), then remembers it did.
 */
export async function queueChunksOfQueued(id: string, deps: Pick<BroadcastDeps, 'store' | 'chunks'>) {
  const directorIds: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.listRecipients(id, { status: 'queued', limit: 500, cursor });
    directorIds.push(...page.items.map((recipient) => recipient.directorId));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  await queueChunks(id, directorIds, deps);
  await deps.store.markChunksQueued(id);
  return directorIds.length;
}

/** One chunk message per 50 of these recipients. */
export async function queueChunks(
  id: string,
  directorIds: readonly string[],
  deps: Pick<BroadcastDeps, 'chunks'>,
): Promise<void> {
  const messages = chunksOf(directorIds).map((ids, chunk) => ({
    type: 'broadcast.chunk' as const,
    broadcastId: id,
    chunk,
    directorIds: ids,
  }));
  if (messages.length > 0) await deps.chunks.sendAll(messages);
}

/** Another writer kept changing the broadcast: a fault, retried by whoever called. */
export class BroadcastConflictError extends Error {
  override name = 'BroadcastConflictError';
  constructor(id: string) {
    super(`Broadcast ${id} kept changing under us`);
  }
}
