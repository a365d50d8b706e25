// Counts an accepted render in the key's usage hash for the UTC day (renders, credits) and marks the
// hash dirty, as the rate-limit script does for requests; the key-service flushes it to Postgres.
import { usageDirtySet, usageKey, USAGE_FIELDS, USAGE_RETENTION_SECONDS, utcDay } from '@platen/queue';
import type { Redis } from 'ioredis';

/** `renders`: how many renders the credits are for (a batch counts all of its renders at once). */
export type RenderUsage = (keyId: string, credits: number, now: Date, renders?: number) => Promise<void>;

export function createRenderUsage({
  redis,
  redisPrefix,
}: {
  redis: Redis;
  redisPrefix: string;
}): RenderUsage {
  return async (keyId, credits, now, renders = 1) => {
    const hash = usageKey(redisPrefix, keyId, utcDay(now));
    await redis
      .multi()
      .hincrby(hash, USAGE_FIELDS.renders, renders)
      .hincrby(hash, USAGE_FIELDS.credits, credits)
      .expire(hash, USAGE_RETENTION_SECONDS)
      .sadd(usageDirtySet(redisPrefix), hash)
      .exec();
  };
}
