// Keyset pagination for newest-first lists: the cursor is the (created_at, id) of the last row served,
// opaque to callers. A cursor that does not decode is a VALIDATION_ERROR naming `cursor`.
import { z } from 'zod';
import { validationError } from './errors.js';

export interface PagePosition {
  createdAt: Date;
  id: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const positionSchema = z.tuple([z.iso.datetime(), z.uuid()]);

export function encodeCursor({ createdAt, id }: PagePosition): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

export function decodeCursor(cursor: string): PagePosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const parsed = positionSchema.safeParse(decoded);
  if (!parsed.success) throw validationError([{ path: 'cursor', message: 'Invalid cursor' }]);
  return { createdAt: new Date(parsed.data[0]), id: parsed.data[1] };
}

/** Rows were fetched with limit + 1: the extra row only tells that another page exists. */
export function toPage<R extends { id: string; created_at: Date }, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(map),
    nextCursor:
      rows.length > limit && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null,
  };
}
