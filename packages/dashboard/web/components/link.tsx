// An ordinary link (it opens in a new tab, copies, bookmarks) that changes page without a reload.
import type { MouseEvent, ReactNode } from 'react';
import { useApp } from '../app-context.js';

export interface LinkProps {
  to: string;
  children: ReactNode;
  className?: string;
  /** Marks the link as the page being shown (navigation). */
  current?: boolean;
}

export function Link({ to, children, className, current = false }: LinkProps) {
  const { navigate } = useApp();
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={onClick} className={className} aria-current={current ? 'page' : undefined}>
      {children}
    </a>
  );
}
