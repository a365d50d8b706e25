// How a batch finishes, on a real Postgres and Redis: only once every failed render's refund is
// recorded (so batch.finished shows what was refunded), and, when a render's own try to finish it
// fails, by the worker's batch sweep, with exactly one batch-event job and one delivery per target
// (queued again by the sweep when the enqueue after finishing it was lost);
// and which render-event jobs a batch's renders queue (none when it was created with render_webhooks: false).
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
import { WEBHOOK_JOB_NAMES } from '@platen/queue';
import {
  createTestDatabase,
  createTestRedis,
  waitFor,
  type TestDatabase,
  type TestRedis,
} from '@platen/testing';
import { createDeliveryStore, createWebhookQueue, type WebhookQueue } from '@platen/webhooks';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { createBatchFinisher } from '../src/batch-finisher.js';
import { createBatchRenderEvents } from '../src/batch-render-events.js';
import { createBatchSweep } from '../src/batch-sweep.js';
import { createBatchWebhookEvents } from '../src/batch-webhook-events.js';
import { createFinishedAnnouncer } from '../src/finished-announcer.js';
import { createResultPublisher } from '../src/result-publisher.js';
import { insertFixtureMockup } from '@platen/db/testing';

jest.setTimeout(30_000);

const clock = createSystemClock();
const logger = createLogger({ name: 'batch-finishing-test', level: 'silent' });
const WEBHOOK_URL = 'http://127.0.0.1:9/batch-hook';

let database: TestDatabase;
let testRedis: TestRedis;
let db: Kysely<Database>;
let redis: Redis;
let webhookQueue: WebhookQueue;
let batches: BatchRecords;
let mockupId: string;
const accountId = randomUUID();
const renders = () => createRenderRecords({ db });

beforeAll(async () => {
  database = await createTestDatabase('batch_finishing');
  testRedis = createTestRedis('batch-finishing');
  db = createDb({ url: database.url, maxConnections: 4 });
  await migrateSchema(db, 'renders');
  redis = new Redis(testRedis.url, { maxRetriesPerRequest: null });
  webhookQueue = createWebhookQueue(redis, testRedis.prefix);
  batches = createBatchRecords({ db });
  mockupId = await insertFixtureMockup(db, { slug: 'batch-finishing' });
});

afterAll(async () => {
  await webhookQueue?.close();
  await redis?.quit();
  await db?.destroy();
  await database?.drop();
  await testRedis?.cleanup();
});

/** A processing batch of `count` renders, one credit each, as the gateway leaves it once queued. */
async function newBatch(count: number, { renderWebhooks = false } = {}) {
  const now = clock.now();
  const ids = Array.from({ length: count }, () => randomUUID()).sort();
  const outcome = await batches.create(
    {
      id: randomUUID(),
      account_id: accountId,
      key_id: null,
      credits_charged: count,
      webhook_url: WEBHOOK_URL,
      render_webhooks: renderWebhooks,
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
  return { batchId: outcome.batch.id, renderIds: ids };
}

async function succeed(id: string) {
  await renders().markProcessing({ id }, clock.now());
  await renders().markSucceeded(
    { id },
    { key: `r/${id}.png`, width: 1, height: 1, format: 'png', bytes: 1, warnings: [] },
    clock.now(),
  );
}

async function fail(id: string) {
  await renders().markFailed({ id }, { code: 'RENDER_FAILED', message: 'broken' }, clock.now());
}

async function batchEventJobs(batchId: string) {
  const jobs = await webhookQueue.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed']);
  return jobs.filter(
    (job) =>
      job.name === WEBHOOK_JOB_NAMES.batchEvent && (job.data as { batch_id?: string }).batch_id === batchId,
  );
}

async function renderEventJobs(renderIds: string[]) {
  const jobs = await webhookQueue.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed']);
  return jobs.filter(
    (job) =>
      job.name === WEBHOOK_JOB_NAMES.renderEvent &&
      renderIds.includes((job.data as { render_id?: string }).render_id ?? ''),
  );
}

/** The worker's announcer as render-service.ts builds it, on this test's Postgres and Redis. */
function announcer(batchRecords: Pick<BatchRecords, 'find'> = batches) {
  return createFinishedAnnouncer({
    publisher: createResultPublisher({ redis, redisPrefix: testRedis.prefix }),
    webhookQueue,
    logger,
    batches: createBatchFinisher({ batches, webhookQueue, clock, logger }),
    batchRenderEvents: createBatchRenderEvents({ batches: batchRecords }),
  });
}

/** What the webhook worker does with a batch-event job: the batch.finished deliveries it creates. */
async function fanOut(batchId: string) {
  const events = createBatchWebhookEvents({
    db,
    storage: { delete: () => Promise.resolve() },
    deliveries: createDeliveryStore({ db, clock }),
    queue: webhookQueue,
    logger,
  });
  await events.fanOut({ batch_id: batchId });
  return db
    .selectFrom('renders.webhook_deliveries')
    .select(['event_type', 'url', 'payload'])
    .where('batch_id', '=', batchId)
    .execute();
}

const status = async (batchId: string) => (await batches.find(batchId))?.status;

it('waits for a failed render’s lagging refund before finishing, so batch.finished shows it', async () => {
  const finisher = createBatchFinisher({ batches, webhookQueue, clock, logger });
  const { batchId, renderIds } = await newBatch(2);
  const [failed, succeeded] = renderIds as [string, string];
  // The failed render's refund is not confirmed yet (key-service down): its job retries it later.
  await fail(failed);
  await succeed(succeeded);

  await finisher.settle({ render_id: succeeded, batch_id: batchId });
  expect(await status(batchId)).toBe('processing');
  expect(await batchEventJobs(batchId)).toHaveLength(0);

  await renders().recordRefund({ id: failed });
  await finisher.settle({ render_id: failed, batch_id: batchId });

  expect(await status(batchId)).toBe('finished');
  expect(await batchEventJobs(batchId)).toHaveLength(1);
  const deliveries = await fanOut(batchId);
  expect(deliveries).toHaveLength(1);
  expect(deliveries[0]!.payload).toMatchObject({
    uuid: batchId,
    status: 'finished',
    counts: { total: 2, succeeded: 1, failed: 1 },
    credits_charged: 1,
    credits_refunded: 1,
  });
});

it('leaves a single render alone', async () => {
  const finisher = createBatchFinisher({
    batches: {
      finishIfDone: () => Promise.reject(new Error('a single render has no batch to finish')),
      find: () => Promise.reject(new Error('a single render has no batch to read')),
      markFinishedEventQueued: () => Promise.reject(new Error('a single render has no batch to mark')),
    },
    webhookQueue,
    clock,
    logger,
  });
  await expect(finisher.settle({ render_id: randomUUID(), batch_id: null })).resolves.toBeUndefined();
});

it('finishes by the sweep a batch whose last render failed to finish it, with one batch.finished', async () => {
  let failures = 0;
  const flaky: BatchRecords = {
    ...batches,
    finishIfDone: (batchId, now) =>
      failures++ === 0
        ? Promise.reject(new Error('connection terminated unexpectedly'))
        : batches.finishIfDone(batchId, now),
  };
  const finisher = createBatchFinisher({ batches: flaky, webhookQueue, clock, logger });
  const sweep = createBatchSweep({ batches, webhookQueue, clock, logger });
  const { batchId, renderIds } = await newBatch(2);
  for (const id of renderIds) await succeed(id);

  await expect(finisher.settle({ render_id: renderIds[1]!, batch_id: batchId })).rejects.toThrow(
    /connection terminated/,
  );
  expect(await status(batchId)).toBe('processing');

  sweep.start(50);
  try {
    await waitFor(async () => ((await status(batchId)) === 'finished' ? true : undefined), {
      what: 'the sweep to finish the batch',
    });
  } finally {
    await sweep.stop();
  }
  // A later re-announcement of a render, and further rounds, change nothing.
  await finisher.settle({ render_id: renderIds[0]!, batch_id: batchId });
  expect(await sweep.sweepOnce()).toBe(0);

  expect(await batchEventJobs(batchId)).toHaveLength(1);
  await fanOut(batchId);
  const deliveries = await fanOut(batchId);
  expect(deliveries.map(({ event_type, url }) => ({ event_type, url }))).toEqual([
    { event_type: 'batch.finished', url: WEBHOOK_URL },
  ]);
});

it('queues batch.finished by the sweep when the enqueue after the finishing UPDATE was lost', async () => {
  // Redis unreachable from the finisher (and from the sweep's first round): nothing listens there.
  const deadRedis = new Redis({ host: '127.0.0.1', port: 1, lazyConnect: true, retryStrategy: () => null });
  deadRedis.on('error', () => undefined);
  const deadQueue = createWebhookQueue(deadRedis, testRedis.prefix);
  deadQueue.on('error', () => undefined);
  try {
    const finisher = createBatchFinisher({ batches, webhookQueue: deadQueue, clock, logger });
    const { batchId, renderIds } = await newBatch(2);
    for (const id of renderIds) await succeed(id);

    await expect(finisher.settle({ render_id: renderIds[1]!, batch_id: batchId })).rejects.toThrow();
    expect(await status(batchId)).toBe('finished');
    expect(await batchEventJobs(batchId)).toHaveLength(0);

    await createBatchSweep({ batches, webhookQueue: deadQueue, clock, logger }).sweepOnce();
    expect((await batches.find(batchId))?.finished_event_queued_at).toBeNull();

    const sweep = createBatchSweep({ batches, webhookQueue, clock, logger });
    expect(await sweep.sweepOnce()).toBe(0);
    expect(await batchEventJobs(batchId)).toHaveLength(1);
    expect((await batches.find(batchId))?.finished_event_queued_at).toBeInstanceOf(Date);
    await sweep.sweepOnce();
    expect(await batchEventJobs(batchId)).toHaveLength(1);
    const deliveries = await fanOut(batchId);
    expect(deliveries.map(({ event_type, url }) => ({ event_type, url }))).toEqual([
      { event_type: 'batch.finished', url: WEBHOOK_URL },
    ]);
  } finally {
    await deadQueue.close().catch(() => undefined);
    deadRedis.disconnect();
  }
});

it('marks the batch-event job queued when the finisher queues it, so the sweep leaves it alone', async () => {
  const finisher = createBatchFinisher({ batches, webhookQueue, clock, logger });
  const { batchId, renderIds } = await newBatch(1);
  await succeed(renderIds[0]!);

  await finisher.settle({ render_id: renderIds[0]!, batch_id: batchId });

  expect((await batches.find(batchId))?.finished_event_queued_at).toBeInstanceOf(Date);
  expect((await batches.finishedUnqueued(1000)).map((batch) => batch.id)).not.toContain(batchId);
});

it('does not sweep a batch with a render still running', async () => {
  const sweep = createBatchSweep({ batches, webhookQueue, clock, logger });
  const { batchId, renderIds } = await newBatch(2);
  await succeed(renderIds[0]!);
  await renders().markProcessing({ id: renderIds[1]! }, clock.now());

  await sweep.sweepOnce();

  expect(await status(batchId)).toBe('processing');
  expect(await batchEventJobs(batchId)).toHaveLength(0);
});

describe('render events of a batch’s renders', () => {
  it('queues none for a batch created with render_webhooks: false, and still its batch.finished', async () => {
    const announce = announcer();
    const { batchId, renderIds } = await newBatch(3);
    for (const id of renderIds) {
      await succeed(id);
      await announce.publish({ render_id: id, status: 'succeeded', batch_id: batchId });
    }

    expect(await renderEventJobs(renderIds)).toHaveLength(0);
    expect(await status(batchId)).toBe('finished');
    expect(await batchEventJobs(batchId)).toHaveLength(1);
  });

  it('queues one per render for a batch with render_webhooks, and for a single render', async () => {
    const announce = announcer();
    const { batchId, renderIds } = await newBatch(2, { renderWebhooks: true });
    const single = randomUUID();
    for (const id of renderIds) {
      await succeed(id);
      await announce.publish({ render_id: id, status: 'succeeded', batch_id: batchId });
    }
    await announce.publish({ render_id: single, status: 'failed', batch_id: null });

    const queued = (await renderEventJobs([...renderIds, single])).map((job) => job.data);
    expect(queued).toHaveLength(3);
    expect(queued).toEqual(
      expect.arrayContaining([
        ...renderIds.map((id) => ({ render_id: id, status: 'succeeded' })),
        { render_id: single, status: 'failed' },
      ]),
    );
  });

  it('queues the event when the batch cannot be read, for the render-event job to decide', async () => {
    const announce = announcer({
      find: () => Promise.reject(new Error('connection terminated unexpectedly')),
    });
    const { batchId, renderIds } = await newBatch(1);
    await succeed(renderIds[0]!);

    await announce.publish({ render_id: renderIds[0]!, status: 'succeeded', batch_id: batchId });

    expect(await renderEventJobs(renderIds)).toHaveLength(1);
  });
});
