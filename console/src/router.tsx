/**
 * A small history router: the console has a dozen pages and no nested layouts, which does not
 * justify a routing library. Paths stay real URLs (`/tickets/LSUN-2026-00042`) so that skip
 * links (`#contenu`) keep their usual meaning and a page can be bookmarked; ids that may hold
 * dots (emails) travel in the query string, since the front answers `index.html` only for
 * paths without an extension.
 */
import { type AnchorHTMLAttributes, type MouseEvent, type ReactNode, useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

window.addEventListener('popstate', notify);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const snapshot = () => `${window.location.pathname}${window.location.search}`;

/** Goes to a page of the console without reloading it (the token lives in memory). */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.scrollTo(0, 0);
  notify();
}

/** The current path and query string; re-renders on every navigation. */
export function useLocation(): { path: string; query: URLSearchParams; href: string } {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  return { path: url.pathname, query: url.searchParams, href };
}

/** Path and query of a page, leaving out empty values. */
export function hrefOf(path: string, query: Record<string, string | undefined | null> = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value) search.set(name, value);
  const text = search.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** Matches `/tickets/:number` against a path; the parameters decoded, or undefined. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of want.entries()) {
    const actual = have[index] ?? '';
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(actual);
    else if (part !== actual) return undefined;
  }
  return params;
}

function isPlainLeftClick(event: MouseEvent<HTMLAnchorElement>): boolean {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}

export type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; children?: ReactNode };

/**
 * An ordinary `<a href>` (middle click, "open in a new tab" and the keyboard work as usual)
 * that navigates in place on a plain click. Registered with react-dsfr so its components use it.
 */
export function Link({ href, onClick, target, children, ...rest }: LinkProps) {
  const internal = href.startsWith('/') && !href.startsWith('//') && target === undefined;
  return (
    <a
      {...rest}
      href={href}
      target={target}
      onClick={(event) => {
        onClick?.(event);
        if (event.defaultPrevented || !internal || !isPlainLeftClick(event)) return;
        if (href.startsWith('#')) return;
        event.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}
