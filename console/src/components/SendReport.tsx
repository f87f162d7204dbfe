/**
 * How far a mail the desk sent got, on the ticket's conversation and in the mail log: a badge
 * (colour and text together), and for a failed or uncertain send the reason, so that nothing we
 * failed to send goes unseen.
 */
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import type { SendReport as Report, SendStatus } from '#shared/domain/records.ts';
import { formatDateTime } from '../format.ts';
import { sendStatusLabel } from '../labels.ts';

const severity: Record<SendStatus, 'info' | 'success' | 'error' | 'warning' | 'new'> = {
  queued: 'new',
  sending: 'info',
  sent: 'success',
  failed: 'error',
  unknown: 'warning',
};

/** The send status as a badge (« envoyé », « échec de l’envoi », « envoi incertain »…). */
export function SendStatusBadge({ status }: { status: SendStatus }) {
  return (
    <Badge as="span" small noIcon severity={severity[status]}>
      {sendStatusLabel[status]}
    </Badge>
  );
}

/** Why a send failed or is uncertain, with when and SES's code; nothing for the other states. */
export function SendProblem({ report }: { report: Report }) {
  if (report.status !== 'failed' && report.status !== 'unknown') return null;
  const title = report.status === 'failed' ? 'Ce courriel n’est pas parti' : 'Envoi incertain';
  return (
    <div
      className={`fr-alert fr-alert--sm fr-mb-2w fr-alert--${report.status === 'failed' ? 'error' : 'warning'}`}
    >
      <p>
        <strong>{title}</strong>
        {report.failedAt ? ` (constaté le ${formatDateTime(report.failedAt)})` : ''} :{' '}
        {report.sendReason ?? '—'}
        {report.sendError ? (
          <>
            {' '}
            Code SES : <code>{report.sendError}</code>.
          </>
        ) : null}
      </p>
    </div>
  );
}
