/** Tableau de bord: today's and this week's requests, open tickets, late tickets, 30 days of intake, the oldest unanswered tickets, the mails that did not leave. */
import { Accordion } from '@codegouvfr/react-dsfr/Accordion';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Table } from '@codegouvfr/react-dsfr/Table';
import {
  type Dashboard as DashboardData,
  Outcome,
  TicketStatus,
  ticketStatusLabel,
} from '#shared/api/contract.ts';
import { outcomeLabel } from '#shared/domain/outcome.ts';
import { call } from '../api/client.ts';
import { StatusBadge } from '../components/Badges.tsx';
import { BarChart, palette } from '../components/Charts.tsx';
import { LoadError, Loading } from '../components/Feedback.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import {
  departementName,
  formatCount,
  formatDate,
  formatDateTime,
  formatDay,
  formatLongDay,
} from '../format.ts';
import { Link } from '../router.tsx';
import { useApi } from '../use-api.ts';

function Figure({ label, value, detail }: { label: string; value: number; detail?: string }) {
  return (
    <div className="fr-col-12 fr-col-sm-6 fr-col-lg-3">
      <div className="fr-card fr-card--no-arrow fr-p-3w">
        <h2 className="fr-text--md fr-mb-1w">{label}</h2>
        <p className="lsun-figure">{formatCount(value)}</p>
        {detail ? <p className="fr-text--sm fr-mb-0">{detail}</p> : null}
      </div>
    </div>
  );
}

const openStatuses = TicketStatus.options.filter((status) => status !== 'clos') as Exclude<
  TicketStatus,
  'clos'
>[];

function DashboardView({ data }: { data: DashboardData }) {
  const departements = Object.keys(data.openTickets.byDepartement).sort();
  const outcomes = Outcome.options.filter((outcome) =>
    data.intakeByDay.some((day) => (day.outcomes[outcome] ?? 0) > 0),
  );
  const shownOutcomes = outcomes.length > 0 ? outcomes : (['ticket_created'] as const);
  return (
    <>
      <p className="fr-text--sm">
        Chiffres du {formatLongDay(data.today)} (semaine commencée le {formatLongDay(data.weekStart)}),
        calculés le {formatDateTime(data.generatedAt)}.
      </p>
      {data.truncated ? (
        <Alert
          small
          severity="info"
          description="Volume très important : certains comptes se sont arrêtés à la limite de lecture du serveur et sont des minimums."
          className="fr-mb-3w"
        />
      ) : null}
      {data.sendProblems.failed + data.sendProblems.unknown > 0 ? (
        <Alert
          small
          severity="warning"
          description={`Sur 30 jours, ${formatCount(data.sendProblems.failed)} courriel(s) de l’assistance refusé(s) par le service d’envoi et ${formatCount(data.sendProblems.unknown)} à l’envoi incertain : chacun est signalé dans la conversation de son ticket ou dans le journal des courriels.`}
          className="fr-mb-3w"
        />
      ) : null}
      <div className="fr-grid-row fr-grid-row--gutters fr-mb-4w">
        <Figure
          label="Courriels reçus aujourd’hui"
          value={data.requests.today.received}
          detail={`${formatCount(data.requests.today.ticketsOpened)} ticket(s) ouvert(s)`}
        />
        <Figure
          label="Courriels reçus cette semaine"
          value={data.requests.week.received}
          detail={`${formatCount(data.requests.week.ticketsOpened)} ticket(s) ouvert(s)`}
        />
        <Figure label="Tickets ouverts" value={data.openTickets.total} detail="tous statuts sauf « Clos »" />
        <Figure
          label="Sans réponse"
          value={data.oldestUnanswered.length}
          detail={
            data.oldestUnanswered.length >= 10
              ? 'au moins (les 10 plus anciens ci-dessous)'
              : 'tickets ouverts sans réponse'
          }
        />
        <Figure
          label="Tickets en retard"
          value={data.lateTickets.total}
          detail={`${formatCount(data.lateTickets.firstResponse)} sans première réponse à temps, ${formatCount(data.lateTickets.resolution)} pour la résolution (heures ouvrées)`}
        />
      </div>
      <p className="fr-mb-4w">
        <Link href="/tickets?late=any&sort=due&order=asc">
          Voir les tickets en retard, les plus urgents d’abord
        </Link>
      </p>

      <div className="fr-grid-row fr-grid-row--gutters fr-mb-4w">
        <section className="fr-col-12 fr-col-lg-6" aria-labelledby="par-statut">
          <h2 id="par-statut" className="fr-h4">
            Tickets ouverts par statut
          </h2>
          <BarChart
            horizontal
            labels={openStatuses.map((status) => ticketStatusLabel[status])}
            series={[
              {
                label: 'Tickets',
                values: openStatuses.map((status) => data.openTickets.byStatus[status] ?? 0),
              },
            ]}
            description={`Tickets ouverts par statut : ${openStatuses
              .map((status) => `${ticketStatusLabel[status]} ${data.openTickets.byStatus[status] ?? 0}`)
              .join(', ')}.`}
          />
          <Accordion label="Données : tickets ouverts par statut" className="fr-mt-2w">
            <Table
              caption="Tickets ouverts par statut"
              noCaption
              headers={['Statut', 'Tickets']}
              data={openStatuses.map((status) => [
                ticketStatusLabel[status],
                formatCount(data.openTickets.byStatus[status] ?? 0),
              ])}
            />
          </Accordion>
        </section>
        <section className="fr-col-12 fr-col-lg-6" aria-labelledby="par-departement">
          <h2 id="par-departement" className="fr-h4">
            Tickets ouverts par département
          </h2>
          <BarChart
            horizontal
            labels={departements.map((code) => departementName[code] ?? code)}
            series={[
              {
                label: 'Tickets',
                values: departements.map((code) => data.openTickets.byDepartement[code] ?? 0),
                color: palette[2],
              },
            ]}
            description={`Tickets ouverts par département : ${
              departements.length === 0
                ? 'aucun'
                : departements
                    .map(
                      (code) =>
                        `${departementName[code] ?? code} ${data.openTickets.byDepartement[code] ?? 0}`,
                    )
                    .join(', ')
            }.`}
          />
          <Accordion label="Données : tickets ouverts par département" className="fr-mt-2w">
            <Table
              caption="Tickets ouverts par département"
              noCaption
              headers={['Département', 'Tickets']}
              data={
                departements.length === 0
                  ? [['Aucun ticket ouvert', '0']]
                  : departements.map((code) => [
                      departementName[code] ?? code,
                      formatCount(data.openTickets.byDepartement[code] ?? 0),
                    ])
              }
            />
          </Accordion>
        </section>
      </div>

      <section className="fr-mb-4w" aria-labelledby="issues-30-jours">
        <h2 id="issues-30-jours" className="fr-h4">
          Issue des courriels reçus sur 30 jours
        </h2>
        <BarChart
          stacked
          tall
          labels={data.intakeByDay.map((day) => formatDay(day.day))}
          series={shownOutcomes.map((outcome) => ({
            label: outcomeLabel[outcome],
            values: data.intakeByDay.map((day) => day.outcomes[outcome] ?? 0),
          }))}
          description={`Courriels reçus par jour et par issue, du ${formatDay(data.intakeByDay[0]?.day ?? data.today)} au ${formatDay(
            data.today,
          )} : ${formatCount(data.intakeByDay.reduce((sum, day) => sum + day.total, 0))} au total. Le tableau qui suit donne le détail.`}
        />
        <Accordion label="Données : issues des courriels par jour" className="fr-mt-2w">
          <Table
            caption="Courriels reçus par jour et par issue"
            noCaption
            headers={['Jour', 'Total', ...shownOutcomes.map((outcome) => outcomeLabel[outcome])]}
            data={data.intakeByDay.map((day) => [
              formatDate(`${day.day}T12:00:00Z`),
              formatCount(day.total),
              ...shownOutcomes.map((outcome) => formatCount(day.outcomes[outcome] ?? 0)),
            ])}
          />
        </Accordion>
      </section>

      <section aria-labelledby="sans-reponse">
        <h2 id="sans-reponse" className="fr-h4">
          Les plus anciens tickets sans réponse
        </h2>
        {data.oldestUnanswered.length === 0 ? (
          <p>Aucun ticket n’attend de première réponse.</p>
        ) : (
          <Table
            caption="Tickets ouverts sans réponse, du plus ancien au plus récent"
            noCaption
            headers={['Ticket', 'Sujet', 'Demandeur', 'Statut', 'Reçu le']}
            data={data.oldestUnanswered.map((ticket) => [
              <Link key="n" href={`/tickets/${ticket.number}`} className="lsun-nowrap">
                {ticket.number}
              </Link>,
              ticket.subject,
              ticket.requester.name || ticket.requester.email,
              <StatusBadge key="s" status={ticket.status} />,
              formatDateTime(ticket.createdAt),
            ])}
          />
        )}
      </section>
    </>
  );
}

export function Dashboard() {
  const dashboard = useApi((signal) => call('GET /api/dashboard', { signal }), 'dashboard');
  return (
    <>
      <PageTitle title="Tableau de bord" />
      {dashboard.status === 'error' ? <LoadError error={dashboard.error} onRetry={dashboard.reload} /> : null}
      {dashboard.data ? (
        <DashboardView data={dashboard.data} />
      ) : dashboard.status === 'loading' ? (
        <Loading />
      ) : null}
    </>
  );
}
