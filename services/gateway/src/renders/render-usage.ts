// Counts an accepted render in the key's usage hash for the UTC day (renders, credits) and marks the
// hash dirty, as the rate-limit script does for requests; the key-service flushes it to Postgres.
import { usageDirtySet, usageKey, USAGE_FIELDS, USAGE_RETENTION_SECONDS, utcDay } from '@platen/queue';
import type { Redis } from 'ioredis';

export type RenderUsage = (keyId: string, credits: number, now: Date) => Promise<void>;

export function createRenderUsage({
  redis,
  redisPrefix,
}: {
  redis: Redis;
  redisPrefix: string;
}): RenderUsage {
  return async (keyId, credits, now) => {
    const hash = usageKey(redisPrefix, keyId, utcDay(now));
    await redis
      .multi()
      .hincrby(hash, USAGE_FIELDS.renders, 1)
      .hincrby(hash, USAGE_FIELDS.credits, credits)
      .expire(hash, USAGE_RETENTION_SECONDS)
      .sadd(usageDirtySet(redisPrefix), hash)
      .exec();
  };
}
