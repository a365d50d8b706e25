// The webhook half of the worker on a suite's own database and Redis prefix: the `webhooks` queue,
// the stores, and webhook workers started per test with their own outbound allow list, deadline,
// clock and a retry schedule in milliseconds. Deliveries are created as the render-event fan-out does.
import { randomUUID } from 'node:crypto';
import { createSystemClock, type Clock } from '@platen/contracts';
import { createDb, migrateSchema, type Database } from '@platen/db';
import { createLogger } from '@platen/http';
import { createOutboundClient } from '@platen/outbound';
import {
  createTestDatabase,
  createTestRedis,
  waitFor,
  type TestDatabase,
  type TestRedis,
} from '@platen/testing';
import {
  createDeliveryStore,
  createEndpointStore,
  createRetrySchedule,
  createSecretStore,
  createWebhookDeliverer,
  createWebhookQueue,
  createWebhookSender,
  enqueueDelivery,
  type DeliveryStore,
  type EndpointStore,
  type SecretStore,
  type WebhookQueue,
} from '@platen/webhooks';
import type { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { createRenderWebhookEvents } from '../../src/render-webhook-events.js';
import { createWebhookWorker } from '../../src/webhook-worker.js';

export interface WorkerOptions {
  allow?: string[];
  timeoutMs?: number;
  /** Clock for secrets, retry times and endpoint health (signing always uses real time). */
  clock?: Clock;
  delaysMs?: number[];
}

export interface DeliveryRow {
  id: string;
  event_id: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
}

export interface WebhookHarness {
  db: Kysely<Database>;
  queue: WebhookQueue;
  deliveries: DeliveryStore;
  endpoints: EndpointStore;
  secrets: SecretStore;
  accountId: string;
  startWorker(options?: WorkerOptions): Worker;
  /** A render event to the account: its own webhook_url (if given) plus subscribed endpoints; returns the delivery ids. */
  announce(event: { webhookUrl: string | null; eventType?: string; renderId?: string }): Promise<string[]>;
  delivery(id: string): Promise<DeliveryRow>;
  attempts(id: string): Promise<{ status_code: number | null; error: string | null }[]>;
  waitForStatus(id: string, status: 'delivered' | 'failed', timeoutMs?: number): Promise<DeliveryRow>;
  /** Closes every worker started so far (each test starts its own). */
  stopWorkers(): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookHarness(label: string): Promise<WebhookHarness> {
  const database: TestDatabase = await createTestDatabase(label);
  const testRedis: TestRedis = createTestRedis(label);
  const db = createDb({ url: database.url, maxConnections: 8 });
  await migrateSchema(db, 'renders');
  const redis = new Redis(testRedis.url, { maxRetriesPerRequest: null });
  const queue = createWebhookQueue(redis, testRedis.prefix);
  const logger = createLogger({ name: 'webhook-test', level: 'silent' });
  const deliveries = createDeliveryStore({ db, clock: createSystemClock() });
  const endpoints = createEndpointStore({ db, clock: createSystemClock() });
  const secrets = createSecretStore({ db, clock: createSystemClock() });
  const accountId = randomUUID();
  const workers: Worker[] = [];

  const delivery = (id: string) =>
    db
      .selectFrom('renders.webhook_deliveries')
      .select(['id', 'event_id', 'status', 'attempts', 'last_status_code'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  return {
    db,
    queue,
    deliveries,
    endpoints,
    secrets,
    accountId,
    startWorker({
      allow = ['127.0.0.1/32'],
      timeoutMs = 2_000,
      clock = createSystemClock(),
      delaysMs = [200, 200],
    } = {}) {
      const schedule = createRetrySchedule({ delaysMs, jitter: 0 });
      const store = createDeliveryStore({ db, clock });
      const worker = createWebhookWorker({
        connection: redis,
        redisPrefix: testRedis.prefix,
        deliverer: createWebhookDeliverer({
          deliveries: store,
          secrets: createSecretStore({ db, clock }),
          sender: createWebhookSender({
            outbound: createOutboundClient({ allow, userAgent: 'platen-test' }),
            timeoutMs,
          }),
          schedule,
          clock,
        }),
        events: createRenderWebhookEvents({
          renders: { load: () => Promise.resolve(undefined) },
          deliveries: store,
          queue,
        }),
        batchEvents: { fanOut: () => Promise.resolve(0) },
        schedule,
        logger,
      });
      workers.push(worker);
      return worker;
    },
    async announce({ webhookUrl, eventType = 'render.succeeded', renderId = randomUUID() }) {
      const ids = await deliveries.createForEvent({
        accountId,
        renderId,
        eventType,
        payload: { uuid: renderId, status: eventType === 'render.succeeded' ? 'succeeded' : 'failed' },
        webhookUrl,
      });
      for (const id of ids) await enqueueDelivery(queue, id);
      return ids;
    },
    delivery,
    attempts: (id) =>
      db
        .selectFrom('renders.webhook_attempts')
        .select(['status_code', 'error'])
        .where('delivery_id', '=', id)
        .orderBy('attempted_at')
        .execute(),
    waitForStatus: (id, status, timeoutMs = 10_000) =>
      waitFor(
        async () => {
          const row = await delivery(id);
          return row.status === status ? row : undefined;
        },
        { timeoutMs, intervalMs: 50, what: `delivery ${id} to be ${status}` },
      ),
    async stopWorkers() {
      await Promise.all(workers.splice(0).map((worker) => worker.close()));
    },
    async close() {
      await Promise.all(workers.splice(0).map((worker) => worker.close()));
      await queue.close();
      await redis.quit();
      await db.destroy();
      await database.drop();
      await testRedis.cleanup();
    },
  };
}
