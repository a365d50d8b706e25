// createApp(deps): the gateway's express app. Builds middleware and routes from what it is handed;
// no I/O here or at import time (connections are opened and closed by gateway.ts). Every route is
// declared through one route registry, which validates its input and feeds /openapi.json.
import { ApiError, type Clock } from '@platen/contracts';
import { createBatchRecords, type Database } from '@platen/db';
import {
  createRouteRegistry,
  errorHandler,
  jsonBody,
  notFoundHandler,
  requestId,
  type AnyRouteSpec,
  type SessionTokens,
} from '@platen/http';
import type { RenderQueue } from '@platen/queue';
import { createReachabilityCheck, type Resolver } from '@platen/outbound';
import type { ObjectStorage, UrlSigner } from '@platen/storage';
import {
  createEndpointStore,
  createSecretStore,
  enqueueBatchEvent,
  type WebhookQueue,
} from '@platen/webhooks';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { accessLog } from './access-log.js';
import { bodyTimeout, isBodyTimedOut } from './body-timeout.js';
import { authenticate } from './auth/authenticate.js';
import { createKeyResolver } from './auth/key-resolver.js';
import type { AccountService, CreditsClient, KeyVerifier } from '@platen/key-service-client';
import type { VerifiedKeyCache } from './auth/verified-key-cache.js';
import { createLoginThrottle, type LoginThrottleLimits } from './dashboard/login-throttle.js';
import { createSessionGuard, refuseCrossSite } from './dashboard/session-guard.js';
import { createMetrics, metricsMiddleware } from './metrics.js';
import { createCatalogueVersions } from '@platen/mockups';
import { createMockupStore } from './mockups/mockup-store.js';
import { createMockupUploads } from './mockups/mockup-uploads.js';
import type { PsdUploadLimits } from './mockups/psd-upload.js';
import { createRateLimiter, rateLimit, WINDOW_NAMES } from './rate-limit.js';
import { createBatchAcceptor } from './batches/batch-acceptor.js';
import { createRenderAcceptor } from './renders/render-acceptor.js';
import { createRenderStore } from './renders/render-store.js';
import { createRenderUsage } from './renders/render-usage.js';
import { createRenderView } from './renders/render-view.js';
import type { RenderWaiter } from './renders/render-waiter.js';
import { createArchiveDownload } from './batches/archive-download.js';
import { createArchivePlans } from './batches/archive-plan.js';
import { createBatchArchiveWriter } from './batches/batch-archive.js';
import { registerBatchArchiveRoute } from './routes/batch-archive.js';
import { registerBatchRoutes } from './routes/batches.js';
import { registerDashboardApi } from './routes/dashboard-api.js';
import { DASHBOARD_PAGE_SPECS, registerDashboardPage } from './routes/dashboard-page.js';
import { registerDocsRoutes } from './routes/docs.js';
import { FILES_ROUTE_SPEC, registerFileRoute } from './routes/files.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerMetricsRoute } from './routes/metrics.js';
import { registerMockupRoutes } from './routes/mockups.js';
import { registerRenderRoutes } from './routes/renders.js';
import { registerWebhookRoutes } from './routes/webhooks.js';
import { createRedeliveryLimit } from './webhooks/redelivery-limit.js';
import { createWebhookAdmin } from './webhooks/webhook-admin.js';
import { createWebhookUrlCheck } from './webhooks/webhook-url-check.js';

/** Carries base64 artwork: 25 MB decoded is about 34 MB of base64, plus the rest of the body. */
export const RENDER_BODY_LIMIT = '35mb';
/** Every other JSON body (e.g. PATCH a mockup). */
export const SMALL_BODY_LIMIT = '64kb';

export interface AppDeps {
  logger: Logger;
  clock: Clock;
  keyPrefix: string;
  redisPrefix: string;
  db: Kysely<Database>;
  /** Command connection: rate limits, usage counters, readiness. */
  redis: Redis;
  keyService: KeyVerifier;
  keyCache: VerifiedKeyCache;
  storage: ObjectStorage;
  /** Checks `/files/*` signatures (the same signer the local storage driver signs with). */
  urlSigner: UrlSigner;
  resultUrlTtlSeconds: number;
  credits: CreditsClient;
  queue: RenderQueue;
  /** Manual redeliveries are queued here (the render-worker delivers). */
  webhookQueue: WebhookQueue;
  enqueue: (renderId: string) => Promise<void>;
  /** Queues the import job of an uploaded mockup (jobId = mockup uuid). */
  enqueueImport: (mockupId: string) => Promise<void>;
  /** PSD upload size and canvas limits (MOCKUP_UPLOAD_MAX_BYTES, MOCKUP_MAX_PIXELS). */
  uploadLimits: PsdUploadLimits;
  /** A request body that brings too little for this long is cut off with 408 (BODY_TIMEOUT_MS). */
  bodyTimeoutMs: number;
  waiter: RenderWaiter;
  /** Verifies the dashboard's session cookies (the key-service signs them). */
  sessionTokens: SessionTokens;
  /** The dashboard's way to accounts, users, keys, credits and usage (the key-service). */
  accounts: AccountService;
  /** The built dashboard page (packages/dashboard/dist/web). */
  dashboardWebRoot: string;
  /** OUTBOUND_ALLOW: webhook URLs are checked against the policy the render-worker delivers with. */
  outboundAllow: readonly string[];
  /** Resolves webhook URLs' host names when they are registered (default: the system resolver). */
  resolve?: Resolver;
  /** When set, GET /metrics needs `Authorization: Bearer <metricsToken>` (METRICS_TOKEN). */
  metricsToken?: string;
  loginLimits?: Partial<LoginThrottleLimits>;
  /** Requests per minute of one account: all its keys and dashboard renders together. */
  accountRateLimitPerMinute: number;
  /** Manual webhook redeliveries of one render per hour. */
  redeliveriesPerRenderPerHour: number;
}

export interface GatewayApp {
  app: Express;
  /** Routes declared through the registry plus those documented by hand: what /openapi.json lists. */
  documentedRoutes: () => AnyRouteSpec[];
}

export function createApp(deps: AppDeps): GatewayApp {
  const { logger, clock, keyPrefix, redisPrefix, db, redis, keyService, keyCache, storage } = deps;
  const metrics = createMetrics({
    queueDepth: async () => {
      const counts = await deps.queue.getJobCounts('waiting', 'active');
      return (counts.waiting ?? 0) + (counts.active ?? 0);
    },
  });
  const resolver = createKeyResolver({
    cache: keyCache,
    keyService,
    clock,
    onLookup: (result) => metrics.authCacheLookups.inc({ result }),
  });
  const limiter = createRateLimiter({
    redis,
    redisPrefix,
    clock,
    accountPerMinute: deps.accountRateLimitPerMinute,
  });
  const guard = [
    authenticate({ resolver, keyPrefix, clock, logger }),
    rateLimit({ limiter, metrics, logger }),
  ];
  const mockups = createMockupStore({
    db,
    storage,
    urlTtlSeconds: deps.resultUrlTtlSeconds,
    clock,
    versions: createCatalogueVersions({ redis, redisPrefix }),
  });
  const uploads = createMockupUploads({
    mockups,
    storage,
    enqueueImport: deps.enqueueImport,
    limits: deps.uploadLimits,
    isBodyTimedOut,
    logger,
  });
  const renders = createRenderStore({ db });
  const checkWebhookUrl = createWebhookUrlCheck(
    createReachabilityCheck({
      allow: deps.outboundAllow,
      ...(deps.resolve ? { resolve: deps.resolve } : {}),
    }),
  );
  const accept = createRenderAcceptor({
    store: renders,
    storage,
    credits: deps.credits,
    enqueue: deps.enqueue,
    usage: createRenderUsage({ redis, redisPrefix }),
    clock,
    logger,
    checkWebhookUrl,
    onAccepted: () => metrics.rendersAccepted.inc(),
  });
  const batches = createBatchRecords({ db });
  const acceptBatch = createBatchAcceptor({
    batches,
    renders,
    storage,
    credits: deps.credits,
    enqueue: deps.enqueue,
    queueBatchEvent: (batchId) => enqueueBatchEvent(deps.webhookQueue, { batch_id: batchId }),
    usage: createRenderUsage({ redis, redisPrefix }),
    clock,
    logger,
    checkWebhookUrl,
    onAccepted: (count) => metrics.rendersAccepted.inc(count),
  });

  const app = express();
  app.disable('x-powered-by');
  app.use(
    helmet({
      // JSON answers load nothing; the HTML pages (/docs, /dashboard) set their own policy.
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      },
      // Result images (signed /files URLs) are embedded by the customers' own sites.
      crossOriginResourcePolicy: { policy: 'cross-origin' },
    }),
  );
  app.use(requestId());
  app.use(metricsMiddleware(metrics));
  app.use(accessLog(logger, keyPrefix));
  app.use(bodyTimeout({ timeoutMs: deps.bodyTimeoutMs }));

  const registry = createRouteRegistry();
  const router = express.Router();
  const extraSpecs = [FILES_ROUTE_SPEC, ...DASHBOARD_PAGE_SPECS];
  const view = createRenderView({ storage, urlTtlSeconds: deps.resultUrlTtlSeconds });
  const webhooks = createWebhookAdmin({
    endpoints: createEndpointStore({ db, clock }),
    secrets: createSecretStore({ db, clock }),
    queue: deps.webhookQueue,
    renderExists: async (accountId, renderId) => (await renders.find(accountId, renderId)) !== undefined,
    checkUrl: checkWebhookUrl,
  });
  registerHealthRoutes(registry, router, { db, redis, keyService });
  registerMetricsRoute(registry, router, metrics, deps.metricsToken);
  registerDocsRoutes({ registry, router, extraSpecs, version: '1.0.0' });
  registerFileRoute(router, { storage, signer: deps.urlSigner, clock });
  registerMockupRoutes({
    registry,
    router,
    guard,
    jsonBody: jsonBody({ limit: SMALL_BODY_LIMIT }),
    uploadJsonBody: jsonBody({ limit: RENDER_BODY_LIMIT }),
    mockups,
    uploads,
  });
  registerRenderRoutes({
    registry,
    router,
    guard,
    jsonBody: jsonBody({ limit: RENDER_BODY_LIMIT }),
    mockups,
    renders,
    accept,
    view,
    waiter: deps.waiter,
  });
  registerBatchRoutes({
    registry,
    router,
    guard,
    jsonBody: jsonBody({ limit: RENDER_BODY_LIMIT }),
    mockups,
    batches,
    accept: acceptBatch,
    waiter: deps.waiter,
  });
  const downloadArchive = createArchiveDownload({
    plans: createArchivePlans({ db }),
    writeArchive: createBatchArchiveWriter({ storage, clock }),
    logger,
  });
  registerBatchArchiveRoute({ registry, router, guard, download: downloadArchive });
  registerWebhookRoutes({
    registry,
    router,
    guard,
    jsonBody: jsonBody({ limit: SMALL_BODY_LIMIT }),
    webhooks,
    limitRedelivery: createRedeliveryLimit({
      redis,
      redisPrefix,
      perHour: deps.redeliveriesPerRenderPerHour,
    }),
  });
  registerDashboardApi({
    registry,
    router,
    guard: createSessionGuard({
      tokens: deps.sessionTokens,
      accounts: deps.accounts,
      redis,
      redisPrefix,
      clock,
      logger,
    }),
    sameSite: refuseCrossSite(),
    jsonBody: jsonBody({ limit: SMALL_BODY_LIMIT }),
    renderBody: jsonBody({ limit: RENDER_BODY_LIMIT }),
    accounts: deps.accounts,
    throttle: createLoginThrottle({
      redis,
      redisPrefix,
      clock,
      ...(deps.loginLimits ? { limits: deps.loginLimits } : {}),
    }),
    limitAccount: async (accountId) => {
      const { allowed, account } = await limiter.consumeAccount(accountId);
      if (allowed) return;
      metrics.rateLimitRejections.inc({ window: WINDOW_NAMES.account });
      throw new ApiError('RATE_LIMIT_EXCEEDED', {
        details: { limit: account.limit, window: WINDOW_NAMES.account, retry_after: account.resetSeconds },
      });
    },
    onPasswordCheck: () => metrics.passwordChecks.inc(),
    mockups,
    uploads,
    renders,
    accept,
    view,
    webhooks,
    batches,
    downloadArchive,
  });
  registerDashboardPage(router, { webRoot: deps.dashboardWebRoot });
  app.use(router);

  app.use(notFoundHandler());
  app.use(errorHandler(logger));
  return { app, documentedRoutes: () => [...registry.specs, ...extraSpecs] };
}
