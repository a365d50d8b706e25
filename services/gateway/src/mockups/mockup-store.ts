// The mockups an account may see: the built-in samples (account_id null, read-only for everyone) plus
// its own. Lists are ordered by name, then uuid (mockup-order.ts), with an opaque keyset cursor.
// Another account's mockup and an unknown id look the same: not found.
// Reads come from memory where that stays exact: built-ins from builtin-catalogue.ts, the account's
// own from own-mockups.ts when the caller knows the account's catalogue version (the rate-limit round
// trip reads it); without a version the account's own are read with SQL. Writes bump the version.
import { createSystemClock, type Clock, type Mockup } from '@platen/contracts';
import type { Database } from '@platen/db';
import type { ObjectStorage } from '@platen/storage';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { createBuiltInCatalogue } from './builtin-catalogue.js';
import { createMockupRecords, type CatalogueVersions } from '@platen/mockups';
import { selectLiveMockups, type StoredMockup } from './mockup-columns.js';
import {
  compareMockups,
  decodeMockupCursor,
  encodeMockupCursor,
  type MockupPosition,
} from './mockup-order.js';
import { createMockupViews, type MockupView } from './mockup-views.js';
import { createOwnMockups, type OwnSnapshot } from './own-mockups.js';
import { createThumbnailUrls } from './thumbnail-urls.js';

export interface MockupPage {
  items: Mockup[];
  /** JSON of each item, in the same order: a page is serialised by joining them. */
  itemsJson: string[];
  nextCursor: string | null;
  /**
   * Set when the page holds built-ins only: pages with equal keys are byte-for-byte equal (same
   * built-ins, same thumbnail window, same limit and cursor), so a serialised page may be reused.
   */
  shareKey: string | null;
}

export interface MockupQuery {
  accountId: string;
  /** The account's catalogue version, when the caller read it; without it the account's own are read with SQL. */
  catalogueVersion?: string | undefined;
}

export interface MockupStore {
  list(query: MockupQuery & { limit: number; cursor?: string | undefined }): Promise<MockupPage>;
  /** By uuid, or by uuid or slug when `bySlug`; undefined for unknown ids and other accounts' mockups alike. */
  find(query: MockupQuery & { id: string; bySlug: boolean }): Promise<Mockup | undefined>;
  /** find(), with the mockup's JSON. */
  findView(query: MockupQuery & { id: string; bySlug: boolean }): Promise<MockupView | undefined>;
  /** Renames one of the account's own mockups; undefined when it has none by that uuid (built-ins included). */
  rename(query: { accountId: string; id: string; name: string }): Promise<Mockup | undefined>;
  /** Soft-deletes one of the account's own mockups; false when it has none by that uuid. */
  remove(query: { accountId: string; id: string }): Promise<boolean>;
  /** Adds one of the account's own mockups in `processing`: an upload waiting for its import job. */
  createProcessing(mockup: ProcessingMockup): Promise<Mockup>;
  /** Erases a `processing` mockup whose import could not be queued (the client is told it failed). */
  discard(query: { accountId: string; id: string }): Promise<void>;
}

export interface ProcessingMockup {
  id: string;
  accountId: string;
  name: string;
  width: number;
  height: number;
  /** What the import job reads (pending-import.ts), kept in the manifest column until it is done. */
  pendingImport: Record<string, unknown>;
}

/** `my-poster-1a2b3c4d`: readable, and unique within the account thanks to the uuid part. */
export function slugFor(name: string, id: string): string {
  const words = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${words || 'mockup'}-${id.slice(0, 8)}`;
}

export interface MockupStoreDeps {
  db: Kysely<Database>;
  storage: ObjectStorage;
  /** Lifetime of signed thumbnail URLs. */
  urlTtlSeconds: number;
  clock?: Clock;
  /**
   * Bumps an account's catalogue version after a write. Without it the account's own mockups are
   * never held in memory (a write here could not reach the other replicas' copies).
   */
  versions?: CatalogueVersions | undefined;
}

const isUuid = (value: string) => z.uuid().safeParse(value).success;
const positionOf = (row: StoredMockup): MockupPosition => ({ name: row.name, uuid: row.id });

/** Merges two lists in list order, keeping the first `count` items after `after`. */
function mergeAfter(
  a: readonly StoredMockup[],
  b: readonly StoredMockup[],
  after: MockupPosition | undefined,
  count: number,
): StoredMockup[] {
  const later = (row: StoredMockup) => !after || compareMockups(positionOf(row), after) > 0;
  const out: StoredMockup[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && !later(a[i]!)) i++;
  while (j < b.length && !later(b[j]!)) j++;
  while (out.length < count && (i < a.length || j < b.length)) {
    if (j >= b.length || (i < a.length && compareMockups(positionOf(a[i]!), positionOf(b[j]!)) <= 0)) {
      out.push(a[i++]!);
    } else {
      out.push(b[j++]!);
    }
  }
  return out;
}

export function createMockupStore({
  db,
  storage,
  urlTtlSeconds,
  clock = createSystemClock(),
  versions,
}: MockupStoreDeps): MockupStore {
  const builtIns = createBuiltInCatalogue({ db, clock });
  const own = createOwnMockups({ db, clock });
  const thumbnails = createThumbnailUrls({ storage, ttlSeconds: urlTtlSeconds, clock });
  const views = createMockupViews({ thumbnails });
  const records = createMockupRecords(db);

  /** The account's own, from memory, or null when they must be read with SQL. */
  async function ownSnapshot(query: MockupQuery): Promise<OwnSnapshot | null> {
    if (!versions || query.catalogueVersion === undefined) return null;
    return own.read(query.accountId, query.catalogueVersion);
  }

  const ownRows = (accountId: string) => selectLiveMockups(db).where('account_id', '=', accountId);

  /** One page of the account's own, in list order, with SQL (byte order, as compareMockups). */
  function ownPageWithSql(accountId: string, after: MockupPosition | undefined, count: number) {
    let query = ownRows(accountId);
    if (after) {
      query = query.where(
        sql<boolean>`(name collate "C", id::text) > (${after.name} collate "C", ${after.uuid})`,
      );
    }
    return query
      .orderBy(sql`name collate "C"`)
      .orderBy(sql`id::text`)
      .limit(count)
      .execute();
  }

  async function findRow(query: MockupQuery & { id: string; bySlug: boolean }) {
    const { accountId, id, bySlug } = query;
    const uuid = isUuid(id);
    if (!uuid && !bySlug) return undefined;
    const catalogue = await builtIns.current();
    if (uuid) {
      // Uuids are unique across all mockups: a built-in's uuid is nobody's own.
      const builtIn = catalogue.byId.get(id);
      if (builtIn) return builtIn;
      const mine = await ownSnapshot(query);
      if (mine) return mine.byId.get(id);
      return ownRows(accountId).where('id', '=', id).executeTakeFirst();
    }
    // A slug may exist among the built-ins and the account's own: the account's own wins.
    const mine = await ownSnapshot(query);
    const found = mine
      ? mine.bySlug.get(id)
      : await ownRows(accountId).where('slug', '=', id).executeTakeFirst();
    return found ?? catalogue.bySlug.get(id);
  }

  async function afterWrite(accountId: string): Promise<void> {
    own.forget(accountId);
    // The write has committed whatever happens here. If Redis cannot take the new version, every
    // API request fails closed at the rate limiter meanwhile, and the other replicas' copies age
    // out within OWN_MAX_AGE_MS.
    await versions?.bump(accountId).catch(() => undefined);
  }

  const store: MockupStore = {
    async list({ accountId, catalogueVersion, limit, cursor }) {
      const after = cursor === undefined ? undefined : decodeMockupCursor(cursor);
      const catalogue = await builtIns.current();
      const mine = await ownSnapshot({ accountId, catalogueVersion });
      const mineAfter = mine ? mine.rows : await ownPageWithSql(accountId, after, limit + 1);
      const rows = mergeAfter(catalogue.rows, mineAfter, after, limit + 1);
      const builtInOnly = rows.every((row) => row.account_id === null);
      const window = thumbnails.window();
      const page = await Promise.all(rows.slice(0, limit).map((row) => views.view(row, window)));
      const last = rows.length > limit ? rows[limit - 1] : undefined;
      return {
        items: page.map((view) => view.mockup),
        itemsJson: page.map((view) => view.json),
        nextCursor: last ? encodeMockupCursor(positionOf(last)) : null,
        shareKey: builtInOnly ? `${catalogue.generation}:${window}:${limit}:${cursor ?? ''}` : null,
      };
    },

    async findView(query) {
      const row = await findRow(query);
      return row ? views.view(row, thumbnails.window()) : undefined;
    },

    async find(query) {
      return (await store.findView(query))?.mockup;
    },

    async rename({ accountId, id, name }) {
      if (!isUuid(id)) return undefined;
      const row = await records.rename({ accountId, id, name });
      if (!row) return undefined;
      await afterWrite(accountId);
      return (await views.view(row, thumbnails.window())).mockup;
    },

    async createProcessing({ id, accountId, name, width, height, pendingImport }) {
      const row = await records.createUpload({
        id,
        accountId,
        slug: slugFor(name, id),
        name,
        width,
        height,
        pendingImport,
        assetsPrefix: `templates/${id}`,
      });
      await afterWrite(accountId);
      return (await views.view(row, thumbnails.window())).mockup;
    },

    async discard({ accountId, id }) {
      await records.discardUpload({ accountId, id });
      await afterWrite(accountId);
    },

    async remove({ accountId, id }) {
      if (!isUuid(id)) return false;
      if (!(await records.remove({ accountId, id }))) return false;
      await afterWrite(accountId);
      return true;
    },
  };
  return store;
}
