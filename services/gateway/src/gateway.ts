// The composition root shared by main.ts and the service tests: opens Postgres, two Redis
// connections (commands; revocation subscriber) and the key-service client, serves createApp(), and
// closes all of it in order: stop accepting, finish in-flight requests, then drop connections.
import type { GatewayConfig } from '@platen/config';
import { createDb } from '@platen/db';
import { createServiceTokenSigner, listen } from '@platen/http';
import { channelName, CHANNELS } from '@platen/queue';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { createKeyServiceClient, type BreakerOptions } from './auth/key-service-client.js';
import { createRevocationSubscriber } from './auth/revocation-subscriber.js';
import { createVerifiedKeyCache, type VerifiedKeyCacheOptions } from './auth/verified-key-cache.js';
import { createSystemClock, type Clock } from './clock.js';

/** A dead Redis must answer fast (the rate limit then fails closed), and be found again by itself. */
const commandRedisOptions = (redisPrefix: string): RedisOptions => ({
  connectionName: `${redisPrefix}:gateway`,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 1_000,
  connectTimeout: 2_000,
  retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
});

const subscriberRedisOptions = (redisPrefix: string): RedisOptions => ({
  connectionName: `${redisPrefix}:gateway-revocations`,
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
}

export interface RunningGateway {
  port: number;
  /** True while revocations are being received (and the verified-key cache is in use). */
  readonly revocationsSubscribed: boolean;
  close(): Promise<void>;
}

export async function startGateway(config: GatewayConfig, options: GatewayOptions): Promise<RunningGateway> {
  const { logger, clock = createSystemClock(), drainMs = 10_000 } = options;
  const db = createDb({ url: config.DATABASE_URL, applicationName: 'platen-gateway' });
  const redis = new Redis(config.REDIS_URL, commandRedisOptions(config.REDIS_PREFIX));
  redis.on('error', (error: Error) => logger.debug({ err: error }, 'redis connection error'));
  const keyService = createKeyServiceClient({
    baseUrl: config.KEY_SERVICE_URL,
    serviceToken: createServiceTokenSigner(config.SERVICE_JWT_SECRET, 'gateway'),
    logger,
    ...options.keyService,
  });
  const keyCache = createVerifiedKeyCache({ clock, ...options.cache });
  const revocations = createRevocationSubscriber({
    redis: new Redis(config.REDIS_URL, subscriberRedisOptions(config.REDIS_PREFIX)),
    channel: channelName(config.REDIS_PREFIX, CHANNELS.keyRevoked),
    cache: keyCache,
    logger,
  });
  revocations.start();

  const app = createApp({
    logger,
    clock,
    keyPrefix: config.KEY_PREFIX,
    redisPrefix: config.REDIS_PREFIX,
    db,
    redis,
    keyService,
    keyCache,
  });

  async function closeConnections(): Promise<void> {
    await revocations.close();
    keyService.close();
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
  return {
    port: running.port,
    get revocationsSubscribed() {
      return revocations.subscribed;
    },
    async close() {
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
