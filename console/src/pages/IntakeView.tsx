/** One received mail: its envelope, outcome and reason, the automatic reply it got, its raw form, and « Accepter en ticket » when allowed. */
import { Breadcrumb } from '@codegouvfr/react-dsfr/Breadcrumb';
import { useState } from 'react';
import type { IntakeDetail, IntakeEntry } from '#shared/api/contract.ts';
import { call } from '../api/client.ts';
import { AcceptButton, acceptedNotice, isAcceptable } from '../components/AcceptButton.tsx';
import { ChannelBadge, OutcomeBadge } from '../components/Badges.tsx';
import { DownloadButton } from '../components/Download.tsx';
import { ActionResult, LoadError, Loading } from '../components/Feedback.tsx';
import { MailBody } from '../components/MailBody.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { SendProblem, SendStatusBadge } from '../components/SendReport.tsx';
import { formatDateTime } from '../format.ts';
import { purposeLabel } from '../labels.ts';
import { Link } from '../router.tsx';
import { useApi } from '../use-api.ts';

function View({ detail, onAccepted }: { detail: IntakeDetail; onAccepted: (entry: IntakeEntry) => void }) {
  const { entry, reply } = detail;
  const rawPath = `/api/intake/${encodeURIComponent(entry.sesMessageId)}/raw/content`;
  return (
    <>
      <p className="fr-text--lead">{entry.subject || '(sans sujet)'}</p>
      <dl className="lsun-dl">
        <dt>Reçu le</dt>
        <dd>{formatDateTime(entry.receivedAt)}</dd>
        <dt>De (en-tête)</dt>
        <dd>{entry.from ? `${entry.fromName ? `${entry.fromName} — ` : ''}${entry.from}` : '—'}</dd>
        <dt>Canal</dt>
        <dd>
          {entry.channel === 'portal' ? (
            <>
              <ChannelBadge channel={entry.channel} /> demande déposée sur le portail de l’académie
            </>
          ) : (
            'Courriel'
          )}
        </dd>
        {entry.channel === 'portal' ? null : (
          <>
            <dt>Enveloppe (MAIL FROM)</dt>
            <dd>{entry.envelopeFrom || '(vide : rapport de non-remise)'}</dd>
          </>
        )}
        <dt>Adressé à</dt>
        <dd>{entry.recipient}</dd>
        <dt>Issue</dt>
        <dd>
          <OutcomeBadge outcome={entry.outcome} />
        </dd>
        <dt>Raison</dt>
        <dd>{entry.detail}</dd>
        <dt>Ticket</dt>
        <dd>
          {entry.ticketNumber ? (
            <Link href={`/tickets/${entry.ticketNumber}`}>{entry.ticketNumber}</Link>
          ) : (
            'aucun'
          )}
        </dd>
        {entry.acceptedBy ? (
          <>
            <dt>Accepté par</dt>
            <dd>
              {entry.acceptedBy}
              {entry.acceptedAt ? `, le ${formatDateTime(entry.acceptedAt)}` : ''}
            </dd>
          </>
        ) : null}
        <dt>Identifiant</dt>
        <dd>
          <code>{entry.sesMessageId}</code>
        </dd>
      </dl>
      {isAcceptable(entry) ? (
        <div className="fr-mb-3w">
          <AcceptButton entry={entry} onDone={onAccepted} />
        </div>
      ) : null}
      <section aria-labelledby="contenu-courriel" className="fr-mb-4w">
        <h2 id="contenu-courriel" className="fr-h4">
          Contenu
        </h2>
        <p className="fr-text--sm">
          Le journal ne garde pas le texte des courriels refusés : il se lit dans le courriel d’origine, tant
          que la durée de conservation n’est pas écoulée.
        </p>
        <MailBody title={entry.subject} rawPath={rawPath} />
        <div className="fr-mt-1w">
          <DownloadButton
            link={() =>
              call('GET /api/intake/{sesMessageId}/raw', { path: { sesMessageId: entry.sesMessageId } })
            }
          >
            Télécharger le courriel d’origine (.eml)
          </DownloadButton>
        </div>
      </section>
      <section aria-labelledby="reponse-auto">
        <h2 id="reponse-auto" className="fr-h4">
          Réponse automatique
        </h2>
        {reply ? (
          <>
            <p className="fr-text--sm lsun-meta">
              {purposeLabel[reply.purpose] ?? reply.purpose} — de {reply.from} à {reply.to}
              {reply.sentAt ? `, le ${formatDateTime(reply.sentAt)}` : ''}
              {reply.status ? (
                <>
                  {' — '}
                  <SendStatusBadge status={reply.status} />
                </>
              ) : null}
            </p>
            <SendProblem report={reply} />
            <h3 className="fr-h6">{reply.subject}</h3>
            <div className="lsun-mail-text">{reply.text}</div>
          </>
        ) : entry.ticketNumber ? (
          <p>
            L’accusé de réception est dans la conversation du ticket{' '}
            <Link href={`/tickets/${entry.ticketNumber}`}>{entry.ticketNumber}</Link>.
          </p>
        ) : (
          <p>Aucune réponse automatique n’a été envoyée pour ce courriel.</p>
        )}
      </section>
    </>
  );
}

export function IntakeView({ sesMessageId }: { sesMessageId: string }) {
  const [round, setRound] = useState(0);
  const [notice, setNotice] = useState<{ ok: boolean; message: string }>();
  const detail = useApi(
    (signal) => call('GET /api/intake/{sesMessageId}', { path: { sesMessageId }, signal }),
    `${sesMessageId}|${round}`,
  );
  return (
    <>
      <Breadcrumb
        currentPageLabel="Courriel reçu"
        homeLinkProps={{ href: '/' }}
        segments={[{ label: 'Journal des courriels', linkProps: { href: '/courriels' } }]}
      />
      <PageTitle title="Courriel reçu" />
      {detail.status === 'error' ? <LoadError error={detail.error} onRetry={detail.reload} /> : null}
      {!detail.data && detail.status === 'loading' ? <Loading /> : null}
      <ActionResult result={notice} />
      {detail.data ? (
        <View
          detail={detail.data}
          onAccepted={(entry) => {
            setNotice(acceptedNotice(entry));
            setRound((value) => value + 1);
          }}
        />
      ) : null}
    </>
  );
}
