// What one CLI invocation opens, with the same environment as `npm start`: Postgres (attached, or
// started embedded and stopped again), quiet migrations of `keys` and `renders`, and Redis only for
// commands that revoke, rotate or set a password, and only when one is configured or running (else
// nobody listens).
import type { LocalStackConfig } from '@platen/config';
import type { Clock } from '@platen/contracts';
import { createDb, migrateSchema } from '@platen/db';
import { openPostgres, openRedis, type OpenedService } from '@platen/local-stack';
import { Redis } from 'ioredis';
import {
  createRevocationPublisher,
  createSilentRevocationPublisher,
  type RevocationPublisher,
} from '../revocation-publisher.js';
import { createStores } from '../stores.js';
import type { CommandContext } from './command.js';

export interface CliSession {
  context: CommandContext;
  close(): Promise<void>;
}

export interface CliSessionOptions {
  config: LocalStackConfig;
  clock: Clock;
  publishes: boolean;
  log: (line: string) => void;
}

async function connectPublisher(
  config: LocalStackConfig,
  log: (line: string) => void,
  cleanup: (step: () => Promise<unknown>) => void,
): Promise<RevocationPublisher> {
  const opened = await openRedis(config, log);
  if (!opened) return createSilentRevocationPublisher();
  cleanup(() => opened.close());
  const redis = new Redis(opened.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined); // reported below, once
  cleanup(() => Promise.resolve(redis.disconnect()));
  try {
    await redis.connect();
  } catch (error) {
    log(
      `warning: Redis unreachable (${(error as Error).message}); gateways learn of it later (a key when their cache entry ages out, a new password at each old session's next refresh)`,
    );
    return createSilentRevocationPublisher();
  }
  return createRevocationPublisher({
    redis,
    redisPrefix: config.REDIS_PREFIX,
    onError: (error) => log(`warning: revocation event not published: ${(error as Error).message}`),
  });
}

export async function openCliSession({
  config,
  clock,
  publishes,
  log,
}: CliSessionOptions): Promise<CliSession> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const cleanup = (step: () => Promise<unknown>) => cleanups.unshift(step);
  const close = async () => {
    for (const step of cleanups) await step().catch(() => undefined);
  };
  try {
    const postgres: OpenedService = await openPostgres(config, log);
    cleanup(() => postgres.close());
    const db = createDb({ url: postgres.url, maxConnections: 2, applicationName: 'platen-cli' });
    cleanup(() => db.destroy());
    const migrated = [...(await migrateSchema(db, 'keys')), ...(await migrateSchema(db, 'renders'))];
    const publisher = publishes
      ? await connectPublisher(config, log, cleanup)
      : createSilentRevocationPublisher();
    const stores = createStores({ db, clock, keyPrefix: config.KEY_PREFIX, publisher });
    return { context: { stores, clock, migrated }, close };
  } catch (error) {
    await close();
    throw error;
  }
}
