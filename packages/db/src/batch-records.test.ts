import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { createTestDatabase, type TestDatabase } from '@platen/testing';
import {
  createBatchRecords,
  REFUND_GIVE_UP_MS,
  type BatchRecords,
  type NewBatchRecord,
} from './batch-records.js';
import { createDb } from './create-db.js';
import type { Database } from './database.js';
import { migrateSchema } from './migrate.js';
import { createRenderRecords, type NewRenderRecord, type RenderRecords } from './render-records.js';
import { insertFixtureMockup } from '../test/support/testing.js';

const AT = new Date('2026-03-01T10:00:00Z');

describe('batch records', () => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  let batches: BatchRecords;
  let renders: RenderRecords;
  let mockupId: string;
  const accountId = randomUUID();

  beforeAll(async () => {
    database = await createTestDatabase('batch_records');
    db = createDb({ url: database.url, maxConnections: 6 });
    await migrateSchema(db, 'renders');
    batches = createBatchRecords({ db });
    renders = createRenderRecords({ db });
    mockupId = await insertFixtureMockup(db, { slug: 'batch-records' });
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });

  function newBatch(overrides: Partial<NewBatchRecord> = {}): NewBatchRecord {
    return {
      id: randomUUID(),
      account_id: accountId,
      key_id: null,
      credits_charged: 2,
      webhook_url: null,
      render_webhooks: true,
      metadata: { order: 1 },
      artwork_ids: ['front'],
      created_at: AT,
      ...overrides,
    };
  }

  function newRender(label: string): NewRenderRecord {
    return {
      id: randomUUID(),
      account_id: accountId,
      key_id: null,
      mockup_id: mockupId,
      inputs: [{ uuid: randomUUID() }],
      export_options: { format: 'png' },
      webhook_url: null,
      metadata: null,
      credits_charged: 1,
      created_at: AT,
      export_label: label,
    };
  }

  async function created(batch = newBatch(), count = 2) {
    // Ascending ids in the order asked, as the gateway gives them: renders() reads them in that order.
    const ids = Array.from({ length: count }, () => randomUUID()).sort();
    const outcome = await batches.create(
      batch,
      ids.map((id, i) => ({ ...newRender(`item-${i}`), id })),
    );
    if (outcome.kind !== 'claimed') throw new Error(`expected a new batch, got ${outcome.kind}`);
    return outcome;
  }

  it('creates the batch with its renders, each pointing back to it with its label', async () => {
    const { batch, renders: rows } = await created();

    expect(batch).toMatchObject({ status: 'processing', render_count: 2, artwork_ids: ['front'] });
    const stored = await batches.renders(batch.id);
    expect(stored.map((row) => [row.batch_id, row.export_label, row.status])).toEqual([
      [batch.id, 'item-0', 'queued'],
      [batch.id, 'item-1', 'queued'],
    ]);
    expect(stored.map((row) => row.id).sort()).toEqual(rows.map((row) => row.id).sort());
  });

  it('claims an Idempotency-Key once: the same hash replays the batch, another conflicts', async () => {
    const key = { key: `k-${randomUUID()}`, requestHash: 'hash-a' };
    const first = await batches.create(newBatch(), [newRender('a')], key);
    const again = await batches.create(newBatch(), [newRender('a')], key);
    const other = await batches.create(newBatch(), [newRender('a')], { ...key, requestHash: 'hash-b' });

    expect(first.kind).toBe('claimed');
    expect(again).toEqual({ kind: 'replay', batchId: first.kind === 'claimed' ? first.batch.id : '' });
    expect(other).toEqual({ kind: 'conflict' });
  });

  it('stores nothing of a batch whose renders cannot be inserted', async () => {
    const batch = newBatch();
    const duplicate = newRender('dup');
    await expect(batches.create(batch, [duplicate, { ...duplicate }])).rejects.toThrow();
    expect(await batches.find(batch.id)).toBeUndefined();
  });

  it('does not finish a batch while one of its renders is queued or processing', async () => {
    const { batch, renders: rows } = await created();
    await renders.markProcessing({ id: rows[0]!.id }, AT);
    await renders.markSucceeded(
      { id: rows[0]!.id },
      { key: 'k', width: 1, height: 1, format: 'png', bytes: 1, warnings: [] },
      AT,
    );

    expect(await batches.finishIfDone(batch.id, AT)).toBeUndefined();
    expect((await batches.find(batch.id))?.status).toBe('processing');
  });

  it('finishes a batch exactly once when many callers race after its last render', async () => {
    const { batch, renders: rows } = await created();
    for (const row of rows) await failRefunded(row.id);

    const outcomes = await Promise.all(Array.from({ length: 5 }, () => batches.finishIfDone(batch.id, AT)));

    const winners = outcomes.filter((row) => row !== undefined);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({ id: batch.id, status: 'finished' });
    expect(await batches.finishIfDone(batch.id, AT)).toBeUndefined();
  });

  async function failRefunded(id: string) {
    await renders.markFailed({ id }, { code: 'RENDER_FAILED', message: 'x' }, AT);
    await renders.recordRefund({ id });
  }

  it('does not finish a batch while a failed render’s refund is not recorded yet', async () => {
    const { batch, renders: rows } = await created();
    await failRefunded(rows[0]!.id);
    await renders.markFailed({ id: rows[1]!.id }, { code: 'RENDER_FAILED', message: 'x' }, AT);

    expect(await batches.finishIfDone(batch.id, AT)).toBeUndefined();
    expect(await batches.finishAllDone(AT, 1000)).not.toContainEqual(
      expect.objectContaining({ id: batch.id }),
    );

    await renders.recordRefund({ id: rows[1]!.id });
    expect(await batches.finishIfDone(batch.id, AT)).toMatchObject({ status: 'finished' });
    expect((await batches.totals([batch.id])).get(batch.id)).toMatchObject({
      credits_charged: 2,
      credits_refunded: 2,
    });
  });

  it('finishes a batch without a refund given up on, showing only what was refunded', async () => {
    const { batch, renders: rows } = await created();
    await failRefunded(rows[0]!.id);
    await renders.markFailed({ id: rows[1]!.id }, { code: 'RENDER_FAILED', message: 'x' }, AT);
    const dayLater = new Date(AT.getTime() + REFUND_GIVE_UP_MS + 1000);

    expect(await batches.finishIfDone(batch.id, dayLater)).toMatchObject({ status: 'finished' });
    expect((await batches.totals([batch.id])).get(batch.id)).toMatchObject({ credits_refunded: 1 });
  });

  it('sweeps up every done batch still processing, each exactly once, leaving the others', async () => {
    const done = await created();
    for (const row of done.renders) await failRefunded(row.id);
    const running = await created();
    await failRefunded(running.renders[0]!.id);

    const [swept, raced] = await Promise.all([
      batches.finishAllDone(AT, 1000),
      batches.finishIfDone(done.batch.id, AT),
    ]);
    const winners = [...swept.filter((row) => row.id === done.batch.id), ...(raced ? [raced] : [])];

    expect(winners).toEqual([expect.objectContaining({ id: done.batch.id, status: 'finished' })]);
    expect(swept.map((row) => row.id)).not.toContain(running.batch.id);
    expect((await batches.find(running.batch.id))?.status).toBe('processing');
    expect(await batches.finishAllDone(AT, 1000)).toEqual([]);
  });

  it('sweeps at most `limit` batches, the oldest first', async () => {
    const oldest = [1, 2, 3].map((i) => newBatch({ created_at: new Date(Date.UTC(2001, 0, i)) }));
    for (const batch of oldest) {
      const { renders: rows } = await created(batch, 1);
      await failRefunded(rows[0]!.id);
    }

    const first = await batches.finishAllDone(AT, 2);
    const second = await batches.finishAllDone(AT, 2);

    expect(first.map((row) => row.id)).toEqual([oldest[0]!.id, oldest[1]!.id]);
    expect(second.map((row) => row.id)).toEqual([oldest[2]!.id]);
  });

  it('names the first render of a batch still to finish, then none once all are final', async () => {
    const { batch, renders: rows } = await created();
    const [first, second] = rows.map((row) => row.id).sort();

    expect(await batches.firstUnfinishedRender(batch.id)).toBe(first);
    await failRefunded(first!);
    expect(await batches.firstUnfinishedRender(batch.id)).toBe(second);
    await failRefunded(second!);
    expect(await batches.firstUnfinishedRender(batch.id)).toBeUndefined();
  });

  it('counts a batch’s renders by status and adds up their credits', async () => {
    const { batch, renders: rows } = await created(newBatch(), 3);
    await renders.markProcessing({ id: rows[0]!.id }, AT);

    const totals = await batches.totals([batch.id]);
    expect(totals.get(batch.id)).toEqual({
      counts: { total: 3, queued: 2, processing: 1, succeeded: 0, failed: 0 },
      credits_charged: 3,
      credits_refunded: 0,
    });
  });

  it('lists an account’s batches newest first, page by page, and no other account’s', async () => {
    const owner = randomUUID();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const batch = newBatch({ account_id: owner, created_at: new Date(AT.getTime() + i * 1000) });
      await batches.create(batch, [{ ...newRender('x'), account_id: owner }]);
      ids.unshift(batch.id);
    }

    const first = await batches.list({ accountId: owner, limit: 2 });
    const second = await batches.list({ accountId: owner, limit: 2, cursor: first.nextCursor! });

    expect(first.rows.map((row) => row.id)).toEqual(ids.slice(0, 2));
    expect(second.rows.map((row) => row.id)).toEqual(ids.slice(2));
    expect(second.nextCursor).toBeNull();
    expect(await batches.find(ids[0]!, randomUUID())).toBeUndefined();
  });

  it('discards a refused batch with its renders and its Idempotency-Key', async () => {
    const key = { key: `k-${randomUUID()}`, requestHash: 'h' };
    const outcome = await batches.create(newBatch(), [newRender('a'), newRender('b')], key);
    if (outcome.kind !== 'claimed') throw new Error('expected a new batch');

    await batches.discard(accountId, outcome.batch.id);

    expect(await batches.find(outcome.batch.id)).toBeUndefined();
    expect(await batches.renders(outcome.batch.id)).toEqual([]);
    expect((await batches.create(newBatch(), [newRender('a')], key)).kind).toBe('claimed');
  });
});
