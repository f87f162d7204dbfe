/** « Note interne »: a note for the staff, kept in the conversation, never sent to the director. */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { call } from '../../api/client.ts';
import { ActionForm } from '../../components/ActionForm.tsx';
import { useAction } from '../../use-action.ts';
import { useMessageDraft } from './message-draft.ts';

/** The internal note form of ticket `number`; `onDone` after a note is added. */
export function NoteForm({ number, onDone }: { number: string; onDone: () => void }) {
  const draft = useMessageDraft();
  const note = useAction(
    () =>
      call('POST /api/tickets/{number}/notes', {
        path: { number },
        body: { text: draft.text, requestId: draft.requestId },
      }),
    {
      success: () => 'Note ajoutée.',
      onSuccess: () => {
        draft.sent();
        onDone();
      },
    },
  );

  return (
    <ActionForm id="note-interne" title="Note interne" className="fr-mt-4w" action={note}>
      <Input
        textArea
        label="Texte de la note"
        hintText="Visible du personnel seulement, jamais envoyée au directeur."
        nativeTextAreaProps={{ name: 'note', rows: 4, ...draft.field }}
      />
      <Button
        type="submit"
        priority="secondary"
        iconId="fr-icon-edit-line"
        disabled={note.busy || draft.text.trim() === ''}
      >
        Ajouter la note
      </Button>
    </ActionForm>
  );
}
