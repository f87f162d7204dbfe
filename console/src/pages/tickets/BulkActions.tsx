/**
 * « Actions sur la sélection »: the tickets checked in the list, assigned (to oneself or an
 * agent), moved to a status or closed in one request. Each ticket goes through its single action
 * on the API's side; the outcome (« 12 tickets attribués, 1 refusé : LSUN-… est déjà clos. »)
 * is announced in a polite live region and the list is read again.
 */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { useState } from 'react';
import type { BulkBodyInput } from '#shared/api/bulk-contract.ts';
import { TicketStatus } from '#shared/api/contract.ts';
import { bulkSummary } from '#shared/domain/bulk.ts';
import { call } from '../../api/client.ts';
import { useMe } from '../../me.tsx';
import { useAction } from '../../use-action.ts';
import { StatusSelect } from '../ticket/StatusSelect.tsx';
import type { Selection } from './Selection.tsx';

type Choice = 'me' | 'assign' | 'status' | 'close';

/** The action bar of the ticket list: what to do to the selected tickets; `onDone` reloads the list. */
export function BulkActions({ selection, onDone }: { selection: Selection; onDone: () => void }) {
  const me = useMe();
  const [choice, setChoice] = useState<Choice>('me');
  const [assignee, setAssignee] = useState('');
  const [status, setStatus] = useState<TicketStatus>('en_cours');
  const [refused, setRefused] = useState(false);
  const count = selection.selected.length;
  const act = useAction(
    async (body: BulkBodyInput) => ({ body, answer: await call('POST /api/tickets/bulk', { body }) }),
    {
      success: ({ body, answer }) => bulkSummary(body.action, answer.results),
      onSuccess: ({ answer }) => {
        setRefused(answer.results.some((result) => !result.ok));
        selection.clear();
        onDone();
      },
    },
  );

  const assigneeRefusal = act.details.find((detail) => detail.path === 'action.assignee')?.message;

  function action(): BulkBodyInput['action'] {
    if (choice === 'me') return { kind: 'assign', assignee: me.email };
    if (choice === 'assign') return { kind: 'assign', assignee: assignee.trim() || null };
    if (choice === 'status') return { kind: 'status', status };
    return { kind: 'close' };
  }

  return (
    <form
      className="fr-mb-3w"
      aria-labelledby="actions-selection-titre"
      onSubmit={(e) => {
        e.preventDefault();
        if (count === 0) return;
        void act.run({ requestId: crypto.randomUUID(), numbers: selection.selected, action: action() });
      }}
    >
      <fieldset className="fr-fieldset">
        <legend className="fr-fieldset__legend fr-text--md" id="actions-selection-titre">
          Actions sur la sélection{' '}
          <span className="fr-hint-text">
            {count === 0
              ? 'Aucun ticket sélectionné : cochez des tickets dans la liste.'
              : `${count} ${count > 1 ? 'tickets sélectionnés' : 'ticket sélectionné'}`}
          </span>
        </legend>
        <div className="fr-fieldset__element fr-col-12 fr-col-md-4">
          <Select
            label="Action"
            nativeSelectProps={{
              name: 'action-groupee',
              value: choice,
              onChange: (e) => setChoice(e.target.value as Choice),
            }}
          >
            <option value="me">Me les attribuer</option>
            <option value="assign">Attribuer à un agent</option>
            <option value="status">Changer le statut</option>
            <option value="close">Clore</option>
          </Select>
        </div>
        {choice === 'assign' ? (
          <div className="fr-fieldset__element fr-col-12 fr-col-md-4">
            <Input
              label="Adresse de l’agent"
              hintText="Vide pour ne les attribuer à personne."
              state={assigneeRefusal ? 'error' : 'default'}
              stateRelatedMessage={assigneeRefusal}
              nativeInputProps={{
                type: 'email',
                name: 'attribuer-selection-a',
                value: assignee,
                autoComplete: 'off',
                onChange: (e) => setAssignee(e.target.value),
              }}
            />
          </div>
        ) : null}
        {choice === 'status' ? (
          <div className="fr-fieldset__element fr-col-12 fr-col-md-4">
            <StatusSelect
              label="Nouveau statut"
              name="statut-selection"
              statuses={TicketStatus.options}
              value={status}
              onChange={setStatus}
            />
          </div>
        ) : null}
        <div className="fr-fieldset__element">
          <Button type="submit" disabled={count === 0 || act.busy}>
            {count === 0
              ? 'Appliquer à la sélection'
              : count === 1
                ? 'Appliquer au ticket sélectionné'
                : `Appliquer aux ${count} tickets sélectionnés`}
          </Button>
        </div>
      </fieldset>
      {/* One live region, always there, so that its new text is announced (an alert inserted
          with its text may not be); the DSFR alert's look without a role of its own. */}
      <div role="status" aria-live="polite" className="fr-mt-2w">
        {act.result ? (
          <div
            className={`fr-alert fr-alert--sm fr-alert--${!act.result.ok ? 'error' : refused ? 'warning' : 'success'}`}
          >
            <p>{act.result.message}</p>
          </div>
        ) : null}
      </div>
    </form>
  );
}
