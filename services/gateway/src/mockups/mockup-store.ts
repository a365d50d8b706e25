// The mockups an account may see, from `renders.mockups`: the built-in samples (account_id null,
// read-only for everyone) plus its own. Lists are ordered by name, then uuid, with an opaque keyset
// cursor. Another account's mockup and an unknown id look the same: not found.
import { ApiError, type Mockup } from '@platen/contracts';
import type { Database } from '@platen/db';
import { toPublicMockup, type MockupRow } from '@platen/mockups';
import type { ObjectStorage } from '@platen/storage';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';

export interface MockupPage {
  items: Mockup[];
  nextCursor: string | null;
}

export interface MockupStore {
  list(query: { accountId: string; limit: number; cursor?: string | undefined }): Promise<MockupPage>;
  /** By uuid, or by uuid or slug when `bySlug`; undefined for unknown ids and other accounts' mockups alike. */
  find(query: { accountId: string; id: string; bySlug: boolean }): Promise<Mockup | undefined>;
  /** Renames one of the account's own mockups; undefined when it has none by that uuid (built-ins included). */
  rename(query: { accountId: string; id: string; name: string }): Promise<Mockup | undefined>;
  /** Soft-deletes one of the account's own mockups; false when it has none by that uuid. */
  remove(query: { accountId: string; id: string }): Promise<boolean>;
}

export interface MockupStoreDeps {
  db: Kysely<Database>;
  storage: ObjectStorage;
  /** Lifetime of signed thumbnail URLs. */
  urlTtlSeconds: number;
}

const COLUMNS = [
  'id',
  'account_id',
  'slug',
  'name',
  'width',
  'height',
  'status',
  'smart_objects',
  'created_at',
  'thumbnail_key',
] as const;

const cursorSchema = z.object({ name: z.string(), uuid: z.uuid() });

function encodeCursor(mockup: Mockup): string {
  return Buffer.from(JSON.stringify({ name: mockup.name, uuid: mockup.uuid })).toString('base64url');
}

function decodeCursor(cursor: string): z.infer<typeof cursorSchema> {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // falls through to the validation error
  }
  throw new ApiError('VALIDATION_ERROR', {
    message: 'cursor: not a cursor this API returned',
    details: { issues: [{ path: 'cursor', message: 'not a cursor this API returned' }] },
  });
}

const isUuid = (value: string) => z.uuid().safeParse(value).success;

export function createMockupStore({ db, storage, urlTtlSeconds }: MockupStoreDeps): MockupStore {
  const visibleTo = (accountId: string) =>
    db
      .selectFrom('renders.mockups')
      .select(COLUMNS)
      .where('deleted_at', 'is', null)
      .where((eb) => eb.or([eb('account_id', 'is', null), eb('account_id', '=', accountId)]));

  async function toPublic(row: MockupRow & { thumbnail_key: string | null }): Promise<Mockup> {
    const thumbnail = row.thumbnail_key ? await storage.signedUrl(row.thumbnail_key, urlTtlSeconds) : null;
    return toPublicMockup(row, thumbnail);
  }

  return {
    async list({ accountId, limit, cursor }) {
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      let query = visibleTo(accountId);
      if (after) {
        query = query.where((eb) =>
          eb(eb.refTuple('name', sql<string>`id::text`), '>', eb.tuple(after.name, after.uuid)),
        );
      }
      const rows = await query
        .orderBy('name')
        .orderBy(sql`id::text`)
        .limit(limit + 1)
        .execute();
      const items = await Promise.all(rows.slice(0, limit).map(toPublic));
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
    },

    async find({ accountId, id, bySlug }) {
      if (!isUuid(id) && !bySlug) return undefined;
      const row = await visibleTo(accountId)
        .where((eb) => (isUuid(id) ? eb('id', '=', id) : eb('slug', '=', id)))
        // A slug may exist among the built-ins and the account's own: the account's own wins.
        .orderBy(sql`account_id is null`)
        .limit(1)
        .executeTakeFirst();
      return row ? toPublic(row) : undefined;
    },

    async rename({ accountId, id, name }) {
      if (!isUuid(id)) return undefined;
      const row = await db
        .updateTable('renders.mockups')
        .set({ name, updated_at: new Date() })
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .where('deleted_at', 'is', null)
        .returning(COLUMNS)
        .executeTakeFirst();
      return row ? toPublic(row) : undefined;
    },

    async remove({ accountId, id }) {
      if (!isUuid(id)) return false;
      const result = await db
        .updateTable('renders.mockups')
        .set({ deleted_at: new Date(), updated_at: new Date() })
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}
