import { randomUUID } from 'node:crypto';
import { createDb, migrateSchema, type Database } from '@platen/db';
import { createTestDatabase, type TestDatabase } from '@platen/testing';
import type { Kysely } from 'kysely';
import {
  canStep,
  createMockupRecords,
  MOCKUP_TRANSITIONS,
  MockupTransitionError,
  type MockupRecords,
  type MockupStep,
} from '../src/index.js';

let database: TestDatabase;
let db: Kysely<Database>;
let records: MockupRecords;

beforeAll(async () => {
  database = await createTestDatabase('mockup_records');
  db = createDb({ url: database.url });
  await migrateSchema(db, 'renders');
  records = createMockupRecords(db);
});

afterAll(async () => {
  await db.destroy();
  await database.drop();
});

const accountId = randomUUID();

async function upload(owner = accountId) {
  const id = randomUUID();
  const record = await records.createUpload({
    id,
    accountId: owner,
    slug: `poster-${id.slice(0, 8)}`,
    name: 'Poster',
    width: 1,
    height: 1,
    pendingImport: { pending_import: { kind: 'psd', source_key: `uploads/${id}` } },
    assetsPrefix: `templates/${id}`,
  });
  expect(record).toMatchObject({ id, account_id: owner, status: 'processing', thumbnail_key: null });
  return id;
}

const template = (id: string) => ({
  width: 64,
  height: 48,
  manifest: { width: 64, height: 48, layers: [] },
  smartObjects: [],
  assetsPrefix: `templates/${id}/v1`,
  thumbnailKey: `templates/${id}/v1/thumbnail.jpg`,
  version: 1,
  warnings: [],
});

const failure = { code: 'IMPORT_FAILED', message: 'The upload is incomplete', warnings: [] };

const rowOf = (id: string) =>
  db
    .selectFrom('renders.mockups')
    .select(['status', 'deleted_at', 'error_code', 'name'])
    .where('id', '=', id)
    .executeTakeFirst();

/** An import step answers that it did not apply, naming the state it found. */
async function expectNotApplied(promise: Promise<unknown>, from: string) {
  expect(await promise).toEqual({ applied: false, from });
}

/** The step's promise rejects with the refusal naming the state it found. */
async function expectRefused(step: MockupStep, from: string, promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(MockupTransitionError);
  expect(error).toMatchObject({ step, from });
}

describe('the mockup lifecycle, as declared', () => {
  it('lets an import end a processing upload only, and nothing leave deleted except a built-in install', () => {
    expect(canStep('finishImport', 'processing')).toBe(true);
    expect(canStep('finishImport', 'failed')).toBe(false);
    expect(canStep('failImport', 'ready')).toBe(false);
    const leaveDeleted = (Object.keys(MOCKUP_TRANSITIONS) as MockupStep[]).filter((step) =>
      canStep(step, 'deleted'),
    );
    expect(leaveDeleted).toEqual(['installBuiltIn']);
  });
});

describe('mockup records (real Postgres)', () => {
  it('takes an upload from processing to ready', async () => {
    const id = await upload();
    expect(await rowOf(id)).toMatchObject({ status: 'processing', deleted_at: null });

    expect(await records.finishImport(id, template(id))).toEqual({ applied: true });

    expect(await rowOf(id)).toMatchObject({ status: 'ready', error_code: null });
  });

  it('refuses to finish the import of a mockup that already failed, and leaves it failed', async () => {
    const id = await upload();
    expect(await records.failImport(id, failure)).toEqual({ applied: true });

    await expectNotApplied(records.finishImport(id, template(id)), 'failed');
    expect(await rowOf(id)).toMatchObject({ status: 'failed', error_code: 'IMPORT_FAILED' });
  });

  it('refuses to fail an import that finished, and to finish one twice', async () => {
    const id = await upload();
    await records.finishImport(id, template(id));

    await expectNotApplied(records.failImport(id, failure), 'ready');
    await expectNotApplied(records.finishImport(id, template(id)), 'ready');
    expect(await rowOf(id)).toMatchObject({ status: 'ready', error_code: null });
  });

  it('refuses to finish the import of a mockup deleted while it waited', async () => {
    const id = await upload();
    expect(await records.remove({ accountId, id })).toBe(true);

    await expectNotApplied(records.finishImport(id, template(id)), 'deleted');
    await expectNotApplied(records.failImport(id, failure), 'deleted');
    expect(await rowOf(id)).toMatchObject({ status: 'processing' });
  });

  it('refuses an import step for a mockup that does not exist', async () => {
    await expectNotApplied(records.failImport(randomUUID(), failure), 'absent');
    await expectNotApplied(records.finishImport(randomUUID(), template(randomUUID())), 'absent');
  });

  it('lets exactly one of a finishImport and a failImport racing over an import apply, and keeps its row whole', async () => {
    const rows = await Promise.all(Array.from({ length: 12 }, () => upload()));
    // Each pair runs at once on two pooled connections; which one wins is up to Postgres.
    const outcomes = await Promise.all(
      rows.map(async (id, n) => {
        const finish = () => records.finishImport(id, template(id));
        const fail = () => records.failImport(id, failure);
        const [first, second] = n % 2 === 0 ? [finish(), fail()] : [fail(), finish()];
        const [a, b] = await Promise.all([first, second]);
        return n % 2 === 0 ? { id, finished: a, failed: b } : { id, finished: b, failed: a };
      }),
    );
    for (const { id, finished, failed } of outcomes) {
      expect([finished.applied, failed.applied].filter(Boolean)).toHaveLength(1);
      const row = await db
        .selectFrom('renders.mockups')
        .select(['status', 'error_code', 'thumbnail_key'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      if (finished.applied) {
        expect(failed).toEqual({ applied: false, from: 'ready' });
        expect(row).toEqual({ status: 'ready', error_code: null, thumbnail_key: template(id).thumbnailKey });
      } else {
        expect(finished).toEqual({ applied: false, from: 'failed' });
        expect(row).toEqual({ status: 'failed', error_code: 'IMPORT_FAILED', thumbnail_key: null });
      }
    }
  });

  it('refuses to create an upload over an existing row', async () => {
    const id = await upload();
    await expectRefused(
      'createUpload',
      'processing',
      records.createUpload({
        id,
        accountId,
        slug: 'again',
        name: 'Again',
        width: 1,
        height: 1,
        pendingImport: {},
        assetsPrefix: `templates/${id}`,
      }),
    );
    expect(await rowOf(id)).toMatchObject({ name: 'Poster' });
  });

  it('refuses to discard an upload whose import already finished, and erases one still processing', async () => {
    const done = await upload();
    await records.finishImport(done, template(done));
    await expectRefused('discardUpload', 'ready', records.discardUpload({ accountId, id: done }));
    expect(await rowOf(done)).toMatchObject({ status: 'ready' });

    const waiting = await upload();
    await records.discardUpload({ accountId, id: waiting });
    expect(await rowOf(waiting)).toBeUndefined();
  });

  it("answers not found, without writing, for another account's mockup or a deleted one", async () => {
    const id = await upload();
    const stranger = randomUUID();

    expect(await records.rename({ accountId: stranger, id, name: 'Mine now' })).toBeUndefined();
    expect(await records.remove({ accountId: stranger, id })).toBe(false);
    await records.discardUpload({ accountId: stranger, id });
    expect(await rowOf(id)).toMatchObject({ name: 'Poster', deleted_at: null });

    expect(await records.remove({ accountId, id })).toBe(true);
    expect(await records.remove({ accountId, id })).toBe(false);
    expect(await records.rename({ accountId, id, name: 'Back' })).toBeUndefined();
    expect(await rowOf(id)).toMatchObject({ name: 'Poster' });
  });

  it('never lets a built-in install take over an account’s mockup', async () => {
    const id = await upload();
    await expectRefused(
      'installBuiltIn',
      'processing',
      records.installBuiltIn(id, { ...template(id), slug: 'taken', name: 'Taken' }),
    );
    expect(await rowOf(id)).toMatchObject({ name: 'Poster', status: 'processing' });
  });

  it('puts a deleted built-in back to ready on install, but refreshes only a ready one', async () => {
    const id = randomUUID();
    const builtIn = { ...template(id), slug: `frame-${id.slice(0, 8)}`, name: 'Frame' };
    await records.installBuiltIn(id, builtIn);
    await db.updateTable('renders.mockups').set({ deleted_at: new Date() }).where('id', '=', id).execute();

    await expectRefused(
      'refreshBuiltIn',
      'deleted',
      records.refreshBuiltIn(id, { manifest: builtIn.manifest, smartObjects: [] }),
    );
    await records.installBuiltIn(id, { ...builtIn, version: 2 });
    expect(await rowOf(id)).toMatchObject({ status: 'ready', deleted_at: null });
  });
});
