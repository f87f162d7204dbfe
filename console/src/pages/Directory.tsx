/** Annuaire: search the directors, open a director or a school, export; admins add, edit and import. */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Table } from '@codegouvfr/react-dsfr/Table';
import { type FormEvent, useEffect, useState } from 'react';
import { directorName, directoryApi } from '../api/directory.ts';
import { CursorPager, previousCursors } from '../components/CursorPager.tsx';
import { DownloadButton } from '../components/Download.tsx';
import { LoadError, Loading } from '../components/Feedback.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { useMe } from '../me.tsx';
import { hrefOf, Link, navigate } from '../router.tsx';
import { useApi } from '../use-api.ts';

export function Directory({ query }: { query: URLSearchParams }) {
  const me = useMe();
  const q = query.get('q') ?? '';
  const cursor = query.get('cursor') ?? undefined;
  const previous = previousCursors(query);
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);
  const page = useApi((signal) => directoryApi.search(q, cursor, signal), `${q}|${cursor ?? ''}`);

  function search(event: FormEvent) {
    event.preventDefault();
    navigate(hrefOf('/annuaire', { q: draft.trim() }));
  }

  return (
    <>
      <PageTitle title="Annuaire des directeurs d’école" />
      <div className="fr-grid-row fr-grid-row--gutters fr-mb-2w">
        <div className="fr-col-12 fr-col-md-8">
          <form onSubmit={search} aria-label="Rechercher dans l’annuaire">
            <Input
              label="Rechercher un directeur ou une école"
              hintText="Nom, prénom, adresse électronique, UAI, nom ou commune de l’école"
              nativeInputProps={{
                type: 'search',
                name: 'q',
                value: draft,
                onChange: (e) => setDraft(e.target.value),
              }}
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
            {me.isAdmin ? (
              <>
                <li>
                  <Button
                    priority="secondary"
                    iconId="fr-icon-upload-line"
                    linkProps={{ href: '/annuaire/import' }}
                  >
                    Importer un fichier
                  </Button>
                </li>
                <li>
                  <Button
                    priority="secondary"
                    iconId="fr-icon-user-add-line"
                    linkProps={{ href: '/annuaire/directeur/nouveau' }}
                  >
                    Ajouter un directeur
                  </Button>
                </li>
              </>
            ) : null}
          </ul>
        </div>
      </div>

      {page.status === 'error' ? <LoadError error={page.error} onRetry={page.reload} /> : null}
      {page.status === 'loading' ? <Loading what="Recherche dans l’annuaire…" /> : null}
      {page.data && page.status !== 'error' ? (
        <>
          {page.data.items.length === 0 && !page.data.nextCursor ? (
            <p role="status">
              {q ? `Aucun résultat pour « ${q} ».` : 'L’annuaire est vide : importez un fichier.'}
            </p>
          ) : (
            <Table
              caption={q ? `Résultats pour « ${q} »` : 'Directeurs et directrices d’école'}
              headers={['Nom', 'Adresse', 'École(s)', 'État']}
              data={page.data.items.map((director) => [
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
              ])}
            />
          )}
          <CursorPager
            cursor={cursor}
            nextCursor={page.data.nextCursor}
            previous={previous}
            shown={page.data.items.length}
            onGo={(next, prev) =>
              navigate(hrefOf('/annuaire', { q, cursor: next, prev: next ? prev.join('.') : undefined }))
            }
            label="Pages de l’annuaire"
          />
        </>
      ) : null}
    </>
  );
}
