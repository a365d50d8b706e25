// Cursor pages as async iterators: `for await (const render of client.renders.list())` walks every
// page, asking for the next one only when the loop gets there.
import type { QueryValue, Transport } from './transport.js';

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export interface PageQuery {
  /** Items per page, 1-100 (Platen's default 20). */
  limit?: number;
  /** Start after this cursor (a `next_cursor` of an earlier page). */
  cursor?: string;
}

/** Loops at most this many pages: a server that always answers a cursor cannot spin a loop forever. */
const MAX_PAGES = 100_000;

export async function fetchPage<T>(
  transport: Transport,
  path: string,
  query: Record<string, QueryValue>,
  signal?: AbortSignal,
): Promise<Page<T>> {
  const answer = await transport.request<T[]>('GET', path, { query, signal });
  return { data: answer.data, next_cursor: answer.next_cursor ?? null };
}

export async function* iteratePages<T>(
  transport: Transport,
  path: string,
  query: Record<string, QueryValue> & PageQuery,
  signal?: AbortSignal,
): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined = query.cursor;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { data, next_cursor } = await fetchPage<T>(transport, path, { ...query, cursor }, signal);
    yield* data;
    if (!next_cursor) return;
    cursor = next_cursor;
  }
}
