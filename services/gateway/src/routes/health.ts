// Liveness and readiness. /healthz says the process answers; /readyz says it can serve: Postgres,
// Redis and the key-service each answered within a short timeout.
import { ApiError } from '@platen/contracts';
import type { Database } from '@platen/db';
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import { sql, type Kysely } from 'kysely';
import type { KeyServiceClient } from '../auth/key-service-client.js';

export type CheckResult = 'ok' | 'unavailable';

export interface HealthDeps {
  db: Kysely<Database>;
  redis: Redis;
  keyService: KeyServiceClient;
  timeoutMs?: number;
}

async function within(timeoutMs: number, probe: () => Promise<unknown>): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve('unavailable'), timeoutMs);
  });
  try {
    return await Promise.race([
      probe().then(
        () => 'ok' as const,
        () => 'unavailable' as const,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function registerHealthRoutes(
  app: Express,
  { db, redis, keyService, timeoutMs = 1_000 }: HealthDeps,
): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const [postgres, redisCheck, keyServiceCheck] = await Promise.all([
      within(timeoutMs, () => sql`select 1`.execute(db)),
      within(timeoutMs, () => redis.ping()),
      within(timeoutMs, async () => {
        if (!(await keyService.healthy(timeoutMs))) throw new Error('key-service not healthy');
      }),
    ]);
    const checks = { postgres, redis: redisCheck, key_service: keyServiceCheck };
    if (Object.values(checks).some((result) => result !== 'ok')) {
      throw new ApiError('SERVICE_UNAVAILABLE', { details: checks });
    }
    res.json({ status: 'ready', checks });
  });
}
