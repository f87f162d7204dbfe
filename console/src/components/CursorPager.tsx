/**
 * Cursor pagination (« Page suivante », « Page précédente », « Première page »): the API pages
 * with opaque cursors, which stays fast on tens of thousands of tickets but has no page numbers.
 * The current cursor is in the URL (`?cursor=`), the cursors of earlier pages in `?prev=`
 * history-style, so that the back button and a reload keep the place.
 */
import { Button } from '@codegouvfr/react-dsfr/Button';

export type CursorPagerProps = {
  cursor: string | undefined;
  nextCursor: string | null | undefined;
  previous: string[];
  /** Count shown on this page. */
  shown: number;
  onGo: (cursor: string | undefined, previous: string[]) => void;
  /** A page may come back empty while more follows (the server's read budget): say so. */
  label?: string;
};

export function CursorPager({
  cursor,
  nextCursor,
  previous,
  shown,
  onGo,
  label = 'Pagination',
}: CursorPagerProps) {
  const hasPrevious = cursor !== undefined;
  return (
    <nav className="fr-mt-2w lsun-pager" aria-label={label}>
      <p className="fr-text--sm fr-mb-1w">
        {shown === 0 && nextCursor
          ? 'Aucun résultat sur cette portion : la recherche continue sur la page suivante.'
          : `${shown} résultat${shown > 1 ? 's' : ''} sur cette page${nextCursor ? ', d’autres suivent.' : '.'}`}
      </p>
      <ul className="fr-btns-group fr-btns-group--icon-left fr-btns-group--inline-sm fr-btns-group--sm">
        <li>
          <Button
            priority="secondary"
            iconId="fr-icon-arrow-left-s-first-line"
            disabled={!hasPrevious}
            onClick={() => onGo(undefined, [])}
          >
            Première page
          </Button>
        </li>
        <li>
          <Button
            priority="secondary"
            iconId="fr-icon-arrow-left-s-line"
            disabled={!hasPrevious}
            onClick={() => {
              const rest = previous.slice(0, -1);
              const last = previous.at(-1);
              onGo(last === '' ? undefined : last, rest);
            }}
          >
            Page précédente
          </Button>
        </li>
        <li>
          <Button
            priority="secondary"
            iconId="fr-icon-arrow-right-s-line"
            disabled={!nextCursor}
            onClick={() => nextCursor && onGo(nextCursor, [...previous, cursor ?? ''])}
          >
            Page suivante
          </Button>
        </li>
      </ul>
    </nav>
  );
}

/** Cursors of the pages before this one (`?prev=a.b`, '' for the first page); `.` never occurs in a cursor. */
export function previousCursors(query: URLSearchParams): string[] {
  const raw = query.get('prev');
  return raw === null ? [] : raw.split('.');
}
