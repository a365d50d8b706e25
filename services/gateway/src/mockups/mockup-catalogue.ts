// The mockups an account may see: the built-in samples (read-only, shared by every account) plus,
// once uploads exist, its own. Lists are ordered by name, then uuid, with an opaque keyset cursor.
import { ApiError, type Mockup } from '@platen/contracts';
import { BUILTIN_MOCKUPS } from './builtin-mockups.js';

export interface MockupPage {
  items: Mockup[];
  nextCursor: string | null;
}

export interface MockupCatalogue {
  list(query: { accountId: string; limit: number; cursor?: string | undefined }): Promise<MockupPage>;
  /** By uuid, or by slug when `bySlug`; undefined for unknown ids and other accounts' mockups alike. */
  find(query: { accountId: string; id: string; bySlug: boolean }): Promise<Mockup | undefined>;
}

interface CursorPosition {
  name: string;
  uuid: string;
}

function encodeCursor(mockup: Mockup): string {
  return Buffer.from(JSON.stringify({ name: mockup.name, uuid: mockup.uuid })).toString('base64url');
}

function decodeCursor(cursor: string): CursorPosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      value &&
      typeof value === 'object' &&
      typeof (value as CursorPosition).name === 'string' &&
      typeof (value as CursorPosition).uuid === 'string'
    ) {
      return value as CursorPosition;
    }
  } catch {
    // falls through to the validation error
  }
  throw new ApiError('VALIDATION_ERROR', {
    message: 'cursor: not a cursor this API returned',
    details: { issues: [{ path: 'cursor', message: 'not a cursor this API returned' }] },
  });
}

function byNameThenUuid(a: Mockup, b: Mockup): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0;
}

/** Built-in samples only, from memory: what the gateway serves until template uploads land. */
export function createBuiltinMockupCatalogue(mockups: readonly Mockup[] = BUILTIN_MOCKUPS): MockupCatalogue {
  const sorted = [...mockups].sort(byNameThenUuid);
  return {
    list({ limit, cursor }) {
      // A bad cursor throws inside the executor, which turns it into a rejection.
      return new Promise<MockupPage>((resolve) => {
        const after = cursor === undefined ? undefined : decodeCursor(cursor);
        const rest = after
          ? sorted.filter((m) => byNameThenUuid(m, { ...m, name: after.name, uuid: after.uuid }) > 0)
          : sorted;
        const items = rest.slice(0, limit);
        const last = items.at(-1);
        resolve({ items, nextCursor: rest.length > limit && last ? encodeCursor(last) : null });
      });
    },
    find({ id, bySlug }) {
      return Promise.resolve(sorted.find((m) => m.uuid === id || (bySlug && m.slug === id)));
    },
  };
}
