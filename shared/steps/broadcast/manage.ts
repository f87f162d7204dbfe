/**
 * What staff do with broadcasts (« Diffusions » in the console): write, preview, test, send or
 * schedule, cancel, retry the transient failures. Every action is a line of the broadcast's
 * history (who, when).
 */
import {
  type Broadcast,
  BroadcastInput,
  type BroadcastRecipient,
  BroadcastStateError,
  broadcastTemplate,
  checkSchedule,
  countsOf,
  type RecipientStatus,
  recipientsOf,
} from '#shared/domain/broadcast.ts';
import { DeskError } from '#shared/domain/errors.ts';
import { changeBroadcast, historyLine, queueChunks, stored } from './common.ts';
import type { BroadcastDeps } from './deps.ts';
import { startBroadcast } from './fan-out.ts';

/** A new draft: its recipients counted from today's directory. @throws UnknownZoneError, EmptyZoneError */
export async function createBroadcast(
  input: BroadcastInput,
  actor: string,
  deps: BroadcastDeps,
): Promise<Broadcast> {
  const content = BroadcastInput.parse(input);
  const at = deps.now().toISOString();
  const { state } = await deps.directory.current();
  const recipients = recipientsOf(state, content.zones, at);
  const broadcast: Broadcast = {
    ...content,
    id: deps.newId(),
    status: 'draft',
    recipients: recipients.length,
    counts: countsOf(recipients.map((recipient) => recipient.status)),
    createdAt: at,
    createdBy: actor,
    updatedAt: at,
    history: [historyLine(at, actor, 'created')],
  };
  await deps.store.create(broadcast);
  return broadcast;
}

/**
 * Rewrites a draft or a scheduled broadcast (it stays scheduled at its time).
 * @throws BroadcastNotFoundError, BroadcastStateError, UnknownZoneError, EmptyZoneError
 */
export async function editBroadcast(
  id: string,
  input: BroadcastInput,
  actor: string,
  deps: BroadcastDeps,
): Promise<Broadcast> {
  const content = BroadcastInput.parse(input);
  const { state } = await deps.directory.current();
  const { broadcast } = await changeBroadcast(id, deps, ({ broadcast: current }) => {
    if (current.status !== 'draft' && current.status !== 'scheduled')
      throw new BroadcastStateError(current.status, 'la modifier');
    const at = deps.now().toISOString();
    const recipients = recipientsOf(state, content.zones, at);
    return {
      ...current,
      ...content,
      recipients: recipients.length,
      counts: countsOf(recipients.map((recipient) => recipient.status)),
      updatedAt: at,
      history: [...current.history, historyLine(at, actor, 'edited')],
    };
  });
  return broadcast;
}

/** A page of broadcasts, newest first. */
export async function listBroadcasts(
  query: { limit: number; cursor?: string },
  deps: BroadcastDeps,
): Promise<{ items: Broadcast[]; nextCursor: string | null }> {
  return deps.store.list(query);
}

/**
 * One broadcast; once sending started, its counts are read from its recipients, so they are
 * exact whatever the workers and the SES events are doing. @throws BroadcastNotFoundError
 */
export async function getBroadcast(id: string, deps: BroadcastDeps): Promise<Broadcast> {
  const { broadcast } = await stored(id, deps);
  if (broadcast.startedAt === undefined) return broadcast;
  return { ...broadcast, counts: await deps.store.counts(id) };
}

/**
 * A page of a broadcast's recipients, optionally of one status: before sending, those today's
 * directory gives (all `queued`); once started, those frozen then. @throws BroadcastNotFoundError
 */
export async function listRecipients(
  id: string,
  query: { status?: RecipientStatus; limit: number; cursor?: string },
  deps: BroadcastDeps,
): Promise<{ items: BroadcastRecipient[]; nextCursor: string | null }> {
  const { broadcast } = await stored(id, deps);
  if (broadcast.startedAt !== undefined) return deps.store.listRecipients(id, query);
  const { state } = await deps.directory.current();
  let recipients: BroadcastRecipient[];
  try {
    recipients = recipientsOf(state, broadcast.zones, deps.now().toISOString());
  } catch (error) {
    // The directory changed since the draft was written: nobody to show, rather than a refusal.
    if (error instanceof DeskError) return { items: [], nextCursor: null };
    throw error;
  }
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const matching = recipients.filter(
    (recipient) =>
      (query.status === undefined || recipient.status === query.status) &&
      (after === undefined || recipient.email > after),
  );
  const items = matching.slice(0, query.limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor: matching.length > items.length && last ? encodeCursor(last.email) : null,
  };
}

/** Sends one copy of the broadcast to the staff member, greeted by name. @throws BroadcastTestFailedError */
export async function sendTest(
  id: string,
  actor: { email: string; name: string },
  deps: BroadcastDeps,
): Promise<{ to: string }> {
  const { broadcast } = await stored(id, deps);
  const template = broadcastTemplate(broadcast, deps.config.deskDisplayName);
  const [result] = await deps.sender.sendBulk({
    broadcastId: broadcast.id,
    from: deps.config.deskAddress,
    fromName: deps.config.deskDisplayName,
    replyTo: deps.config.deskAddress,
    template: { ...template, subject: `[Test] ${template.subject}` },
    destinations: [{ email: actor.email, replacements: { greeting: `Bonjour ${actor.name},` } }],
  });
  if (result?.status !== 'sent') throw new BroadcastTestFailedError();
  await changeBroadcast(id, deps, ({ broadcast: current }) => {
    const at = deps.now().toISOString();
    return {
      ...current,
      updatedAt: at,
      history: [...current.history, historyLine(at, actor.email, 'tested')],
    };
  });
  return { to: actor.email };
}

/**
 * Sends now (no `at`) or schedules at `at`. Repeating it changes nothing: a broadcast already
 * sending or sent stays as it is, one scheduled at the same time too.
 * @throws BroadcastNotFoundError, BroadcastStateError (cancelled), InvalidScheduleError
 */
export async function sendBroadcast(
  id: string,
  at: string | undefined,
  actor: string,
  deps: BroadcastDeps,
): Promise<Broadcast> {
  if (at === undefined) return startBroadcast(id, actor, deps);
  const when = new Date(at);
  const { broadcast } = await changeBroadcast(id, deps, ({ broadcast: current }) => {
    if (current.status === 'cancelled') throw new BroadcastStateError(current.status, 'l’envoyer');
    if (current.status === 'sending' || current.status === 'sent') return undefined;
    const scheduledAt = when.toISOString();
    if (current.status === 'scheduled' && current.scheduledAt === scheduledAt) return undefined;
    const now = deps.now();
    checkSchedule(when, now);
    return {
      ...current,
      status: 'scheduled',
      scheduledAt,
      updatedAt: now.toISOString(),
      history: [...current.history, historyLine(now.toISOString(), actor, 'scheduled', scheduledAt)],
    };
  });
  return broadcast;
}

/**
 * Cancels a draft, a scheduled broadcast, or what is not sent yet of one being sent: the chunks
 * still queued then do nothing. Repeating it changes nothing.
 * @throws BroadcastNotFoundError, BroadcastStateError (already sent)
 */
export async function cancelBroadcast(id: string, actor: string, deps: BroadcastDeps): Promise<Broadcast> {
  const { broadcast } = await changeBroadcast(id, deps, ({ broadcast: current }) => {
    if (current.status === 'cancelled') return undefined;
    if (current.status === 'sent') throw new BroadcastStateError(current.status, 'l’annuler');
    const at = deps.now().toISOString();
    const { scheduledAt: _, ...rest } = current;
    return {
      ...rest,
      status: 'cancelled',
      updatedAt: at,
      finishedAt: at,
      history: [...current.history, historyLine(at, actor, 'cancelled')],
    };
  });
  return getBroadcast(broadcast.id, deps);
}

/**
 * Sends again to the recipients whose send failed for a transient reason (throttling, an SES
 * fault): they go back to `queued`, the broadcast to `sending`, and their chunks are queued.
 * Permanent failures and unknown outcomes stay as they are.
 * @throws BroadcastNotFoundError, BroadcastStateError (not started, or cancelled)
 */
export async function retryFailures(id: string, actor: string, deps: BroadcastDeps): Promise<Broadcast> {
  const { broadcast } = await stored(id, deps);
  if (broadcast.status !== 'sending' && broadcast.status !== 'sent')
    throw new BroadcastStateError(broadcast.status, 'relancer les échecs');
  const at = deps.now().toISOString();
  const requeued = await deps.store.requeueRetryable(id, at);
  if (requeued.length === 0) return getBroadcast(id, deps);
  await changeBroadcast(id, deps, ({ broadcast: current }) => {
    if (current.status === 'cancelled') return undefined;
    const { finishedAt: _, ...rest } = current;
    return {
      ...rest,
      status: 'sending',
      updatedAt: at,
      history: [...current.history, historyLine(at, actor, 'retried', String(requeued.length))],
    };
  });
  await queueChunks(id, requeued, deps);
  return getBroadcast(id, deps);
}

/** SES refused the test copy. */
export class BroadcastTestFailedError extends DeskError {
  override name = 'BroadcastTestFailedError';
  constructor() {
    super(
      'unprocessable',
      'broadcast_test_failed',
      "L'envoi du message de test a échoué : réessayez plus tard.",
    );
  }
}

function encodeCursor(email: string): string {
  return Buffer.from(email, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  return Buffer.from(cursor, 'base64url').toString('utf8');
}
