/** What was done to a ticket, by whom and when, as the API recorded it. */
import { Table } from '@codegouvfr/react-dsfr/Table';
import { type TicketHistoryEntry, type TicketStatus, ticketStatusLabel } from '#shared/api/contract.ts';
import { formatDateTime } from '../../format.ts';
import { actionLabel } from '../../labels.ts';

function statusName(value: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return ticketStatusLabel[value as TicketStatus] ?? value;
}

function historyDetail(entry: TicketHistoryEntry): string {
  if (entry.action === 'status' || entry.action === 'auto_close')
    return `${statusName(entry.from)} → ${statusName(entry.to)}`;
  if (entry.action === 'assign') return `${entry.from ?? 'personne'} → ${entry.to ?? 'personne'}`;
  if (entry.action === 'merge') return `${entry.from ?? '—'} fusionné dans ${entry.to ?? '—'}`;
  if (entry.action === 'reply' && entry.to) return `statut : ${statusName(entry.to)}`;
  if (entry.action === 'download') return entry.to ?? '';
  return '';
}

/** The history section: one row per action. */
export function History({ entries }: { entries: TicketHistoryEntry[] }) {
  return (
    <section aria-labelledby="historique" className="fr-mt-4w">
      <h2 id="historique" className="fr-h4">
        Historique
      </h2>
      <Table
        caption="Historique des actions sur le ticket"
        noCaption
        headers={['Date', 'Par', 'Action', 'Détail']}
        data={entries.map((entry) => [
          formatDateTime(entry.at),
          entry.actor,
          actionLabel[entry.action] ?? entry.action,
          historyDetail(entry),
        ])}
      />
    </section>
  );
}
