/** « Répondre au directeur »: the reply goes by mail in the ticket's thread, and sets the ticket's status. */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { useState } from 'react';
import { ticketStatusLabel } from '#shared/api/contract.ts';
import { call } from '../../api/client.ts';
import { ActionForm } from '../../components/ActionForm.tsx';
import { useAction } from '../../use-action.ts';
import type { MessageDraft } from './message-draft.ts';
import { StatusSelect } from './StatusSelect.tsx';

/** The statuses `ReplyBody` accepts after a reply (neither back to « nouveau » nor « clos »). */
const statusesAfter = ['en_attente', 'en_cours', 'resolu'] as const;
type StatusAfter = (typeof statusesAfter)[number];

/** The id of the reply's text field: « Insérer dans la réponse » moves the focus there. */
export const REPLY_FIELD_ID = 'reponse-texte';

/**
 * The reply form of ticket `number`; disabled while the ticket is `closed`; `onDone` after a
 * reply. The page holds the `draft`, so that a suggested article can be inserted into it.
 */
export function ReplyForm({
  number,
  closed,
  draft,
  onDone,
}: {
  number: string;
  closed: boolean;
  draft: MessageDraft;
  onDone: () => void;
}) {
  const [status, setStatus] = useState<StatusAfter>('en_attente');
  const reply = useAction(
    () =>
      call('POST /api/tickets/{number}/reply', {
        path: { number },
        body: { text: draft.text, status, requestId: draft.requestId },
      }),
    {
      success: (answer) =>
        `Réponse ${answer.message.status === 'sent' ? 'envoyée' : 'mise en file d’envoi'} ; le ticket est « ${ticketStatusLabel[answer.ticket.status]} ».`,
      onSuccess: () => {
        draft.sent();
        onDone();
      },
    },
  );

  return (
    <ActionForm id="repondre" title="Répondre au directeur" action={reply}>
      {closed ? (
        <p className="fr-text--sm">Ce ticket est clos : rouvrez-le (changez son statut) pour répondre.</p>
      ) : null}
      <Input
        textArea
        label="Votre réponse"
        hintText="Envoyée par courriel au demandeur, dans le fil du ticket, signée de votre nom."
        nativeTextAreaProps={{ id: REPLY_FIELD_ID, name: 'reponse', rows: 8, ...draft.field }}
        disabled={closed}
      />
      <StatusSelect
        label="Statut après la réponse"
        name="statut-apres"
        statuses={statusesAfter}
        value={status}
        onChange={setStatus}
        disabled={closed}
      />
      <Button
        type="submit"
        iconId="fr-icon-send-plane-line"
        disabled={reply.busy || closed || draft.text.trim() === ''}
      >
        Envoyer la réponse
      </Button>
    </ActionForm>
  );
}
