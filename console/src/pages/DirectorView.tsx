/** A director: their addresses and schools; admins edit or deactivate (the API refuses agents). */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Breadcrumb } from '@codegouvfr/react-dsfr/Breadcrumb';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useState } from 'react';
import { ForbiddenError } from '../api/client.ts';
import { directorName, directoryApi } from '../api/directory.ts';
import { ActionResult, LoadError, Loading } from '../components/Feedback.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { departementName, formatDateTime } from '../format.ts';
import { useMe } from '../me.tsx';
import { hrefOf, Link } from '../router.tsx';
import { useAction } from '../use-action.ts';
import { useApi } from '../use-api.ts';
import { NotAllowed } from './NotAllowed.tsx';

/** The page of director `id` (`/annuaire/directeur?id=…`). */
export function DirectorView({ id }: { id: string }) {
  const me = useMe();
  const detail = useApi((signal) => directoryApi.director(id, signal), id);
  const [confirming, setConfirming] = useState(false);
  const data = detail.data;
  const deactivate = useAction(() => directoryApi.deactivate(id), {
    success: () => 'Directeur désactivé : ses courriels ne sont plus reconnus comme ceux d’un directeur.',
    onSuccess: () => {
      setConfirming(false);
      detail.reload();
    },
  });

  if (deactivate.error instanceof ForbiddenError) return <NotAllowed message={deactivate.error.message} />;
  return (
    <>
      <Breadcrumb
        currentPageLabel="Fiche directeur"
        homeLinkProps={{ href: '/' }}
        segments={[{ label: 'Annuaire', linkProps: { href: '/annuaire' } }]}
      />
      <PageTitle title={data ? directorName(data) : 'Fiche directeur'} />
      {detail.status === 'error' ? <LoadError error={detail.error} onRetry={detail.reload} /> : null}
      {!data && detail.status === 'loading' ? <Loading /> : null}
      <ActionResult result={deactivate.result} className="fr-mb-2w" />
      {data ? (
        <>
          {data.addressProblems?.map((problem) => (
            <Alert
              key={problem.email}
              severity="warning"
              small
              className="fr-mb-2w"
              description={
                <>
                  {problem.kind === 'bounced'
                    ? `L’adresse ${problem.email} a été rejetée (adresse invalide)`
                    : `Le destinataire de ${problem.email} a signalé un courriel comme indésirable`}{' '}
                  le {formatDateTime(problem.at)}
                  {problem.detail ? ` (${problem.detail})` : ''}, lors de la{' '}
                  <Link href={`/diffusions/${encodeURIComponent(problem.broadcastId)}`}>diffusion</Link>.
                </>
              }
            />
          ))}
          <dl className="lsun-dl">
            <dt>Adresse(s)</dt>
            <dd>{(data.emails ?? [data.email]).join(', ')}</dd>
            <dt>État</dt>
            <dd>{data.active === false ? 'Inactif (n’est plus reconnu comme directeur)' : 'Actif'}</dd>
            {data.updatedAt ? (
              <>
                <dt>Dernière modification</dt>
                <dd>
                  {formatDateTime(data.updatedAt)}
                  {data.updatedBy ? ` par ${data.updatedBy}` : ''}
                </dd>
              </>
            ) : null}
          </dl>
          <h2 className="fr-h4">École(s) dirigée(s)</h2>
          <ul>
            {data.schools.map((school) => (
              <li key={school.uai}>
                <Link href={`/annuaire/ecoles/${school.uai}`}>
                  {school.name ? `${school.name} (${school.uai})` : school.uai}
                </Link>
                {school.commune ? `, ${school.commune}` : ''}
                {school.circonscription ? ` — circonscription ${school.circonscription}` : ''}
                {school.departement ? `, ${departementName[school.departement] ?? school.departement}` : ''}
                {school.interim ? ' (faisant fonction)' : ''}
              </li>
            ))}
          </ul>
          <p>
            <Link href={hrefOf('/tickets', { q: data.email })}>Voir les tickets de ce directeur</Link>
          </p>
          {me.isAdmin ? (
            <ul className="fr-btns-group fr-btns-group--icon-left fr-btns-group--inline-md fr-mt-3w">
              <li>
                <Button
                  iconId="fr-icon-edit-line"
                  linkProps={{ href: hrefOf('/annuaire/directeur/modifier', { id }) }}
                >
                  Modifier la fiche
                </Button>
              </li>
              {data.active !== false ? (
                <li>
                  <Button
                    priority="secondary"
                    iconId="ri-user-forbid-line"
                    onClick={() => setConfirming(true)}
                  >
                    Désactiver
                  </Button>
                </li>
              ) : null}
            </ul>
          ) : (
            <p className="fr-text--sm">Seuls les administrateurs modifient l’annuaire.</p>
          )}
          {confirming ? (
            <div className="fr-callout" role="alertdialog" aria-labelledby="confirmer-titre">
              <h2 id="confirmer-titre" className="fr-callout__title fr-h5">
                Désactiver {directorName(data)} ?
              </h2>
              <p className="fr-callout__text">
                Ses courriels ne seront plus reconnus comme ceux d’un directeur. La fiche reste consultable.
              </p>
              <ul className="fr-btns-group fr-btns-group--inline-sm">
                <li>
                  <Button onClick={() => void deactivate.run()}>Confirmer la désactivation</Button>
                </li>
                <li>
                  <Button priority="secondary" onClick={() => setConfirming(false)}>
                    Annuler
                  </Button>
                </li>
              </ul>
            </div>
          ) : null}
        </>
      ) : null}
    </>
  );
}
