/** Who asked and about which school: the requester, the schools and the director the directory recognised. */
import type { TicketDetail } from '#shared/api/contract.ts';
import { StatusBadge } from '../../components/Badges.tsx';
import { departementName, formatDateTime } from '../../format.ts';
import { hrefOf, Link } from '../../router.tsx';

/** The ticket's facts as a description list: status, requester, schools, director, assignee, dates. */
export function TicketSummary({ detail }: { detail: TicketDetail }) {
  const ticket = detail;
  const { director } = detail;
  return (
    <dl className="lsun-dl">
      <dt>Statut</dt>
      <dd>
        <StatusBadge status={ticket.status} />
      </dd>
      <dt>Demandeur</dt>
      <dd>
        {ticket.requester.name ? `${ticket.requester.name} — ` : ''}
        {ticket.requester.email}
      </dd>
      <dt>École{ticket.schools.length > 1 ? 's' : ''}</dt>
      <dd>
        {ticket.schools.length === 0
          ? 'Aucune école reconnue'
          : ticket.schools.map((school) => (
              <span key={school.uai} className="fr-mr-1w">
                <Link href={`/annuaire/ecoles/${school.uai}`}>
                  {school.name} ({school.uai})
                </Link>
                , {school.commune} — circonscription {school.circonscription},{' '}
                {departementName[school.departement] ?? school.departement}
                <br />
              </span>
            ))}
      </dd>
      <dt>Directeur reconnu</dt>
      <dd>
        {director ? (
          <>
            <Link href={hrefOf('/annuaire/directeur', { id: director.entryId })}>
              {director.kind === 'school_mailbox'
                ? `Boîte fonctionnelle de l’école (${director.email})`
                : [director.civility, director.firstName, director.lastName].filter(Boolean).join(' ') ||
                  director.email}
            </Link>
            {director.kind === 'director' ? ` — ${director.email}` : ''}
          </>
        ) : (
          'Inconnu de l’annuaire aujourd’hui'
        )}
      </dd>
      <dt>Attribué à</dt>
      <dd>{ticket.assignee ?? 'personne'}</dd>
      <dt>Ouvert le</dt>
      <dd>{formatDateTime(ticket.createdAt)}</dd>
      <dt>Première réponse</dt>
      <dd>{ticket.answeredAt ? formatDateTime(ticket.answeredAt) : 'pas encore'}</dd>
      <dt>Dernière activité</dt>
      <dd>{formatDateTime(ticket.updatedAt)}</dd>
      {ticket.closedAt ? (
        <>
          <dt>Clos le</dt>
          <dd>{formatDateTime(ticket.closedAt)}</dd>
        </>
      ) : null}
    </dl>
  );
}
