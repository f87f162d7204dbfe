/**
 * Tickets: filters (status, département, circonscription, school, period, free text,
 * assignee, lateness), sort (creation, activity, due time), cursor pagination. The URL holds the
 * filters, so a filtered list can be bookmarked, shared with a colleague, and survives the back button.
 */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { type TicketListQueryInput, TicketStatus, ticketStatusLabel } from '#shared/api/contract.ts';
import { call } from '../api/client.ts';
import { StatusBadge } from '../components/Badges.tsx';
import { FilterForm, PeriodFilter } from '../components/Filters.tsx';
import { PagedTable } from '../components/PagedTable.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { departementName, formatDateTime } from '../format.ts';
import { useMe } from '../me.tsx';
import { Link, navigate } from '../router.tsx';
import { useListPage } from '../use-list-page.ts';
import { DueCell } from './ticket/ResponseClock.tsx';

const FILTER_NAMES = [
  'q',
  'status',
  'departement',
  'circonscription',
  'uai',
  'assignee',
  'from',
  'to',
  'late',
  'sort',
  'order',
] as const;
type FilterName = (typeof FILTER_NAMES)[number];
type Filters = Record<FilterName, string>;

function filtersOf(query: URLSearchParams): Filters {
  const filters = {} as Filters;
  for (const name of FILTER_NAMES) filters[name] = query.get(name) ?? '';
  return filters;
}

function listQuery(filters: Filters, cursor: string | undefined, me: string): TicketListQueryInput {
  const value = (name: FilterName) => (filters[name] === '' ? undefined : filters[name]);
  return {
    q: value('q'),
    status: value('status'),
    departement: value('departement'),
    circonscription: value('circonscription'),
    uai: value('uai'),
    assignee: filters.assignee === 'me' ? me : value('assignee'),
    from: value('from'),
    to: value('to'),
    late: value('late') as TicketListQueryInput['late'],
    sort: (value('sort') as TicketListQueryInput['sort']) ?? 'created',
    order: (value('order') as 'asc' | 'desc' | undefined) ?? 'desc',
    cursor,
  };
}

/** The tickets list (`/tickets`), its filters and sort in the URL. */
export function Tickets({ query }: { query: URLSearchParams }) {
  const me = useMe();
  const list = useListPage({
    path: '/tickets',
    query,
    filtersOf,
    load: (filters, cursor, signal) =>
      call('GET /api/tickets', { query: listQuery(filters, cursor, me.email), signal }),
  });
  const { draft, field } = list;
  const statuses = new Set(draft.status.split(',').filter(Boolean));

  return (
    <>
      <PageTitle title="Tickets" />
      <FilterForm label="Filtrer les tickets" onSubmit={list.submit}>
        <div className="fr-col-12 fr-col-md-6">
          <Input
            label="Recherche libre"
            hintText="Numéro, sujet, demandeur, école, commune ou UAI"
            nativeInputProps={{ type: 'search', ...field('q') }}
          />
        </div>
        <div className="fr-col-12 fr-col-md-3">
          <Select label="Département" nativeSelectProps={field('departement')}>
            <option value="">Tous</option>
            {['21', '58', '71', '89'].map((code) => (
              <option key={code} value={code}>
                {departementName[code]}
              </option>
            ))}
          </Select>
        </div>
        <div className="fr-col-12 fr-col-md-3">
          <Select label="Attribution" nativeSelectProps={field('assignee')}>
            <option value="">Tous les tickets</option>
            <option value="me">Attribués à moi</option>
            <option value="none">Non attribués</option>
          </Select>
        </div>
        <div className="fr-col-12">
          <Checkbox
            legend="Statut"
            hintText="Aucun coché : tous les statuts."
            orientation="horizontal"
            small
            options={TicketStatus.options.map((status) => ({
              label: ticketStatusLabel[status],
              nativeInputProps: {
                name: 'status',
                value: status,
                checked: statuses.has(status),
                onChange: (e) => {
                  const next = new Set(statuses);
                  if (e.target.checked) next.add(status);
                  else next.delete(status);
                  list.set('status', TicketStatus.options.filter((one) => next.has(one)).join(','));
                },
              },
            }))}
          />
        </div>
        <div className="fr-col-12 fr-col-md-4">
          <Input label="Circonscription" nativeInputProps={field('circonscription')} />
        </div>
        <div className="fr-col-12 fr-col-md-2">
          <Input
            label="École (UAI)"
            hintText="ex. 0211234C"
            nativeInputProps={{ ...field('uai'), maxLength: 8 }}
          />
        </div>
        <PeriodFilter fromLabel="Ouverts du" from={field('from')} to={field('to')} />
        <div className="fr-col-12 fr-col-md-3">
          <Select label="Délais" nativeSelectProps={field('late')}>
            <option value="">Tous les tickets</option>
            <option value="any">En retard</option>
            <option value="first_response">Première réponse en retard</option>
            <option value="resolution">Résolution en retard</option>
          </Select>
        </div>
        <div className="fr-col-6 fr-col-md-3">
          <Select label="Trier par" nativeSelectProps={{ ...field('sort'), value: draft.sort || 'created' }}>
            <option value="created">Date d’ouverture</option>
            <option value="updated">Dernière activité</option>
            <option value="due">Échéance</option>
          </Select>
        </div>
        <div className="fr-col-6 fr-col-md-3">
          <Select label="Ordre" nativeSelectProps={{ ...field('order'), value: draft.order || 'desc' }}>
            <option value="desc">Plus récents d’abord</option>
            <option value="asc">Plus anciens d’abord</option>
          </Select>
        </div>
        <div className="fr-col-12 fr-col-md-6 lsun-filter-actions">
          <ul className="fr-btns-group fr-btns-group--icon-left fr-btns-group--inline-md">
            <li>
              <Button type="submit" iconId="fr-icon-filter-line">
                Appliquer les filtres
              </Button>
            </li>
            <li>
              <Button priority="secondary" type="button" onClick={() => navigate('/tickets')}>
                Effacer les filtres
              </Button>
            </li>
          </ul>
        </div>
      </FilterForm>

      <PagedTable
        list={list}
        loading="Recherche des tickets…"
        empty="Aucun ticket ne correspond à ces filtres."
        caption="Liste des tickets"
        headers={[
          'Ticket',
          'Sujet',
          'Demandeur',
          'École',
          'Statut',
          'Attribué à',
          'Échéance',
          'Ouvert le',
          'Dernière activité',
        ]}
        row={(ticket) => [
          <Link key="n" href={`/tickets/${ticket.number}`} className="lsun-nowrap">
            {ticket.number}
          </Link>,
          ticket.subject,
          <span key="r">
            {ticket.requester.name || ticket.requester.email}
            {ticket.requester.name ? (
              <>
                <br />
                <span className="fr-text--xs">{ticket.requester.email}</span>
              </>
            ) : null}
          </span>,
          ticket.schools.length === 0
            ? '—'
            : ticket.schools.map((school) => `${school.name} (${school.uai}), ${school.commune}`).join(' ; '),
          <StatusBadge key="s" status={ticket.status} />,
          ticket.assignee ?? '—',
          <DueCell key="d" clock={ticket.clock} />,
          formatDateTime(ticket.createdAt),
          formatDateTime(ticket.updatedAt),
        ]}
        pagerLabel="Pages de la liste des tickets"
      />
    </>
  );
}
