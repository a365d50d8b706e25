// The key-service process: read config once, migrate schema `keys`, serve the internal API, and shut
// down cleanly on SIGTERM/SIGINT. Redis may come and go; the process keeps reconnecting, never crashes.
import { keyServiceConfigSchema, parseEnvOrExit } from '@platen/config';
import { createSystemClock } from '@platen/contracts';
import { createDb, migrateSchema } from '@platen/db';
import { createLogger, createSessionTokens, listen } from '@platen/http';
import { Redis } from 'ioredis';
import { createApp } from './app.js';
import { boundHasher } from './hash-slots.js';
import { createKeyVerifier } from './key-verifier.js';
import { createPasswordHasher } from './password-hasher.js';
import { createReadinessCheck } from './readiness.js';
import { createRevocationPublisher } from './revocation-publisher.js';
import { createStores } from './stores.js';
import { createUsageFlusher } from './usage-flusher.js';

// The process boundary: the environment is handed to packages/config here and read nowhere else.
const config = parseEnvOrExit(keyServiceConfigSchema, process.env, 'key-service');
const logger = createLogger({ name: 'key-service', level: config.LOG_LEVEL });

const db = createDb({ url: config.DATABASE_URL, applicationName: 'key-service' });
const migrated = await migrateSchema(db, 'keys');
if (migrated.length > 0) logger.info({ migrated }, 'migrations applied');

// No offline queue: while Redis is away a publish fails at once (and is logged) instead of piling up.
const redis = new Redis(config.REDIS_URL, {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
});
let redisDown = false;
redis.on('error', (error: Error) => {
  if (!redisDown) logger.warn({ err: error }, 'redis unavailable, reconnecting');
  redisDown = true;
});
redis.on('ready', () => {
  if (redisDown) logger.info('redis reconnected');
  redisDown = false;
});

const clock = createSystemClock();
const publisher = createRevocationPublisher({
  redis,
  redisPrefix: config.REDIS_PREFIX,
  onError: (error, event) => logger.error({ err: error, event }, 'revocation event not published'),
});
const defaultLimits = {
  per_minute: config.DEFAULT_RATE_LIMIT_PER_MINUTE,
  per_day: config.DEFAULT_RATE_LIMIT_PER_DAY,
};
const app = createApp({
  stores: createStores({
    db,
    clock,
    keyPrefix: config.KEY_PREFIX,
    publisher,
    hasher: boundHasher(createPasswordHasher(), {
      concurrency: config.PASSWORD_HASH_CONCURRENCY,
      queue: config.PASSWORD_HASH_QUEUE,
    }),
    maxActiveKeys: config.MAX_ACTIVE_KEYS_PER_ACCOUNT,
  }),
  verifier: createKeyVerifier({ db, clock, keyPrefix: config.KEY_PREFIX, defaultLimits }),
  readiness: createReadinessCheck({ db, redis }),
  serviceJwtSecret: config.SERVICE_JWT_SECRET,
  defaultLimits,
  signupCredits: config.SIGNUP_CREDITS,
  sessions: createSessionTokens(config.SERVICE_JWT_SECRET, {
    ttlSeconds: config.DASHBOARD_SESSION_TTL_SECONDS,
  }),
  clock,
  logger,
});

const server = await listen(app, config.KEY_SERVICE_PORT, config.KEY_SERVICE_HOST);
logger.info({ port: server.port, host: config.KEY_SERVICE_HOST }, 'key-service listening');

// Gateways count usage in Redis; it reaches Postgres (key list, dashboard) within this interval.
const USAGE_FLUSH_INTERVAL_MS = 5_000;
const usageFlusher = createUsageFlusher({ db, redis, redisPrefix: config.REDIS_PREFIX, logger });
usageFlusher.start(USAGE_FLUSH_INTERVAL_MS);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'key-service stopping');
  await server.close();
  await usageFlusher.stop();
  redis.disconnect();
  await db.destroy();
  process.exit(0);
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => void shutdown(signal));
}
