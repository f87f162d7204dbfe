/** An école: where it is and who directs it. */
import { Breadcrumb } from '@codegouvfr/react-dsfr/Breadcrumb';
import { directorName, directoryApi } from '../api/directory.ts';
import { LoadError, Loading } from '../components/Feedback.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { departementName } from '../format.ts';
import { hrefOf, Link } from '../router.tsx';
import { useApi } from '../use-api.ts';

export function SchoolView({ uai }: { uai: string }) {
  const detail = useApi((signal) => directoryApi.school(uai, signal), uai);
  const data = detail.data;
  return (
    <>
      <Breadcrumb
        currentPageLabel={`École ${uai}`}
        homeLinkProps={{ href: '/' }}
        segments={[{ label: 'Annuaire', linkProps: { href: '/annuaire' } }]}
      />
      <PageTitle title={data ? `${data.school.name} (${uai})` : `École ${uai}`} />
      {detail.status === 'error' ? <LoadError error={detail.error} onRetry={detail.reload} /> : null}
      {!data && detail.status === 'loading' ? <Loading /> : null}
      {data ? (
        <>
          <dl className="lsun-dl">
            <dt>UAI</dt>
            <dd>{data.school.uai}</dd>
            <dt>Commune</dt>
            <dd>{data.school.commune}</dd>
            <dt>Circonscription</dt>
            <dd>{data.school.circonscription}</dd>
            <dt>Département</dt>
            <dd>{departementName[data.school.departement] ?? data.school.departement}</dd>
            <dt>Boîte fonctionnelle</dt>
            <dd>{data.school.mailbox ?? `ce.${uai.toLowerCase()}@ac-dijon.fr`}</dd>
          </dl>
          <h2 className="fr-h4">Direction</h2>
          {data.directors.length === 0 ? (
            <p>Aucun directeur n’est enregistré pour cette école.</p>
          ) : (
            <ul>
              {data.directors.map((director) => (
                <li key={director.id}>
                  <Link href={hrefOf('/annuaire/directeur', { id: director.id })}>
                    {directorName(director)}
                  </Link>{' '}
                  — {director.email}
                  {director.interim ? ' (faisant fonction)' : ''}
                  {director.active === false ? ' — inactif' : ''}
                </li>
              ))}
            </ul>
          )}
          <p>
            <Link href={hrefOf('/tickets', { uai })}>Voir les tickets de cette école</Link>
          </p>
        </>
      ) : null}
    </>
  );
}
