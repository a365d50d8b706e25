// A batch through the real pieces: the gateway (in-process), the real key-service process and a real
// render-worker (render-service, in-process) on one Postgres, Redis and storage directory. The batch
// runs to `finished`, a failed render of it is refunded once, `batch.finished` reaches the batch's
// webhook_url and a subscribed endpoint exactly once each, its renders send no events of their own
// (render_webhooks: false), and its parked artwork is removed.
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseEnv, renderWorkerConfigSchema } from '@platen/config';
import { createLogger } from '@platen/http';
import { batchArtworkKey } from '@platen/storage';
import { startWebhookReceiver, waitFor, type WebhookReceiver } from '@platen/testing';
import { createRetrySchedule } from '@platen/webhooks';
import { apiClient, TINY_PNG, type ApiClient } from '../../services/gateway/test/support/api-client.js';
import { withDb } from '../../services/gateway/test/support/mockup-rows.js';
import {
  STACK_START_TIMEOUT_MS,
  TestStack,
  type TestGateway,
} from '../../services/gateway/test/support/test-stack.js';
import {
  startRenderService,
  type RunningRenderService,
} from '../../services/render-worker/src/render-service.js';
import { TINY_ID, TINY_SO, tinyTemplate } from '../../services/render-worker/test/support/tiny-template.js';

jest.setTimeout(120_000);

const stack = new TestStack('e2e-batch');
let gateway: TestGateway;
let worker: RunningRenderService;
let receiver: WebhookReceiver;
let accountId: string;
let api: ApiClient;

interface BatchView {
  uuid: string;
  status: string;
  counts: Record<string, number>;
  credits_charged: number;
  credits_refunded: number;
  renders: Array<{ uuid: string; status: string; export_label: string | null }>;
}

beforeAll(async () => {
  await stack.start();
  receiver = await startWebhookReceiver();
  gateway = await stack.startGateway({
    builtInSamples: async () => [await tinyTemplate()],
    env: { OUTBOUND_ALLOW: '127.0.0.1/32' },
  });
  worker = await startRenderService(
    parseEnv(renderWorkerConfigSchema, {
      DATABASE_URL: stack.database.url,
      REDIS_URL: stack.redis.url,
      REDIS_PREFIX: stack.redis.prefix,
      SERVICE_JWT_SECRET: stack.serviceSecret,
      KEY_SERVICE_URL: stack.keyService.url,
      OUTBOUND_ALLOW: '127.0.0.1/32',
      STORAGE_DIR: stack.storageDir,
      METRICS_PORT: '0',
      WORKER_CONCURRENCY: '1',
    }),
    {
      logger: createLogger({ name: 'e2e-batch-worker', level: 'silent' }),
      kernelThreads: 0,
      metricsHost: '127.0.0.1',
      seedBuiltIns: false,
      psdThreads: false,
      webhooks: { schedule: createRetrySchedule({ delaysMs: [200, 200], jitter: 0 }) },
    },
  );
  accountId = await stack.admin.createAccount(10);
  const { key } = await stack.admin.createKey(accountId, {
    rate_limits: { per_minute: 10_000, per_day: 100_000 },
  });
  api = apiClient(gateway.url, key);
}, STACK_START_TIMEOUT_MS);

afterAll(async () => {
  await worker?.close(1_000);
  await receiver?.close();
  await stack.teardown();
});

const eventsAt = (path: string) =>
  receiver.received(path).map((request) => JSON.parse(request.body) as { type: string; data: BatchView });

it('runs a batch to finished, refunds its failed render once and announces batch.finished once per target', async () => {
  const endpoint = await api.send('POST', '/api/v1/webhooks', {
    url: `${receiver.origin}/endpoint`,
    events: ['render.succeeded', 'render.failed', 'batch.finished'],
  });
  expect(endpoint.status).toBe(201);

  const answer = await api.send('POST', '/api/v1/renders/batch?wait=60', {
    artworks: [
      { id: 'inline', data: TINY_PNG.toString('base64'), fit: 'contain' },
      // Answered 404 by the gateway itself: a permanent fetch failure.
      { id: 'missing', url: `${gateway.url}/no-such-artwork-${randomUUID()}.png` },
    ],
    items: [
      { mockup_uuid: TINY_ID, smart_objects: [{ uuid: TINY_SO, artwork: 'inline' }], export_label: 'one' },
      { mockup_uuid: TINY_ID, smart_objects: [{ uuid: TINY_SO, artwork: 'inline' }], export_label: 'two' },
      { mockup_uuid: TINY_ID, smart_objects: [{ uuid: TINY_SO, artwork: 'missing' }], export_label: 'bad' },
    ],
    webhook_url: `${receiver.origin}/own`,
    render_webhooks: false,
  });

  expect(answer.status).toBe(200);
  const batch = answer.body.data as BatchView;
  expect(batch).toMatchObject({
    status: 'finished',
    counts: { total: 3, queued: 0, processing: 0, succeeded: 2, failed: 1 },
    credits_charged: 2,
    credits_refunded: 1,
  });
  expect(batch.renders.map((render) => [render.export_label, render.status])).toEqual([
    ['one', 'succeeded'],
    ['two', 'succeeded'],
    ['bad', 'failed'],
  ]);

  const failed = batch.renders[2]!.uuid;
  const ledger = await stack.admin.ledger(accountId);
  expect(ledger.filter((entry) => entry.kind === 'refund' && entry.render_id === failed)).toHaveLength(1);
  expect(await stack.admin.balance(accountId)).toBe(8);
  const succeeded = await api.get(`/api/v1/renders/${batch.renders[0]!.uuid}`);
  expect(succeeded.body.data).toMatchObject({
    status: 'succeeded',
    batch_uuid: batch.uuid,
    export_label: 'one',
  });

  await waitFor(() => (eventsAt('/own').length > 0 && eventsAt('/endpoint').length > 0) || undefined, {
    timeoutMs: 30_000,
    what: 'batch.finished at both targets',
  });
  const deliveriesOfAccount = () =>
    withDb(stack.database.url, (db) =>
      db
        .selectFrom('renders.webhook_deliveries')
        .select(['event_type', 'batch_id', 'render_id', 'status'])
        .where('account_id', '=', accountId)
        .execute(),
    );
  // The receiver has answered both; the worker records each attempt right after.
  const deliveries = await waitFor(
    async () => {
      const rows = await deliveriesOfAccount();
      return rows.every((row) => row.status !== 'pending') ? rows : undefined;
    },
    { timeoutMs: 10_000, what: 'the deliveries recorded' },
  );
  expect(deliveries).toEqual([
    { event_type: 'batch.finished', batch_id: batch.uuid, render_id: null, status: 'delivered' },
    { event_type: 'batch.finished', batch_id: batch.uuid, render_id: null, status: 'delivered' },
  ]);
  const endpointId = (endpoint.body.data as { id: string }).id;
  const logged = await api.get(`/api/v1/webhooks/${endpointId}/deliveries`);
  expect(logged.body.data).toEqual([
    expect.objectContaining({
      type: 'batch.finished',
      batch_uuid: batch.uuid,
      render_uuid: null,
      status: 'delivered',
    }),
  ]);
  for (const path of ['/own', '/endpoint']) {
    const events = eventsAt(path);
    expect(events.map((event) => event.type)).toEqual(['batch.finished']);
    expect(events[0]!.data).toMatchObject({
      uuid: batch.uuid,
      status: 'finished',
      counts: { succeeded: 2, failed: 1 },
    });
  }

  await waitFor(
    async () =>
      (await stat(join(stack.storageDir, batchArtworkKey(batch.uuid, 'inline'))).then(
        () => undefined,
        () => true,
      )) ?? undefined,
    { timeoutMs: 10_000, what: 'the parked artwork removed' },
  );
});

it('sends each render’s own events to the batch’s webhook_url too, unless render_webhooks is false', async () => {
  const answer = await api.send('POST', '/api/v1/renders/batch?wait=60', {
    artworks: [{ id: 'art', data: TINY_PNG.toString('base64') }],
    mockups: [TINY_ID],
    webhook_url: `${receiver.origin}/with-renders`,
  });

  expect(answer.status).toBe(200);
  const batch = answer.body.data as BatchView;
  expect(batch).toMatchObject({ status: 'finished', counts: { total: 1, succeeded: 1 } });
  expect(batch.renders[0]!.export_label).toBe('art');
  const types = await waitFor(
    () => {
      const received = eventsAt('/with-renders').map((event) => event.type);
      return received.length === 2 ? received.sort() : undefined;
    },
    { timeoutMs: 30_000, what: 'the render’s event and batch.finished' },
  );
  expect(types).toEqual(['batch.finished', 'render.succeeded']);
});
