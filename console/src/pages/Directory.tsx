/** Annuaire: search the directors, open a director or a school, export; admins add, edit and import. */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { directorName, directoryApi } from '../api/directory.ts';
import { DownloadButton } from '../components/Download.tsx';
import { PagedTable } from '../components/PagedTable.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { useMe } from '../me.tsx';
import { hrefOf, Link } from '../router.tsx';
import { useListPage } from '../use-list-page.ts';

const filtersOf = (query: URLSearchParams) => ({ q: query.get('q') ?? '' });

/** Links to the admins' pages; agents do not see them (the API would refuse them anyway). */
const adminLinks = [
  { icon: 'fr-icon-upload-line', href: '/annuaire/import', label: 'Importer un fichier' },
  { icon: 'fr-icon-user-add-line', href: '/annuaire/directeur/nouveau', label: 'Ajouter un directeur' },
] as const;

/** The directory search (`/annuaire`), the search in the URL. */
export function Directory({ query }: { query: URLSearchParams }) {
  const me = useMe();
  const list = useListPage({
    path: '/annuaire',
    query,
    filtersOf,
    load: ({ q }, cursor, signal) => directoryApi.search(q, cursor, signal),
    clean: ({ q }) => ({ q: q.trim() }),
  });
  const { q } = list.applied;

  return (
    <>
      <PageTitle title="Annuaire des directeurs d’école" />
      <div className="fr-grid-row fr-grid-row--gutters fr-mb-2w">
        <div className="fr-col-12 fr-col-md-8">
          <form onSubmit={list.submit} aria-label="Rechercher dans l’annuaire">
            <Input
              label="Rechercher un directeur ou une école"
              hintText="Nom, prénom, adresse électronique, UAI, nom ou commune de l’école"
              nativeInputProps={{ type: 'search', ...list.field('q') }}
              action={
                <Button type="submit" iconId="fr-icon-search-line" title="Rechercher">
                  Rechercher
                </Button>
              }
            />
          </form>
        </div>
        <div className="fr-col-12 fr-col-md-4">
          <ul className="fr-btns-group fr-btns-group--icon-left fr-btns-group--sm">
            <li>
              <DownloadButton path={directoryApi.exportPath} fallbackName="annuaire.csv" priority="secondary">
                Exporter l’annuaire (CSV)
              </DownloadButton>
            </li>
            {me.isAdmin
              ? adminLinks.map(({ icon, href, label }) => (
                  <li key={href}>
                    <Button priority="secondary" iconId={icon} linkProps={{ href }}>
                      {label}
                    </Button>
                  </li>
                ))
              : null}
          </ul>
        </div>
      </div>

      <PagedTable
        list={list}
        loading="Recherche dans l’annuaire…"
        empty={q ? `Aucun résultat pour « ${q} ».` : 'L’annuaire est vide : importez un fichier.'}
        caption={q ? `Résultats pour « ${q} »` : 'Directeurs et directrices d’école'}
        headers={['Nom', 'Adresse', 'École(s)', 'État']}
        row={(director) => [
          <Link key="n" href={hrefOf('/annuaire/directeur', { id: director.id })}>
            {directorName(director)}
          </Link>,
          director.email,
          <span key="s">
            {director.schools.map((school, index) => (
              <span key={school.uai}>
                {index > 0 ? ', ' : ''}
                <Link href={`/annuaire/ecoles/${school.uai}`}>
                  {school.name ? `${school.name} (${school.uai})` : school.uai}
                </Link>
                {school.interim ? ' (faisant fonction)' : ''}
              </span>
            ))}
          </span>,
          director.active === false ? 'Inactif' : 'Actif',
        ]}
        pagerLabel="Pages de l’annuaire"
      />
    </>
  );
}
