/**
 * The rules of an outgoing mail's sending (`SendStatus` in `records.ts`): how long a claim holds,
 * what a delivery does when it finds the mail already claimed, when the outbox sweeper steps in,
 * and the French reasons staff read for a `failed` or `unknown` send.
 */
import type { SendStatus } from './records.ts';

/** The reason shown for a mail found `sending` past its lease (« envoi incertain »). */
export const UNKNOWN_SEND_REASON =
  'Envoi incertain : le traitement s’est interrompu entre la réservation du courriel et l’enregistrement de son envoi. ' +
  'Il est peut-être parti, peut-être pas ; il ne sera pas renvoyé automatiquement. Vérifiez auprès du destinataire.';

/** What each SES v2 `SendEmail` refusal that is final means, for staff. */
const REFUSAL_REASONS: Record<string, string> = {
  MessageRejected:
    'SES a refusé le message (contenu jugé invalide ou destinataire sur liste de suppression).',
  MailFromDomainNotVerifiedException: 'Le domaine d’expédition n’est pas vérifié auprès de SES.',
  AccountSuspendedException: 'Le compte d’envoi SES est suspendu : aucun courriel ne peut partir.',
  BadRequestException: 'SES a jugé la demande invalide (adresse ou en-tête incorrect).',
  NotFoundException: 'Une ressource d’envoi SES est introuvable (identité ou jeu de configuration).',
};

/** The French reason of a final refusal, from SES's error code. */
export function refusalReason(code: string): string {
  return REFUSAL_REASONS[code] ?? `SES a refusé l’envoi (${code}).`;
}

/**
 * SES refused a mail for good: it is recorded `failed` with `code` and never retried. Thrown by
 * the mail sender; any other failure of a send is worth a retry.
 */
export class MailRefusedError extends Error {
  override name = 'MailRefusedError';
  /** SES's error code (`MessageRejected`, …), or `HTTP <status>` when SES named none. */
  readonly code: string;
  constructor(code: string, options?: ErrorOptions) {
    super(`SES refused the mail for good (${code})`, options);
    this.code = code;
  }
}

/** When a claim taken at `now` for `leaseSeconds` ends. */
export function leaseEnd(now: Date, leaseSeconds: number): string {
  return new Date(now.getTime() + leaseSeconds * 1000).toISOString();
}

/**
 * What a delivery that could not claim its mail does: a mail still `sending` past its lease was
 * left by a function that died between its claim and its record, so it becomes `unknown`; any
 * other state (sent, failed, unknown, claimed by a live delivery, never recorded) is left alone.
 */
export function afterClaimRefused(
  found: { status?: SendStatus | undefined; leaseUntil?: string | undefined },
  now: Date,
): 'mark_unknown' | 'skip' {
  return found.status === 'sending' && found.leaseUntil !== undefined && found.leaseUntil < now.toISOString()
    ? 'mark_unknown'
    : 'skip';
}

/** How often at most the sweeper re-queues one mail before leaving it to the dead-letter queue's alarm. */
export const MAX_REQUEUES = 3;

/**
 * What the sweeper does with a mail `queued` since before its cutoff: re-queue it (its queue
 * message was lost, or is stuck), or, after `MAX_REQUEUES`, stop looking at it: each re-queued
 * message went through every retry to the dead-letter queue, whose alarm now says so.
 */
export function sweepDecision(requeues: number): 'requeue' | 'give_up' {
  return requeues < MAX_REQUEUES ? 'requeue' : 'give_up';
}
