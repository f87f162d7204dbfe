/** Diffusions: every broadcast, newest first, with its status, its counts and its dates. */
import type { Broadcast } from '#shared/api/broadcast-contract.ts';
import { call } from '../../api/client.ts';
import { BroadcastStatusBadge } from '../../components/Badges.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { formatDateTime } from '../../format.ts';
import { useMe } from '../../me.tsx';
import { Link } from '../../router.tsx';
import { useListPage } from '../../use-list-page.ts';
import { progressText } from './progress.ts';

const noFilters = () => ({});

/** When it went, goes or was written, as the list's date column says it. */
function when(broadcast: Broadcast): string {
  if (broadcast.status === 'scheduled') return `Programmée pour le ${formatDateTime(broadcast.scheduledAt)}`;
  if (broadcast.finishedAt) return `Terminée le ${formatDateTime(broadcast.finishedAt)}`;
  if (broadcast.startedAt) return `Commencée le ${formatDateTime(broadcast.startedAt)}`;
  return `Créée le ${formatDateTime(broadcast.createdAt)}`;
}

/** The list of broadcasts (`/diffusions`); « Nouvelle diffusion » for admins. */
export function Broadcasts({ query }: { query: URLSearchParams }) {
  const me = useMe();
  const list = useListPage<Record<string, string>, Broadcast>({
    path: '/diffusions',
    query,
    filtersOf: noFilters,
    load: (_filters, cursor, signal) => call('GET /api/broadcasts', { query: { cursor }, signal }),
  });

  return (
    <>
      <PageTitle title="Diffusions" />
      <p>
        Un courriel d’information à tous les directeurs et directrices d’une ou plusieurs zones (académie,
        département, circonscription, école), envoyé tout de suite ou à l’heure choisie, suivi destinataire
        par destinataire.
      </p>
      {me.isAdmin ? (
        <p>
          <Link href="/diffusions/nouvelle" className="fr-btn fr-icon-add-line fr-btn--icon-left">
            Nouvelle diffusion
          </Link>
        </p>
      ) : null}
      <PagedTable
        list={list}
        loading="Lecture des diffusions…"
        empty="Aucune diffusion pour l’instant."
        caption="Diffusions, de la plus récente à la plus ancienne"
        headers={['Objet', 'Statut', 'Destinataires', 'Date', 'Créée par']}
        row={(broadcast) => [
          <Link key="s" href={`/diffusions/${encodeURIComponent(broadcast.id)}`}>
            {broadcast.subject}
          </Link>,
          <BroadcastStatusBadge key="b" status={broadcast.status} />,
          progressText(broadcast),
          <span key="d" className="lsun-nowrap">
            {when(broadcast)}
          </span>,
          broadcast.createdBy,
        ]}
        pagerLabel="Pages des diffusions"
      />
    </>
  );
}
