/**
 * « Accepter en ticket » for a mail the intake held back (quota reached, sender not in the
 * directory): the API opens the ticket and sends the normal acknowledgment, recording who did it.
 * A follow-up held over its daily cap is « Ajouter au ticket … » instead: it joins its ticket.
 * Once accepted the mail is no longer acceptable and the button goes: the page says what
 * happened (`acceptedNotice`), the button only its failures.
 */
import { Button } from '@codegouvfr/react-dsfr/Button';
import type { IntakeEntry } from '#shared/api/contract.ts';
import { call } from '../api/client.ts';
import { useAction } from '../use-action.ts';
import { ActionResult } from './Feedback.tsx';

/** Whether staff may still accept this mail into a ticket. */
export function isAcceptable(entry: IntakeEntry): boolean {
  return (
    (entry.outcome === 'rate_limited' || entry.outcome === 'not_director') &&
    !entry.ticketNumber &&
    !entry.acceptedBy
  );
}

/** What the page announces once a mail is accepted. */
export function acceptedNotice(entry: IntakeEntry): { ok: boolean; message: string } {
  if (entry.outcome === 'follow_up' && entry.ticketNumber) {
    return {
      ok: true,
      message: `Courriel « ${entry.subject} » accepté : il est ajouté au ticket ${entry.ticketNumber}.`,
    };
  }
  return {
    ok: true,
    message: `Courriel « ${entry.subject} » accepté : le ticket est en cours de création et l’accusé de réception part au demandeur.`,
  };
}

/** « Accepter en ticket » for `entry`; `onDone` gets the accepted entry, the button shows only failures. */
export function AcceptButton({
  entry,
  onDone,
}: {
  entry: IntakeEntry;
  onDone: (entry: IntakeEntry) => void;
}) {
  const accept = useAction(
    () => call('POST /api/intake/{sesMessageId}/accept', { path: { sesMessageId: entry.sesMessageId } }),
    { onSuccess: onDone },
  );
  const label = entry.followUpOf ? `Ajouter au ticket ${entry.followUpOf}` : 'Accepter en ticket';
  return (
    <>
      <Button
        size="small"
        priority="secondary"
        iconId="fr-icon-check-line"
        disabled={accept.busy}
        title={`${label} le courriel « ${entry.subject} » de ${entry.from ?? entry.envelopeFrom}`}
        onClick={() => void accept.run()}
      >
        {label}
      </Button>
      <ActionResult result={accept.result} />
    </>
  );
}
