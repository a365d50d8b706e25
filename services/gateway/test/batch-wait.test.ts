// `?wait=N` on a batch against a real Postgres and Redis: it answers once the batch is finished,
// woken by its renders' render.finished, reading the batch row and one unfinished render per round
// (never the render list); and it gives up when N seconds pass with the batch still processing.
import { randomUUID } from 'node:crypto';
import { createSystemClock } from '@platen/contracts';
import {
  createBatchRecords,
  createDb,
  createRenderRecords,
  migrateSchema,
  type BatchRecords,
  type Database,
} from '@platen/db';
import { createLogger } from '@platen/http';
import { channelName, CHANNELS } from '@platen/queue';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@platen/testing';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { createBatchWait } from '../src/batches/batch-wait.js';
import { createRenderWaiter, type RenderWaiter } from '../src/renders/render-waiter.js';
import { insertFixtureMockup } from '@platen/db/testing';

jest.setTimeout(30_000);

const clock = createSystemClock();
let database: TestDatabase;
let testRedis: TestRedis;
let db: Kysely<Database>;
let publisher: Redis;
let waiter: RenderWaiter;
let batches: BatchRecords;
let channel: string;
let mockupId: string;
let listReads = 0;

beforeAll(async () => {
  database = await createTestDatabase('gw_batch_wait');
  testRedis = createTestRedis('gw-batch-wait');
  db = createDb({ url: database.url, maxConnections: 4 });
  await migrateSchema(db, 'renders');
  const records = createBatchRecords({ db });
  // The real records, counting reads of a batch's whole render list.
  batches = {
    ...records,
    renders: (batchId) => {
      listReads += 1;
      return records.renders(batchId);
    },
  };
  channel = channelName(testRedis.prefix, CHANNELS.renderFinished);
  publisher = new Redis(testRedis.url);
  waiter = createRenderWaiter({
    redis: new Redis(testRedis.url),
    channel,
    logger: createLogger({ name: 'batch-wait-test', level: 'silent' }),
  });
  waiter.start();
  mockupId = await insertFixtureMockup(db, { slug: 'batch-wait' });
});

afterAll(async () => {
  await waiter?.close();
  await publisher?.quit();
  await db?.destroy();
  await database?.drop();
  await testRedis?.cleanup();
});

beforeEach(() => {
  listReads = 0;
});

async function newBatch(count: number) {
  const now = clock.now();
  const accountId = randomUUID();
  const ids = Array.from({ length: count }, () => randomUUID()).sort();
  const outcome = await batches.create(
    {
      id: randomUUID(),
      account_id: accountId,
      key_id: null,
      credits_charged: count,
      webhook_url: null,
      render_webhooks: true,
      metadata: null,
      artwork_ids: [],
      created_at: now,
    },
    ids.map((id) => ({
      id,
      account_id: accountId,
      key_id: null,
      mockup_id: mockupId,
      inputs: [],
      export_options: { format: 'png' },
      webhook_url: null,
      metadata: null,
      credits_charged: 1,
      created_at: now,
    })),
  );
  if (outcome.kind !== 'claimed') throw new Error(`expected a new batch, got ${outcome.kind}`);
  return { batch: outcome.batch, renderIds: ids };
}

/** What a worker does when a render succeeds: the row, then render.finished. */
async function finishRender(id: string) {
  const renders = createRenderRecords({ db });
  await renders.markProcessing({ id }, clock.now());
  await renders.markSucceeded(
    { id },
    { key: `r/${id}.png`, width: 1, height: 1, format: 'png', bytes: 1, warnings: [] },
    clock.now(),
  );
  await publisher.publish(channel, JSON.stringify({ render_id: id, status: 'succeeded' }));
}

it('answers with the finished batch, woken by its renders, without reading its render list', async () => {
  const wait = createBatchWait({ batches, waiter });
  const { batch, renderIds } = await newBatch(3);

  const answered = wait(batch, 20);
  for (const id of renderIds) await finishRender(id);
  await batches.finishIfDone(batch.id, clock.now());

  expect(await answered).toMatchObject({ id: batch.id, status: 'finished' });
  expect(listReads).toBe(0);
});

it('gives up when the seconds pass with a render still running, answering the batch processing', async () => {
  const wait = createBatchWait({ batches, waiter });
  const { batch, renderIds } = await newBatch(2);
  await finishRender(renderIds[0]!);

  expect(await wait(batch, 1)).toMatchObject({ id: batch.id, status: 'processing' });
  expect(listReads).toBe(0);
});
