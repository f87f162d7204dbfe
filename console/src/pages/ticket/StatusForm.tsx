/** « Statut »: moves the ticket to any status, reopening a closed one included. */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useEffect, useState } from 'react';
import { TicketStatus, ticketStatusLabel } from '#shared/api/contract.ts';
import { call } from '../../api/client.ts';
import { ActionForm } from '../../components/ActionForm.tsx';
import { useAction } from '../../use-action.ts';
import { StatusSelect } from './StatusSelect.tsx';

/** The status form of ticket `number`, starting from its `current` status; `onDone` after a change. */
export function StatusForm({
  number,
  current,
  onDone,
}: {
  number: string;
  current: TicketStatus;
  onDone: () => void;
}) {
  const [status, setStatus] = useState<TicketStatus>(current);
  // Follows the ticket when it changes under the form (after a reply, say).
  useEffect(() => setStatus(current), [current]);
  const change = useAction(
    () => call('POST /api/tickets/{number}/status', { path: { number }, body: { status } }),
    {
      success: (answer) =>
        answer.history
          ? `Statut changé : « ${ticketStatusLabel[answer.ticket.status]} ».`
          : 'Le ticket avait déjà ce statut.',
      onSuccess: onDone,
    },
  );

  return (
    <ActionForm id="changer-statut" title="Statut" titleClassName="fr-h5" action={change}>
      <StatusSelect
        label="Nouveau statut"
        name="statut"
        statuses={TicketStatus.options}
        value={status}
        onChange={setStatus}
      />
      <Button type="submit" priority="secondary" size="small" disabled={change.busy || status === current}>
        Changer le statut
      </Button>
    </ActionForm>
  );
}
