/** A broadcast's recipients, filtered by status: who it reaches (a draft) or reached (once sent). */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { type BroadcastRecipient, RecipientStatus } from '#shared/api/broadcast-contract.ts';
import { recipientStatusLabel } from '#shared/domain/broadcast.ts';
import { call } from '../../api/client.ts';
import { RecipientStatusBadge } from '../../components/Badges.tsx';
import { FilterForm } from '../../components/Filters.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { formatDateTime } from '../../format.ts';
import { hrefOf, Link } from '../../router.tsx';
import type { ListPage } from '../../use-list-page.ts';
import { useListPage } from '../../use-list-page.ts';

type Filters = { status: string };

const filtersOf = (query: URLSearchParams): Filters => ({ status: query.get('status') ?? '' });

/** The recipients' list state of broadcast `id`, its status filter in the page's URL. */
export function useRecipients(id: string, query: URLSearchParams) {
  return useListPage<Filters, BroadcastRecipient>({
    path: `/diffusions/${encodeURIComponent(id)}`,
    query,
    filtersOf,
    load: (filters, cursor, signal) =>
      call('GET /api/broadcasts/{id}/recipients', {
        path: { id },
        query: {
          status: RecipientStatus.safeParse(filters.status).data,
          cursor,
        },
        signal,
      }),
  });
}

/** The recipients table of a broadcast, with its status filter. */
export function Recipients({ list }: { list: ListPage<Filters, BroadcastRecipient> }) {
  return (
    <section aria-labelledby="destinataires" className="fr-mb-4w">
      <h2 id="destinataires" className="fr-h4">
        Destinataires
      </h2>
      <FilterForm label="Filtrer les destinataires" onSubmit={list.submit} alignBottom>
        <div className="fr-col-12 fr-col-md-4">
          <Select label="Statut" nativeSelectProps={list.field('status')}>
            <option value="">Tous les statuts</option>
            {RecipientStatus.options.map((status) => (
              <option key={status} value={status}>
                {recipientStatusLabel[status]}
              </option>
            ))}
          </Select>
        </div>
        <div className="fr-col-12 fr-col-md-2 lsun-filter-actions">
          <Button type="submit" iconId="fr-icon-filter-line">
            Filtrer
          </Button>
        </div>
      </FilterForm>
      <PagedTable
        list={list}
        loading="Lecture des destinataires…"
        empty="Aucun destinataire dans ce statut."
        caption="Destinataires de la diffusion, par adresse"
        headers={['Destinataire', 'Adresse', 'École', 'Statut', 'Mis à jour le']}
        row={(recipient) => [
          <Link key="n" href={hrefOf('/annuaire/directeur', { id: recipient.directorId })}>
            {recipient.name}
          </Link>,
          recipient.email,
          <Link key="u" href={`/annuaire/ecoles/${recipient.uai}`}>
            {recipient.uai}
          </Link>,
          <span key="s">
            <RecipientStatusBadge status={recipient.status} />
            {recipient.error ? (
              <>
                <br />
                <span className="fr-text--xs">{recipient.error}</span>
              </>
            ) : null}
          </span>,
          <span key="d" className="lsun-nowrap">
            {formatDateTime(recipient.updatedAt)}
          </span>,
        ]}
        pagerLabel="Pages des destinataires"
      />
    </section>
  );
}
