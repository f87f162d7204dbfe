/** Who is signed in, in which groups, and which mails the desk sends them (« Notifications »). */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { useEffect, useState } from 'react';
import {
  NOTIFICATION_LABELS,
  NotificationKind,
  type NotificationPrefs,
} from '#shared/domain/notifications.ts';
import { call } from '../api/client.ts';
import { ActionForm } from '../components/ActionForm.tsx';
import { LoadError, Loading } from '../components/Feedback.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { useMe } from '../me.tsx';
import { useAction } from '../use-action.ts';
import { useApi } from '../use-api.ts';

const groupLabel = { agent: 'Agent de l’assistance', admin: 'Administrateur' };

export function Account() {
  const me = useMe();
  return (
    <>
      <PageTitle title="Mon compte" />
      <dl className="lsun-dl">
        <dt>Nom</dt>
        <dd>{me.name}</dd>
        <dt>Adresse</dt>
        <dd>{me.email}</dd>
        <dt>Groupe(s)</dt>
        <dd>{me.groups.length === 0 ? 'aucun' : me.groups.map((group) => groupLabel[group]).join(', ')}</dd>
      </dl>
      <p className="fr-text--sm">
        La connexion est gardée en mémoire seulement : fermer ou recharger la page demande de se reconnecter.
      </p>
      {me.groups.length > 0 ? <Notifications email={me.email} /> : null}
    </>
  );
}

/** The caller's own notification choices, read then saved in one form. */
function Notifications({ email }: { email: string }) {
  const loaded = useApi((signal) => call('GET /api/me/notifications', { signal }), 'notifications');
  const [prefs, setPrefs] = useState<NotificationPrefs | undefined>(undefined);
  useEffect(() => {
    if (loaded.status === 'ok') setPrefs(loaded.data);
  }, [loaded.status, loaded.data]);
  const save = useAction((body: NotificationPrefs) => call('PUT /api/me/notifications', { body }), {
    success: () => 'Vos choix de notifications sont enregistrés.',
    onSuccess: (answer) => setPrefs(answer),
  });

  if (loaded.status === 'error') return <LoadError error={loaded.error} onRetry={loaded.reload} />;
  if (!prefs) return <Loading what="Chargement de vos notifications…" />;
  return (
    <ActionForm
      id="notifications"
      title="Notifications par courriel"
      className="fr-mt-4w"
      action={{ result: save.result, run: () => save.run(prefs) }}
    >
      <Checkbox
        legend="Me prévenir par courriel"
        hintText={`Les courriels partent du guichet vers ${email}. Ils ne reprennent jamais le texte du directeur ou de la directrice : seulement l’objet, l’école, le demandeur et le lien du ticket.`}
        options={NotificationKind.options.map((kind) => ({
          label: NOTIFICATION_LABELS[kind],
          nativeInputProps: {
            name: 'notification',
            value: kind,
            checked: prefs[kind],
            onChange: (e) => setPrefs({ ...prefs, [kind]: e.target.checked }),
          },
        }))}
      />
      <Button type="submit" priority="secondary" disabled={save.busy}>
        Enregistrer mes choix
      </Button>
    </ActionForm>
  );
}
