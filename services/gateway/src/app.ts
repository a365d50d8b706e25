// createApp(deps): the gateway's express app. Builds middleware and routes from what it is handed;
// no I/O here or at import time (connections are opened and closed by gateway.ts).
import type { Database } from '@platen/db';
import { errorHandler, notFoundHandler, requestId } from '@platen/http';
import express, { type Express } from 'express';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { accessLog } from './access-log.js';
import { authenticate } from './auth/authenticate.js';
import { createKeyResolver } from './auth/key-resolver.js';
import type { KeyServiceClient } from './auth/key-service-client.js';
import type { VerifiedKeyCache } from './auth/verified-key-cache.js';
import type { Clock } from './clock.js';
import { createMetrics, metricsMiddleware } from './metrics.js';
import { createBuiltinMockupCatalogue, type MockupCatalogue } from './mockups/mockup-catalogue.js';
import { createRateLimiter, rateLimit } from './rate-limit.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerMetricsRoute } from './routes/metrics.js';
import { registerMockupRoutes } from './routes/mockups.js';

export interface AppDeps {
  logger: Logger;
  clock: Clock;
  keyPrefix: string;
  redisPrefix: string;
  db: Kysely<Database>;
  /** Command connection: rate limits, usage counters, readiness. */
  redis: Redis;
  keyService: KeyServiceClient;
  keyCache: VerifiedKeyCache;
  mockups?: MockupCatalogue;
}

export function createApp(deps: AppDeps): Express {
  const { logger, clock, keyPrefix, redisPrefix, db, redis, keyService, keyCache } = deps;
  const metrics = createMetrics();
  const resolver = createKeyResolver({
    cache: keyCache,
    keyService,
    clock,
    onLookup: (result) => metrics.authCacheLookups.inc({ result }),
  });
  const guard = [
    authenticate({ resolver, keyPrefix, clock, logger }),
    rateLimit({ limiter: createRateLimiter({ redis, redisPrefix, clock }), metrics, logger }),
  ];

  const app = express();
  app.disable('x-powered-by');
  app.use(requestId());
  app.use(metricsMiddleware(metrics));
  app.use(accessLog(logger, keyPrefix));

  registerHealthRoutes(app, { db, redis, keyService });
  registerMetricsRoute(app, metrics);
  registerMockupRoutes(app, { guard, catalogue: deps.mockups ?? createBuiltinMockupCatalogue() });

  app.use(notFoundHandler());
  app.use(errorHandler(logger));
  return app;
}
