// Failed dashboard logins are limited per email and per client address (shared by every replica, in
// Redis): past the limit a login is refused before any password work, with Retry-After, until the
// window that counted the failures ends. Sign-ups have their own per-address limit, so one client
// cannot mint accounts in a loop. Redis down: refuse (503), as the API's rate limits do.
import { createHash } from 'node:crypto';
import { ApiError } from '@platen/contracts';
import type { Redis } from 'ioredis';

export interface LoginThrottleLimits {
  /** Failed logins per email per window. */
  perEmail: number;
  /** Failed logins per client address per window. */
  perAddress: number;
  /** Sign-ups per client address per window. */
  signUpsPerAddress: number;
  windowSeconds: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginThrottleLimits = {
  perEmail: 5,
  perAddress: 20,
  signUpsPerAddress: 10,
  windowSeconds: 15 * 60,
};

export interface LoginThrottle {
  /** Rejects with 429 RATE_LIMIT_EXCEEDED while the email's or the address's failures are at the limit. */
  checkLogin(email: string, address: string): Promise<void>;
  countFailedLogin(email: string, address: string): Promise<void>;
  /** Counts a sign-up attempt; rejects with 429 past the address's limit. */
  countSignUp(address: string): Promise<void>;
}

// KEYS: counters. ARGV: window ms. Each counter starts its window on its first count.
const COUNT_SCRIPT = `
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
end
return 0
`;

function tooMany(waitMs: number, message: string): ApiError {
  const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
  return new ApiError('RATE_LIMIT_EXCEEDED', { message, details: { retry_after: retryAfter } });
}

export function createLoginThrottle({
  redis,
  redisPrefix,
  limits = DEFAULT_LOGIN_LIMITS,
}: {
  redis: Redis;
  redisPrefix: string;
  limits?: LoginThrottleLimits;
}): LoginThrottle {
  const root = `${redisPrefix}:dashboard`;
  // Hashed: the email is personal data and has no business in Redis key listings.
  const emailKey = (email: string) =>
    `${root}:login:email:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;
  const addressKey = (address: string) => `${root}:login:address:${address}`;
  const signUpKey = (address: string) => `${root}:signup:address:${address}`;

  async function redisCall<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new ApiError('SERVICE_UNAVAILABLE', { cause: error });
    }
  }

  /** Count and remaining window (ms) of each counter. */
  async function read(keys: string[]): Promise<Array<{ count: number; ttlMs: number }>> {
    const pipeline = redis.multi();
    for (const key of keys) pipeline.get(key).pttl(key);
    const results = await redisCall(() => pipeline.exec());
    if (!results || results.some(([error]) => error)) throw new ApiError('SERVICE_UNAVAILABLE');
    return keys.map((_key, index) => ({
      count: Number(results[index * 2]![1] ?? 0),
      ttlMs: Number(results[index * 2 + 1]![1]),
    }));
  }

  const count = (keys: string[]) =>
    redisCall(() => redis.eval(COUNT_SCRIPT, keys.length, ...keys, limits.windowSeconds * 1000));

  return {
    async checkLogin(email, address) {
      const [byEmail, byAddress] = await read([emailKey(email), addressKey(address)]);
      const waitMs = Math.max(
        byEmail!.count >= limits.perEmail ? byEmail!.ttlMs : 0,
        byAddress!.count >= limits.perAddress ? byAddress!.ttlMs : 0,
      );
      if (waitMs > 0) throw tooMany(waitMs, 'Too many failed logins: try again later');
    },

    countFailedLogin: (email, address) => count([emailKey(email), addressKey(address)]).then(() => undefined),

    async countSignUp(address) {
      const [bySignUps] = await read([signUpKey(address)]);
      if (bySignUps!.count >= limits.signUpsPerAddress) {
        throw tooMany(bySignUps!.ttlMs, 'Too many sign-ups from this address: try again later');
      }
      await count([signUpKey(address)]);
    },
  };
}
