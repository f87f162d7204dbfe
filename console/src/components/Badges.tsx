/** Status and outcome badges (tickets, mails, broadcasts and their recipients, articles): colour and text together (never colour alone, RGAA 3.1). */
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { type Outcome, type TicketStatus, ticketStatusLabel } from '#shared/api/contract.ts';
import type { ArticleStatus, ArticleVisibility } from '#shared/domain/article.ts';
import {
  type BroadcastStatus,
  broadcastStatusLabel,
  type RecipientStatus,
  recipientStatusLabel,
} from '#shared/domain/broadcast.ts';
import { outcomeLabel } from '#shared/domain/outcome.ts';
import { articleStatusLabel } from '../labels.ts';

const statusSeverity: Record<TicketStatus, 'new' | 'info' | 'warning' | 'success' | undefined> = {
  nouveau: 'new',
  en_cours: 'info',
  en_attente: 'warning',
  resolu: 'success',
  clos: undefined,
};

export function StatusBadge({ status }: { status: TicketStatus }) {
  const severity = statusSeverity[status];
  return (
    <Badge as="span" small noIcon {...(severity ? { severity } : {})}>
      {ticketStatusLabel[status]}
    </Badge>
  );
}

const outcomeSeverity: Partial<Record<Outcome, 'success' | 'info' | 'warning' | 'error'>> = {
  ticket_created: 'success',
  follow_up: 'info',
  rate_limited: 'warning',
  not_director: 'warning',
  no_keyword: 'warning',
  not_academic: 'error',
  not_authenticated: 'error',
  spam_or_virus: 'error',
};

/**
 * « Portail » on a request the académie's portal sent (`POST /api/portal/requests`); nothing on a
 * mail, the usual way in, so that the log stays quiet.
 */
export function ChannelBadge({ channel }: { channel: 'mail' | 'portal' | undefined }) {
  if (channel !== 'portal') return null;
  return (
    <Badge as="span" small noIcon severity="info" className="lsun-channel">
      Portail
    </Badge>
  );
}

export function OutcomeBadge({ outcome }: { outcome: Outcome }) {
  const severity = outcomeSeverity[outcome];
  return (
    <Badge as="span" small noIcon {...(severity ? { severity } : {})}>
      {outcomeLabel[outcome]}
    </Badge>
  );
}

const broadcastSeverity: Record<
  BroadcastStatus,
  'new' | 'info' | 'warning' | 'success' | 'error' | undefined
> = {
  draft: undefined,
  scheduled: 'new',
  sending: 'info',
  sent: 'success',
  cancelled: 'warning',
};

/** A broadcast's status (« Brouillon », « Programmée », « En cours d’envoi »…). */
export function BroadcastStatusBadge({ status }: { status: BroadcastStatus }) {
  const severity = broadcastSeverity[status];
  return (
    <Badge as="span" small noIcon {...(severity ? { severity } : {})}>
      {broadcastStatusLabel[status]}
    </Badge>
  );
}

const recipientSeverity: Record<RecipientStatus, 'info' | 'success' | 'error' | 'warning' | undefined> = {
  queued: undefined,
  sending: 'info',
  sent: 'success',
  delivered: 'success',
  bounced: 'error',
  complained: 'warning',
  suppressed: 'warning',
  failed: 'error',
};

/** Where one recipient's mail stands (« Envoyé », « Échec »…). */
export function RecipientStatusBadge({ status }: { status: RecipientStatus }) {
  const severity = recipientSeverity[status];
  return (
    <Badge as="span" small noIcon {...(severity ? { severity } : {})}>
      {recipientStatusLabel[status]}
    </Badge>
  );
}

const articleSeverity: Record<ArticleStatus, 'new' | 'info' | 'success' | undefined> = {
  draft: undefined,
  review: 'new',
  published: 'success',
  archived: undefined,
};

/** An article's status (« Brouillon », « À relire », « Publié », « Archivé »). */
export function ArticleStatusBadge({ status }: { status: ArticleStatus }) {
  const severity = articleSeverity[status];
  return (
    <Badge as="span" small noIcon {...(severity ? { severity } : {})}>
      {articleStatusLabel[status]}
    </Badge>
  );
}

/** An article's visibility: « Publique » stands out, since directors read it. */
export function ArticleVisibilityBadge({ visibility }: { visibility: ArticleVisibility }) {
  return (
    <Badge as="span" small noIcon {...(visibility === 'public' ? { severity: 'info' as const } : {})}>
      {visibility === 'public' ? 'Publique' : 'Interne'}
    </Badge>
  );
}
