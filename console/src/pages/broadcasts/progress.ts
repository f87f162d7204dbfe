/** What a broadcast's counts mean to a reader: how far it went, how many got it, how many failed. */
import type { Broadcast } from '#shared/api/broadcast-contract.ts';
import { formatCount } from '../../format.ts';

export type Progress = {
  /** Recipients SES has answered for (whatever the answer): the progress bar's value. */
  done: number;
  /** Sent or delivered. */
  reached: number;
  /** Failed, bounced, complained or blocked. */
  failed: number;
  total: number;
};

export function progressOf(broadcast: Pick<Broadcast, 'counts' | 'recipients'>): Progress {
  const { counts } = broadcast;
  const total = broadcast.recipients;
  return {
    done: Math.max(0, total - counts.queued - counts.sending),
    reached: counts.sent + counts.delivered,
    failed: counts.failed + counts.bounced + counts.complained + counts.suppressed,
    total,
  };
}

/** « 118 envoyés sur 120, 2 échecs », the counts column of the list. */
export function progressText(broadcast: Pick<Broadcast, 'counts' | 'recipients' | 'status'>): string {
  const { reached, failed, total } = progressOf(broadcast);
  const recipients = `${formatCount(total)} destinataire${total > 1 ? 's' : ''}`;
  if (broadcast.status === 'draft' || broadcast.status === 'scheduled') return recipients;
  const parts = [`${formatCount(reached)} envoyé${reached > 1 ? 's' : ''} sur ${formatCount(total)}`];
  if (failed > 0) parts.push(`${formatCount(failed)} échec${failed > 1 ? 's' : ''}`);
  return parts.join(', ');
}
