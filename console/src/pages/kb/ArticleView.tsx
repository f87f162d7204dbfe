/**
 * An article's page (`/base-de-connaissances/{id}`): its texts as directors would read them, its
 * status and visibility, its public link once published, what may be done with it next, and its
 * history (who, when, what changed, before and after).
 */
import { Breadcrumb } from '@codegouvfr/react-dsfr/Breadcrumb';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Table } from '@codegouvfr/react-dsfr/Table';
import { useEffect, useRef, useState } from 'react';
import type { ArticleDetail } from '#shared/api/kb-contract.ts';
import type { ArticleChange, ArticleHistoryEntry } from '#shared/domain/article.ts';
import { call } from '../../api/client.ts';
import { ArticleStatusBadge } from '../../components/Badges.tsx';
import { ActionResult, LoadError, Loading } from '../../components/Feedback.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { formatDateTime } from '../../format.ts';
import {
  articleActionLabel,
  articleFieldLabel,
  articleStatusLabel,
  articleVisibilityLabel,
} from '../../labels.ts';
import { useMe } from '../../me.tsx';
import { Link } from '../../router.tsx';
import { type Outcome, useAction } from '../../use-action.ts';
import { useApi } from '../../use-api.ts';
import { articlePath, KB_PATH } from './Articles.tsx';
import { ArticleTexts } from './ArticleTexts.tsx';

/** The page of article `id`. */
export function ArticleView({ id }: { id: string }) {
  const article = useApi((signal) => call('GET /api/articles/{id}', { path: { id }, signal }), id);
  const [notice, setNotice] = useState<Outcome>();
  // A workflow move answers the article as it now is: shown at once, with its notice.
  const [moved, setMoved] = useState<ArticleDetail>();

  const crumbs = (
    <Breadcrumb
      currentPageLabel={article.data?.title ?? `Article ${id}`}
      homeLinkProps={{ href: '/' }}
      segments={[{ label: 'Base de connaissances', linkProps: { href: KB_PATH } }]}
    />
  );
  if (!article.data) {
    return (
      <>
        {crumbs}
        <PageTitle title={`Article ${id}`} />
        {article.status === 'error' ? (
          <LoadError error={article.error} onRetry={article.reload} />
        ) : (
          <Loading what="Lecture de l’article…" />
        )}
      </>
    );
  }
  const shown = moved && moved.version > article.data.version ? moved : article.data;
  return (
    <>
      {crumbs}
      <PageTitle title={shown.title} />
      <ArticleFacts article={shown} />
      <Notice outcome={notice} />
      <Workflow
        article={shown}
        onDone={(message, updated) => {
          setMoved(updated);
          setNotice({ ok: true, message });
        }}
      />
      <ArticleTexts html={shown.html} headingLevel={2} />
      <ArticleHistory history={shown.history} />
    </>
  );
}

/** The outcome of a workflow button: it takes the focus, since the button may be gone once the article reloads. */
function Notice({ outcome }: { outcome: Outcome | undefined }) {
  const holder = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (outcome) holder.current?.focus();
  }, [outcome]);
  return (
    <div ref={holder} tabIndex={-1} className="lsun-focus-target">
      <ActionResult result={outcome} className="fr-mb-3w" />
    </div>
  );
}

/** Status, visibility, application, tags, public link, dates, source ticket. */
function ArticleFacts({ article }: { article: ArticleDetail }) {
  return (
    <dl className="lsun-dl fr-mb-3w">
      <dt>Statut</dt>
      <dd>
        <ArticleStatusBadge status={article.status} />
      </dd>
      <dt>Visibilité</dt>
      <dd>{articleVisibilityLabel[article.visibility]}</dd>
      <dt>Application</dt>
      <dd>{article.application}</dd>
      <dt>Étiquettes</dt>
      <dd>{article.tags.length === 0 ? 'aucune' : article.tags.join(', ')}</dd>
      {article.url ? (
        <>
          <dt>Page publique</dt>
          <dd>
            <a
              href={article.url}
              target="_blank"
              rel="noopener"
              title={`${article.title} — page publique (nouvelle fenêtre)`}
            >
              {article.url}
            </a>
          </dd>
        </>
      ) : null}
      <dt>Créé</dt>
      <dd>
        le {formatDateTime(article.createdAt)} par {article.createdBy}
        {article.sourceTicket ? (
          <>
            , depuis le ticket <Link href={`/tickets/${article.sourceTicket}`}>{article.sourceTicket}</Link>
          </>
        ) : null}
      </dd>
      <dt>Dernière modification</dt>
      <dd>
        le {formatDateTime(article.updatedAt)} par {article.updatedBy} (version {article.version})
      </dd>
      {article.publishedAt ? (
        <>
          <dt>Première publication</dt>
          <dd>le {formatDateTime(article.publishedAt)}</dd>
        </>
      ) : null}
    </dl>
  );
}

type Move = 'review' | 'publish' | 'archive';

const MOVES: Record<
  Move,
  { label: string; done: string; icon: 'fr-icon-eye-line' | 'fr-icon-upload-line' | 'fr-icon-archive-line' }
> = {
  review: {
    label: 'Soumettre à la relecture',
    done: 'Article soumis à la relecture : un administrateur le publiera.',
    icon: 'fr-icon-eye-line',
  },
  publish: { label: 'Publier', done: 'Article publié.', icon: 'fr-icon-upload-line' },
  archive: {
    label: 'Archiver',
    done: 'Article archivé : il ne sort plus dans les recherches, les suggestions ni les pages publiques.',
    icon: 'fr-icon-archive-line',
  },
};

/**
 * The moves the signed-in person may make from the article's status (`ARTICLE_MOVES` of the
 * domain), and « Modifier ». Admin-only buttons are hidden from agents as a courtesy: the API
 * refuses them anyway.
 */
type OnDone = (message: string, updated: ArticleDetail) => void;

function Workflow({ article, onDone }: { article: ArticleDetail; onDone: OnDone }) {
  const me = useMe();
  const moves: Move[] = [];
  if (article.status === 'draft') moves.push('review');
  if (me.isAdmin && article.status !== 'published') moves.push('publish');
  if (me.isAdmin && article.status !== 'archived') moves.push('archive');
  const editable =
    article.status === 'draft' ||
    article.status === 'review' ||
    (article.status === 'published' && me.isAdmin);
  if (moves.length === 0 && !editable) {
    return (
      <p className="fr-text--sm">
        {article.status === 'archived'
          ? 'Article archivé : un administrateur peut le publier de nouveau.'
          : `Article ${articleStatusLabel[article.status].toLowerCase()} : seul un administrateur peut le modifier.`}
      </p>
    );
  }
  return (
    <section aria-labelledby="actions-article" className="fr-mb-4w">
      <h2 id="actions-article" className="fr-h4">
        Actions
      </h2>
      <ul className="fr-btns-group fr-btns-group--icon-left fr-btns-group--inline-md">
        {editable ? (
          <li>
            <Link
              href={`${articlePath(article.id)}/modifier`}
              className="fr-btn fr-btn--secondary fr-icon-edit-line fr-btn--icon-left"
            >
              Modifier
            </Link>
          </li>
        ) : null}
        {moves.map((move) => (
          <li key={move}>
            <MoveButton article={article} move={move} onDone={onDone} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function MoveButton({ article, move, onDone }: { article: ArticleDetail; move: Move; onDone: OnDone }) {
  const { label, done, icon } = MOVES[move];
  const key = `POST /api/articles/{id}/${move}` as const;
  const action = useAction(() => call(key, { path: { id: article.id } }), {
    onSuccess: (updated) => onDone(done, updated),
  });
  return (
    <>
      <Button
        type="button"
        iconId={icon}
        priority={move === 'archive' ? 'tertiary' : 'primary'}
        disabled={action.busy}
        onClick={() => void action.run()}
      >
        {label}
      </Button>
      <ActionResult result={action.result} />
    </>
  );
}

/** A value of the history as a person reads it. */
function valueText(value: ArticleChange['before']): string {
  if (value === undefined) return '(vide)';
  if (Array.isArray(value)) return value.length === 0 ? '(aucune)' : value.join(', ');
  return value === '' ? '(vide)' : value;
}

function Changes({ entry }: { entry: ArticleHistoryEntry }) {
  if (entry.changes.length === 0) {
    if (entry.from)
      return <>{`${articleStatusLabel[entry.from]} → ${articleStatusLabel[statusAfter(entry)]}`}</>;
    return <>—</>;
  }
  return (
    <>
      {entry.sourceTicket ? (
        <p className="fr-text--sm fr-mb-1w">Depuis le ticket {entry.sourceTicket}</p>
      ) : null}
      <details>
        <summary>
          {entry.action === 'created' ? 'Champs : ' : 'Modifié : '}
          {entry.changes.map((change) => articleFieldLabel[change.field]).join(', ')}
        </summary>
        <dl className="lsun-changes">
          {entry.changes.map((change) => (
            <div key={change.field}>
              <dt>{articleFieldLabel[change.field]}</dt>
              {entry.action === 'created' ? null : (
                <dd className="lsun-change-before">Avant : {valueText(change.before)}</dd>
              )}
              <dd className="lsun-change-after">
                {entry.action === 'created' ? '' : 'Après : '}
                {valueText(change.after)}
              </dd>
            </div>
          ))}
        </dl>
      </details>
    </>
  );
}

function statusAfter(entry: ArticleHistoryEntry) {
  if (entry.action === 'submitted') return 'review' as const;
  if (entry.action === 'published') return 'published' as const;
  if (entry.action === 'archived') return 'archived' as const;
  return 'draft' as const;
}

/** Who did what, when, and what changed. */
function ArticleHistory({ history }: { history: ArticleHistoryEntry[] }) {
  return (
    <section aria-labelledby="historique" className="fr-mt-4w">
      <h2 id="historique" className="fr-h4">
        Historique
      </h2>
      <Table
        caption="Historique de l’article, du plus ancien au plus récent"
        noCaption
        headers={['Date', 'Par', 'Action', 'Détail']}
        data={history.map((entry) => [
          <span key="d" className="lsun-nowrap">
            {formatDateTime(entry.at)}
          </span>,
          entry.actor,
          `${articleActionLabel[entry.action]} (version ${entry.version})`,
          <Changes key="c" entry={entry} />,
        ])}
      />
    </section>
  );
}
