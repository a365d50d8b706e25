// The built-in mockups (account_id null), held in memory: they change only when a gateway's seeder
// installs a new sample revision, so each replica re-reads them at most every `maxAgeMs` (one query,
// shared by the requests that find the copy old) and serves every list and lookup from the copy.
// A re-seed by another replica is therefore visible within `maxAgeMs`.
import type { Clock } from '@platen/contracts';
import type { Database } from '@platen/db';
import type { Kysely } from 'kysely';
import { selectLiveMockups, type StoredMockup } from './mockup-columns.js';
import { compareMockups } from './mockup-order.js';

export interface BuiltInSnapshot {
  /** In list order. */
  rows: readonly StoredMockup[];
  byId: ReadonlyMap<string, StoredMockup>;
  bySlug: ReadonlyMap<string, StoredMockup>;
  /** Changes whenever the rows do: pages built from equal generations are equal. */
  generation: number;
}

export interface BuiltInCatalogue {
  current(): Promise<BuiltInSnapshot>;
}

export const BUILT_IN_MAX_AGE_MS = 10_000;

const positionOf = (row: StoredMockup) => ({ name: row.name, uuid: row.id });

export function createBuiltInCatalogue({
  db,
  clock,
  maxAgeMs = BUILT_IN_MAX_AGE_MS,
}: {
  db: Kysely<Database>;
  clock: Clock;
  maxAgeMs?: number;
}): BuiltInCatalogue {
  let snapshot: { value: BuiltInSnapshot; signature: string; loadedAt: number } | undefined;
  let loading: Promise<BuiltInSnapshot> | undefined;
  let generation = 0;

  async function load(): Promise<BuiltInSnapshot> {
    const rows = await selectLiveMockups(db).where('account_id', 'is', null).execute();
    rows.sort((a, b) => compareMockups(positionOf(a), positionOf(b)));
    const signature = JSON.stringify(rows);
    const loadedAt = clock.now().getTime();
    // Unchanged rows keep their objects, so views and pages made from them stay reusable.
    if (snapshot && snapshot.signature === signature) {
      snapshot = { ...snapshot, loadedAt };
      return snapshot.value;
    }
    const value: BuiltInSnapshot = {
      rows,
      byId: new Map(rows.map((row) => [row.id, row])),
      bySlug: new Map(rows.map((row) => [row.slug, row])),
      generation: ++generation,
    };
    snapshot = { value, signature, loadedAt };
    return value;
  }

  return {
    current() {
      const age = snapshot ? clock.now().getTime() - snapshot.loadedAt : -1;
      if (snapshot && age >= 0 && age < maxAgeMs) {
        return Promise.resolve(snapshot.value);
      }
      loading ??= load().finally(() => {
        loading = undefined;
      });
      return loading;
    },
  };
}
