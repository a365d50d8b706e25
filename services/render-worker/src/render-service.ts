// The composition root shared by main.ts and the tests: Postgres, Redis, storage, the SSRF-safe
// outbound client, the kernel pool and compositor, the key-service client, metrics, the BullMQ
// render worker, and the webhook and mockup-import workers beside it. close() lets the current jobs finish (or hands them back to the queue once `graceMs`
// has passed), then closes everything else in reverse order.
import { availableParallelism } from 'node:os';
import { createCompositor, createDemoArtwork, createKernelPool } from '@platen/compositor';
import { renderWorkerSlots, type RenderWorkerConfig } from '@platen/config';
import { createSystemClock, type Clock } from '@platen/contracts';
import { createBatchRecords, createDb, type Database } from '@platen/db';
import { createServiceTokenSigner } from '@platen/http';
import {
  builtInMockupsInstalled,
  createCatalogueVersions,
  loadTemplate,
  seedBuiltInMockups,
} from '@platen/mockups';
import { createOutboundClient, type OutboundClientOptions } from '@platen/outbound';
import { createResultUrlSigner, createStorage, type ObjectStorage } from '@platen/storage';
import {
  createDeliveryStore,
  createRetrySchedule,
  createSecretStore,
  createWebhookDeliverer,
  createWebhookQueue,
  createWebhookSender,
  type RetrySchedule,
} from '@platen/webhooks';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { collectDefaultMetrics } from 'prom-client';
import type { Logger } from 'pino';
import { createAccountAdmission } from './account-admission.js';
import { createBatchFinisher } from './batch-finisher.js';
import { createBatchRenderEvents } from './batch-render-events.js';
import { createBatchSweep } from './batch-sweep.js';
import { createBatchWebhookEvents } from './batch-webhook-events.js';
import { createComposeSlots } from './compose-slots.js';
import { createCreditsClient } from './credits-client.js';
import { createFinishedAnnouncer } from './finished-announcer.js';
import { createImportWorker } from './import-worker.js';
import { createMockupWebhookEvents } from './mockup-events.js';
import { createMockupImporter } from './mockup-importer.js';
import { createPsdParser } from './psd-parser.js';
import {
  createRenderMetrics,
  registerArtworkCacheSize,
  registerKernelThreadsHeap,
  registerWarpedLayerCacheSize,
} from './metrics.js';
import { startMetricsServer } from './metrics-server.js';
import { createRenderObjects } from './render-object.js';
import { createRenderProcessor } from './render-processor.js';
import { createRenderWebhookEvents } from './render-webhook-events.js';
import { createRenderWorker, type WorkerSettings } from './render-worker.js';
import { createResultPublisher } from './result-publisher.js';
import { createWebhookWorker } from './webhook-worker.js';

/** Decoded pixel cap per artwork (docs/api.md's default): a decompression bomb is refused, not rendered. */
const LIMIT_INPUT_PIXELS = 100_000_000;
/** Prepared (decoded, pre-flattened) templates kept in memory: several full-size RGBA canvases each. */
const TEMPLATE_CACHE_BYTES = 512 * 1024 * 1024;
const USER_AGENT = 'Platen/0.1 (render-worker)';
/** How often a worker finishes batches their renders' own tries missed (an error, a late refund). */
const BATCH_SWEEP_INTERVAL_MS = 30_000;

export interface RenderServiceOptions {
  logger: Logger;
  clock?: Clock;
  /** Overrides for tests: shorter locks, fewer kernel threads, smaller outbound caps. */
  worker?: Partial<WorkerSettings>;
  kernelThreads?: number;
  outbound?: Partial<Omit<OutboundClientOptions, 'allow' | 'userAgent'>>;
  /** Install the built-in mockups at start when none are installed yet (default true). */
  seedBuiltIns?: boolean;
  metricsHost?: string;
  /** Overrides for tests: a retry schedule in milliseconds, a shorter receiver deadline. */
  webhooks?: { schedule?: RetrySchedule; timeoutMs?: number; concurrency?: number };
  /** PSDs are parsed on a thread (default); tests running from sources parse inline. */
  psdThreads?: boolean;
}

export interface RunningRenderService {
  metricsPort: number;
  close(graceMs?: number): Promise<void>;
}

export async function startRenderService(
  config: RenderWorkerConfig,
  options: RenderServiceOptions,
): Promise<RunningRenderService> {
  const { logger, clock = createSystemClock() } = options;
  // Compose slots (CPU) are few; job slots (artwork fetches, I/O) are many, a few per account.
  const slots = renderWorkerSlots(config);
  const concurrency = slots.compose;
  const db = createDb({
    url: config.DATABASE_URL,
    applicationName: 'platen-render-worker',
    maxConnections: concurrency + 4,
  });
  // BullMQ's blocking commands need maxRetriesPerRequest: null; it duplicates this connection for them.
  const redis = new Redis(config.REDIS_URL, {
    maxRetriesPerRequest: null,
    connectionName: `${config.REDIS_PREFIX}:render-worker`,
  });
  redis.on('error', (error: Error) => logger.debug({ err: error }, 'redis connection error'));
  const storage = createStorage(config, createResultUrlSigner(config.SERVICE_JWT_SECRET));
  const outbound = createOutboundClient({
    allow: config.OUTBOUND_ALLOW,
    userAgent: USER_AGENT,
    ...options.outbound,
  });
  const pool = createKernelPool({
    threads: options.kernelThreads ?? Math.min(concurrency, availableParallelism()),
  });
  const metrics = createRenderMetrics();
  const compositor = createCompositor({
    pool,
    cacheBytes: TEMPLATE_CACHE_BYTES,
    limitInputPixels: LIMIT_INPUT_PIXELS,
    artworkCacheBytes: config.ARTWORK_CACHE_BYTES,
    warpedLayerCacheBytes: config.WARPED_LAYER_CACHE_BYTES,
    onArtworkLookup: (result) => metrics.artworkCacheLookups.inc({ result }),
    onWarpedLayerLookup: (result) => metrics.warpedLayerLookups.inc({ result }),
  });
  registerArtworkCacheSize(metrics.registry, compositor.artworkCache);
  registerWarpedLayerCacheSize(metrics.registry, compositor.warpedLayerCache);
  registerKernelThreadsHeap(metrics.registry, pool);
  collectDefaultMetrics({ register: metrics.registry });
  const webhookQueue = createWebhookQueue(redis, config.REDIS_PREFIX);
  const batches = createBatchRecords({ db });
  const batchRenderEvents = createBatchRenderEvents({ batches });

  const processor = createRenderProcessor({
    db,
    storage,
    fetchAsset: async (url, signal) => (await outbound.fetch(url, { signal })).body,
    compositor,
    // An account alone leaves one share of job slots free: another account arriving gets its whole
    // share at once, as before, however slow the lone account's artwork hosts are.
    admission: createAccountAdmission({
      perAccount: slots.perAccount,
      whenAlone: Math.max(slots.perAccount, slots.jobs - slots.perAccount),
    }),
    composeSlots: createComposeSlots({ slots: concurrency }),
    loadTemplate: (mockupId) => loadTemplate({ db, storage }, mockupId),
    credits: createCreditsClient({
      baseUrl: config.KEY_SERVICE_URL,
      serviceToken: createServiceTokenSigner(config.SERVICE_JWT_SECRET, 'render-worker'),
    }),
    publisher: createFinishedAnnouncer({
      publisher: createResultPublisher({ redis, redisPrefix: config.REDIS_PREFIX }),
      webhookQueue,
      logger,
      batches: createBatchFinisher({ batches, webhookQueue, clock, logger }),
      batchRenderEvents,
    }),
    logger,
    clock,
    metrics,
    ...(options.outbound?.maxBytes === undefined ? {} : { maxInlineAssetBytes: options.outbound.maxBytes }),
  });

  if (options.seedBuiltIns !== false) await installBuiltInsIfMissing(db, storage, logger);

  let metricsServer;
  try {
    metricsServer = await startMetricsServer({
      registry: metrics.registry,
      port: config.METRICS_PORT,
      host: options.metricsHost ?? config.METRICS_HOST,
    });
  } catch (error) {
    await Promise.allSettled([pool.close(), webhookQueue.close(), redis.quit(), db.destroy()]);
    throw error;
  }

  const worker = createRenderWorker({
    connection: redis,
    redisPrefix: config.REDIS_PREFIX,
    handlers: { render: processor.process },
    processor,
    metrics,
    logger,
    settings: { concurrency: slots.jobs, ...options.worker },
  });
  const webhookSchedule = options.webhooks?.schedule ?? createRetrySchedule();
  const deliveries = createDeliveryStore({ db, clock });
  const webhookWorker = createWebhookWorker({
    connection: redis,
    redisPrefix: config.REDIS_PREFIX,
    deliverer: createWebhookDeliverer({
      deliveries,
      secrets: createSecretStore({ db, clock }),
      sender: createWebhookSender({
        outbound,
        ...(options.webhooks?.timeoutMs === undefined ? {} : { timeoutMs: options.webhooks.timeoutMs }),
      }),
      schedule: webhookSchedule,
      clock,
    }),
    events: createRenderWebhookEvents({
      renders: createRenderObjects({ db, storage, urlTtlSeconds: config.RESULT_URL_TTL_SECONDS }),
      deliveries,
      queue: webhookQueue,
      batchSendsRenderEvents: (batchId) => batchRenderEvents.sendsRenderEvents(batchId),
    }),
    batchEvents: createBatchWebhookEvents({ db, storage, deliveries, queue: webhookQueue, logger }),
    schedule: webhookSchedule,
    logger,
    ...(options.webhooks?.concurrency === undefined ? {} : { concurrency: options.webhooks.concurrency }),
  });

  const batchSweep = createBatchSweep({ batches, webhookQueue, clock, logger });
  batchSweep.start(BATCH_SWEEP_INTERVAL_MS);

  let demoArtwork: Promise<Buffer> | undefined;
  const importWorker = createImportWorker({
    connection: redis,
    redisPrefix: config.REDIS_PREFIX,
    importer: createMockupImporter({
      db,
      storage,
      parser: createPsdParser({ maxPixels: config.MOCKUP_MAX_PIXELS, threaded: options.psdThreads ?? true }),
      fetchAsset: async (url) => (await outbound.fetch(url)).body,
      compositor,
      demoArtwork: () => (demoArtwork ??= createDemoArtwork()),
      versions: createCatalogueVersions({ redis, redisPrefix: config.REDIS_PREFIX }),
      events: createMockupWebhookEvents({
        db,
        storage,
        urlTtlSeconds: config.RESULT_URL_TTL_SECONDS,
        deliveries,
        queue: webhookQueue,
      }),
      logger,
      maxPixels: config.MOCKUP_MAX_PIXELS,
    }),
    logger,
  });

  const running = metricsServer;
  return {
    metricsPort: running.port,
    async close(graceMs = 20_000) {
      // Current jobs get graceMs to finish; then their downloads are aborted and the jobs go back to the queue.
      // Deliveries end within their 10 s deadline, so the webhook worker just drains alongside.
      const handBack = setTimeout(() => worker.cancelAllJobs('shutting down'), graceMs);
      try {
        await Promise.all([worker.close(), webhookWorker.close(), importWorker.close(), batchSweep.stop()]);
      } finally {
        clearTimeout(handBack);
      }
      await webhookQueue.close();
      await running.close();
      await pool.close();
      await redis.quit().catch(() => redis.disconnect());
      await db.destroy();
    },
  };
}

/**
 * Generating the sample images takes seconds of CPU on this thread, which would starve BullMQ's lock
 * renewal mid-job; so it happens before the worker takes jobs, and only on a database without any
 * built-in (the gateway installs them too and keeps them current).
 */
async function installBuiltInsIfMissing(
  db: Kysely<Database>,
  storage: ObjectStorage,
  logger: Logger,
): Promise<void> {
  try {
    if (await builtInMockupsInstalled(db)) return;
    await seedBuiltInMockups({ db, storage, logger });
  } catch (error) {
    logger.warn({ err: error }, 'built-in mockups not installed');
  }
}
