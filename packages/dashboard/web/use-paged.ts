// A cursor-paged list: the first page loads with the page, "Load more" appends the next one.
import { useCallback, useEffect, useRef, useState } from 'react';

export interface PageAnswer<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Paged<T> {
  items: T[];
  error: unknown;
  loading: boolean;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
}

export function usePaged<T>(
  loadPage: (cursor: string | null) => Promise<PageAnswer<T>>,
  deps: readonly unknown[],
): Paged<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const ticket = useRef(0);
  const loadRef = useRef(loadPage);
  loadRef.current = loadPage;

  const fetchPage = useCallback((from: string | null, append: boolean) => {
    const mine = ++ticket.current;
    setLoading(true);
    loadRef.current(from).then(
      (answer) => {
        if (mine !== ticket.current) return;
        setItems((current) => (append ? [...current, ...answer.items] : answer.items));
        setCursor(answer.next_cursor);
        setError(null);
        setLoading(false);
      },
      (reason: unknown) => {
        if (mine !== ticket.current) return;
        setError(reason);
        setLoading(false);
      },
    );
  }, []);

  useEffect(() => {
    fetchPage(null, false);
    return () => {
      ticket.current += 1;
    };
    // The caller lists what its loader depends on, as with useEffect.
  }, [...deps, version, fetchPage]);

  return {
    items,
    error,
    loading,
    hasMore: cursor !== null,
    loadMore: () => {
      if (cursor !== null && !loading) fetchPage(cursor, true);
    },
    reload: () => setVersion((n) => n + 1),
  };
}
