// The mockup store as two gateway replicas see it, on real Postgres and Redis: the account's own
// mockups held under the catalogue version the rate-limit script reads, built-ins held in memory, and
// the same pages whether a list comes from memory or from SQL. Time is moved by the test.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '@platen/contracts';
import { createDb, type Database } from '@platen/db';
import { createLocalStorage, createResultUrlSigner } from '@platen/storage';
import { createTestDatabase, createTestRedis, type TestDatabase } from '@platen/testing';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { catalogueVersionKey, createCatalogueVersions } from '@platen/mockups';
import { createMockupStore, type MockupStore } from '../src/mockups/mockup-store.js';
import { createRateLimiter } from '../src/rate-limit.js';
import { insertAccountMockup, installSampleMockups } from './support/mockup-rows.js';
import { BUILTIN_MOCKUPS } from './support/sample-mockups.js';

const testRedis = createTestRedis('gw-catalogue');
const redis = new Redis(testRedis.url);
let now = Date.parse('2030-01-01T00:00:00Z');
const clock: Clock = { now: () => new Date(now) };
const limiter = createRateLimiter({ redis, redisPrefix: testRedis.prefix, clock, accountPerMinute: 1_000 });
const LIMITS = { per_minute: 1_000_000, per_day: 1_000_000 };
let database: TestDatabase;
let db: Kysely<Database>;
let storageDir: string;
let replicaA: MockupStore;
let replicaB: MockupStore;
let sqlOnly: MockupStore;
const world = () => ({ database, redis: testRedis });

/** What the rate-limit round trip tells a gateway about the account's catalogue. */
async function versionOf(accountId: string): Promise<string> {
  const decision = await limiter.consume(randomUUID(), LIMITS, accountId);
  return decision.catalogueVersion!;
}

async function names(store: MockupStore, accountId: string, catalogueVersion?: string) {
  const page = await store.list({ accountId, catalogueVersion, limit: 100 });
  return page.items.map((m) => m.name);
}

beforeAll(async () => {
  database = await createTestDatabase('gw-catalogue');
  await installSampleMockups(database.url);
  db = createDb({ url: database.url, maxConnections: 4 });
  storageDir = await mkdtemp(join(tmpdir(), 'platen-gw-catalogue-'));
  const storage = createLocalStorage({
    root: storageDir,
    publicBaseUrl: 'http://localhost:8080',
    signer: createResultUrlSigner('secret'),
  });
  const replica = () =>
    createMockupStore({
      db,
      storage,
      urlTtlSeconds: 3600,
      clock,
      versions: createCatalogueVersions({ redis, redisPrefix: testRedis.prefix }),
    });
  replicaA = replica();
  replicaB = replica();
  sqlOnly = createMockupStore({ db, storage, urlTtlSeconds: 3600, clock });
}, 120_000);

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
  await testRedis.cleanup();
  redis.disconnect();
  if (storageDir) await rm(storageDir, { recursive: true, force: true });
});

describe('the mockup catalogue across replicas', () => {
  it('shows a rename made through one replica on the other at its next request', async () => {
    const accountId = randomUUID();
    const own = await insertAccountMockup(world(), accountId, { name: 'Before' });
    const before = await versionOf(accountId);
    expect(await names(replicaA, accountId, before)).toContain('Before');

    await replicaB.rename({ accountId, id: own.uuid, name: 'After' });
    const after = await versionOf(accountId);
    expect(after).not.toBe(before);
    expect(await names(replicaA, accountId, after)).toContain('After');
    const shown = await replicaA.find({ accountId, catalogueVersion: after, id: own.uuid, bySlug: false });
    expect(shown?.name).toBe('After');
  });

  it('holds the account’s own under the version it read them with: only a new version re-reads them', async () => {
    const accountId = randomUUID();
    await insertAccountMockup(world(), accountId, { name: 'First' });
    const version = await versionOf(accountId);
    expect(await names(replicaA, accountId, version)).toContain('First');
    await insertAccountMockup(database.url, accountId, { name: 'Second, not announced' });
    expect(await names(replicaA, accountId, version)).not.toContain('Second, not announced');
    await createCatalogueVersions({ redis, redisPrefix: testRedis.prefix }).bump(accountId);
    expect(await names(replicaA, accountId, await versionOf(accountId))).toContain('Second, not announced');
  });

  it('drops a deleted mockup on every replica, and answers it 404 there', async () => {
    const accountId = randomUUID();
    const own = await insertAccountMockup(world(), accountId);
    const version = await versionOf(accountId);
    expect(
      await replicaA.find({ accountId, catalogueVersion: version, id: own.uuid, bySlug: false }),
    ).toBeDefined();
    expect(await replicaB.remove({ accountId, id: own.uuid })).toBe(true);
    const after = await versionOf(accountId);
    expect(
      await replicaA.find({ accountId, catalogueVersion: after, id: own.uuid, bySlug: false }),
    ).toBeUndefined();
    expect(await names(replicaA, accountId, after)).toEqual(BUILTIN_MOCKUPS.map((m) => m.name).sort());
  });

  it('re-reads the account’s own within 10 s even when a writer forgot to announce a change', async () => {
    const accountId = randomUUID();
    const own = await insertAccountMockup(world(), accountId, { name: 'Old name' });
    const version = await versionOf(accountId);
    expect(await names(replicaA, accountId, version)).toContain('Old name');
    await db
      .updateTable('renders.mockups')
      .set({ name: 'Silent rename' })
      .where('id', '=', own.uuid)
      .execute();
    now += 9_000;
    expect(await names(replicaA, accountId, version)).toContain('Old name');
    now += 1_000;
    expect(await names(replicaA, accountId, version)).toContain('Silent rename');
  });

  it('re-reads the built-ins at most every 10 s', async () => {
    const accountId = randomUUID();
    const poster = BUILTIN_MOCKUPS[0]!;
    await names(replicaA, accountId, await versionOf(accountId));
    await db
      .updateTable('renders.mockups')
      .set({ name: 'Re-seeded poster' })
      .where('id', '=', poster.uuid)
      .execute();
    try {
      expect(await names(replicaA, accountId, await versionOf(accountId))).toContain(poster.name);
      now += 10_000;
      expect(await names(replicaA, accountId, await versionOf(accountId))).toContain('Re-seeded poster');
    } finally {
      await db
        .updateTable('renders.mockups')
        .set({ name: poster.name })
        .where('id', '=', poster.uuid)
        .execute();
      now += 10_000;
    }
  });

  it('makes a new version when Redis lost the old one, so an old copy cannot come back', async () => {
    const accountId = randomUUID();
    const first = await versionOf(accountId);
    await redis.del(catalogueVersionKey(testRedis.prefix, accountId));
    const second = await versionOf(accountId);
    expect(second).not.toBe(first);
    expect(await versionOf(accountId)).toBe(second);
  });

  it('never shows one account’s mockups to another, from memory or SQL', async () => {
    const alice = randomUUID();
    const bob = randomUUID();
    const own = await insertAccountMockup(world(), alice, { name: 'Alice only' });
    for (const store of [replicaA, sqlOnly]) {
      const version = await versionOf(bob);
      expect(await names(store, bob, version)).not.toContain('Alice only');
      expect(
        await store.find({ accountId: bob, catalogueVersion: version, id: own.uuid, bySlug: false }),
      ).toBeUndefined();
      expect(
        await store.find({ accountId: bob, catalogueVersion: version, id: own.slug, bySlug: true }),
      ).toBeUndefined();
    }
  });

  it('pages built-ins and own mockups alike from memory and from SQL: every one once, in order', async () => {
    const accountId = randomUUID();
    for (const name of ['Alpha', 'Tablet on a desk', 'Zulu', 'Ärger', 'T-shirt in a product colour'])
      await insertAccountMockup(world(), accountId, { name });
    const version = await versionOf(accountId);
    const walk = async (store: MockupStore) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list({ accountId, catalogueVersion: version, limit: 2, cursor });
        seen.push(...page.items.map((m) => `${m.name} ${m.built_in ? 'built-in' : 'own'}`));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return seen;
    };
    const fromMemory = await walk(replicaA);
    expect(fromMemory).toHaveLength(BUILTIN_MOCKUPS.length + 5);
    expect(new Set(fromMemory).size).toBe(fromMemory.length);
    expect(fromMemory[0]).toBe('Alpha own');
    expect(fromMemory.at(-1)).toBe('Ärger own');
    expect(await walk(sqlOnly)).toEqual(fromMemory);
  });
});
