/**
 * « Nouvelle diffusion » and « Modifier la diffusion »: a subject, a plain text and the zones;
 * saving makes (or updates) a draft, whose page then shows the exact recipients.
 */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { useState } from 'react';
import type { Broadcast, BroadcastInput } from '#shared/api/broadcast-contract.ts';
import { MAX_SUBJECT, MAX_TEXT } from '#shared/domain/broadcast.ts';
import type { ZoneRef } from '#shared/domain/zones.ts';
import { call, ForbiddenError } from '../../api/client.ts';
import { ActionForm } from '../../components/ActionForm.tsx';
import { LoadError, Loading } from '../../components/Feedback.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { formatCount } from '../../format.ts';
import { Link, navigate } from '../../router.tsx';
import { useAction } from '../../use-action.ts';
import { useApi } from '../../use-api.ts';
import { NotAllowed } from '../NotAllowed.tsx';
import { ZonePicker } from './ZonePicker.tsx';
import { useZones } from './zones.ts';

type Draft = { subject: string; text: string; zones: ZoneRef[] };

const empty: Draft = { subject: '', text: '', zones: [] };

/** `/diffusions/nouvelle`: a new draft. */
export function BroadcastNew() {
  return <BroadcastForm title="Nouvelle diffusion" initial={empty} />;
}

/** `/diffusions/{id}/modifier`: the draft or scheduled broadcast `id`, changed in place. */
export function BroadcastEdit({ id }: { id: string }) {
  const broadcast = useApi((signal) => call('GET /api/broadcasts/{id}', { path: { id }, signal }), id);
  if (broadcast.status === 'error') {
    return (
      <>
        <PageTitle title="Modifier la diffusion" />
        <LoadError error={broadcast.error} onRetry={broadcast.reload} />
      </>
    );
  }
  if (!broadcast.data) {
    return (
      <>
        <PageTitle title="Modifier la diffusion" />
        <Loading what="Lecture de la diffusion…" />
      </>
    );
  }
  const { subject, text, zones } = broadcast.data;
  return <BroadcastForm title="Modifier la diffusion" id={id} initial={{ subject, text, zones }} />;
}

function BroadcastForm({ title, id, initial }: { title: string; id?: string; initial: Draft }) {
  const [draft, setDraft] = useState<Draft>(initial);
  const zones = useZones();
  const save = useAction(
    (): Promise<Broadcast> => {
      const body: BroadcastInput = draft;
      return id
        ? call('PUT /api/broadcasts/{id}', { path: { id }, body })
        : call('POST /api/broadcasts', { body });
    },
    { onSuccess: (saved) => navigate(`/diffusions/${encodeURIComponent(saved.id)}`) },
  );

  if (save.error instanceof ForbiddenError) return <NotAllowed message={save.error.message} embedded />;
  const refused = (field: keyof Draft) =>
    save.details.find((detail) => detail.path === field || detail.path.startsWith(`${field}.`))?.message;
  const subjectError = refused('subject');
  const textError = refused('text');

  return (
    <>
      <PageTitle title={title} />
      <p>
        Un courriel personnalisé (« Bonjour Madame Martin, ») est envoyé à chaque directeur et directrice
        actif des zones choisies, depuis l’adresse de l’assistance. Enregistrer crée un brouillon : rien n’est
        envoyé avant « Envoyer maintenant » ou « Programmer ».
      </p>
      <ActionForm id="formulaire-diffusion" title="Le message et ses destinataires" action={save}>
        <Input
          label="Objet"
          hintText={`${MAX_SUBJECT} caractères au plus.`}
          state={subjectError ? 'error' : 'default'}
          stateRelatedMessage={subjectError}
          nativeInputProps={{
            name: 'objet',
            value: draft.subject,
            maxLength: MAX_SUBJECT,
            required: true,
            onChange: (event) => setDraft({ ...draft, subject: event.target.value }),
          }}
        />
        <Input
          textArea
          label="Texte"
          hintText={`Texte simple : une ligne vide sépare deux paragraphes. La formule d’appel et la signature de l’assistance sont ajoutées. ${formatCount(MAX_TEXT)} caractères au plus.`}
          state={textError ? 'error' : 'default'}
          stateRelatedMessage={textError}
          nativeTextAreaProps={{
            name: 'texte',
            rows: 12,
            value: draft.text,
            maxLength: MAX_TEXT,
            required: true,
            onChange: (event) => setDraft({ ...draft, text: event.target.value }),
          }}
        />
        {zones.status === 'error' ? <LoadError error={zones.error} onRetry={zones.reload} /> : null}
        {zones.data ? (
          <ZonePicker
            zones={zones.data.zones}
            value={draft.zones}
            onChange={(chosen) => setDraft({ ...draft, zones: chosen })}
            error={refused('zones')}
          />
        ) : zones.status === 'loading' ? (
          <Loading what="Lecture des zones…" />
        ) : null}
        <ul className="fr-btns-group fr-btns-group--icon-left fr-btns-group--inline-md">
          <li>
            <Button type="submit" iconId="fr-icon-save-line" disabled={save.busy}>
              {id ? 'Enregistrer les modifications' : 'Enregistrer le brouillon'}
            </Button>
          </li>
          <li>
            <Link
              href={id ? `/diffusions/${encodeURIComponent(id)}` : '/diffusions'}
              className="fr-btn fr-btn--secondary"
            >
              Revenir sans enregistrer
            </Link>
          </li>
        </ul>
      </ActionForm>
    </>
  );
}
