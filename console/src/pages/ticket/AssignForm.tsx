/** « Attribution »: gives the ticket to an agent, to oneself, or to no one. */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { useEffect, useState } from 'react';
import { call } from '../../api/client.ts';
import { ActionForm } from '../../components/ActionForm.tsx';
import { useMe } from '../../me.tsx';
import { useAction } from '../../use-action.ts';

/** The assignment form of ticket `number`, assigned to `current` (if anyone); `onDone` after a change. */
export function AssignForm({
  number,
  current,
  onDone,
}: {
  number: string;
  current: string | undefined;
  onDone: () => void;
}) {
  const me = useMe();
  const [assignee, setAssignee] = useState(current ?? '');
  useEffect(() => setAssignee(current ?? ''), [current]);
  const assign = useAction(
    (to: string | null) =>
      call('POST /api/tickets/{number}/assign', { path: { number }, body: { assignee: to } }),
    {
      success: (answer) =>
        answer.ticket.assignee
          ? `Ticket attribué à ${answer.ticket.assignee}.`
          : 'Le ticket n’est plus attribué.',
      onSuccess: (answer) => {
        setAssignee(answer.ticket.assignee ?? '');
        onDone();
      },
    },
  );

  return (
    <ActionForm
      id="attribuer"
      title="Attribution"
      titleClassName="fr-h5"
      className="fr-mt-4w"
      action={{ result: assign.result, run: () => assign.run(assignee.trim() || null) }}
    >
      <p className="fr-text--sm">Actuellement : {current ?? 'personne'}</p>
      <Input
        label="Adresse de l’agent"
        hintText="Vide pour ne l’attribuer à personne."
        nativeInputProps={{
          type: 'email',
          name: 'attribue-a',
          value: assignee,
          autoComplete: 'off',
          onChange: (e) => setAssignee(e.target.value),
        }}
      />
      <ul className="fr-btns-group fr-btns-group--icon-left fr-btns-group--inline-sm fr-btns-group--sm">
        <li>
          <Button type="submit" priority="secondary" disabled={assign.busy}>
            Attribuer
          </Button>
        </li>
        {current !== me.email ? (
          <li>
            <Button
              type="button"
              priority="tertiary"
              disabled={assign.busy}
              onClick={() => void assign.run(me.email)}
            >
              Me l’attribuer
            </Button>
          </li>
        ) : null}
      </ul>
    </ActionForm>
  );
}
