/**
 * One ticket: what it is about, who asked, the conversation in order (the director's mails, our
 * acknowledgment and replies, internal notes), and the actions: reply, change status, assign,
 * internal note; the articles of the knowledge base suggested for it, and « Créer un article ».
 * Every action is recorded by the API with who and when (the history below).
 * The parts live in `pages/ticket/`; this page lays them out and reloads the ticket after an action.
 */
import { Breadcrumb } from '@codegouvfr/react-dsfr/Breadcrumb';
import { call } from '../api/client.ts';
import { LoadError, Loading } from '../components/Feedback.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { useApi } from '../use-api.ts';
import { AssignForm } from './ticket/AssignForm.tsx';
import { Conversation } from './ticket/Conversation.tsx';
import { History } from './ticket/History.tsx';
import { useMessageDraft } from './ticket/message-draft.ts';
import { NoteForm } from './ticket/NoteForm.tsx';
import { ReplyForm } from './ticket/ReplyForm.tsx';
import { ResponseClock } from './ticket/ResponseClock.tsx';
import { StatusForm } from './ticket/StatusForm.tsx';
import { Suggestions } from './ticket/Suggestions.tsx';
import { TicketSummary } from './ticket/TicketSummary.tsx';

/** The page of ticket `number` (`/tickets/LSUN-…`). */
export function TicketView({ number }: { number: string }) {
  const detail = useApi((signal) => call('GET /api/tickets/{number}', { path: { number }, signal }), number);
  const data = detail.data;
  // Held here rather than in the reply form: a suggested article is inserted into it.
  const reply = useMessageDraft();
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
              <ResponseClock clock={data.clock} />
              <Conversation number={number} entries={data.messages} />
              <ReplyForm
                number={number}
                closed={data.status === 'clos'}
                draft={reply}
                onDone={detail.reload}
              />
              <NoteForm number={number} onDone={detail.reload} />
            </div>
            <aside className="fr-col-12 fr-col-lg-4" aria-label="Actions sur le ticket">
              <Suggestions detail={data} draft={reply} />
              <StatusForm number={number} current={data.status} onDone={detail.reload} />
              <AssignForm number={number} current={data.assignee} onDone={detail.reload} />
            </aside>
          </div>
          <History entries={data.history} />
        </>
      ) : null}
    </>
  );
}
