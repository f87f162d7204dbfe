/** How far a broadcast's sending went: a progress bar, its text, and the counts by status. */
import { Table } from '@codegouvfr/react-dsfr/Table';
import { type Broadcast, RecipientStatus } from '#shared/api/broadcast-contract.ts';
import { RecipientStatusBadge } from '../../components/Badges.tsx';
import { formatCount } from '../../format.ts';
import { progressOf } from './progress.ts';

/**
 * The progress of `broadcast`. DSFR has no progress bar: a native `<progress>` labelled by its
 * heading, with the same figures in a polite live region, so a screen reader hears them change
 * while the page refreshes itself.
 */
export function BroadcastProgress({ broadcast }: { broadcast: Broadcast }) {
  const { done, reached, failed, total } = progressOf(broadcast);
  const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
  return (
    <section aria-labelledby="progression" className="fr-mb-4w">
      <h2 id="progression" className="fr-h4">
        Progression de l’envoi
      </h2>
      <progress
        className="lsun-progress"
        max={Math.max(total, 1)}
        value={total === 0 ? 1 : done}
        aria-labelledby="progression"
        aria-describedby="progression-texte"
      >
        {percent} %
      </progress>
      <p id="progression-texte" role="status" aria-live="polite">
        {formatCount(done)} destinataire{done > 1 ? 's' : ''} traité{done > 1 ? 's' : ''} sur{' '}
        {formatCount(total)} ({percent} %) : {formatCount(reached)} envoyé{reached > 1 ? 's' : ''},{' '}
        {formatCount(failed)} en échec.
      </p>
      <Table
        caption="Destinataires par statut"
        headers={['Statut', 'Destinataires']}
        data={RecipientStatus.options
          .filter((status) => broadcast.counts[status] > 0)
          .map((status) => [
            <RecipientStatusBadge key={status} status={status} />,
            formatCount(broadcast.counts[status]),
          ])}
      />
    </section>
  );
}
