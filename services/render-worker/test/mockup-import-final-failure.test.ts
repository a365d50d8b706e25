// The import's last attempt threw (our own error, not the upload's): the importer records
// IMPORT_FAILED, erases the upload and announces it; a mockup deleted while that attempt ran stays
// deleted and unannounced, and only its upload is erased. Real Postgres and Redis; the parser and
// compositor are never reached by a failure.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCompositor, createKernelPool } from '@platen/compositor';
import { createDb, migrateSchema, type Database } from '@platen/db';
import { createLogger } from '@platen/http';
import {
  catalogueVersionKey,
  createCatalogueVersions,
  createMockupRecords,
  toStoredPendingImport,
} from '@platen/mockups';
import { createLocalStorage, createUrlSigner, mockupSourceKey, type ObjectStorage } from '@platen/storage';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@platen/testing';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { createMockupImporter, type MockupImporter } from '../src/mockup-importer.js';

let database: TestDatabase;
let testRedis: TestRedis;
let redis: Redis;
let db: Kysely<Database>;
let root: string;
let storage: ObjectStorage;
let importer: MockupImporter;
const announced: string[] = [];
const accountId = randomUUID();

const unreachable = () => Promise.reject(new Error('a failure does not parse, fetch or render'));

beforeAll(async () => {
  database = await createTestDatabase('import_final_failure');
  testRedis = createTestRedis('import-final-failure');
  redis = new Redis(testRedis.url, { maxRetriesPerRequest: null });
  db = createDb({ url: database.url });
  await migrateSchema(db, 'renders');
  root = await mkdtemp(join(tmpdir(), 'platen-import-failure-'));
  storage = createLocalStorage({
    root,
    publicBaseUrl: 'http://127.0.0.1:8080',
    signer: createUrlSigner('y'.repeat(32)),
  });
  importer = createMockupImporter({
    db,
    storage,
    parser: { parse: unreachable },
    fetchAsset: unreachable,
    compositor: createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 1024 * 1024 }),
    demoArtwork: unreachable,
    versions: createCatalogueVersions({ redis, redisPrefix: testRedis.prefix }),
    events: {
      announce: (mockupId) => {
        announced.push(mockupId);
        return Promise.resolve(0);
      },
    },
    logger: createLogger({ name: 'import-final-failure-test', level: 'silent' }),
    maxPixels: 1_000_000,
  });
});

afterAll(async () => {
  await db.destroy();
  await database.drop();
  await redis.quit();
  await testRedis.cleanup();
  await rm(root, { recursive: true, force: true });
});

/** A PSD upload as the gateway leaves it: the row in `processing`, the file in storage. */
async function uploaded(): Promise<{ id: string; sourceKey: string }> {
  const id = randomUUID();
  const sourceKey = mockupSourceKey(id);
  await storage.put(sourceKey, Buffer.from('8BPS'), 'image/vnd.adobe.photoshop');
  await createMockupRecords(db).createUpload({
    id,
    accountId,
    slug: `poster-${id.slice(0, 8)}`,
    name: 'Poster',
    width: 1,
    height: 1,
    pendingImport: toStoredPendingImport({ kind: 'psd', source_key: sourceKey }),
    assetsPrefix: `templates/${id}`,
  });
  return { id, sourceKey };
}

const rowOf = (id: string) =>
  db
    .selectFrom('renders.mockups')
    .select(['status', 'error_code', 'deleted_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

const failure = { code: 'IMPORT_FAILED' as const, message: 'The import failed', transient: false };

describe('an import whose last attempt threw', () => {
  it('ends failed with IMPORT_FAILED, its upload erased, the catalogue version moved and mockup.failed announced', async () => {
    const { id, sourceKey } = await uploaded();

    await importer.fail(id, failure);

    expect(await rowOf(id)).toMatchObject({ status: 'failed', error_code: 'IMPORT_FAILED' });
    expect(await storage.get(sourceKey)).toBeNull();
    expect(await redis.get(catalogueVersionKey(testRedis.prefix, accountId))).not.toBeNull();
    expect(announced).toContain(id);
  });

  it('leaves a mockup deleted meanwhile deleted and unannounced, and erases its upload', async () => {
    const { id, sourceKey } = await uploaded();
    expect(await createMockupRecords(db).remove({ accountId, id })).toBe(true);

    await importer.fail(id, failure);

    expect(await rowOf(id)).toMatchObject({ status: 'processing', error_code: null });
    expect((await rowOf(id)).deleted_at).not.toBeNull();
    expect(await storage.get(sourceKey)).toBeNull();
    expect(announced).not.toContain(id);
  });

  it('changes nothing when the import already finished as failed', async () => {
    const { id } = await uploaded();
    await importer.fail(id, failure);
    announced.length = 0;

    await importer.fail(id, { ...failure, message: 'Another reason' });

    expect(await rowOf(id)).toMatchObject({ status: 'failed', error_code: 'IMPORT_FAILED' });
    expect(announced).toEqual([]);
  });
});
