// Liveness and readiness. /healthz says the process answers; /readyz says it can serve: Postgres and
// Redis answered within a short timeout. The key-service is checked and reported too, but its outage
// makes the gateway "degraded", not unready: cached keys keep working (docs/api.md), and failing readiness
// would take every replica out of the load balancer at once and turn that into a full outage.
import { ApiError } from '@platen/contracts';
import type { Database } from '@platen/db';
import type { RouteRegistry } from '@platen/http';
import type { Router } from 'express';
import { z } from 'zod';
import type { Redis } from 'ioredis';
import { sql, type Kysely } from 'kysely';
import type { KeyVerifier } from '@platen/key-service-client';

export type CheckResult = 'ok' | 'unavailable';

export interface HealthDeps {
  db: Kysely<Database>;
  redis: Redis;
  keyService: KeyVerifier;
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

const readinessSchema = z.object({
  status: z.enum(['ready', 'degraded']),
  checks: z.object({
    postgres: z.enum(['ok', 'unavailable']),
    redis: z.enum(['ok', 'unavailable']),
    key_service: z.enum(['ok', 'unavailable']),
  }),
});

export function registerHealthRoutes(
  registry: RouteRegistry,
  router: Router,
  { db, redis, keyService, timeoutMs = 1_000 }: HealthDeps,
): void {
  registry.add(
    router,
    {
      method: 'get',
      path: '/healthz',
      summary: 'Liveness: the process answers',
      tags: ['operations'],
      security: 'none',
      responses: { 200: { description: 'Alive', schema: z.object({ status: z.literal('ok') }) } },
    },
    [],
    (_input, _req, res) => {
      res.json({ status: 'ok' });
    },
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/readyz',
      summary: 'Readiness: Postgres and Redis answer (key-service reported; its outage only degrades)',
      tags: ['operations'],
      security: 'none',
      responses: {
        200: {
          description: 'Ready, or degraded when only the key-service is unreachable',
          schema: readinessSchema,
        },
      },
      errors: ['SERVICE_UNAVAILABLE'],
    },
    [],
    async (_input, _req, res) => {
      const [postgres, redisCheck, keyServiceCheck] = await Promise.all([
        within(timeoutMs, () => sql`select 1`.execute(db)),
        within(timeoutMs, () => redis.ping()),
        within(timeoutMs, async () => {
          if (!(await keyService.healthy(timeoutMs))) throw new Error('key-service not healthy');
        }),
      ]);
      const checks = { postgres, redis: redisCheck, key_service: keyServiceCheck };
      if (postgres !== 'ok' || redisCheck !== 'ok') {
        throw new ApiError('SERVICE_UNAVAILABLE', { details: checks });
      }
      res.json({ status: keyServiceCheck === 'ok' ? 'ready' : 'degraded', checks });
    },
  );
}
