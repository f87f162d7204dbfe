/**
 * Journal des courriels: every mail received and what became of it, newest first, filtered by
 * outcome and period; held mails (quota, not a director) can be accepted into a ticket.
 */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Table } from '@codegouvfr/react-dsfr/Table';
import { type FormEvent, useEffect, useState } from 'react';
import { type IntakeEntry, type IntakeListQueryInput, Outcome } from '#shared/api/contract.ts';
import { outcomeLabel } from '#shared/domain/outcome.ts';
import { call } from '../api/client.ts';
import { AcceptButton, acceptedNotice, isAcceptable } from '../components/AcceptButton.tsx';
import { OutcomeBadge } from '../components/Badges.tsx';
import { CursorPager, previousCursors } from '../components/CursorPager.tsx';
import { ActionResult, LoadError, Loading } from '../components/Feedback.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { formatDateTime, parisToday } from '../format.ts';
import { hrefOf, Link, navigate } from '../router.tsx';
import { useApi } from '../use-api.ts';

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

export function Intake({ query }: { query: URLSearchParams }) {
  const applied = filtersOf(query);
  const cursor = query.get('cursor') ?? undefined;
  const previous = previousCursors(query);
  const [draft, setDraft] = useState(applied);
  const appliedKey = JSON.stringify(applied);
  // The form follows the URL when it changes under it (back button, « Effacer les filtres »).
  useEffect(() => setDraft(filtersOf(new URLSearchParams(window.location.search))), [appliedKey]);
  const [accepted, setAccepted] = useState<Record<string, IntakeEntry>>({});
  const [notice, setNotice] = useState<{ ok: boolean; message: string }>();

  const request: IntakeListQueryInput = {
    outcome: (applied.outcome || undefined) as IntakeListQueryInput['outcome'],
    from: applied.from || undefined,
    to: applied.to || undefined,
    cursor,
  };
  const page = useApi(
    (signal) => call('GET /api/intake', { query: request, signal }),
    `${appliedKey}|${cursor ?? ''}`,
  );

  function apply(event: FormEvent) {
    event.preventDefault();
    navigate(hrefOf('/courriels', draft));
  }

  return (
    <>
      <PageTitle title="Journal des courriels" />
      <p>
        Chaque courriel reçu par l’assistance et ce qu’il est devenu : ticket, suite d’un ticket, ou refus
        avec sa raison.
      </p>
      <form className="lsun-filters" onSubmit={apply} aria-label="Filtrer le journal">
        <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
          <div className="fr-col-12 fr-col-md-4">
            <Select
              label="Issue"
              nativeSelectProps={{
                name: 'outcome',
                value: draft.outcome,
                onChange: (e) => setDraft({ ...draft, outcome: e.target.value }),
              }}
            >
              <option value="">Toutes les issues</option>
              {Outcome.options.map((outcome) => (
                <option key={outcome} value={outcome}>
                  {outcomeLabel[outcome]}
                </option>
              ))}
            </Select>
          </div>
          <div className="fr-col-6 fr-col-md-3">
            <Input
              label="Reçus du"
              nativeInputProps={{
                type: 'date',
                name: 'from',
                max: parisToday(),
                value: draft.from,
                onChange: (e) => setDraft({ ...draft, from: e.target.value }),
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
                onChange: (e) => setDraft({ ...draft, to: e.target.value }),
              }}
            />
          </div>
          <div className="fr-col-12 fr-col-md-2 lsun-filter-actions">
            <Button type="submit" iconId="fr-icon-filter-line">
              Filtrer
            </Button>
          </div>
        </div>
      </form>

      <div className="lsun-notice">
        <ActionResult result={notice} />
      </div>
      {page.status === 'error' ? <LoadError error={page.error} onRetry={page.reload} /> : null}
      {page.status === 'loading' ? <Loading what="Lecture du journal…" /> : null}
      {page.data && page.status !== 'error' ? (
        <>
          {page.data.items.length === 0 && !page.data.nextCursor ? (
            <p role="status">Aucun courriel ne correspond à ces filtres.</p>
          ) : (
            <Table
              caption="Courriels reçus, du plus récent au plus ancien"
              headers={['Reçu le', 'Expéditeur', 'Sujet', 'Issue et raison', 'Ticket', 'Actions']}
              data={page.data.items.map((listed) => {
                const entry = accepted[listed.sesMessageId] ?? listed;
                return [
                  <span key="d" className="lsun-nowrap">
                    {formatDateTime(entry.receivedAt)}
                  </span>,
                  sender(entry),
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
              })}
            />
          )}
          <CursorPager
            cursor={cursor}
            nextCursor={page.data.nextCursor}
            previous={previous}
            shown={page.data.items.length}
            onGo={(next, prev) =>
              navigate(
                hrefOf('/courriels', { ...applied, cursor: next, prev: next ? prev.join('.') : undefined }),
              )
            }
            label="Pages du journal des courriels"
          />
        </>
      ) : null}
    </>
  );
}
