import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { createTestDatabase, type TestDatabase } from '@platen/testing';
import { createDb } from './create-db.js';
import type { Database } from './database.js';
import { migrateSchema } from './migrate.js';
import { createRenderRecords, IllegalRenderChangeError, type RenderRecords } from './render-records.js';
import { insertFixtureMockup } from '../test/support/testing.js';

const AT = new Date('2026-03-01T10:00:00Z');
const LATER = new Date('2026-03-01T10:00:05Z');
const OUTPUT = { key: 'renders/r.png', width: 10, height: 8, format: 'png', bytes: 123, warnings: [] };

describe('render records', () => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  let records: RenderRecords;
  const accountId = randomUUID();
  let mockupId: string;

  beforeAll(async () => {
    database = await createTestDatabase('render_records');
    db = createDb({ url: database.url });
    await migrateSchema(db, 'renders');
    records = createRenderRecords({ db });
    // A fixture row of the table renders point at; its own writer lives elsewhere.
    mockupId = await insertFixtureMockup(db, { slug: 'render-records' });
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });

  async function queued(): Promise<string> {
    const id = randomUUID();
    await records.createQueued({
      id,
      account_id: accountId,
      key_id: null,
      mockup_id: mockupId,
      inputs: [{ uuid: randomUUID() }],
      export_options: { format: 'png' },
      webhook_url: null,
      metadata: { order: 7 },
      credits_charged: 2,
      created_at: AT,
    });
    return id;
  }

  const read = (id: string) =>
    db.selectFrom('renders.renders').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  async function refusalOf(work: Promise<unknown>): Promise<IllegalRenderChangeError> {
    const error: unknown = await work.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    if (!(error instanceof IllegalRenderChangeError))
      throw new Error(`expected a refusal, got ${String(error)}`);
    return error;
  }

  it('creates a render queued, unattempted and unrefunded, with its inputs as given', async () => {
    const id = await queued();
    expect(await read(id)).toMatchObject({
      status: 'queued',
      attempts: 0,
      credits_charged: 2,
      credits_refunded: 0,
      metadata: { order: 7 },
      export_options: { format: 'png' },
      webhook_status: null,
      started_at: null,
    });
  });

  it('walks queued → processing → processing → succeeded, counting attempts and keeping the first start', async () => {
    const id = await queued();
    await records.markProcessing({ id }, AT);
    const second = await records.markProcessing({ id }, LATER);
    expect(second).toMatchObject({ status: 'processing', attempts: 2, started_at: AT });
    await records.markSucceeded({ id }, OUTPUT, LATER);
    expect(await read(id)).toMatchObject({
      status: 'succeeded',
      result_key: 'renders/r.png',
      result_warnings: [],
      completed_at: LATER,
    });
  });

  it('refuses to fail a succeeded render, with a typed error naming where it stands, and leaves it as it was', async () => {
    const id = await queued();
    await records.markProcessing({ id }, AT);
    await records.markSucceeded({ id }, OUTPUT, LATER);
    const refusal = await refusalOf(
      records.markFailed({ id }, { code: 'RENDER_FAILED', message: 'late' }, LATER),
    );
    expect(refusal).toMatchObject({ renderId: id, from: 'succeeded', change: 'fail' });
    expect(await read(id)).toMatchObject({
      status: 'succeeded',
      error_code: null,
      result_key: 'renders/r.png',
    });
  });

  it('refuses to succeed a render that never started processing', async () => {
    const id = await queued();
    const refusal = await refusalOf(records.markSucceeded({ id }, OUTPUT, LATER));
    expect(refusal).toMatchObject({ from: 'queued', change: 'succeed' });
    expect((await read(id)).status).toBe('queued');
  });

  it('refuses to start a failed render again', async () => {
    const id = await queued();
    await records.markFailed({ id }, { code: 'RENDER_FAILED', message: 'could not be queued' }, AT);
    const refusal = await refusalOf(records.markProcessing({ id }, LATER));
    expect(refusal).toMatchObject({ from: 'failed', change: 'start' });
    expect(await read(id)).toMatchObject({ status: 'failed', attempts: 0 });
  });

  it('records a refund only on a failed render, as the full charge', async () => {
    const id = await queued();
    expect(await refusalOf(records.recordRefund({ id }))).toMatchObject({
      from: 'queued',
      change: 'refund',
    });
    expect((await read(id)).credits_refunded).toBe(0);
    await records.markFailed({ id }, { code: 'RENDER_FAILED', message: 'broke' }, AT);
    await records.recordRefund({ id });
    await records.recordRefund({ id });
    expect((await read(id)).credits_refunded).toBe(2);
  });

  it('fails and refunds in one change when the refund is already confirmed', async () => {
    const id = await queued();
    await records.markFailed({ id }, { code: 'RENDER_FAILED', message: 'no queue', refunded: true }, AT);
    expect(await read(id)).toMatchObject({ status: 'failed', credits_refunded: 2, completed_at: AT });
  });

  it('treats another account’s render as not there', async () => {
    const id = await queued();
    const refusal = await refusalOf(
      records.markFailed({ id, accountId: randomUUID() }, { code: 'RENDER_FAILED', message: 'x' }, AT),
    );
    expect(refusal).toMatchObject({ from: null, change: 'fail' });
    expect((await read(id)).status).toBe('queued');
  });

  it('discards a queued render, accepts one already gone, and refuses one that has started', async () => {
    const gone = await queued();
    await records.discard({ id: gone, accountId });
    await records.discard({ id: gone, accountId });
    expect(await db.selectFrom('renders.renders').select('id').where('id', '=', gone).execute()).toEqual([]);

    const started = await queued();
    await records.markProcessing({ id: started }, AT);
    expect(await refusalOf(records.discard({ id: started, accountId }))).toMatchObject({
      from: 'processing',
      change: 'discard',
    });
    expect((await read(started)).status).toBe('processing');
  });

  it('fails a render the gateway could not queue, but not one a worker took meanwhile', async () => {
    const unqueued = await queued();
    await records.markUnqueuedFailed(
      { id: unqueued, accountId },
      { code: 'RENDER_FAILED', message: 'no queue' },
      AT,
    );
    expect((await read(unqueued)).status).toBe('failed');

    const taken = await queued();
    await records.markProcessing({ id: taken }, AT);
    const refusal = await refusalOf(
      records.markUnqueuedFailed(
        { id: taken, accountId },
        { code: 'RENDER_FAILED', message: 'no queue' },
        AT,
      ),
    );
    expect(refusal).toMatchObject({ from: 'processing', change: 'failUnqueued' });
    expect(await read(taken)).toMatchObject({ status: 'processing', error_code: null });
  });

  it('mirrors the own webhook delivery, and with ifUnset never overwrites an earlier mirror', async () => {
    const id = await queued();
    await records.mirrorOwnWebhook(id, { status: 'pending' }, { ifUnset: true });
    await records.mirrorOwnWebhook(id, { status: 'delivered', attempts: 1 });
    await records.mirrorOwnWebhook(id, { status: 'pending' }, { ifUnset: true });
    expect(await read(id)).toMatchObject({ webhook_status: 'delivered', webhook_attempts: 1 });
  });
  it('stores the print files asked for and, on success, those written; none when none were asked for', async () => {
    const id = randomUUID();
    const asked = [{ smart_object_uuid: randomUUID(), dpi: 300 }];
    await records.createQueued({
      id,
      account_id: accountId,
      key_id: null,
      mockup_id: mockupId,
      inputs: [{ uuid: asked[0]!.smart_object_uuid }],
      export_options: { format: 'png' },
      webhook_url: null,
      metadata: null,
      credits_charged: 3,
      created_at: AT,
      print_files: asked,
    });
    await records.markProcessing({ id }, AT);
    const written = [{ ...asked[0]!, key: `renders/${id}/print/x.png`, width: 30, height: 20 }];
    await records.markSucceeded({ id }, { ...OUTPUT, print_files: written }, LATER);
    expect(await read(id)).toMatchObject({ print_files: asked, result_print_files: written });

    const plain = await queued();
    await records.markProcessing({ id: plain }, AT);
    await records.markSucceeded({ id: plain }, OUTPUT, LATER);
    expect(await read(plain)).toMatchObject({ print_files: null, result_print_files: null });
  });
});
