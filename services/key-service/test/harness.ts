// Per-suite world for key-service tests: its own Postgres database (migrated) and Redis prefix,
// the domain wired as main.ts wires it, and a clock the test moves by hand.
import type { RateLimits, Clock } from '@platen/contracts';
import { createDb, migrateSchema, type Database } from '@platen/db';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@platen/testing';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { createKeyVerifier, type KeyVerifier } from '../src/key-verifier.js';
import { createPasswordHasher } from '../src/password-hasher.js';
import { createRevocationPublisher } from '../src/revocation-publisher.js';
import { createStores, type Stores } from '../src/stores.js';

export const KEY_PREFIX = 'sm_';
export const DEFAULT_LIMITS: RateLimits = { per_minute: 100, per_day: 10_000 };

export interface TestClock extends Clock {
  set(date: Date | string): void;
  advance(ms: number): void;
}

export function createTestClock(start: Date | string = '2030-01-01T00:00:00.000Z'): TestClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    set: (date) => {
      current = new Date(date).getTime();
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

export interface Harness {
  db: Kysely<Database>;
  redis: Redis;
  database: TestDatabase;
  testRedis: TestRedis;
  clock: TestClock;
  stores: Stores;
  verifier: KeyVerifier;
  publishFailures: unknown[];
  close(): Promise<void>;
}

export async function startHarness(label: string): Promise<Harness> {
  const database = await createTestDatabase(label);
  const testRedis = createTestRedis(label);
  const db = createDb({ url: database.url, maxConnections: 20 });
  await migrateSchema(db, 'keys');
  const redis = new Redis(testRedis.url, { maxRetriesPerRequest: 1 });
  const clock = createTestClock();
  const publishFailures: unknown[] = [];
  const publisher = createRevocationPublisher({
    redis,
    redisPrefix: testRedis.prefix,
    onError: (error) => publishFailures.push(error),
  });
  // Cheaper argon2 than production: these suites test behaviour, not cost (users.test.ts checks the real one).
  const hasher = createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
  return {
    db,
    redis,
    database,
    testRedis,
    clock,
    publishFailures,
    stores: createStores({ db, clock, keyPrefix: KEY_PREFIX, publisher, hasher }),
    verifier: createKeyVerifier({ db, clock, keyPrefix: KEY_PREFIX, defaultLimits: DEFAULT_LIMITS }),
    async close() {
      redis.disconnect();
      await db.destroy();
      await testRedis.cleanup();
      await database.drop();
    },
  };
}

let emailCounter = 0;
/** A fresh email per call, so tests in one suite never collide. */
export function uniqueEmail(label = 'user'): string {
  emailCounter += 1;
  return `${label}-${emailCounter}-${Date.now().toString(36)}@example.com`;
}

// jest's asymmetric matchers are typed `any`; these keep type-aware lint meaningful in the tests.
export const anyString = (): unknown => expect.any(String) as unknown;
export const matching = (pattern: RegExp): unknown => expect.stringMatching(pattern) as unknown;
export const containing = (shape: object): unknown => expect.objectContaining(shape) as unknown;
