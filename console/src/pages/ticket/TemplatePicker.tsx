/**
 * « Insérer une réponse type » on a ticket page: a dialog lists the templates the agent sees
 * (shared, then their own); the one chosen is rendered by the API for this ticket (every
 * variable filled from the ticket and the directory) and goes into the reply box, after what is
 * already written. The agent still reads it and sends it. A variable without a value for this
 * ticket is the API's French refusal, shown in the dialog.
 */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import { useState } from 'react';
import { call } from '../../api/client.ts';
import { ActionResult, LoadError, Loading } from '../../components/Feedback.tsx';
import { Link } from '../../router.tsx';
import { useAction } from '../../use-action.ts';
import { useApi } from '../../use-api.ts';
import { Dialog } from '../templates/Dialog.tsx';
import { TEMPLATES_PATH } from '../templates/Templates.tsx';
import type { MessageDraft } from './message-draft.ts';
import { REPLY_FIELD_ID } from './ReplyForm.tsx';
import { appended } from './Suggestions.tsx';

/** The button and its dialog, for ticket `number`'s reply `draft`. */
export function TemplatePicker({
  number,
  draft,
  disabled,
}: {
  number: string;
  draft: MessageDraft;
  disabled: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [inserted, setInserted] = useState('');
  return (
    <div className="fr-mb-2w">
      <Button
        priority="secondary"
        iconId="fr-icon-file-text-line"
        disabled={disabled}
        onClick={() => {
          setInserted('');
          setOpen(true);
        }}
      >
        Insérer une réponse type
      </Button>
      <p className="fr-sr-only" aria-live="polite">
        {inserted}
      </p>
      <Dialog
        id="inserer-reponse-type"
        title="Insérer une réponse type"
        open={open}
        onClose={() => setOpen(false)}
      >
        {open ? (
          <Choice
            number={number}
            onChosen={(name, text) => {
              draft.setText((current) => appended(current, text));
              setOpen(false);
              setInserted(
                `Réponse type « ${name} » insérée dans votre réponse : relisez-la avant de l’envoyer.`,
              );
              // After the dialog gave the focus back to the button: the reply box is where to go on.
              setTimeout(() => document.getElementById(REPLY_FIELD_ID)?.focus(), 0);
            }}
          />
        ) : null}
      </Dialog>
    </div>
  );
}

function Choice({ number, onChosen }: { number: string; onChosen: (name: string, text: string) => void }) {
  const templates = useApi((signal) => call('GET /api/reply-templates', { signal }), 'templates');
  const [chosen, setChosen] = useState('');
  const items = templates.data?.items ?? [];
  const render = useAction(
    () =>
      call('POST /api/tickets/{number}/reply-templates/{id}/render', {
        path: { number, id: chosen },
      }),
    {
      onSuccess: (answer) => onChosen(items.find((item) => item.id === chosen)?.name ?? '', answer.text),
    },
  );

  if (templates.status === 'error') return <LoadError error={templates.error} onRetry={templates.reload} />;
  if (!templates.data) return <Loading what="Lecture des réponses types…" />;
  if (items.length === 0) {
    return (
      <p>
        Aucune réponse type pour l’instant : <Link href={TEMPLATES_PATH}>créez-en une</Link>.
      </p>
    );
  }
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (chosen) void render.run();
      }}
    >
      <RadioButtons
        legend="Réponse type"
        hintText="Les variables sont remplacées pour ce ticket ; le texte s’ajoute à la fin de votre réponse."
        name="reponse-type"
        options={items.map((item) => ({
          label: item.name,
          hintText: item.shared ? 'Partagée' : 'Personnelle',
          nativeInputProps: {
            value: item.id,
            checked: chosen === item.id,
            onChange: () => {
              render.reset();
              setChosen(item.id);
            },
          },
        }))}
      />
      <Button type="submit" disabled={render.busy || chosen === ''}>
        Insérer dans la réponse
      </Button>
      <ActionResult result={render.result} />
    </form>
  );
}
