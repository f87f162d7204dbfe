/**
 * The state of a list page (tickets, journal des courriels, annuaire): the filters applied (in the
 * URL, so a filtered list can be bookmarked, shared, and survives the back button), the filters
 * being edited, the current page of results, and the cursors to move between pages.
 */
import { type ChangeEvent, type FormEvent, useEffect, useState } from 'react';
import { type CursorPagerProps, previousCursors } from './components/CursorPager.tsx';
import { hrefOf, navigate } from './router.tsx';
import { type Loaded, useApi } from './use-api.ts';

/** A page of results as every list route answers it. */
export type CursorPage<T> = { items: T[]; nextCursor: string | null };

/** What a filter field needs: spread into `nativeInputProps` or `nativeSelectProps`. */
export type FieldBinding = {
  name: string;
  value: string;
  onChange: (event: ChangeEvent<HTMLInputElement | HTMLSelectElement>) => void;
};

export type ListPageOptions<F extends Record<string, string>, T> = {
  /** The page's path, where filters and cursors are written. */
  path: string;
  /** The page's query string. */
  query: URLSearchParams;
  /** The filters the query string holds ('' for a filter not set). */
  filtersOf: (query: URLSearchParams) => F;
  /** Reads one page of results. */
  load: (filters: F, cursor: string | undefined, signal: AbortSignal) => Promise<CursorPage<T>>;
  /** Tidies the edited filters before they go into the URL (trimming, say). */
  clean?: (draft: F) => F;
};

export type ListPage<F extends Record<string, string>, T> = {
  /** The filters of the URL, those the results are for. */
  applied: F;
  /** The filters as being edited in the form. */
  draft: F;
  /** Changes one edited filter. */
  set: (name: keyof F & string, value: string) => void;
  /** Binds a field of the filter form to an edited filter. */
  field: (name: keyof F & string) => FieldBinding;
  /** The filter form's submit: the edited filters go into the URL, from the first page. */
  submit: (event: FormEvent) => void;
  /** The current page of results. */
  page: Loaded<CursorPage<T>> & { reload: () => void };
  /** The cursor part of `CursorPager`'s props. */
  pager: Pick<CursorPagerProps, 'cursor' | 'previous' | 'onGo'>;
};

/** One list page's filters, results and pagination, kept in its URL. */
export function useListPage<F extends Record<string, string>, T>({
  path,
  query,
  filtersOf,
  load,
  clean = (draft) => draft,
}: ListPageOptions<F, T>): ListPage<F, T> {
  const applied = filtersOf(query);
  const cursor = query.get('cursor') ?? undefined;
  const [draft, setDraft] = useState<F>(applied);
  const appliedKey = JSON.stringify(applied);
  // The form follows the URL when it changes under it (back button, « Effacer les filtres »).
  useEffect(() => setDraft(filtersOf(new URLSearchParams(window.location.search))), [appliedKey]);
  const page = useApi((signal) => load(applied, cursor, signal), `${appliedKey}|${cursor ?? ''}`);

  const set = (name: keyof F & string, value: string) =>
    setDraft((current) => ({ ...current, [name]: value }));
  return {
    applied,
    draft,
    set,
    field: (name) => ({ name, value: draft[name] ?? '', onChange: (event) => set(name, event.target.value) }),
    submit: (event) => {
      event.preventDefault();
      navigate(hrefOf(path, clean(draft)));
    },
    page,
    pager: {
      cursor,
      previous: previousCursors(query),
      onGo: (next, previous) =>
        navigate(hrefOf(path, { ...applied, cursor: next, prev: next ? previous.join('.') : undefined })),
    },
  };
}
