// Readiness: the key-service can serve when Postgres answers `select 1` and Redis answers PING.
// Each probe is bounded, so a hung dependency makes /readyz answer 503 instead of hanging.
import type { Database } from '@platen/db';
import type { Redis } from 'ioredis';
import { sql, type Kysely } from 'kysely';

export type ProbeResult = 'ok' | 'unavailable';

export interface Readiness {
  ready: boolean;
  checks: { postgres: ProbeResult; redis: ProbeResult };
}

export interface ReadinessDeps {
  db: Kysely<Database>;
  redis: Redis;
  timeoutMs?: number;
}

async function probe(run: () => Promise<unknown>, timeoutMs: number): Promise<ProbeResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ProbeResult>((resolve) => {
    timer = setTimeout(() => resolve('unavailable'), timeoutMs);
  });
  const attempt = run().then(
    (): ProbeResult => 'ok',
    (): ProbeResult => 'unavailable',
  );
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function createReadinessCheck({
  db,
  redis,
  timeoutMs = 2_000,
}: ReadinessDeps): () => Promise<Readiness> {
  return async () => {
    const [postgres, redisResult] = await Promise.all([
      probe(() => sql`select 1`.execute(db), timeoutMs),
      probe(() => redis.ping(), timeoutMs),
    ]);
    return { ready: postgres === 'ok' && redisResult === 'ok', checks: { postgres, redis: redisResult } };
  };
}
