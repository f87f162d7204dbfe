/**
 * « Articles suggérés » on a ticket page: up to three articles of the knowledge base close to
 * the director's question, each inserted into the reply in one click (its solution, and the
 * public page's address for a public article), and « Créer un article » from the ticket once the
 * assistance has answered it.
 */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useState } from 'react';
import type { TicketDetail } from '#shared/api/contract.ts';
import type { TicketSuggestion } from '#shared/api/kb-contract.ts';
import { call } from '../../api/client.ts';
import { ArticleVisibilityBadge } from '../../components/Badges.tsx';
import { ActionResult, LoadError, Loading } from '../../components/Feedback.tsx';
import { Link, navigate } from '../../router.tsx';
import { useAction } from '../../use-action.ts';
import { useApi } from '../../use-api.ts';
import { articlePath } from '../kb/Articles.tsx';
import { rememberDraftFromTicket } from '../kb/from-ticket.ts';
import type { MessageDraft } from './message-draft.ts';
import { REPLY_FIELD_ID } from './ReplyForm.tsx';

/** What « Insérer dans la réponse » adds: the solution, then the public page for a public article. */
export function insertion(suggestion: TicketSuggestion): string {
  const link = suggestion.url ? `\n\nPour en savoir plus : ${suggestion.url}` : '';
  return `${suggestion.solution.trim()}${link}`;
}

/** Appends `addition` to the reply being written, a blank line after what is already there. */
export function appended(text: string, addition: string): string {
  const kept = text.trimEnd();
  return kept === '' ? addition : `${kept}\n\n${addition}`;
}

type Props = { detail: TicketDetail; draft: MessageDraft };

/** The panel: the suggestions, and « Créer un article » when the ticket has an answer to take. */
export function Suggestions({ detail, draft }: Props) {
  const number = detail.number;
  const suggestions = useApi(
    (signal) => call('GET /api/tickets/{number}/suggestions', { path: { number }, signal }),
    number,
  );
  const [inserted, setInserted] = useState('');
  const closed = detail.status === 'clos';

  function insert(suggestion: TicketSuggestion) {
    draft.setText((current) => appended(current, insertion(suggestion)));
    setInserted(`Solution de « ${suggestion.title} » ajoutée à la fin de votre réponse.`);
    document.getElementById(REPLY_FIELD_ID)?.focus();
  }

  return (
    <section aria-labelledby="articles-suggeres" className="fr-mb-4w">
      <h2 id="articles-suggeres" className="fr-h4">
        Articles suggérés
      </h2>
      {suggestions.status === 'error' ? (
        <LoadError error={suggestions.error} onRetry={suggestions.reload} />
      ) : null}
      {suggestions.status === 'loading' ? (
        <Loading what="Recherche d’articles proches de la demande…" />
      ) : null}
      {suggestions.data ? (
        suggestions.data.items.length === 0 ? (
          <p className="fr-text--sm" role="status">
            Aucun article de la base de connaissances ne semble répondre à cette demande.
          </p>
        ) : (
          <ul className="lsun-suggestions">
            {suggestions.data.items.map((suggestion) => (
              <li key={suggestion.id}>
                <p className="fr-mb-1w">
                  <Link href={articlePath(suggestion.id)}>{suggestion.title}</Link>{' '}
                  <ArticleVisibilityBadge visibility={suggestion.visibility} />
                </p>
                <Button
                  type="button"
                  size="small"
                  priority="secondary"
                  iconId="fr-icon-add-line"
                  disabled={closed}
                  onClick={() => insert(suggestion)}
                >
                  Insérer dans la réponse<span className="fr-sr-only"> : {suggestion.title}</span>
                </Button>
              </li>
            ))}
          </ul>
        )
      ) : null}
      <p className="fr-sr-only" role="status">
        {inserted}
      </p>
      {hasStaffReply(detail) ? <CreateArticle number={number} /> : null}
    </section>
  );
}

/**
 * A draft is made from the director's question and the assistance's answer: the button shows
 * once the ticket has a reply of the assistance, whatever its status (the API refuses a ticket
 * without one).
 */
function hasStaffReply(detail: TicketDetail): boolean {
  return detail.messages.some(
    (entry) => entry.kind === 'message' && entry.direction === 'out' && entry.purpose === 'staff_reply',
  );
}

/** « Créer un article »: a draft from this ticket, its personal data replaced; the editor opens on it. */
function CreateArticle({ number }: { number: string }) {
  const create = useAction(() => call('POST /api/tickets/{number}/article', { path: { number } }), {
    onSuccess: (draft) => {
      rememberDraftFromTicket(draft);
      navigate(`${articlePath(draft.id)}/modifier`);
    },
  });
  return (
    <div className="fr-mt-3w">
      <p className="fr-text--sm fr-mb-1w">
        Cette demande et sa réponse peuvent servir à d’autres : un brouillon d’article en est tiré, sans les
        données personnelles.
      </p>
      <Button
        type="button"
        priority="secondary"
        iconId="fr-icon-article-line"
        disabled={create.busy}
        onClick={() => void create.run()}
      >
        Créer un article
      </Button>
      <ActionResult result={create.result} />
    </div>
  );
}
