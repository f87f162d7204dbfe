/**
 * The `mailer` step: sends one queued mail, at most once, and leaves its record saying what
 * became of it.
 *
 * SES has no idempotency token, so the claim on the mail's record decides: only the delivery
 * that moves it from `queued` to `sending` sends, and the claim holds for a lease longer than the
 * function may run. Then SES's answer is recorded: `sent` (its id), `failed` (a final refusal:
 * never retried), or, for a refusal that may pass (throttling, SES's faults, network), the claim
 * is given back and the queue message fails, so that SQS retries it (then its dead-letter queue).
 * A delivery that finds the mail still `sending` past its lease knows the claiming function died
 * between its claim and its record: the mail may have left, so it is marked `unknown` (« envoi
 * incertain »), shown to staff, and never sent again.
 */
import type { MailSender, SendClaims } from '#shared/domain/intake-ports.ts';
import type { OutboxMessage } from '#shared/domain/messages.ts';
import type { SendStatus } from '#shared/domain/records.ts';
import {
  afterClaimRefused,
  leaseEnd,
  MailRefusedError,
  refusalReason,
  UNKNOWN_SEND_REASON,
} from '#shared/domain/send-status.ts';
import { pipeline } from '#shared/pipeline.ts';
import { withRetries } from '#shared/retry.ts';

const outboxStage = pipeline.stages.find((stage) => stage.queue === 'outbox');

/**
 * How long a claim holds: twice the mailer's timeout, so no live delivery is still sending when
 * it ends, and well under the queue's visibility timeout (six times the timeout), so the
 * redelivery of a crashed delivery's message finds it ended.
 */
export const SEND_LEASE_SECONDS = (outboxStage?.functionTimeoutSeconds ?? 30) * 2;

/** What the mailer needs: the send claims and the sender. */
export type MailerDeps = { claims: SendClaims; sender: MailSender; now: () => Date };

/** What one delivery of a mail did. */
export type Delivery =
  | { outcome: 'sent'; sentMessageId: string }
  | { outcome: 'failed'; code: string }
  /** It found the mail claimed past its lease and marked it « envoi incertain ». */
  | { outcome: 'unknown' }
  /** Another delivery sent it, refused it, holds it, or it was never recorded: nothing to do. */
  | { outcome: 'skipped'; status: SendStatus | undefined };

/** Records are written again a few times: a throttled table must not turn a sent mail into an unknown one. */
const RECORD_ATTEMPTS = 4;

/** Sends the mail unless another delivery already did, and records what happened. */
export async function deliverMail(message: OutboxMessage, deps: MailerDeps): Promise<Delivery> {
  const claimedAt = deps.now();
  const claim = await deps.claims.claimSend(
    message,
    claimedAt.toISOString(),
    leaseEnd(claimedAt, SEND_LEASE_SECONDS),
  );
  if (!claim.claimed) {
    if (claim.leaseUntil === undefined || afterClaimRefused(claim, claimedAt) === 'skip')
      return { outcome: 'skipped', status: claim.status };
    const marked = await deps.claims.markUnknown(message, {
      leaseUntil: claim.leaseUntil,
      at: claimedAt.toISOString(),
      reason: UNKNOWN_SEND_REASON,
    });
    return marked ? { outcome: 'unknown' } : { outcome: 'skipped', status: claim.status };
  }

  let sentMessageId: string;
  try {
    sentMessageId = await deps.sender.send(message);
  } catch (error) {
    if (error instanceof MailRefusedError) {
      const failure = { code: error.code, reason: refusalReason(error.code), at: deps.now().toISOString() };
      await withRetries(() => deps.claims.recordFailed(message, failure), { attempts: RECORD_ATTEMPTS });
      return { outcome: 'failed', code: error.code };
    }
    try {
      await deps.claims.releaseSend(message, deps.now().toISOString());
    } catch (releaseError) {
      // The mail stays `sending`: the retry (or the sweeper) will find its lease over and mark it
      // `unknown`. Say so, with SES's refusal as the cause.
      throw new ClaimNotReleasedError(message.outboxId, releaseError, { cause: error });
    }
    throw error;
  }
  const sent = { sentMessageId, at: deps.now().toISOString() };
  try {
    await withRetries(() => deps.claims.recordSent(message, sent), { attempts: RECORD_ATTEMPTS });
  } catch (error) {
    throw new SentNotRecordedError(message.outboxId, sentMessageId, { cause: error });
  }
  return { outcome: 'sent', sentMessageId };
}

/**
 * A send that may be retried failed and its claim could not be given back: the mail stays
 * `sending` until its lease ends, then becomes `unknown` (« envoi incertain »), never sent twice.
 * The cause is SES's refusal; the release's failure is named in the message.
 */
export class ClaimNotReleasedError extends Error {
  override name = 'ClaimNotReleasedError';
  constructor(outboxId: string, releaseError: unknown, options?: ErrorOptions) {
    const why = releaseError instanceof Error ? `${releaseError.name}: ${releaseError.message}` : 'unknown';
    super(
      `Mail ${outboxId} was not sent and its claim was not given back (${why}); it will be marked unknown`,
      options,
    );
  }
}

/**
 * SES took a mail but its record could not be written: it stays `sending`, and becomes `unknown`
 * once its lease ends. The message names SES's id, so the log says it did leave.
 */
export class SentNotRecordedError extends Error {
  override name = 'SentNotRecordedError';
  constructor(outboxId: string, sentMessageId: string, options?: ErrorOptions) {
    super(`Mail ${outboxId} was sent (SES id ${sentMessageId}) but its record was not written`, options);
  }
}
