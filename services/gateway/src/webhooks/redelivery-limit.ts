// Manual webhook redeliveries are limited per render (per account and render id, so another
// account's guesses at a uuid cannot use up this account's budget): each one queues an outbound
// request, which must not be free and unlimited. A fixed window in Redis, counted atomically.
import { ApiError } from '@platen/contracts';
import { redisKey } from '@platen/queue';
import type { Redis } from 'ioredis';

const HOUR_MS = 3_600_000;

// KEYS: counter. ARGV: limit, window ms. Returns {1, 0} when counted, else {0, ms to wait}.
const SCRIPT = `
if tonumber(redis.call('GET', KEYS[1]) or '0') >= tonumber(ARGV[1]) then
  return {0, redis.call('PTTL', KEYS[1])}
end
if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {1, 0}
`;

/** Counts one redelivery of the render; rejects with 429 RATE_LIMIT_EXCEEDED past `perHour`. */
export type RedeliveryLimit = (accountId: string, renderId: string) => Promise<void>;

export function createRedeliveryLimit({
  redis,
  redisPrefix,
  perHour,
}: {
  redis: Redis;
  redisPrefix: string;
  perHour: number;
}): RedeliveryLimit {
  return async (accountId, renderId) => {
    let reply: unknown;
    try {
      const key = redisKey(redisPrefix, 'ratelimit', 'redeliver', accountId, renderId);
      reply = await redis.eval(SCRIPT, 1, key, perHour, HOUR_MS);
    } catch (error) {
      throw new ApiError('SERVICE_UNAVAILABLE', { cause: error });
    }
    const [counted, waitMs] = reply as [number, number];
    if (counted === 1) return;
    throw new ApiError('RATE_LIMIT_EXCEEDED', {
      message: 'Too many redeliveries of this render: try again later',
      details: { limit: perHour, window: '1h', retry_after: Math.max(1, Math.ceil(waitMs / 1000)) },
    });
  };
}
