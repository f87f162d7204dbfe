/** The results block of a list page: failure, loading, « aucun résultat », the table, the pager. */
import { Table } from '@codegouvfr/react-dsfr/Table';
import type { ReactNode } from 'react';
import type { ListPage } from '../use-list-page.ts';
import { CursorPager } from './CursorPager.tsx';
import { LoadError, Loading } from './Feedback.tsx';

export type PagedTableProps<T> = {
  /** The list's state (`useListPage`): its current page and its cursors. */
  list: Pick<ListPage<Record<string, string>, T>, 'page' | 'pager'>;
  /** Announced while a page loads, e.g. « Recherche des tickets… ». */
  loading: string;
  /** Said when nothing matches (and no later page may match either). */
  empty: ReactNode;
  caption: ReactNode;
  headers: ReactNode[];
  /** The cells of one result's row. */
  row: (item: T) => ReactNode[];
  /** Accessible name of the pager's `<nav>`. */
  pagerLabel: string;
};

/**
 * A page of results as a DSFR table with its cursor pager. A page that stopped early on the
 * server's read budget may hold no row while more follow: it shows the pager (« la recherche
 * continue sur la page suivante »), never « aucun résultat ».
 */
export function PagedTable<T>({
  list,
  loading,
  empty,
  caption,
  headers,
  row,
  pagerLabel,
}: PagedTableProps<T>) {
  const { page, pager } = list;
  return (
    <>
      {page.status === 'error' ? <LoadError error={page.error} onRetry={page.reload} /> : null}
      {page.status === 'loading' ? <Loading what={loading} /> : null}
      {page.data && page.status !== 'error' ? (
        <>
          {page.data.items.length === 0 && !page.data.nextCursor ? (
            <p role="status">{empty}</p>
          ) : (
            <Table caption={caption} headers={headers} data={page.data.items.map(row)} />
          )}
          <CursorPager
            {...pager}
            nextCursor={page.data.nextCursor}
            shown={page.data.items.length}
            label={pagerLabel}
          />
        </>
      ) : null}
    </>
  );
}
