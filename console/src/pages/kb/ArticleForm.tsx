/**
 * « Nouvel article » and « Modifier l’article »: title, symptom, cause, solution (Markdown),
 * tags, application and visibility, with a preview rendered by the API as directors will read it.
 * An edit sends back the version it read: if someone saved in between, the API refuses (409
 * `article_changed`) and the page offers to reload rather than overwrite their change.
 *
 * A draft made from a ticket opens here, with what the redaction removed, its placeholders
 * highlighted in the preview and listed, and the words the reviewer should check.
 */
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import { useEffect, useRef, useState } from 'react';
import type { BodyOf } from '#shared/api/contract.ts';
import type { ArticleDetail, ArticleHtml } from '#shared/api/kb-contract.ts';
import { MAX_ARTICLE_TEXT, MAX_TAG, MAX_TAGS, MAX_TITLE } from '#shared/domain/article.ts';
import { ApiError, call, ForbiddenError } from '../../api/client.ts';
import { ActionForm } from '../../components/ActionForm.tsx';
import { LoadError, Loading, messageOf } from '../../components/Feedback.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { formatCount } from '../../format.ts';
import { articleVisibilityLabel, redactionFieldLabel } from '../../labels.ts';
import { Link, navigate } from '../../router.tsx';
import { useAction } from '../../use-action.ts';
import { useApi } from '../../use-api.ts';
import { NotAllowed } from '../NotAllowed.tsx';
import { articlePath, KB_PATH } from './Articles.tsx';
import { ArticleTexts } from './ArticleTexts.tsx';
import { placeholdersIn } from './article-html.ts';
import {
  type DraftFromTicket,
  draftFromTicket,
  forgetDraftFromTicket,
  redactionSummary,
} from './from-ticket.ts';

/** The form's fields as typed: tags as one comma-separated line. */
type Draft = {
  title: string;
  symptom: string;
  cause: string;
  solution: string;
  tags: string;
  application: 'LSU' | 'LSUN';
  visibility: 'internal' | 'public';
};

const empty: Draft = {
  title: '',
  symptom: '',
  cause: '',
  solution: '',
  tags: '',
  application: 'LSUN',
  visibility: 'internal',
};

/** How long the preview waits after the last keystroke before asking the API. */
const PREVIEW_DELAY_MS = 600;

function draftOf(article: ArticleDetail): Draft {
  return {
    title: article.title,
    symptom: article.symptom,
    cause: article.cause ?? '',
    solution: article.solution,
    tags: article.tags.join(', '),
    application: article.application,
    visibility: article.visibility,
  };
}

/** The article as the API takes it: tags split on commas, an empty cause left out. */
function inputOf(draft: Draft): BodyOf<'POST /api/articles'> {
  return {
    title: draft.title,
    symptom: draft.symptom,
    ...(draft.cause.trim() === '' ? {} : { cause: draft.cause }),
    solution: draft.solution,
    tags: draft.tags
      .split(',')
      .map((tag) => tag.trim())
      .filter((tag) => tag !== ''),
    application: draft.application,
    visibility: draft.visibility,
  };
}

/** `/base-de-connaissances/nouvel-article`: a new draft. */
export function ArticleNew() {
  return <ArticleForm title="Nouvel article" initial={empty} />;
}

/** `/base-de-connaissances/{id}/modifier`: the article `id`, edited from the version read. */
export function ArticleEdit({ id }: { id: string }) {
  const article = useApi((signal) => call('GET /api/articles/{id}', { path: { id }, signal }), id);
  const fromTicket = draftFromTicket(id);
  const title = fromTicket ? 'Relire le brouillon tiré du ticket' : 'Modifier l’article';
  if (!article.data) {
    return (
      <>
        <PageTitle title={title} />
        {article.status === 'error' ? (
          <LoadError error={article.error} onRetry={article.reload} />
        ) : (
          <Loading what="Lecture de l’article…" />
        )}
      </>
    );
  }
  return (
    <ArticleForm
      // A reload after a conflict brings a new version: the form starts again from it.
      key={article.data.version}
      title={title}
      article={article.data}
      initial={draftOf(article.data)}
      fromTicket={fromTicket}
      onReload={article.reload}
    />
  );
}

type FormProps = {
  title: string;
  initial: Draft;
  article?: ArticleDetail;
  fromTicket?: DraftFromTicket | undefined;
  onReload?: () => void;
};

function ArticleForm({ title, initial, article, fromTicket, onReload }: FormProps) {
  const [draft, setDraft] = useState<Draft>(initial);
  const preview = usePreview(draft);
  const save = useAction(
    (): Promise<ArticleDetail> => {
      const body = inputOf(draft);
      return article
        ? call('PUT /api/articles/{id}', {
            path: { id: article.id },
            body: { ...body, version: article.version },
          })
        : call('POST /api/articles', { body });
    },
    {
      onSuccess: (saved) => {
        forgetDraftFromTicket(saved.id);
        navigate(articlePath(saved.id));
      },
    },
  );
  const conflict = save.error instanceof ApiError && save.error.code === 'article_changed';
  const conflictAlert = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (conflict) conflictAlert.current?.focus();
  }, [conflict]);

  if (save.error instanceof ForbiddenError) return <NotAllowed message={save.error.message} embedded />;
  const refused = (field: keyof Draft) =>
    save.details.find((detail) => detail.path === field || detail.path.startsWith(`${field}.`))?.message;
  const set = (field: keyof Draft) => (event: { target: { value: string } }) =>
    setDraft((current) => ({ ...current, [field]: event.target.value }));
  const textField = (
    field: 'symptom' | 'cause' | 'solution',
    label: string,
    hint: string,
    required: boolean,
  ) => {
    const error = refused(field);
    return (
      <Input
        textArea
        label={label}
        hintText={hint}
        state={error ? 'error' : 'default'}
        stateRelatedMessage={error}
        nativeTextAreaProps={{
          name: field,
          rows: field === 'cause' ? 4 : 8,
          value: draft[field],
          maxLength: MAX_ARTICLE_TEXT,
          required,
          onChange: set(field),
        }}
      />
    );
  };
  const placeholders = placeholdersIn([draft.title, draft.symptom, draft.cause, draft.solution]);
  const flags = (fromTicket?.flags ?? []).filter((flag) => draft[flag.field].includes(flag.word));

  return (
    <>
      <PageTitle title={title} />
      {fromTicket ? <FromTicketNotice fromTicket={fromTicket} /> : null}
      {conflict ? (
        <div ref={conflictAlert} tabIndex={-1} className="lsun-focus-target fr-mb-3w">
          <Alert
            severity="warning"
            title="Article modifié entre-temps"
            description={
              <>
                {save.error instanceof ApiError ? save.error.message : ''}{' '}
                <button type="button" className="fr-link" onClick={onReload}>
                  Recharger l’article
                </button>{' '}
                (vos modifications non enregistrées seront perdues : copiez-les d’abord si besoin).
              </>
            }
          />
        </div>
      ) : null}
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-lg-7">
          <ActionForm
            id="formulaire-article"
            title="L’article"
            action={{ result: conflict ? undefined : save.result, run: save.run }}
          >
            <p className="fr-text--sm">
              Les textes sont en Markdown : une ligne vide sépare deux paragraphes, « - » commence une liste,
              **gras**, [lien](https://…).
            </p>
            <Input
              label="Titre"
              hintText={`La question telle qu’un directeur la poserait. ${MAX_TITLE} caractères au plus.`}
              state={refused('title') ? 'error' : 'default'}
              stateRelatedMessage={refused('title')}
              nativeInputProps={{
                name: 'titre',
                value: draft.title,
                maxLength: MAX_TITLE,
                required: true,
                onChange: set('title'),
              }}
            />
            {textField('symptom', 'Symptôme', 'Ce que voit ou demande le directeur.', true)}
            {textField('cause', 'Cause (facultatif)', 'Pourquoi cela arrive, si on le sait.', false)}
            {textField('solution', 'Solution', 'Ce qu’il faut faire, étape par étape.', true)}
            <Input
              label="Étiquettes"
              hintText={`Séparées par des virgules, ex. bulletin périodique, export. ${MAX_TAGS} au plus, de ${MAX_TAG} caractères chacune.`}
              state={refused('tags') ? 'error' : 'default'}
              stateRelatedMessage={refused('tags')}
              nativeInputProps={{ name: 'etiquettes', value: draft.tags, onChange: set('tags') }}
            />
            <RadioButtons
              legend="Application"
              name="application"
              orientation="horizontal"
              state={refused('application') ? 'error' : 'default'}
              stateRelatedMessage={refused('application')}
              options={(['LSUN', 'LSU'] as const).map((application) => ({
                label: application,
                nativeInputProps: {
                  value: application,
                  checked: draft.application === application,
                  onChange: () => setDraft((current) => ({ ...current, application })),
                },
              }))}
            />
            <RadioButtons
              legend="Visibilité"
              name="visibilite"
              hintText="Une fois publié, un article public est proposé aux directeurs (accusés de réception, pages publiques, catalogue PANDA)."
              state={refused('visibility') ? 'error' : 'default'}
              stateRelatedMessage={refused('visibility')}
              options={(['internal', 'public'] as const).map((visibility) => ({
                label: articleVisibilityLabel[visibility],
                nativeInputProps: {
                  value: visibility,
                  checked: draft.visibility === visibility,
                  onChange: () => setDraft((current) => ({ ...current, visibility })),
                },
              }))}
            />
            <ul className="fr-btns-group fr-btns-group--icon-left fr-btns-group--inline-md">
              <li>
                <Button type="submit" iconId="fr-icon-save-line" disabled={save.busy}>
                  {article ? 'Enregistrer les modifications' : 'Enregistrer le brouillon'}
                </Button>
              </li>
              <li>
                <Link href={article ? articlePath(article.id) : KB_PATH} className="fr-btn fr-btn--secondary">
                  Revenir sans enregistrer
                </Link>
              </li>
            </ul>
          </ActionForm>
        </div>
        <div className="fr-col-12 fr-col-lg-5">
          <section aria-labelledby="apercu" className="lsun-article-preview">
            <h2 id="apercu" className="fr-h4">
              Aperçu
            </h2>
            {placeholders.length > 0 || flags.length > 0 ? (
              <ToCheck placeholders={placeholders} flags={flags} />
            ) : null}
            {preview.error ? (
              <p className="fr-error-text" role="alert">
                L’aperçu n’a pas pu être mis à jour : {messageOf(preview.error)}
              </p>
            ) : null}
            <p className="fr-h5 fr-mb-2w">{draft.title.trim() || '(sans titre)'}</p>
            <ArticleTexts html={preview.html} headingLevel={3} />
          </section>
        </div>
      </div>
    </>
  );
}

/** What the redaction replaced in a draft just made from a ticket. */
function FromTicketNotice({ fromTicket }: { fromTicket: DraftFromTicket }) {
  const removed = fromTicket.redactions.length > 0 ? redactionSummary(fromTicket.redactions) : undefined;
  return (
    <Alert
      severity="info"
      className="fr-mb-3w"
      title={`Brouillon tiré du ticket ${fromTicket.sourceTicket ?? ''}`.trim()}
      description={
        <>
          {removed
            ? `Données personnelles retirées : ${removed}. Elles sont remplacées par des mentions entre crochets, surlignées dans l’aperçu.`
            : 'Aucune donnée personnelle reconnue dans la question ni dans la réponse.'}{' '}
          Relisez tout le texte avant de le soumettre : un nom inconnu de l’annuaire a pu rester.
        </>
      }
    />
  );
}

/** The placeholders still in the texts, and the words after « élève », « Mme »… to check. */
function ToCheck({
  placeholders,
  flags,
}: {
  placeholders: { placeholder: string; count: number }[];
  flags: DraftFromTicket['flags'];
}) {
  return (
    <div className="fr-mb-3w">
      {placeholders.length > 0 ? (
        <>
          <p className="fr-text--sm fr-text--bold fr-mb-1w">Mentions remplacées dans le texte</p>
          <ul className="fr-text--sm">
            {placeholders.map(({ placeholder, count }) => (
              <li key={placeholder}>
                <mark className="lsun-placeholder">{placeholder}</mark> : {formatCount(count)} fois
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {flags.length > 0 ? (
        <>
          <p className="fr-text--sm fr-text--bold fr-mb-1w">À vérifier (peut-être un nom)</p>
          <ul className="fr-text--sm">
            {flags.map((flag) => (
              <li key={`${flag.field}-${flag.after}-${flag.word}`}>
                Vérifiez : « {flag.word} » après « {flag.after} », dans {redactionFieldLabel[flag.field]}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

/**
 * The texts rendered by the API (`POST /api/articles/preview`), once typing pauses: the same
 * Markdown renderer as the public pages, so the preview is what directors will read.
 */
function usePreview(draft: Draft): { html: Partial<ArticleHtml>; error: unknown } {
  const [state, setState] = useState<{ html: Partial<ArticleHtml>; error: unknown }>({
    html: {},
    error: undefined,
  });
  const { symptom, cause, solution } = draft;
  useEffect(() => {
    const controller = new AbortController();
    const render = async (markdown: string) =>
      markdown.trim() === ''
        ? undefined
        : (await call('POST /api/articles/preview', { body: { markdown }, signal: controller.signal })).html;
    const timer = window.setTimeout(() => {
      Promise.all([render(symptom), render(cause), render(solution)]).then(
        ([symptomHtml, causeHtml, solutionHtml]) =>
          setState({
            html: { symptom: symptomHtml, cause: causeHtml, solution: solutionHtml },
            error: undefined,
          }),
        (error: unknown) => {
          if (error instanceof DOMException && error.name === 'AbortError') return;
          setState((current) => ({ ...current, error }));
        },
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [symptom, cause, solution]);
  return state;
}
