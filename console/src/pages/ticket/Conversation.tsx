/** A ticket's conversation in order: the director's mails, our acknowledgment and replies, internal notes. */
import type { ConversationEntry } from '#shared/api/contract.ts';
import { call } from '../../api/client.ts';
import { DownloadButton } from '../../components/Download.tsx';
import { MailBody } from '../../components/MailBody.tsx';
import { SendProblem, SendStatusBadge } from '../../components/SendReport.tsx';
import { formatDateTime, formatSize } from '../../format.ts';
import { purposeLabel } from '../../labels.ts';

function Message({
  number,
  entry,
}: {
  number: string;
  entry: Extract<ConversationEntry, { kind: 'message' }>;
}) {
  const incoming = entry.direction === 'in';
  const who = entry.fromName ? `${entry.fromName} <${entry.from}>` : entry.from;
  const messagePath = `/api/tickets/${encodeURIComponent(number)}/messages/${encodeURIComponent(entry.id)}`;
  return (
    <li className={incoming ? 'lsun-in' : 'lsun-out'}>
      <h3 className="fr-h6 fr-mb-1w">{entry.subject || '(sans sujet)'}</h3>
      <p className="fr-text--sm lsun-meta">
        {incoming ? (
          <>
            <span className="fr-icon-mail-line fr-icon--sm" aria-hidden="true" /> Reçu de {who}, le{' '}
            {formatDateTime(entry.at)}
          </>
        ) : (
          <>
            <span className="fr-icon-send-plane-line fr-icon--sm" aria-hidden="true" />{' '}
            {purposeLabel[entry.purpose ?? ''] ?? 'Envoyé par l’assistance'}
            {entry.authorName || entry.author ? ` par ${entry.authorName ?? entry.author}` : ''}
            {entry.to ? ` à ${entry.to}` : ''}, le {formatDateTime(entry.at)}
            {entry.status ? (
              <>
                {' — '}
                <SendStatusBadge status={entry.status} />
              </>
            ) : null}
            {entry.status === 'sent' && entry.sentAt ? ` (parti le ${formatDateTime(entry.sentAt)})` : ''}
          </>
        )}
      </p>
      {incoming ? null : <SendProblem report={entry} />}
      <MailBody
        text={entry.text}
        title={entry.subject}
        rawPath={incoming && entry.rawMail ? `${messagePath}/raw/content` : undefined}
      />
      {entry.attachments.length > 0 ? (
        <div className="fr-mt-2w">
          <p className="fr-text--sm fr-text--bold fr-mb-1w">Pièces jointes</p>
          <ul className="fr-btns-group fr-btns-group--icon-left fr-btns-group--inline-sm fr-btns-group--sm">
            {entry.attachments.map((attachment, index) => (
              <li key={`${attachment.filename}-${index}`}>
                <DownloadButton
                  link={() =>
                    call('GET /api/tickets/{number}/messages/{id}/attachments/{index}', {
                      path: { number, id: entry.id, index },
                    })
                  }
                >
                  {`${attachment.filename || `Pièce jointe ${index + 1}`} (${attachment.mimeType}, ${formatSize(attachment.size)})`}
                </DownloadButton>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {incoming && entry.rawMail ? (
        <div className="fr-mt-1w">
          <DownloadButton
            link={() =>
              call('GET /api/tickets/{number}/messages/{id}/raw', { path: { number, id: entry.id } })
            }
          >
            Télécharger le courriel d’origine (.eml)
          </DownloadButton>
        </div>
      ) : null}
    </li>
  );
}

function Note({ entry }: { entry: Extract<ConversationEntry, { kind: 'note' }> }) {
  return (
    <li className="lsun-note">
      <h3 className="fr-h6 fr-mb-1w">Note interne</h3>
      <p className="fr-text--sm lsun-meta">
        <span className="fr-icon-lock-line fr-icon--sm" aria-hidden="true" /> De {entry.author}, le{' '}
        {formatDateTime(entry.at)} — visible du personnel seulement
      </p>
      <div className="lsun-mail-text">{entry.text}</div>
    </li>
  );
}

/** The conversation section of ticket `number`, one list item per mail or note. */
export function Conversation({ number, entries }: { number: string; entries: ConversationEntry[] }) {
  return (
    <section aria-labelledby="conversation">
      <h2 id="conversation" className="fr-h4">
        Conversation ({entries.length})
      </h2>
      <ol className="lsun-conversation">
        {entries.map((entry) =>
          entry.kind === 'message' ? (
            <Message key={`m-${entry.id}`} number={number} entry={entry} />
          ) : (
            <Note key={`n-${entry.id}`} entry={entry} />
          ),
        )}
      </ol>
    </section>
  );
}
