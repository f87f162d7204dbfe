/**
 * A broadcast's page (`/diffusions/{id}`): what it says and to whom, the admin's actions, the
 * progress while it sends (refreshed every few seconds), its recipients by status, its history.
 */
import { Table } from '@codegouvfr/react-dsfr/Table';
import { useEffect, useRef, useState } from 'react';
import type { Broadcast, BroadcastRecipient } from '#shared/api/broadcast-contract.ts';
import type { BroadcastHistoryEntry } from '#shared/domain/broadcast.ts';
import { replacementsOf } from '#shared/domain/broadcast.ts';
import { call } from '../../api/client.ts';
import { BroadcastStatusBadge } from '../../components/Badges.tsx';
import { ActionResult, LoadError, Loading } from '../../components/Feedback.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { formatCount, formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import type { Outcome } from '../../use-action.ts';
import { useApi } from '../../use-api.ts';
import { BroadcastActions } from './BroadcastActions.tsx';
import { BroadcastProgress } from './BroadcastProgress.tsx';
import { Recipients, useRecipients } from './Recipients.tsx';
import { useZones, zoneName } from './zones.ts';

/**
 * How often the page reads the broadcast again: every few seconds while it sends, now and then
 * while it waits for its time (so the page turns to « En cours d’envoi » by itself).
 */
const REFRESH_MS: Partial<Record<Broadcast['status'], number>> = { sending: 3000, scheduled: 15_000 };

const historyLabel: Record<BroadcastHistoryEntry['action'], string> = {
  created: 'Brouillon créé',
  edited: 'Diffusion modifiée',
  tested: 'Exemplaire de test envoyé',
  scheduled: 'Envoi programmé',
  started: 'Envoi commencé',
  finished: 'Envoi terminé',
  cancelled: 'Diffusion annulée',
  retried: 'Échecs relancés',
};

/** The page of broadcast `id`; `query` holds the recipients' filter and cursors. */
export function BroadcastView({ id, query }: { id: string; query: URLSearchParams }) {
  const broadcast = useApi((signal) => call('GET /api/broadcasts/{id}', { path: { id }, signal }), id);
  const recipients = useRecipients(id, query);
  const [notice, setNotice] = useState<Outcome>();
  const refreshMs = broadcast.data ? REFRESH_MS[broadcast.data.status] : undefined;
  const { reload } = broadcast;
  const reloadRecipients = recipients.page.reload;

  // Live while it sends or waits: the counts follow the chunks; a finished one stays still.
  useEffect(() => {
    if (refreshMs === undefined) return;
    const timer = window.setInterval(reload, refreshMs);
    return () => window.clearInterval(timer);
  }, [refreshMs, reload]);
  // The table is read again only when the counts moved, so its « loading » notice is not
  // announced every few seconds for nothing.
  const countsKey = broadcast.data ? `${broadcast.data.status}|${JSON.stringify(broadcast.data.counts)}` : '';
  const lastCounts = useRef(countsKey);
  useEffect(() => {
    if (lastCounts.current !== '' && lastCounts.current !== countsKey) reloadRecipients();
    lastCounts.current = countsKey;
  }, [countsKey, reloadRecipients]);

  if (broadcast.status === 'error' && !broadcast.data) {
    return (
      <>
        <PageTitle title="Diffusion" />
        <LoadError error={broadcast.error} onRetry={reload} />
      </>
    );
  }
  if (!broadcast.data) {
    return (
      <>
        <PageTitle title="Diffusion" />
        <Loading what="Lecture de la diffusion…" />
      </>
    );
  }
  const shown = broadcast.data;
  const started = shown.status === 'sending' || shown.status === 'sent' || shown.startedAt !== undefined;
  const first = recipients.page.data?.items[0];

  return (
    <>
      <p className="fr-mb-1w">
        <Link href="/diffusions" className="fr-link fr-icon-arrow-left-line fr-link--icon-left">
          Toutes les diffusions
        </Link>
      </p>
      <PageTitle title={`Diffusion « ${shown.subject} »`} />
      <BroadcastSummary broadcast={shown} />
      <ActionResult result={notice} className="fr-mb-3w" />
      <BroadcastActions
        broadcast={shown}
        onDone={(message) => {
          setNotice({ ok: true, message });
          reload();
        }}
      />
      {started ? <BroadcastProgress broadcast={shown} /> : null}
      <MailPreview broadcast={shown} first={first} />
      <Recipients list={recipients} />
      <BroadcastHistory history={shown.history} />
    </>
  );
}

/** Status, zones, exact recipient count and dates. */
function BroadcastSummary({ broadcast }: { broadcast: Broadcast }) {
  const zones = useZones();
  return (
    <dl className="lsun-dl fr-mb-3w">
      <dt>Statut</dt>
      <dd>
        <BroadcastStatusBadge status={broadcast.status} />
      </dd>
      <dt>Zones</dt>
      <dd>{broadcast.zones.map((zone) => zoneName(zone, zones.data?.byKey)).join(', ')}</dd>
      <dt>Destinataires</dt>
      <dd>
        {formatCount(broadcast.recipients)} directeur{broadcast.recipients > 1 ? 's' : ''} et directrice
        {broadcast.recipients > 1 ? 's' : ''}
        {broadcast.status === 'draft' || broadcast.status === 'scheduled'
          ? ' (selon l’annuaire du jour ; la liste est figée au départ de l’envoi)'
          : ''}
      </dd>
      <dt>Créée</dt>
      <dd>
        le {formatDateTime(broadcast.createdAt)} par {broadcast.createdBy}
      </dd>
      {broadcast.scheduledAt ? (
        <>
          <dt>Envoi programmé</dt>
          <dd>le {formatDateTime(broadcast.scheduledAt)} (heure de Paris)</dd>
        </>
      ) : null}
      {broadcast.startedAt ? (
        <>
          <dt>Envoi commencé</dt>
          <dd>le {formatDateTime(broadcast.startedAt)}</dd>
        </>
      ) : null}
      {broadcast.finishedAt ? (
        <>
          <dt>Envoi terminé</dt>
          <dd>le {formatDateTime(broadcast.finishedAt)}</dd>
        </>
      ) : null}
    </dl>
  );
}

/** The mail as its first recipient reads it: their greeting, then the text as written. */
function MailPreview({ broadcast, first }: { broadcast: Broadcast; first: BroadcastRecipient | undefined }) {
  const greeting = first ? replacementsOf(first).greeting : 'Bonjour,';
  return (
    <section aria-labelledby="apercu" className="fr-mb-4w">
      <h2 id="apercu" className="fr-h4">
        Aperçu du courriel
      </h2>
      <p className="lsun-meta fr-text--sm">
        Objet : {broadcast.subject}
        <br />
        {first ? `Tel que le lira ${first.name} ; la formule d’appel change pour chacun.` : null}
      </p>
      <div className="lsun-mail-text lsun-preview">{`${greeting}\n\n${broadcast.text}\n\nCordialement,\n(signature de l’assistance)`}</div>
    </section>
  );
}

/** Who did what, when. */
function BroadcastHistory({ history }: { history: BroadcastHistoryEntry[] }) {
  return (
    <section aria-labelledby="historique">
      <h2 id="historique" className="fr-h4">
        Historique
      </h2>
      <Table
        caption="Historique de la diffusion, du plus ancien au plus récent"
        headers={['Date', 'Qui', 'Action', 'Détail']}
        data={history.map((entry) => [
          <span key="d" className="lsun-nowrap">
            {formatDateTime(entry.at)}
          </span>,
          entry.actor === 'planificateur' ? 'Planificateur (envoi programmé)' : entry.actor,
          historyLabel[entry.action],
          entry.action === 'scheduled' && entry.detail ? formatDateTime(entry.detail) : (entry.detail ?? '—'),
        ])}
      />
    </section>
  );
}
