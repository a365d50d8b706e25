import { ApiError } from './errors.js';
import { decodeCursor, encodeCursor, toPage } from './page-cursor.js';

describe('page cursors', () => {
  it('decode back to the position they were made from', () => {
    const position = {
      createdAt: new Date('2030-01-01T00:00:00.123Z'),
      id: '5f0c6c4e-8d5c-4a59-9a8e-2f1f5b0c9d11',
    };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each(['garbage', '', Buffer.from('["not a date","x"]').toString('base64url')])(
    'refuses %j with VALIDATION_ERROR naming cursor',
    (cursor) => {
      let caught: unknown;
      try {
        decodeCursor(cursor);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ApiError);
      expect((caught as ApiError).details).toEqual({
        issues: [{ path: 'cursor', message: 'Invalid cursor' }],
      });
    },
  );

  it('offers a next cursor only when a row beyond the page was fetched', () => {
    const rows = [1, 2, 3].map((n) => ({
      id: `00000000-0000-4000-8000-00000000000${n}`,
      created_at: new Date(n * 1000),
    }));
    const full = toPage(rows, 2, (row) => row.id);
    expect(full.items).toEqual([rows[0]!.id, rows[1]!.id]);
    expect(decodeCursor(full.nextCursor!)).toEqual({ createdAt: rows[1]!.created_at, id: rows[1]!.id });
    expect(toPage(rows, 3, (row) => row.id).nextCursor).toBeNull();
  });
});
