/**
 * Sending a broadcast: freezing its recipients and queueing their chunks (`startBroadcast`, also
 * run by the scheduler's tick, `startDueBroadcasts`), then each chunk through one SES bulk call
 * (`sendChunk`), exactly once per recipient and within the broadcasts' share of the send rate.
 */
import {
  type Broadcast,
  BroadcastStateError,
  broadcastRate,
  broadcastTemplate,
  pauseAfterChunk,
  recipientsOf,
  replacementsOf,
  statusAfterProgress,
} from '#shared/domain/broadcast.ts';
import { DeskError } from '#shared/domain/errors.ts';
import type { BroadcastChunk } from '#shared/domain/messages.ts';
import { pipeline } from '#shared/pipeline.ts';
import { changeBroadcast, historyLine, queueChunksOfQueued, SYSTEM_ACTOR, stored } from './common.ts';
import type { BroadcastDeps } from './deps.ts';

const DEFAULT_LEASE_SECONDS = 600;
const DEFAULT_THROTTLE_DELAY_SECONDS = 60;
/** Deferrals of a throttled chunk before its recipients are left `failed` (retryable by staff). */
export const MAX_DEFERRALS = 8;
const broadcastStage = pipeline.broadcastStages.find((stage) => stage.queue === 'broadcast');
const DEFAULT_WORKERS = broadcastStage?.maxConcurrency ?? 1;

/** What the outcome of an unknown send is called, on a recipient a dead worker had claimed. */
export const UNKNOWN_OUTCOME =
  'État inconnu : l’envoi a été interrompu ; il n’est pas refait, pour ne pas écrire deux fois.';

/**
 * Starts sending now: freezes the recipients today's directory gives (once: an earlier attempt's
 * stay as they are), moves the broadcast to `sending`, then queues one chunk per 50 recipients
 * still queued. Repeating it changes nothing, but finishes a start that stopped before its chunks
 * were queued.
 * @throws BroadcastNotFoundError, BroadcastStateError (cancelled), UnknownZoneError, EmptyZoneError
 */
export async function startBroadcast(id: string, actor: string, deps: BroadcastDeps): Promise<Broadcast> {
  const current = await stored(id, deps);
  const { status } = current.broadcast;
  if (status === 'cancelled') throw new BroadcastStateError(status, 'l’envoyer');
  if (status === 'draft' || status === 'scheduled') {
    const at = deps.now().toISOString();
    const { state } = await deps.directory.current();
    const recipients = recipientsOf(state, current.broadcast.zones, at);
    await deps.store.freezeRecipients(id, recipients);
    await changeBroadcast(id, deps, ({ broadcast }) => {
      if (broadcast.status === 'cancelled') throw new BroadcastStateError(broadcast.status, 'l’envoyer');
      if (broadcast.status === 'sending' || broadcast.status === 'sent') return undefined;
      const { scheduledAt: _, ...rest } = broadcast;
      return {
        ...rest,
        status: 'sending',
        recipients: recipients.length,
        startedAt: at,
        updatedAt: at,
        history: [...broadcast.history, historyLine(at, actor, 'started')],
      };
    });
  }
  const now = await stored(id, deps);
  if (now.broadcast.status === 'sending' && !now.chunksQueued) {
    const counts = await deps.store.counts(id);
    await deps.store.saveCounts(id, counts);
    await queueChunksOfQueued(id, deps);
  }
  return { ...now.broadcast, counts: await deps.store.counts(id) };
}

/**
 * The scheduler's tick: starts every scheduled broadcast whose time has come. A broadcast that
 * can no longer start (its zones are now empty or unknown) is cancelled, with the reason in its
 * history, rather than tried again every minute. Returns the ids started.
 */
export async function startDueBroadcasts(deps: BroadcastDeps): Promise<string[]> {
  const due = await deps.store.due(deps.now().toISOString());
  const started: string[] = [];
  for (const id of due) {
    try {
      await startBroadcast(id, SYSTEM_ACTOR, deps);
      started.push(id);
    } catch (error) {
      if (!(error instanceof DeskError)) throw error;
      await changeBroadcast(id, deps, ({ broadcast }) => {
        if (broadcast.status !== 'scheduled') return undefined;
        const at = deps.now().toISOString();
        const { scheduledAt: _, ...rest } = broadcast;
        return {
          ...rest,
          status: 'cancelled',
          updatedAt: at,
          finishedAt: at,
          history: [...broadcast.history, historyLine(at, SYSTEM_ACTOR, 'cancelled', error.message)],
        };
      });
    }
  }
  return started;
}

/** What a chunk did, for the log. */
export type ChunkOutcome = {
  /** Mails SES accepted. */
  sent: number;
  /** Permanent failures recorded. */
  failed: number;
  /** Throttled or transient: back to `queued`, in a chunk queued again after a delay. */
  deferred: number;
  /** Already claimed by an earlier delivery (sent, or being sent): not sent again. */
  skipped: number;
  /** Claims of a dead worker, marked failed with an unknown outcome. */
  expired: number;
  /** Nothing done: the broadcast is cancelled or gone. */
  ignored: boolean;
};

/**
 * Sends one chunk, exactly once per recipient however often it is delivered: each recipient is
 * claimed (`queued` → `sending`) before the one `SendBulkEmail`, and only the claimed ones are
 * sent; each entry's result is recorded after it. A claim older than the lease belongs to a
 * worker that died between claim and record: marked failed (unknown outcome), never sent again.
 * Throttled entries go back to `queued` in a chunk queued again after a delay. Then the worker
 * waits long enough to keep the broadcasts within their share of the account's send rate.
 * @throws when SES's answer is unknown (no response): the claims stay, the delivery is retried
 */
export async function sendChunk(message: BroadcastChunk, deps: BroadcastDeps): Promise<ChunkOutcome> {
  const started = deps.now().getTime();
  const outcome: ChunkOutcome = { sent: 0, failed: 0, deferred: 0, skipped: 0, expired: 0, ignored: false };
  const found = await deps.store.get(message.broadcastId);
  if (found === undefined || found.broadcast.status === 'cancelled') return { ...outcome, ignored: true };
  if (found.broadcast.status === 'draft' || found.broadcast.status === 'scheduled')
    throw new BroadcastNotStartedError(message.broadcastId);
  const { broadcast } = found;
  const id = broadcast.id;

  const recipients = await deps.store.recipients(id, message.directorIds);
  const now = deps.now();
  const at = now.toISOString();
  const leaseStart = new Date(
    now.getTime() - (deps.config.sendingLeaseSeconds ?? DEFAULT_LEASE_SECONDS) * 1000,
  ).toISOString();
  const claimed = (
    await Promise.all(
      recipients.map(async (recipient) => {
        if (recipient.status === 'sending') {
          if (await deps.store.expireClaim(id, recipient.directorId, leaseStart, UNKNOWN_OUTCOME, at))
            outcome.expired += 1;
          else outcome.skipped += 1;
          return [];
        }
        if (recipient.status !== 'queued' || !(await deps.store.claim(id, recipient.directorId, at))) {
          outcome.skipped += 1;
          return [];
        }
        return [recipient];
      }),
    )
  ).flat();

  if (claimed.length > 0) {
    const results = await deps.sender.sendBulk({
      broadcastId: id,
      from: deps.config.deskAddress,
      fromName: deps.config.deskDisplayName,
      replyTo: deps.config.deskAddress,
      template: broadcastTemplate(broadcast, deps.config.deskDisplayName),
      destinations: claimed.map((recipient) => ({
        email: recipient.email,
        replacements: replacementsOf(recipient),
      })),
    });
    const deferred: string[] = [];
    const recordedAt = deps.now().toISOString();
    await Promise.all(
      claimed.map(async (recipient, index) => {
        const result = results[index] ?? {
          status: 'failed',
          error: 'Pas de réponse de SES',
          retryable: true,
        };
        if (result.status === 'failed' && result.retryable && (message.attempt ?? 0) < MAX_DEFERRALS) {
          await deps.store.release(id, recipient.directorId, recordedAt);
          deferred.push(recipient.directorId);
          return;
        }
        await deps.store.record(id, recipient.directorId, result, recordedAt);
        if (result.status === 'sent') outcome.sent += 1;
        else outcome.failed += 1;
      }),
    );
    outcome.deferred = deferred.length;
    if (deferred.length > 0)
      await deps.chunks.send(
        { ...message, directorIds: deferred, attempt: (message.attempt ?? 0) + 1 },
        // Doubling each time, up to SQS's longest delay.
        {
          delaySeconds: Math.min(
            900,
            (deps.config.throttleDelaySeconds ?? DEFAULT_THROTTLE_DELAY_SECONDS) *
              2 ** (message.attempt ?? 0),
          ),
        },
      );
  }

  await settleProgress(id, deps);

  if (claimed.length > 0) {
    const rate =
      broadcastRate(await deps.sender.maxSendRate(), deps.config.rateShare) /
      (deps.config.workers ?? DEFAULT_WORKERS);
    const pause = pauseAfterChunk(claimed.length, rate) - (deps.now().getTime() - started);
    if (pause > 0) await (deps.sleep ?? defaultSleep)(pause);
  }
  return outcome;
}

/**
 * Keeps the list's counts, and moves a sending broadcast to `sent` (with a history line) once no
 * recipient is queued or with SES.
 */
export async function settleProgress(id: string, deps: BroadcastDeps): Promise<void> {
  const counts = await deps.store.counts(id);
  await deps.store.saveCounts(id, counts);
  if (statusAfterProgress(counts) !== 'sent') return;
  await changeBroadcast(id, deps, ({ broadcast }) => {
    if (broadcast.status !== 'sending') return undefined;
    const at = deps.now().toISOString();
    return {
      ...broadcast,
      status: 'sent',
      counts,
      updatedAt: at,
      finishedAt: at,
      history: [...broadcast.history, historyLine(at, SYSTEM_ACTOR, 'finished')],
    };
  });
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A chunk of a broadcast whose start has not finished yet: retried later. */
export class BroadcastNotStartedError extends Error {
  override name = 'BroadcastNotStartedError';
  constructor(id: string) {
    super(`Broadcast ${id} is not started yet`);
  }
}
