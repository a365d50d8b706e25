// Mockup rows for service tests, written straight into `renders.mockups`: the built-in samples of
// sample-mockups.ts (account_id null) and mockups owned by one account.
import { randomUUID } from 'node:crypto';
import type { Mockup } from '@platen/contracts';
import { createDb, migrateSchema } from '@platen/db';
import { Redis } from 'ioredis';
import { createCatalogueVersions } from '@platen/mockups';
import { BUILTIN_MOCKUPS } from './sample-mockups.js';

/** Where a suite's rows and catalogue versions live (a TestStack fits). */
export interface MockupWorld {
  database: { url: string };
  redis: { url: string; prefix: string };
}

function row(mockup: Mockup, accountId: string | null) {
  return {
    id: mockup.uuid,
    account_id: accountId,
    slug: mockup.slug,
    name: mockup.name,
    width: mockup.width,
    height: mockup.height,
    status: mockup.status,
    manifest: JSON.stringify({}),
    smart_objects: JSON.stringify(mockup.smart_objects),
    assets_prefix: `templates/${mockup.uuid}/v1`,
    thumbnail_key: null,
    created_at: mockup.created_at,
  };
}

export async function withDb<T>(
  url: string,
  work: (db: ReturnType<typeof createDb>) => Promise<T>,
): Promise<T> {
  const db = createDb({ url, maxConnections: 2 });
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

/** Migrates schema `renders` and installs the four built-in samples. */
export async function installSampleMockups(url: string): Promise<void> {
  await withDb(url, async (db) => {
    await migrateSchema(db, 'renders');
    await db
      .insertInto('renders.mockups')
      .values(BUILTIN_MOCKUPS.map((m) => row(m, null)))
      .execute();
  });
}

/**
 * A copy of the poster sample owned by `accountId`: new uuids, one smart object per `required` entry.
 * Given a MockupWorld it also bumps the account's catalogue version, as every writer of account-owned
 * mockups must (gateways holding the account's mockups re-read them); given only a database URL it
 * writes the row alone, for an account no gateway has read mockups of yet.
 */
export async function insertAccountMockup(
  world: MockupWorld | string,
  accountId: string,
  { name = 'My poster', required = [true] }: { name?: string; required?: boolean[] } = {},
): Promise<Mockup> {
  const base = BUILTIN_MOCKUPS[0]!;
  const layer = base.smart_objects[0]!;
  const mockup: Mockup = {
    ...base,
    uuid: randomUUID(),
    slug: `own-${randomUUID().slice(0, 8)}`,
    name,
    built_in: false,
    smart_objects: required.map((isRequired, i) => ({
      ...layer,
      uuid: randomUUID(),
      name: `Layer ${i + 1}`,
      required: isRequired,
    })),
  };
  const url = typeof world === 'string' ? world : world.database.url;
  await withDb(url, (db) => db.insertInto('renders.mockups').values(row(mockup, accountId)).execute());
  if (typeof world !== 'string') {
    const redis = new Redis(world.redis.url);
    try {
      await createCatalogueVersions({ redis, redisPrefix: world.redis.prefix }).bump(accountId);
    } finally {
      redis.disconnect();
    }
  }
  return mockup;
}
