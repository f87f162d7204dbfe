/**
 * The `mailer` step: sends one queued mail, at most once.
 *
 * SES has no idempotency token, so the claim on the mail's record decides: only the delivery
 * that moves it from `queued` to `sent` sends. If SES refuses, the claim is given back and the
 * message retried; if the function dies between claim and send, the mail stays marked sent
 * without having left (a lost acknowledgment rather than a double one, and SES delivery events
 * will show it).
 */
import type { MailSender, SendClaims } from '#shared/domain/intake-ports.ts';
import type { OutboxMessage } from '#shared/domain/messages.ts';

/** What the mailer needs: the send claims and the sender. */
export type MailerDeps = { claims: SendClaims; sender: MailSender; now: () => Date };

/** Sends the mail unless another delivery already did; returns SES's id, or undefined if skipped. */
export async function deliverMail(message: OutboxMessage, deps: MailerDeps): Promise<string | undefined> {
  if (!(await deps.claims.claimSend(message, deps.now().toISOString()))) return undefined;
  try {
    return await deps.sender.send(message);
  } catch (error) {
    try {
      await deps.claims.releaseSend(message);
    } catch (releaseError) {
      // The retry will find the mail claimed and skip it: say so, with SES's refusal as the cause.
      throw new ClaimNotReleasedError(message.outboxId, releaseError, { cause: error });
    }
    throw error;
  }
}

/**
 * SES refused a mail and its claim could not be given back: the mail stays marked sent without
 * having left, and no retry will send it. The cause is SES's refusal; the release's failure is
 * named in the message.
 */
export class ClaimNotReleasedError extends Error {
  override name = 'ClaimNotReleasedError';
  constructor(outboxId: string, releaseError: unknown, options?: ErrorOptions) {
    const why = releaseError instanceof Error ? `${releaseError.name}: ${releaseError.message}` : 'unknown';
    super(`Mail ${outboxId} was not sent and its claim was not given back (${why})`, options);
  }
}
