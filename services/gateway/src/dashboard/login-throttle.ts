// Dashboard logins are throttled in Redis (shared by every replica) before any password work: each
// attempt is reserved atomically, so a burst of parallel guesses cannot outrun the counters. Three
// limits: failed logins per email and per client address (a fixed window), and per email+address pair
// a delay that doubles with each failure past a few free ones. An address that has logged in to an
// email before skips the email and address limits (only its pair's delay applies), so a guesser
// elsewhere, or a neighbour behind the same NAT, cannot lock the owner out. A correct password gives
// its reserved attempt back. Sign-ups have their own per-address limit. Redis down: refuse (503).
import { createHash } from 'node:crypto';
import { ApiError, type Clock } from '@platen/contracts';
import type { Redis } from 'ioredis';

export interface LoginThrottleLimits {
  /** Failed logins per email per window (addresses that logged in to it before are exempt). */
  perEmail: number;
  /** Failed logins per client address per window (for emails it never logged in to). */
  perAddress: number;
  /** Sign-ups per client address per window. */
  signUpsPerAddress: number;
  windowSeconds: number;
  /** Failed logins of one email from one address before each further attempt waits. */
  pairFreeAttempts: number;
  /** The first wait; it doubles with every further failure of the pair, up to pairMaxDelaySeconds. */
  pairBaseDelaySeconds: number;
  pairMaxDelaySeconds: number;
  /** How long a pair's failures are remembered after its last attempt. */
  pairMemorySeconds: number;
  /** How long an address stays known for an email after a successful login from it. */
  knownAddressSeconds: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginThrottleLimits = {
  perEmail: 5,
  perAddress: 20,
  signUpsPerAddress: 10,
  windowSeconds: 15 * 60,
  pairFreeAttempts: 3,
  pairBaseDelaySeconds: 1,
  pairMaxDelaySeconds: 15 * 60,
  pairMemorySeconds: 24 * 3600,
  knownAddressSeconds: 90 * 86_400,
};

export interface LoginThrottle {
  /**
   * Reserves one password check for the email from the address, counted as a failure until
   * loginSucceeded() gives it back. Rejects with 429 RATE_LIMIT_EXCEEDED (details.retry_after) while
   * a limit or the pair's delay holds.
   */
  reserveLogin(email: string, address: string): Promise<void>;
  /** The reserved check found the right password: give it back, clear the pair's delay, know the address. */
  loginSucceeded(email: string, address: string): Promise<void>;
  /** Counts a sign-up attempt; rejects with 429 past the address's limit. */
  countSignUp(address: string): Promise<void>;
}

// KEYS: email counter, address counter, pair state (hash n, next), known-address marker.
// ARGV: per email, per address, window ms, now ms, free attempts, base delay ms, max delay ms, pair ttl ms.
// Returns {1, 0} when reserved, else {0, ms to wait}.
const RESERVE_SCRIPT = `
local now = tonumber(ARGV[4])
local nextAt = tonumber(redis.call('HGET', KEYS[3], 'next') or '0')
if nextAt > now then return {0, nextAt - now} end
if redis.call('EXISTS', KEYS[4]) == 0 then
  local wait = 0
  for i = 1, 2 do
    if tonumber(redis.call('GET', KEYS[i]) or '0') >= tonumber(ARGV[i]) then
      wait = math.max(wait, redis.call('PTTL', KEYS[i]))
    end
  end
  if wait > 0 then return {0, wait} end
end
for i = 1, 2 do
  if redis.call('INCR', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
end
local n = redis.call('HINCRBY', KEYS[3], 'n', 1)
local free = tonumber(ARGV[5])
local delay = 0
if n >= free then
  delay = math.min(tonumber(ARGV[6]) * math.pow(2, n - free), tonumber(ARGV[7]))
end
redis.call('HSET', KEYS[3], 'next', string.format('%d', now + math.floor(delay)))
redis.call('PEXPIRE', KEYS[3], ARGV[8])
return {1, 0}
`;

// KEYS: email counter, address counter, pair state, known-address marker. ARGV: known ttl ms.
const SUCCEEDED_SCRIPT = `
for i = 1, 2 do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
redis.call('DEL', KEYS[3])
redis.call('SET', KEYS[4], '1', 'PX', ARGV[1])
return 0
`;

// KEYS: counter. ARGV: limit, window ms. Returns {1, 0} when counted, else {0, ms to wait}.
const COUNT_SCRIPT = `
if tonumber(redis.call('GET', KEYS[1]) or '0') >= tonumber(ARGV[1]) then
  return {0, redis.call('PTTL', KEYS[1])}
end
if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {1, 0}
`;

function tooMany(waitMs: number, message: string): ApiError {
  const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
  return new ApiError('RATE_LIMIT_EXCEEDED', { message, details: { retry_after: retryAfter } });
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export function createLoginThrottle({
  redis,
  redisPrefix,
  clock,
  limits: overrides = {},
}: {
  redis: Redis;
  redisPrefix: string;
  clock: Clock;
  limits?: Partial<LoginThrottleLimits>;
}): LoginThrottle {
  const limits = { ...DEFAULT_LOGIN_LIMITS, ...overrides };
  const root = `${redisPrefix}:dashboard`;
  // Hashed: the email is personal data and has no business in Redis key listings.
  const emailId = (email: string) => sha256(email.trim().toLowerCase());
  const loginKeys = (email: string, address: string) => [
    `${root}:login:email:${emailId(email)}`,
    `${root}:login:address:${address}`,
    `${root}:login:pair:${emailId(email)}:${sha256(address)}`,
    `${root}:login:known:${emailId(email)}:${sha256(address)}`,
  ];
  const signUpKey = (address: string) => `${root}:signup:address:${address}`;

  async function run(script: string, keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await redis.eval(script, keys.length, ...keys, ...args);
    } catch (error) {
      throw new ApiError('SERVICE_UNAVAILABLE', { cause: error });
    }
  }

  async function reserve(script: string, keys: string[], args: Array<string | number>, message: string) {
    const [reserved, waitMs] = (await run(script, keys, args)) as [number, number];
    if (reserved !== 1) throw tooMany(waitMs, message);
  }

  return {
    reserveLogin: (email, address) =>
      reserve(
        RESERVE_SCRIPT,
        loginKeys(email, address),
        [
          limits.perEmail,
          limits.perAddress,
          limits.windowSeconds * 1000,
          clock.now().getTime(),
          limits.pairFreeAttempts,
          limits.pairBaseDelaySeconds * 1000,
          limits.pairMaxDelaySeconds * 1000,
          limits.pairMemorySeconds * 1000,
        ],
        'Too many failed logins: try again later',
      ),

    async loginSucceeded(email, address) {
      await run(SUCCEEDED_SCRIPT, loginKeys(email, address), [limits.knownAddressSeconds * 1000]);
    },

    countSignUp: (address) =>
      reserve(
        COUNT_SCRIPT,
        [signUpKey(address)],
        [limits.signUpsPerAddress, limits.windowSeconds * 1000],
        'Too many sign-ups from this address: try again later',
      ),
  };
}
