// An ordinary link (it opens in a new tab, copies, bookmarks) that changes page without a reload.
import type { MouseEvent, ReactNode } from 'react';
import { useApp } from '../app-context.js';

export interface LinkProps {
  to: string;
  children: ReactNode;
  className?: string;
  /** Marks the link as the page being shown (navigation). */
  current?: boolean;
  /**
   * The accessible name when the visible text is terse (a short id). An aria-label rather than a
   * visually hidden span inside the link: that span's clipped 1 px box becomes part of the link's
   * geometry, off the visible text, where a click (or a test's click at the link's first box) lands
   * on the table cell instead.
   */
  label?: string;
}

export function Link({ to, children, className, current = false, label }: LinkProps) {
  const { navigate } = useApp();
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a
      href={to}
      onClick={onClick}
      className={className}
      aria-current={current ? 'page' : undefined}
      aria-label={label}
    >
      {children}
    </a>
  );
}
