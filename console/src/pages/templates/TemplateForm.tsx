/**
 * « Nouvelle réponse type » and « Modifier la réponse type »: a name, a text with its variables,
 * and, for admins, whether every agent sees it (« Partagée »). The API checks the variables: an
 * unknown one is refused with its name, next to the text field.
 */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import { useState } from 'react';
import type { ReplyTemplateView } from '#shared/api/template-contract.ts';
import { MAX_TEMPLATE_NAME, MAX_TEMPLATE_TEXT } from '#shared/domain/reply-template.ts';
import { call, ForbiddenError } from '../../api/client.ts';
import { ActionForm } from '../../components/ActionForm.tsx';
import { LoadError, Loading } from '../../components/Feedback.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { useMe } from '../../me.tsx';
import { Link, navigate } from '../../router.tsx';
import { useAction } from '../../use-action.ts';
import { useApi } from '../../use-api.ts';
import { NotAllowed } from '../NotAllowed.tsx';
import { TEMPLATES_PATH, VariablesHelp } from './Templates.tsx';

type Draft = { name: string; text: string; shared: boolean };

/** `/reponses-types/nouvelle`. */
export function TemplateNew() {
  return <TemplateForm title="Nouvelle réponse type" initial={{ name: '', text: '', shared: false }} />;
}

/** `/reponses-types/{id}/modifier`. */
export function TemplateEdit({ id }: { id: string }) {
  const template = useApi((signal) => call('GET /api/reply-templates/{id}', { path: { id }, signal }), id);
  if (!template.data) {
    return (
      <>
        <PageTitle title="Modifier la réponse type" />
        {template.status === 'error' ? (
          <LoadError error={template.error} onRetry={template.reload} />
        ) : (
          <Loading what="Lecture de la réponse type…" />
        )}
      </>
    );
  }
  const { name, text, shared } = template.data;
  return (
    <TemplateForm
      title="Modifier la réponse type"
      template={template.data}
      initial={{ name, text, shared }}
    />
  );
}

function TemplateForm({
  title,
  initial,
  template,
}: {
  title: string;
  initial: Draft;
  template?: ReplyTemplateView;
}) {
  const me = useMe();
  const [draft, setDraft] = useState<Draft>(initial);
  const save = useAction(
    () =>
      template
        ? call('PUT /api/reply-templates/{id}', { path: { id: template.id }, body: draft })
        : call('POST /api/reply-templates', { body: draft }),
    { onSuccess: () => navigate(TEMPLATES_PATH) },
  );
  if (save.error instanceof ForbiddenError) return <NotAllowed message={save.error.message} embedded />;
  const refused = (field: keyof Draft) => save.details.find((detail) => detail.path === field)?.message;

  return (
    <>
      <PageTitle title={title} />
      <ActionForm id="formulaire-reponse-type" title="La réponse type" action={save}>
        <Input
          label="Nom"
          hintText={`Pour la retrouver dans la liste, ex. « Bulletins introuvables ». ${MAX_TEMPLATE_NAME} caractères au plus.`}
          state={refused('name') ? 'error' : 'default'}
          stateRelatedMessage={refused('name')}
          nativeInputProps={{
            name: 'nom',
            value: draft.name,
            maxLength: MAX_TEMPLATE_NAME,
            required: true,
            onChange: (event) => setDraft((current) => ({ ...current, name: event.target.value })),
          }}
        />
        <Input
          textArea
          label="Texte"
          hintText="Le texte inséré dans la réponse, les variables remplacées pour le ticket, ex. « Bonjour {{civilite}} {{nom}}, »."
          state={refused('text') ? 'error' : 'default'}
          stateRelatedMessage={refused('text')}
          nativeTextAreaProps={{
            name: 'texte',
            rows: 10,
            value: draft.text,
            maxLength: MAX_TEMPLATE_TEXT,
            required: true,
            onChange: (event) => setDraft((current) => ({ ...current, text: event.target.value })),
          }}
        />
        <VariablesHelp />
        {me.isAdmin ? (
          <RadioButtons
            legend="Portée"
            name="portee"
            options={[
              {
                label: 'Personnelle',
                hintText: 'Vous seul la voyez.',
                nativeInputProps: {
                  checked: !draft.shared,
                  onChange: () => setDraft((current) => ({ ...current, shared: false })),
                },
              },
              {
                label: 'Partagée',
                hintText: 'Tous les agents la voient ; seuls les administrateurs la modifient.',
                nativeInputProps: {
                  checked: draft.shared,
                  onChange: () => setDraft((current) => ({ ...current, shared: true })),
                },
              },
            ]}
          />
        ) : (
          <p className="fr-text--sm">
            {draft.shared
              ? 'Réponse type partagée : seuls les administrateurs la modifient.'
              : 'Réponse type personnelle : vous seul la voyez.'}
          </p>
        )}
        <ul className="fr-btns-group fr-btns-group--inline">
          <li>
            <Button type="submit" disabled={save.busy}>
              Enregistrer
            </Button>
          </li>
          <li>
            <Link href={TEMPLATES_PATH} className="fr-btn fr-btn--secondary">
              Annuler
            </Link>
          </li>
        </ul>
      </ActionForm>
    </>
  );
}
