// Each account's own mockups, held in memory under the catalogue version they were read with
// (catalogue-version.ts): a copy is used only while the account's current version is the same and
// the copy is younger than `maxAgeMs`, so a change through any replica is seen on the next request,
// and a writer that forgot to bump the version is seen within `maxAgeMs`. Accounts with more than
// `maxRows` mockups are not held (their pages are read with SQL): null.
import type { Clock } from '@platen/contracts';
import type { Database } from '@platen/db';
import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import { selectLiveMockups, type StoredMockup } from './mockup-columns.js';
import { compareMockups } from './mockup-order.js';

export interface OwnSnapshot {
  /** In list order. */
  rows: readonly StoredMockup[];
  byId: ReadonlyMap<string, StoredMockup>;
  bySlug: ReadonlyMap<string, StoredMockup>;
}

export interface OwnMockups {
  /** The account's own mockups as of `version`, or null when it has too many to hold. */
  read(accountId: string, version: string): Promise<OwnSnapshot | null>;
  /** Drops this replica's copy (after its own write, before the version is bumped). */
  forget(accountId: string): void;
}

export const OWN_MAX_AGE_MS = 10_000;

interface Entry {
  version: string;
  loadedAt: number;
  snapshot: OwnSnapshot | null;
}

const positionOf = (row: StoredMockup) => ({ name: row.name, uuid: row.id });

export function createOwnMockups({
  db,
  clock,
  maxAgeMs = OWN_MAX_AGE_MS,
  maxAccounts = 10_000,
  maxRows = 500,
}: {
  db: Kysely<Database>;
  clock: Clock;
  maxAgeMs?: number;
  maxAccounts?: number;
  maxRows?: number;
}): OwnMockups {
  const entries = new LRUCache<string, Entry>({ max: maxAccounts });
  /** One read per account and version at a time. */
  const loading = new Map<string, Promise<Entry>>();

  async function load(accountId: string, version: string): Promise<Entry> {
    // The version is read before the rows: rows newer than the version are harmless, older ones impossible.
    const rows = await selectLiveMockups(db)
      .where('account_id', '=', accountId)
      .limit(maxRows + 1)
      .execute();
    let snapshot: OwnSnapshot | null = null;
    if (rows.length <= maxRows) {
      rows.sort((a, b) => compareMockups(positionOf(a), positionOf(b)));
      snapshot = {
        rows,
        byId: new Map(rows.map((row) => [row.id, row])),
        bySlug: new Map(rows.map((row) => [row.slug, row])),
      };
    }
    const entry = { version, loadedAt: clock.now().getTime(), snapshot };
    entries.set(accountId, entry);
    return entry;
  }

  return {
    async read(accountId, version) {
      const cached = entries.get(accountId);
      const age = cached ? clock.now().getTime() - cached.loadedAt : -1;
      if (cached && cached.version === version && age >= 0 && age < maxAgeMs) return cached.snapshot;
      const flight = `${accountId} ${version}`;
      let pending = loading.get(flight);
      if (!pending) {
        pending = load(accountId, version).finally(() => loading.delete(flight));
        loading.set(flight, pending);
      }
      return (await pending).snapshot;
    },
    forget(accountId) {
      entries.delete(accountId);
    },
  };
}
