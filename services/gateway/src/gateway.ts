// The composition root shared by main.ts and the service tests: opens Postgres (migrating schema
// `renders` and installing the built-in mockups), Redis connections (commands; revocation and
// render.finished subscribers; the render queue), storage and the key-service clients, serves
// createApp(), and closes all of it in order: stop accepting, finish in-flight requests, then drop
// connections.
import type { GatewayConfig } from '@platen/config';
import { createSystemClock, type Clock } from '@platen/contracts';
import { createDb, migrateSchema } from '@platen/db';
import { createServiceTokenSigner, createSessionTokens, listen, type AnyRouteSpec } from '@platen/http';
import { createKeyServiceClient, type BreakerOptions } from '@platen/key-service-client';
import { dashboardWebRoot } from '@platen/dashboard';
import { seedBuiltInMockups, type SeedBuiltInMockupsDeps } from '@platen/mockups';
import {
  channelName,
  CHANNELS,
  createImportQueue,
  createRenderQueue,
  enqueueImport,
  enqueueRender,
} from '@platen/queue';
import type { Resolver } from '@platen/outbound';
import { createResultUrlSigner, createStorage, type ObjectStorage } from '@platen/storage';
import { createWebhookQueue } from '@platen/webhooks';
import type { Express } from 'express';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { createRevocationSubscriber } from './auth/revocation-subscriber.js';
import { createVerifiedKeyCache, type VerifiedKeyCacheOptions } from './auth/verified-key-cache.js';
import type { LoginThrottleLimits } from './dashboard/login-throttle.js';
import { createRenderWaiter } from './renders/render-waiter.js';

/** A dead Redis must answer fast (the rate limit then fails closed), and be found again by itself. */
const commandRedisOptions = (connectionName: string): RedisOptions => ({
  connectionName,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 1_000,
  connectTimeout: 2_000,
  retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
});

const subscriberRedisOptions = (connectionName: string): RedisOptions => ({
  connectionName,
  lazyConnect: true,
  autoResubscribe: false,
  connectTimeout: 2_000,
  retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
});

export interface GatewayOptions {
  logger: Logger;
  clock?: Clock;
  cache?: Omit<VerifiedKeyCacheOptions, 'clock'>;
  keyService?: { timeoutMs?: number; breaker?: Partial<BreakerOptions> };
  /** Time in-flight requests get to finish on close. */
  drainMs?: number;
  /** The built-in templates to install on start (default: the compositor's samples). */
  builtInSamples?: SeedBuiltInMockupsDeps['samples'];
  /** A Redis for the render queue alone (default REDIS_URL): lets a test break only the queue. */
  queueRedisUrl?: string;
  /** The built dashboard page (default: packages/dashboard/dist/web). */
  dashboardWebRoot?: string;
  /** Failed-login limits of the dashboard (default DEFAULT_LOGIN_LIMITS). */
  /** Resolves webhook URLs' host names when they are registered (default: the system resolver). */
  resolve?: Resolver;
  loginLimits?: Partial<LoginThrottleLimits>;
  /** Wraps the storage driver made from config (a test that holds back one object's read). */
  wrapStorage?: (storage: ObjectStorage) => ObjectStorage;
}

export interface RunningGateway {
  port: number;
  /** True while revocations are being received (and the verified-key cache is in use). */
  readonly revocationsSubscribed: boolean;
  /** The express app and what /openapi.json documents: for the test that compares the two. */
  app: Express;
  documentedRoutes(): AnyRouteSpec[];
  close(): Promise<void>;
}

export async function startGateway(config: GatewayConfig, options: GatewayOptions): Promise<RunningGateway> {
  const { logger, clock = createSystemClock(), drainMs = 10_000 } = options;
  const prefix = config.REDIS_PREFIX;
  const db = createDb({ url: config.DATABASE_URL, applicationName: 'platen-gateway' });
  const urlSigner = createResultUrlSigner(config.SERVICE_JWT_SECRET);
  const driver = createStorage(config, urlSigner);
  const storage = options.wrapStorage ? options.wrapStorage(driver) : driver;
  try {
    await migrateSchema(db, 'renders');
    await seedBuiltInMockups({
      db,
      storage,
      logger,
      ...(options.builtInSamples ? { samples: options.builtInSamples } : {}),
    });
  } catch (error) {
    await db.destroy();
    throw error;
  }

  const redis = new Redis(config.REDIS_URL, commandRedisOptions(`${prefix}:gateway`));
  redis.on('error', (error: Error) => logger.debug({ err: error }, 'redis connection error'));
  const queueRedis = new Redis(options.queueRedisUrl ?? config.REDIS_URL, {
    ...commandRedisOptions(`${prefix}:gateway-queue`),
    commandTimeout: 3_000,
  });
  queueRedis.on('error', (error: Error) => logger.debug({ err: error }, 'queue redis connection error'));
  const queue = createRenderQueue(queueRedis, prefix);
  queue.on('error', (error: Error) => logger.debug({ err: error }, 'render queue error'));
  const importQueue = createImportQueue(queueRedis, prefix);
  importQueue.on('error', (error: Error) => logger.debug({ err: error }, 'import queue error'));
  const webhookQueue = createWebhookQueue(queueRedis, prefix);
  webhookQueue.on('error', (error: Error) => logger.debug({ err: error }, 'webhook queue error'));
  const serviceToken = createServiceTokenSigner(config.SERVICE_JWT_SECRET, 'gateway');
  // One client for verification (behind the breaker), credits and the dashboard's account calls.
  const keyService = createKeyServiceClient({
    baseUrl: config.KEY_SERVICE_URL,
    serviceToken,
    logger,
    breaker: options.keyService?.breaker ?? {},
    ...(options.keyService?.timeoutMs === undefined
      ? {}
      : { timeoutMs: { verify: options.keyService.timeoutMs } }),
  });
  const keyCache = createVerifiedKeyCache({ clock, ...options.cache });
  const revocations = createRevocationSubscriber({
    redis: new Redis(config.REDIS_URL, subscriberRedisOptions(`${prefix}:gateway-revocations`)),
    channel: channelName(prefix, CHANNELS.keyRevoked),
    cache: keyCache,
    logger,
  });
  revocations.start();
  const waiter = createRenderWaiter({
    redis: new Redis(config.REDIS_URL, {
      ...subscriberRedisOptions(`${prefix}:gateway-render-events`),
      autoResubscribe: true,
      lazyConnect: false,
    }),
    channel: channelName(prefix, CHANNELS.renderFinished),
    logger,
  });
  waiter.start();

  const { app, documentedRoutes } = createApp({
    logger,
    clock,
    keyPrefix: config.KEY_PREFIX,
    redisPrefix: prefix,
    db,
    redis,
    keyService,
    keyCache,
    storage,
    urlSigner,
    resultUrlTtlSeconds: config.RESULT_URL_TTL_SECONDS,
    credits: keyService,
    queue,
    webhookQueue,
    enqueue: (renderId) => enqueueRender(queue, renderId),
    enqueueImport: (mockupId) => enqueueImport(importQueue, mockupId),
    uploadLimits: { maxBytes: config.MOCKUP_UPLOAD_MAX_BYTES, maxPixels: config.MOCKUP_MAX_PIXELS },
    bodyTimeoutMs: config.BODY_TIMEOUT_MS,
    waiter,
    // Verification only: the key-service issues the tokens and sets their lifetime.
    sessionTokens: createSessionTokens(config.SERVICE_JWT_SECRET, { ttlSeconds: 0 }),
    accounts: keyService,
    dashboardWebRoot: options.dashboardWebRoot ?? dashboardWebRoot(),
    ...(options.loginLimits ? { loginLimits: options.loginLimits } : {}),
    outboundAllow: config.OUTBOUND_ALLOW,
    ...(options.resolve ? { resolve: options.resolve } : {}),
    ...(config.METRICS_TOKEN ? { metricsToken: config.METRICS_TOKEN } : {}),
    accountRateLimitPerMinute: config.ACCOUNT_RATE_LIMIT_PER_MINUTE,
    redeliveriesPerRenderPerHour: config.WEBHOOK_REDELIVERIES_PER_RENDER_PER_HOUR,
  });

  async function closeConnections(): Promise<void> {
    await waiter.close();
    await revocations.close();
    keyService.close();
    await queue.close().catch(() => undefined);
    await importQueue.close().catch(() => undefined);
    await webhookQueue.close().catch(() => undefined);
    await queueRedis.quit().catch(() => queueRedis.disconnect());
    await redis.quit().catch(() => redis.disconnect());
    await db.destroy();
  }

  let server;
  try {
    server = await listen(app, config.PORT, config.HOST);
  } catch (error) {
    await closeConnections();
    throw error;
  }
  const running = server;
  // Headers that trickle in are cut off like a body (node checks this every 30 s by default).
  // Since Node 18 this clock starts at a request's first byte, not when a kept-alive socket goes
  // idle, so it need not exceed keepAliveTimeout (the old advice) and stays short.
  running.server.headersTimeout = Math.min(config.BODY_TIMEOUT_MS, running.server.requestTimeout || Infinity);
  running.server.keepAliveTimeout = config.KEEP_ALIVE_TIMEOUT_MS;
  return {
    port: running.port,
    get revocationsSubscribed() {
      return revocations.subscribed;
    },
    app,
    documentedRoutes,
    async close() {
      // Requests held by ?wait=N answer at once (202) instead of holding the shutdown.
      await waiter.close();
      // listen().close() closes the connections idle at that moment; one whose in-flight answer
      // ends later would stay open until the client drops it. Close each as soon as it goes idle.
      const sweep = setInterval(() => running.server.closeIdleConnections(), 50);
      try {
        await running.close(drainMs);
      } finally {
        clearInterval(sweep);
      }
      await closeConnections();
    },
  };
}
