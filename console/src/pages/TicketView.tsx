/**
 * One ticket: what it is about, who asked, the conversation in order (the director's mails, our
 * acknowledgment and replies, internal notes), and the actions: reply, change status, assign,
 * internal note. Every action is recorded by the API with who and when (the history below).
 */
import { Breadcrumb } from '@codegouvfr/react-dsfr/Breadcrumb';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Table } from '@codegouvfr/react-dsfr/Table';
import { type FormEvent, useEffect, useState } from 'react';
import {
  type ConversationEntry,
  type TicketDetail,
  type TicketHistoryEntry,
  TicketStatus,
  ticketStatusLabel,
} from '#shared/api/contract.ts';
import { call } from '../api/client.ts';
import { StatusBadge } from '../components/Badges.tsx';
import { DownloadButton } from '../components/Download.tsx';
import { ActionResult, LoadError, Loading, messageOf } from '../components/Feedback.tsx';
import { MailBody } from '../components/MailBody.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { departementName, formatDateTime, formatSize } from '../format.ts';
import { actionLabel, purposeLabel, sendStatusLabel } from '../labels.ts';
import { useMe } from '../me.tsx';
import { hrefOf, Link } from '../router.tsx';
import { useApi } from '../use-api.ts';

type Result = { ok: boolean; message: string } | undefined;

const newRequestId = () => crypto.randomUUID();

function statusName(value: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return ticketStatusLabel[value as TicketStatus] ?? value;
}

function historyDetail(entry: TicketHistoryEntry): string {
  if (entry.action === 'status') return `${statusName(entry.from)} → ${statusName(entry.to)}`;
  if (entry.action === 'assign') return `${entry.from ?? 'personne'} → ${entry.to ?? 'personne'}`;
  if (entry.action === 'reply' && entry.to) return `statut : ${statusName(entry.to)}`;
  return '';
}

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
            {entry.status ? ` — ${sendStatusLabel[entry.status]}` : ''}
          </>
        )}
      </p>
      <MailBody
        text={entry.text}
        title={entry.subject}
        rawPath={incoming && entry.rawMail ? `${messagePath}/raw` : undefined}
      />
      {entry.attachments.length > 0 ? (
        <div className="fr-mt-2w">
          <p className="fr-text--sm fr-text--bold fr-mb-1w">Pièces jointes</p>
          <ul className="fr-btns-group fr-btns-group--icon-left fr-btns-group--inline-sm fr-btns-group--sm">
            {entry.attachments.map((attachment, index) => (
              <li key={`${attachment.filename}-${index}`}>
                <DownloadButton
                  path={`${messagePath}/attachments/${index}`}
                  fallbackName={attachment.filename || `piece-jointe-${index + 1}`}
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
          <DownloadButton path={`${messagePath}/raw`} fallbackName={`${number}-${entry.id}.eml`}>
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

function ReplyForm({ number, closed, onDone }: { number: string; closed: boolean; onDone: () => void }) {
  const [text, setText] = useState('');
  const [status, setStatus] = useState<'en_attente' | 'en_cours' | 'resolu'>('en_attente');
  const [requestId, setRequestId] = useState(newRequestId);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setResult(undefined);
    try {
      const answer = await call('POST /api/tickets/{number}/reply', {
        path: { number },
        body: { text, status, requestId },
      });
      setText('');
      setRequestId(newRequestId());
      setResult({
        ok: true,
        message: `Réponse ${answer.message.status === 'sent' ? 'envoyée' : 'mise en file d’envoi'} ; le ticket est « ${ticketStatusLabel[answer.ticket.status]} ».`,
      });
      onDone();
    } catch (error) {
      setResult({ ok: false, message: messageOf(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} aria-labelledby="repondre">
      <h2 id="repondre" className="fr-h4">
        Répondre au directeur
      </h2>
      {closed ? (
        <p className="fr-text--sm">Ce ticket est clos : rouvrez-le (changez son statut) pour répondre.</p>
      ) : null}
      <Input
        textArea
        label="Votre réponse"
        hintText="Envoyée par courriel au demandeur, dans le fil du ticket, signée de votre nom."
        nativeTextAreaProps={{
          name: 'reponse',
          rows: 8,
          value: text,
          required: true,
          maxLength: 20000,
          onChange: (e) => setText(e.target.value),
        }}
        disabled={closed}
      />
      <Select
        label="Statut après la réponse"
        nativeSelectProps={{
          name: 'statut-apres',
          value: status,
          onChange: (e) => setStatus(e.target.value as typeof status),
        }}
        disabled={closed}
      >
        <option value="en_attente">{ticketStatusLabel.en_attente}</option>
        <option value="en_cours">{ticketStatusLabel.en_cours}</option>
        <option value="resolu">{ticketStatusLabel.resolu}</option>
      </Select>
      <Button type="submit" iconId="fr-icon-send-plane-line" disabled={busy || closed || text.trim() === ''}>
        Envoyer la réponse
      </Button>
      <ActionResult result={result} />
    </form>
  );
}

function NoteForm({ number, onDone }: { number: string; onDone: () => void }) {
  const [text, setText] = useState('');
  const [requestId, setRequestId] = useState(newRequestId);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setResult(undefined);
    try {
      await call('POST /api/tickets/{number}/notes', { path: { number }, body: { text, requestId } });
      setText('');
      setRequestId(newRequestId());
      setResult({ ok: true, message: 'Note ajoutée.' });
      onDone();
    } catch (error) {
      setResult({ ok: false, message: messageOf(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} aria-labelledby="note-interne" className="fr-mt-4w">
      <h2 id="note-interne" className="fr-h4">
        Note interne
      </h2>
      <Input
        textArea
        label="Texte de la note"
        hintText="Visible du personnel seulement, jamais envoyée au directeur."
        nativeTextAreaProps={{
          name: 'note',
          rows: 4,
          value: text,
          required: true,
          maxLength: 20000,
          onChange: (e) => setText(e.target.value),
        }}
      />
      <Button
        type="submit"
        priority="secondary"
        iconId="fr-icon-edit-line"
        disabled={busy || text.trim() === ''}
      >
        Ajouter la note
      </Button>
      <ActionResult result={result} />
    </form>
  );
}

function StatusForm({
  number,
  current,
  onDone,
}: {
  number: string;
  current: TicketStatus;
  onDone: () => void;
}) {
  const [status, setStatus] = useState<TicketStatus>(current);
  // Follows the ticket when it changes under the form (after a reply, say).
  useEffect(() => setStatus(current), [current]);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setResult(undefined);
    try {
      const answer = await call('POST /api/tickets/{number}/status', { path: { number }, body: { status } });
      setResult({
        ok: true,
        message: answer.history
          ? `Statut changé : « ${ticketStatusLabel[answer.ticket.status]} ».`
          : 'Le ticket avait déjà ce statut.',
      });
      onDone();
    } catch (error) {
      setResult({ ok: false, message: messageOf(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} aria-labelledby="changer-statut">
      <h2 id="changer-statut" className="fr-h5">
        Statut
      </h2>
      <Select
        label="Nouveau statut"
        nativeSelectProps={{
          name: 'statut',
          value: status,
          onChange: (e) => setStatus(e.target.value as TicketStatus),
        }}
      >
        {TicketStatus.options.map((option) => (
          <option key={option} value={option}>
            {ticketStatusLabel[option]}
          </option>
        ))}
      </Select>
      <Button type="submit" priority="secondary" size="small" disabled={busy || status === current}>
        Changer le statut
      </Button>
      <ActionResult result={result} />
    </form>
  );
}

function AssignForm({
  number,
  current,
  onDone,
}: {
  number: string;
  current: string | undefined;
  onDone: () => void;
}) {
  const me = useMe();
  const [assignee, setAssignee] = useState(current ?? '');
  useEffect(() => setAssignee(current ?? ''), [current]);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result>();

  async function assign(to: string | null) {
    setBusy(true);
    setResult(undefined);
    try {
      const answer = await call('POST /api/tickets/{number}/assign', {
        path: { number },
        body: { assignee: to },
      });
      setAssignee(answer.ticket.assignee ?? '');
      setResult({
        ok: true,
        message: answer.ticket.assignee
          ? `Ticket attribué à ${answer.ticket.assignee}.`
          : 'Le ticket n’est plus attribué.',
      });
      onDone();
    } catch (error) {
      setResult({ ok: false, message: messageOf(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="fr-mt-4w"
      aria-labelledby="attribuer"
      onSubmit={(event) => {
        event.preventDefault();
        void assign(assignee.trim() === '' ? null : assignee.trim());
      }}
    >
      <h2 id="attribuer" className="fr-h5">
        Attribution
      </h2>
      <p className="fr-text--sm">Actuellement : {current ?? 'personne'}</p>
      <Input
        label="Adresse de l’agent"
        hintText="Vide pour ne l’attribuer à personne."
        nativeInputProps={{
          type: 'email',
          name: 'attribue-a',
          value: assignee,
          autoComplete: 'off',
          onChange: (e) => setAssignee(e.target.value),
        }}
      />
      <ul className="fr-btns-group fr-btns-group--icon-left fr-btns-group--inline-sm fr-btns-group--sm">
        <li>
          <Button type="submit" priority="secondary" disabled={busy}>
            Attribuer
          </Button>
        </li>
        {current !== me.email ? (
          <li>
            <Button type="button" priority="tertiary" disabled={busy} onClick={() => void assign(me.email)}>
              Me l’attribuer
            </Button>
          </li>
        ) : null}
      </ul>
      <ActionResult result={result} />
    </form>
  );
}

function TicketSummary({ detail }: { detail: TicketDetail }) {
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

export function TicketView({ number }: { number: string }) {
  const detail = useApi((signal) => call('GET /api/tickets/{number}', { path: { number }, signal }), number);
  const data = detail.data;
  return (
    <>
      <Breadcrumb
        currentPageLabel={number}
        homeLinkProps={{ href: '/' }}
        segments={[{ label: 'Tickets', linkProps: { href: '/tickets' } }]}
      />
      <PageTitle title={`Ticket ${number}`} />
      {detail.status === 'error' ? <LoadError error={detail.error} onRetry={detail.reload} /> : null}
      {!data && detail.status === 'loading' ? <Loading /> : null}
      {data ? (
        <>
          <p className="fr-text--lead">{data.subject || '(sans sujet)'}</p>
          <div className="fr-grid-row fr-grid-row--gutters">
            <div className="fr-col-12 fr-col-lg-8">
              <TicketSummary detail={data} />
              <section aria-labelledby="conversation">
                <h2 id="conversation" className="fr-h4">
                  Conversation ({data.messages.length})
                </h2>
                <ol className="lsun-conversation">
                  {data.messages.map((entry) =>
                    entry.kind === 'message' ? (
                      <Message key={`m-${entry.id}`} number={number} entry={entry} />
                    ) : (
                      <Note key={`n-${entry.id}`} entry={entry} />
                    ),
                  )}
                </ol>
              </section>
              <ReplyForm number={number} closed={data.status === 'clos'} onDone={detail.reload} />
              <NoteForm number={number} onDone={detail.reload} />
            </div>
            <aside className="fr-col-12 fr-col-lg-4" aria-label="Actions sur le ticket">
              <StatusForm number={number} current={data.status} onDone={detail.reload} />
              <AssignForm number={number} current={data.assignee} onDone={detail.reload} />
            </aside>
          </div>
          <section aria-labelledby="historique" className="fr-mt-4w">
            <h2 id="historique" className="fr-h4">
              Historique
            </h2>
            <Table
              caption="Historique des actions sur le ticket"
              noCaption
              headers={['Date', 'Par', 'Action', 'Détail']}
              data={data.history.map((entry) => [
                formatDateTime(entry.at),
                entry.actor,
                actionLabel[entry.action] ?? entry.action,
                historyDetail(entry),
              ])}
            />
          </section>
        </>
      ) : null}
    </>
  );
}
