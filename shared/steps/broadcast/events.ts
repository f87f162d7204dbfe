/**
 * SES events on the broadcasts' mails: a delivery, a hard bounce or a complaint updates the
 * recipient found by the mail's SES message id; a hard bounce or a complaint is also kept on the
 * address, so the director's page in the directory shows it. A transient bounce changes nothing
 * (SES keeps trying; the recipient stays `sent`).
 */
import type { SesMailEvent } from '#shared/domain/messages.ts';
import type { BroadcastDeps } from './deps.ts';

/** What an event did, for the log. */
export type SesEventOutcome =
  | 'delivered'
  | 'bounced'
  | 'complained'
  /** Not a broadcast's mail (an acknowledgment...), an event type the desk does not act on, or a soft bounce. */
  | 'ignored'
  /** The recipient is already past that status (a late or repeated event). */
  | 'unchanged';

export async function recordSesEvent(
  event: SesMailEvent,
  deps: Pick<BroadcastDeps, 'store' | 'now'>,
): Promise<SesEventOutcome> {
  const status =
    event.kind === 'delivery'
      ? 'delivered'
      : event.kind === 'complaint'
        ? 'complained'
        : event.kind === 'bounce' && event.bounceType === 'Permanent'
          ? 'bounced'
          : undefined;
  if (status === undefined) return 'ignored';
  const found = await deps.store.recipientOfMessage(event.sesMessageId);
  if (found === undefined) return 'ignored';
  const now = deps.now().toISOString();
  const changed = await deps.store.recordEvent(
    found.broadcastId,
    found.directorId,
    status,
    event.detail,
    now,
  );
  if (status !== 'delivered') {
    const [recipient] = await deps.store.recipients(found.broadcastId, [found.directorId]);
    if (recipient)
      await deps.store.recordAddressProblem({
        email: recipient.email,
        kind: status,
        at: event.at || now,
        detail: event.detail,
        broadcastId: found.broadcastId,
      });
  }
  return changed ? status : 'unchanged';
}
