/**
 * The page's `<h1>` and the window title (RGAA 8.6: each page has its own title). On arrival
 * the heading takes the focus, so a screen reader announces the new page after an in-place
 * navigation as it would after a full load.
 */
import { type ReactNode, useEffect, useRef } from 'react';

export function PageTitle({ title, children }: { title: string; children?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} — Assistance LSUN`;
    heading.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <h1 ref={heading} tabIndex={-1} className="lsun-page-title">
      {children ?? title}
    </h1>
  );
}
