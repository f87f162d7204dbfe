/**
 * Journal des courriels: every mail received and what became of it, newest first, filtered by
 * outcome and period; held mails (quota, not a director) can be accepted into a ticket.
 */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { useState } from 'react';
import { type IntakeEntry, type IntakeListQueryInput, Outcome } from '#shared/api/contract.ts';
import { outcomeLabel } from '#shared/domain/outcome.ts';
import { call } from '../api/client.ts';
import { AcceptButton, acceptedNotice, isAcceptable } from '../components/AcceptButton.tsx';
import { ChannelBadge, OutcomeBadge } from '../components/Badges.tsx';
import { ActionResult } from '../components/Feedback.tsx';
import { FilterForm, PeriodFilter } from '../components/Filters.tsx';
import { PagedTable } from '../components/PagedTable.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { formatDateTime } from '../format.ts';
import { Link } from '../router.tsx';
import { useListPage } from '../use-list-page.ts';

type Filters = { outcome: string; from: string; to: string };

const filtersOf = (query: URLSearchParams): Filters => ({
  outcome: query.get('outcome') ?? '',
  from: query.get('from') ?? '',
  to: query.get('to') ?? '',
});

function sender(entry: IntakeEntry): string {
  const address = entry.from ?? entry.envelopeFrom;
  return entry.fromName ? `${entry.fromName} <${address}>` : address || '(expéditeur vide)';
}

/** The intake log (`/courriels`), its filters in the URL. */
export function Intake({ query }: { query: URLSearchParams }) {
  const list = useListPage({
    path: '/courriels',
    query,
    filtersOf,
    load: (filters, cursor, signal) => {
      const request: IntakeListQueryInput = {
        outcome: (filters.outcome || undefined) as IntakeListQueryInput['outcome'],
        from: filters.from || undefined,
        to: filters.to || undefined,
        cursor,
      };
      return call('GET /api/intake', { query: request, signal });
    },
  });
  const { field } = list;
  const [accepted, setAccepted] = useState<Record<string, IntakeEntry>>({});
  const [notice, setNotice] = useState<{ ok: boolean; message: string }>();

  return (
    <>
      <PageTitle title="Journal des courriels" />
      <p>
        Chaque courriel reçu par l’assistance et ce qu’il est devenu : ticket, suite d’un ticket, ou refus
        avec sa raison.
      </p>
      <FilterForm label="Filtrer le journal" onSubmit={list.submit} alignBottom>
        <div className="fr-col-12 fr-col-md-4">
          <Select label="Issue" nativeSelectProps={field('outcome')}>
            <option value="">Toutes les issues</option>
            {Outcome.options.map((outcome) => (
              <option key={outcome} value={outcome}>
                {outcomeLabel[outcome]}
              </option>
            ))}
          </Select>
        </div>
        <PeriodFilter fromLabel="Reçus du" from={field('from')} to={field('to')} />
        <div className="fr-col-12 fr-col-md-2 lsun-filter-actions">
          <Button type="submit" iconId="fr-icon-filter-line">
            Filtrer
          </Button>
        </div>
      </FilterForm>

      <div className="lsun-notice">
        <ActionResult result={notice} />
      </div>
      <PagedTable
        list={list}
        loading="Lecture du journal…"
        empty="Aucun courriel ne correspond à ces filtres."
        caption="Courriels reçus, du plus récent au plus ancien"
        headers={['Reçu le', 'Expéditeur', 'Sujet', 'Issue et raison', 'Ticket', 'Actions']}
        row={(listed) => {
          const entry = accepted[listed.sesMessageId] ?? listed;
          return [
            <span key="d" className="lsun-nowrap">
              {formatDateTime(entry.receivedAt)}
            </span>,
            <span key="s">
              {sender(entry)}
              {entry.channel === 'portal' ? (
                <>
                  {' '}
                  <ChannelBadge channel={entry.channel} />
                </>
              ) : null}
            </span>,
            entry.subject || '(sans sujet)',
            <span key="o">
              <OutcomeBadge outcome={entry.outcome} />
              <br />
              <span className="fr-text--sm">{entry.detail}</span>
              {entry.acceptedBy ? (
                <>
                  <br />
                  <span className="fr-text--xs">
                    Accepté par {entry.acceptedBy}
                    {entry.acceptedAt ? ` le ${formatDateTime(entry.acceptedAt)}` : ''}
                  </span>
                </>
              ) : null}
            </span>,
            entry.ticketNumber ? (
              <Link key="t" href={`/tickets/${entry.ticketNumber}`} className="lsun-nowrap">
                {entry.ticketNumber}
              </Link>
            ) : (
              '—'
            ),
            <span key="a">
              <Link
                href={`/courriels/${encodeURIComponent(entry.sesMessageId)}`}
                className="fr-link fr-text--sm"
              >
                Détails<span className="fr-sr-only"> du courriel « {entry.subject} »</span>
              </Link>
              {isAcceptable(entry) ? (
                <>
                  <br />
                  <AcceptButton
                    entry={entry}
                    onDone={(done) => {
                      setAccepted((all) => ({ ...all, [done.sesMessageId]: done }));
                      setNotice(acceptedNotice(done));
                    }}
                  />
                </>
              ) : null}
            </span>,
          ];
        }}
        pagerLabel="Pages du journal des courriels"
      />
    </>
  );
}
