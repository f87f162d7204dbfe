/**
 * Tickets: filters (status, département, circonscription, school, period, free text,
 * assignee), sort, cursor pagination. The URL holds the filters, so a filtered list can be
 * bookmarked, shared with a colleague, and survives the back button.
 */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Table } from '@codegouvfr/react-dsfr/Table';
import { type FormEvent, useEffect, useState } from 'react';
import { type TicketListQueryInput, TicketStatus, ticketStatusLabel } from '#shared/api/contract.ts';
import { call } from '../api/client.ts';
import { StatusBadge } from '../components/Badges.tsx';
import { CursorPager, previousCursors } from '../components/CursorPager.tsx';
import { LoadError, Loading } from '../components/Feedback.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { departementName, formatDateTime, parisToday } from '../format.ts';
import { useMe } from '../me.tsx';
import { hrefOf, Link, navigate } from '../router.tsx';
import { useApi } from '../use-api.ts';

const FILTER_NAMES = [
  'q',
  'status',
  'departement',
  'circonscription',
  'uai',
  'assignee',
  'from',
  'to',
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
    sort: (value('sort') as 'created' | 'updated' | undefined) ?? 'created',
    order: (value('order') as 'asc' | 'desc' | undefined) ?? 'desc',
    cursor,
  };
}

export function Tickets({ query }: { query: URLSearchParams }) {
  const me = useMe();
  const applied = filtersOf(query);
  const cursor = query.get('cursor') ?? undefined;
  const previous = previousCursors(query);
  const [draft, setDraft] = useState<Filters>(applied);
  const appliedKey = JSON.stringify(applied);
  // The form follows the URL when it changes under it (back button, « Effacer les filtres »).
  useEffect(() => setDraft(filtersOf(new URLSearchParams(window.location.search))), [appliedKey]);

  const page = useApi(
    (signal) => call('GET /api/tickets', { query: listQuery(applied, cursor, me.email), signal }),
    `${appliedKey}|${cursor ?? ''}`,
  );

  const set = (name: FilterName) => (value: string) => setDraft((current) => ({ ...current, [name]: value }));
  const statuses = new Set(draft.status.split(',').filter(Boolean));

  function apply(event: FormEvent) {
    event.preventDefault();
    navigate(hrefOf('/tickets', draft));
  }

  function go(nextCursor: string | undefined, nextPrevious: string[]) {
    navigate(
      hrefOf('/tickets', {
        ...applied,
        cursor: nextCursor,
        prev: nextCursor ? nextPrevious.join('.') : undefined,
      }),
    );
  }

  return (
    <>
      <PageTitle title="Tickets" />
      <form className="lsun-filters" onSubmit={apply} aria-label="Filtrer les tickets">
        <div className="fr-grid-row fr-grid-row--gutters">
          <div className="fr-col-12 fr-col-md-6">
            <Input
              label="Recherche libre"
              hintText="Numéro, sujet, demandeur, école, commune ou UAI"
              nativeInputProps={{
                type: 'search',
                name: 'q',
                value: draft.q,
                onChange: (e) => set('q')(e.target.value),
              }}
            />
          </div>
          <div className="fr-col-12 fr-col-md-3">
            <Select
              label="Département"
              nativeSelectProps={{
                name: 'departement',
                value: draft.departement,
                onChange: (e) => set('departement')(e.target.value),
              }}
            >
              <option value="">Tous</option>
              {['21', '58', '71', '89'].map((code) => (
                <option key={code} value={code}>
                  {departementName[code]}
                </option>
              ))}
            </Select>
          </div>
          <div className="fr-col-12 fr-col-md-3">
            <Select
              label="Attribution"
              nativeSelectProps={{
                name: 'assignee',
                value: draft.assignee,
                onChange: (e) => set('assignee')(e.target.value),
              }}
            >
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
                    set('status')(TicketStatus.options.filter((one) => next.has(one)).join(','));
                  },
                },
              }))}
            />
          </div>
          <div className="fr-col-12 fr-col-md-4">
            <Input
              label="Circonscription"
              nativeInputProps={{
                name: 'circonscription',
                value: draft.circonscription,
                onChange: (e) => set('circonscription')(e.target.value),
              }}
            />
          </div>
          <div className="fr-col-12 fr-col-md-2">
            <Input
              label="École (UAI)"
              hintText="ex. 0211234C"
              nativeInputProps={{
                name: 'uai',
                value: draft.uai,
                maxLength: 8,
                onChange: (e) => set('uai')(e.target.value),
              }}
            />
          </div>
          <div className="fr-col-6 fr-col-md-3">
            <Input
              label="Ouverts du"
              nativeInputProps={{
                type: 'date',
                name: 'from',
                max: parisToday(),
                value: draft.from,
                onChange: (e) => set('from')(e.target.value),
              }}
            />
          </div>
          <div className="fr-col-6 fr-col-md-3">
            <Input
              label="au"
              nativeInputProps={{
                type: 'date',
                name: 'to',
                max: parisToday(),
                value: draft.to,
                onChange: (e) => set('to')(e.target.value),
              }}
            />
          </div>
          <div className="fr-col-6 fr-col-md-3">
            <Select
              label="Trier par"
              nativeSelectProps={{
                name: 'sort',
                value: draft.sort || 'created',
                onChange: (e) => set('sort')(e.target.value),
              }}
            >
              <option value="created">Date d’ouverture</option>
              <option value="updated">Dernière activité</option>
            </Select>
          </div>
          <div className="fr-col-6 fr-col-md-3">
            <Select
              label="Ordre"
              nativeSelectProps={{
                name: 'order',
                value: draft.order || 'desc',
                onChange: (e) => set('order')(e.target.value),
              }}
            >
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
        </div>
      </form>

      {page.status === 'error' ? <LoadError error={page.error} onRetry={page.reload} /> : null}
      {page.status === 'loading' ? <Loading what="Recherche des tickets…" /> : null}
      {page.data && page.status !== 'error' ? (
        <>
          {page.data.items.length === 0 && !page.data.nextCursor ? (
            <p role="status">Aucun ticket ne correspond à ces filtres.</p>
          ) : (
            <Table
              caption="Liste des tickets"
              headers={[
                'Ticket',
                'Sujet',
                'Demandeur',
                'École',
                'Statut',
                'Attribué à',
                'Ouvert le',
                'Dernière activité',
              ]}
              data={page.data.items.map((ticket) => [
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
                  : ticket.schools
                      .map((school) => `${school.name} (${school.uai}), ${school.commune}`)
                      .join(' ; '),
                <StatusBadge key="s" status={ticket.status} />,
                ticket.assignee ?? '—',
                formatDateTime(ticket.createdAt),
                formatDateTime(ticket.updatedAt),
              ])}
            />
          )}
          <CursorPager
            cursor={cursor}
            nextCursor={page.data.nextCursor}
            previous={previous}
            shown={page.data.items.length}
            onGo={go}
            label="Pages de la liste des tickets"
          />
        </>
      ) : null}
    </>
  );
}
