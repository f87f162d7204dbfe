/**
 * « Accepter en ticket » for a mail the intake held back (quota reached, sender not in the
 * directory): the API opens the ticket and sends the normal acknowledgment, recording who did it.
 * Once accepted the mail is no longer acceptable and the button goes: the page says what
 * happened (`acceptedNotice`), the button only its failures.
 */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useState } from 'react';
import type { IntakeEntry } from '#shared/api/contract.ts';
import { call } from '../api/client.ts';
import { ActionResult, messageOf } from './Feedback.tsx';

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
  return {
    ok: true,
    message: `Courriel « ${entry.subject} » accepté : le ticket est en cours de création et l’accusé de réception part au demandeur.`,
  };
}

export function AcceptButton({
  entry,
  onDone,
}: {
  entry: IntakeEntry;
  onDone: (entry: IntakeEntry) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ ok: boolean; message: string }>();
  return (
    <>
      <Button
        size="small"
        priority="secondary"
        iconId="fr-icon-check-line"
        disabled={busy}
        title={`Accepter en ticket le courriel « ${entry.subject} » de ${entry.from ?? entry.envelopeFrom}`}
        onClick={() => {
          setBusy(true);
          setFailure(undefined);
          call('POST /api/intake/{sesMessageId}/accept', { path: { sesMessageId: entry.sesMessageId } }).then(
            (accepted) => onDone(accepted),
            (error: unknown) => {
              setFailure({ ok: false, message: messageOf(error) });
              setBusy(false);
            },
          );
        }}
      >
        Accepter en ticket
      </Button>
      <ActionResult result={failure} />
    </>
  );
}
