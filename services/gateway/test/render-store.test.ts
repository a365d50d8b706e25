// The gateway's undo writes on a render it could not queue, against a real database: they go through
// the table's owner, so they respect what a worker did to the row meanwhile.
import { randomUUID } from 'node:crypto';
import {
  createDb,
  createRenderRecords,
  IllegalRenderChangeError,
  migrateSchema,
  type Database,
} from '@platen/db';
import { createTestDatabase, type TestDatabase } from '@platen/testing';
import type { Kysely } from 'kysely';
import { createRenderStore, type RenderStore } from '../src/renders/render-store.js';
import { BUILTIN_MOCKUPS } from './support/sample-mockups.js';
import { installSampleMockups } from './support/mockup-rows.js';

const NOW = new Date('2026-05-04T12:00:00Z');

describe('the gateway render store', () => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  let store: RenderStore;
  const accountId = randomUUID();

  beforeAll(async () => {
    database = await createTestDatabase('gateway_render_store');
    await installSampleMockups(database.url);
    db = createDb({ url: database.url, maxConnections: 2 });
    await migrateSchema(db, 'renders');
    store = createRenderStore({ db });
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  const newRender = (id: string) => ({
    id,
    account_id: accountId,
    key_id: null,
    mockup_id: BUILTIN_MOCKUPS[0]!.uuid,
    inputs: [],
    export_options: { format: 'png' },
    webhook_url: 'https://hooks.example.test/render',
    metadata: null,
    credits_charged: 2,
    created_at: NOW,
  });

  async function accepted(idempotencyKey?: string): Promise<string> {
    const id = randomUUID();
    const claim = await store.create(
      newRender(id),
      idempotencyKey === undefined ? undefined : { key: idempotencyKey, requestHash: 'h' },
    );
    expect(claim).toMatchObject({ kind: 'claimed', row: { id, status: 'queued', webhook_status: null } });
    return id;
  }

  const read = (id: string) =>
    db.selectFrom('renders.renders').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('fails an unqueued render with its refund and releases its Idempotency-Key', async () => {
    const id = await accepted('key-1');
    await store.markUnqueued(accountId, id, NOW, { refunded: true });
    expect(await read(id)).toMatchObject({
      status: 'failed',
      error_code: 'RENDER_FAILED',
      credits_refunded: 2,
      completed_at: NOW,
    });
    expect(await store.create(newRender(randomUUID()), { key: 'key-1', requestHash: 'other' })).toMatchObject(
      { kind: 'claimed' },
    );
  });

  it('leaves a render a worker took meanwhile to the worker, and still releases the key', async () => {
    const id = await accepted('key-2');
    await createRenderRecords({ db }).markProcessing({ id }, NOW);
    await store.markUnqueued(accountId, id, NOW, { refunded: false });
    expect(await read(id)).toMatchObject({ status: 'processing', error_code: null, completed_at: null });
    const keys = await db
      .selectFrom('renders.idempotency_keys')
      .select('key')
      .where('render_id', '=', id)
      .execute();
    expect(keys).toEqual([]);
  });

  it('refuses to record a refund before the render is failed, and records it once it is', async () => {
    const id = await accepted();
    await expect(store.markRefunded(accountId, id)).rejects.toBeInstanceOf(IllegalRenderChangeError);
    expect((await read(id)).credits_refunded).toBe(0);
    await store.markUnqueued(accountId, id, NOW, { refunded: false });
    await store.markRefunded(accountId, id);
    expect(await read(id)).toMatchObject({ status: 'failed', credits_refunded: 2 });
  });

  it('discards a render that was never charged, with its key, and not another account’s', async () => {
    const id = await accepted('key-3');
    await store.discard(randomUUID(), id);
    expect((await read(id)).status).toBe('queued');
    await store.discard(accountId, id);
    expect(await db.selectFrom('renders.renders').select('id').where('id', '=', id).execute()).toEqual([]);
    expect(
      await db.selectFrom('renders.idempotency_keys').select('key').where('render_id', '=', id).execute(),
    ).toEqual([]);
  });
});
