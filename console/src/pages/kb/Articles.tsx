/**
 * « Base de connaissances »: the articles, searched in French (stemmed, accents and stop words
 * ignored) and filtered by status, visibility and tag, all in the URL. « À relire » is the review
 * queue: the same list with `status=review`.
 */
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { ArticleStatus, type ArticleSummary, ArticleVisibility } from '#shared/api/kb-contract.ts';
import { call } from '../../api/client.ts';
import { ArticleStatusBadge, ArticleVisibilityBadge } from '../../components/Badges.tsx';
import { FilterForm } from '../../components/Filters.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { formatDateTime } from '../../format.ts';
import { articleStatusLabel, articleVisibilityLabel } from '../../labels.ts';
import { hrefOf, Link, navigate } from '../../router.tsx';
import { useListPage } from '../../use-list-page.ts';

/** Where the knowledge base lives in the console. */
export const KB_PATH = '/base-de-connaissances';

/** The page of article `id`. */
export const articlePath = (id: string) => `${KB_PATH}/${encodeURIComponent(id)}`;

const FILTER_NAMES = ['q', 'status', 'visibility', 'tag'] as const;
type Filters = Record<(typeof FILTER_NAMES)[number], string>;

function filtersOf(query: URLSearchParams): Filters {
  const filters = {} as Filters;
  for (const name of FILTER_NAMES) filters[name] = query.get(name) ?? '';
  return filters;
}

const clean = (draft: Filters): Filters => ({ ...draft, q: draft.q.trim(), tag: draft.tag.trim() });

const oneOf = <T extends string>(values: readonly T[], value: string): T | undefined =>
  values.find((one) => one === value);

/** The list (`/base-de-connaissances`), or the review queue (`?status=review`). */
export function Articles({ query }: { query: URLSearchParams }) {
  const list = useListPage<Filters, ArticleSummary>({
    path: KB_PATH,
    query,
    filtersOf,
    clean,
    load: (filters, cursor, signal) =>
      call('GET /api/articles', {
        query: {
          q: filters.q || undefined,
          status: oneOf(ArticleStatus.options, filters.status),
          visibility: oneOf(ArticleVisibility.options, filters.visibility),
          tag: filters.tag || undefined,
          cursor,
        },
        signal,
      }),
  });
  const { applied, field } = list;
  const reviewQueue = applied.status === 'review' && !applied.q && !applied.visibility && !applied.tag;
  const searching = applied.q !== '';

  return (
    <>
      <PageTitle title={reviewQueue ? 'Base de connaissances : à relire' : 'Base de connaissances'} />
      <p>
        Les articles de l’assistance : un symptôme, sa cause et sa solution. Les articles publics publiés sont
        proposés aux directeurs et directrices (accusés de réception, pages publiques, catalogue PANDA) ; les
        articles internes restent au personnel.
      </p>
      <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
        <li>
          <Link href={`${KB_PATH}/nouvel-article`} className="fr-btn fr-icon-add-line fr-btn--icon-left">
            Nouvel article
          </Link>
        </li>
      </ul>
      <nav aria-label="Vues de la base de connaissances" className="fr-mb-2w lsun-views">
        <ul className="fr-tags-group">
          <li>
            <Link
              href={KB_PATH}
              className="fr-tag"
              aria-current={applied.status === '' && !searching ? 'page' : undefined}
            >
              Tous les articles
            </Link>
          </li>
          <li>
            <Link
              href={hrefOf(KB_PATH, { status: 'review' })}
              className="fr-tag"
              aria-current={reviewQueue ? 'page' : undefined}
            >
              À relire
            </Link>
          </li>
        </ul>
      </nav>
      <FilterForm label="Rechercher dans la base de connaissances" onSubmit={list.submit} alignBottom>
        <div className="fr-col-12 fr-col-md-6">
          <Input
            label="Recherche"
            hintText="Mots du titre, du symptôme, de la cause, de la solution ou des étiquettes"
            nativeInputProps={{ type: 'search', maxLength: 500, ...field('q') }}
          />
        </div>
        <div className="fr-col-12 fr-col-md-6">
          <Input
            label="Étiquette"
            hintText="Une seule, ex. bulletin périodique"
            nativeInputProps={{ maxLength: 40, ...field('tag') }}
          />
        </div>
        <div className="fr-col-12 fr-col-md-3">
          <Select label="Statut" nativeSelectProps={field('status')}>
            <option value="">Tous</option>
            {ArticleStatus.options.map((status) => (
              <option key={status} value={status}>
                {articleStatusLabel[status]}
              </option>
            ))}
          </Select>
        </div>
        <div className="fr-col-12 fr-col-md-3">
          <Select label="Visibilité" nativeSelectProps={field('visibility')}>
            <option value="">Toutes</option>
            {ArticleVisibility.options.map((visibility) => (
              <option key={visibility} value={visibility}>
                {articleVisibilityLabel[visibility]}
              </option>
            ))}
          </Select>
        </div>
        <div className="fr-col-12 fr-col-md-6 lsun-filter-actions">
          <ul className="fr-btns-group fr-btns-group--icon-left fr-btns-group--inline-md">
            <li>
              <Button type="submit" iconId="fr-icon-search-line">
                Rechercher
              </Button>
            </li>
            <li>
              <Button priority="secondary" type="button" onClick={() => navigate(KB_PATH)}>
                Effacer les filtres
              </Button>
            </li>
          </ul>
        </div>
      </FilterForm>

      <PagedTable
        list={list}
        loading="Recherche des articles…"
        empty={
          reviewQueue
            ? 'Aucun article n’attend de relecture.'
            : 'Aucun article ne correspond à cette recherche.'
        }
        caption={
          searching
            ? `Articles trouvés pour « ${applied.q} », les plus pertinents d’abord`
            : 'Articles, du plus récemment modifié au plus ancien'
        }
        headers={['Titre', 'Statut', 'Visibilité', 'Étiquettes', 'Dernière modification']}
        row={(article) => [
          <Link key="t" href={articlePath(article.id)}>
            {article.title}
          </Link>,
          <ArticleStatusBadge key="s" status={article.status} />,
          <ArticleVisibilityBadge key="v" visibility={article.visibility} />,
          article.tags.length === 0 ? '—' : article.tags.join(', '),
          <span key="d">
            <span className="lsun-nowrap">{formatDateTime(article.updatedAt)}</span>
            <br />
            <span className="fr-text--xs">{article.updatedBy}</span>
          </span>,
        ]}
        pagerLabel="Pages de la base de connaissances"
      />
    </>
  );
}
