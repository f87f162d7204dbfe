/**
 * « Fusionner »: merges this ticket (a duplicate) into another, which keeps its number and
 * receives its mails, notes and participants. A dialog, because the merge cannot be undone: the
 * agent types the other ticket's number and confirms. The API refuses, in French, a merge into
 * the ticket itself, into a closed or merged ticket, or of a ticket already merged.
 */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { createModal } from '@codegouvfr/react-dsfr/Modal';
import { useState } from 'react';
import { call } from '../../api/client.ts';
import { ActionResult } from '../../components/Feedback.tsx';
import { useAction } from '../../use-action.ts';

const mergeModal = createModal({ id: 'fusionner-ticket', isOpenedByDefault: false });

/** The « Fusionner » button of ticket `number` and its dialog; `onDone` after the merge. */
export function MergeDialog({ number, onDone }: { number: string; onDone: () => void }) {
  const [into, setInto] = useState('');
  const merge = useAction(
    (target: string) =>
      call('POST /api/tickets/{number}/merge', { path: { number }, body: { into: target } }),
    {
      success: (answer) => `Ticket ${number} fusionné dans ${answer.target.number}.`,
      onSuccess: () => {
        setInto('');
        mergeModal.close();
        onDone();
      },
    },
  );
  return (
    <section aria-labelledby="fusionner" className="fr-mt-4w">
      <h2 id="fusionner" className="fr-h5">
        Fusionner
      </h2>
      <p className="fr-text--sm">Ce ticket est un doublon ? Versez-le dans un autre ticket.</p>
      <Button priority="secondary" size="small" nativeButtonProps={mergeModal.buttonProps}>
        Fusionner dans un autre ticket…
      </Button>
      <ActionResult result={merge.result?.ok ? merge.result : undefined} />
      <mergeModal.Component title={`Fusionner le ticket ${number}`}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void merge.run(into.trim().toUpperCase());
          }}
        >
          <p>
            Ses courriels, pièces jointes et notes passent dans le ticket choisi, qui garde son numéro. Les
            réponses qui porteront encore le numéro {number} y arriveront aussi. Cette action ne peut pas être
            annulée.
          </p>
          <Input
            label="Numéro du ticket qui reçoit"
            hintText="Par exemple LSUN-2026-00042."
            nativeInputProps={{
              name: 'fusionner-dans',
              value: into,
              required: true,
              autoComplete: 'off',
              onChange: (event) => setInto(event.target.value),
            }}
          />
          <Button type="submit" disabled={merge.busy || into.trim() === ''}>
            Fusionner
          </Button>
          <ActionResult result={merge.result?.ok ? undefined : merge.result} />
        </form>
      </mergeModal.Component>
    </section>
  );
}
