// Per-key rate limits shared by every gateway replica: one Lua script per request checks and bumps
// the minute and day counters atomically (a full window refuses without counting) and, for an
// allowed request, counts its usage. Windows: 60 s from the key's first request in it; the UTC day.
// The same round trip reads the account's mockup-catalogue version (packages/mockups/src/catalogue-version.ts),
// so the mockup routes can serve the account's own mockups from memory without another call, and
// checks the account's per-minute ceiling, shared by all its keys and its dashboard renders, so a new
// key brings no fresh budget. A request counts in every window only when all of them have room.
import { createHash } from 'node:crypto';
import { ApiError, type RateLimits, type Clock } from '@platen/contracts';
import { redisKey, usageDirtySet, usageKey, USAGE_FIELDS, USAGE_RETENTION_SECONDS } from '@platen/queue';
import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { GatewayMetrics } from './metrics.js';
import { CATALOGUE_VERSION_TTL_SECONDS, catalogueVersionKey, newCatalogueVersion } from '@platen/mockups';

declare module 'express-serve-static-core' {
  interface Request {
    /** The account's mockup-catalogue version, read by rateLimit() in its round trip. */
    catalogueVersion?: string;
  }
}

const MINUTE_MS = 60_000;
const DAY_SECONDS = 86_400;
/** Day counters outlive their day a little, so a replica whose clock lags still finds them. */
const DAY_COUNTER_SLACK_MS = 5 * 60_000;

// KEYS: minute counter, day counter, usage hash, usage dirty set[, catalogue version, account minute counter].
// ARGV: per-minute limit, per-day limit, minute window ms, day counter ttl ms, now (ISO), usage ttl s
// [, a fresh catalogue version, its ttl s, account per-minute ceiling].
// Returns {allowed 0|1, full window 0 none|1 minute|2 day|3 account, minute count, day count,
// minute ttl ms, account count, account ttl ms[, catalogue version]}; a missing version is created,
// so it is never absent after a Redis reset.
const SCRIPT = `
local version = false
local account = 0
local accountTtl = tonumber(ARGV[3])
local perAccount = nil
if #KEYS >= 6 then
  version = redis.call('GET', KEYS[5])
  if not version then
    version = ARGV[7]
    redis.call('SET', KEYS[5], version, 'EX', ARGV[8])
  end
  perAccount = tonumber(ARGV[9])
  account = tonumber(redis.call('GET', KEYS[6]) or '0')
  local ttl = redis.call('PTTL', KEYS[6])
  if ttl == -1 then redis.call('PEXPIRE', KEYS[6], ARGV[3]) elseif ttl > 0 then accountTtl = ttl end
end
local perMinute = tonumber(ARGV[1])
local perDay = tonumber(ARGV[2])
local minute = tonumber(redis.call('GET', KEYS[1]) or '0')
local day = tonumber(redis.call('GET', KEYS[2]) or '0')
local minuteTtl = redis.call('PTTL', KEYS[1])
if minuteTtl == -1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  minuteTtl = tonumber(ARGV[3])
end
if minute >= perMinute then
  return {0, 1, minute, day, minuteTtl, account, accountTtl, version}
end
if day >= perDay then
  return {0, 2, minute, day, minuteTtl, account, accountTtl, version}
end
if perAccount and account >= perAccount then
  return {0, 3, minute, day, minuteTtl, account, accountTtl, version}
end
minute = redis.call('INCR', KEYS[1])
if minute == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  minuteTtl = tonumber(ARGV[3])
end
day = redis.call('INCR', KEYS[2])
if day == 1 then
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
end
if perAccount then
  account = redis.call('INCR', KEYS[6])
  if account == 1 then
    redis.call('PEXPIRE', KEYS[6], ARGV[3])
    accountTtl = tonumber(ARGV[3])
  end
end
redis.call('HINCRBY', KEYS[3], '${USAGE_FIELDS.requests}', 1)
redis.call('HSET', KEYS[3], '${USAGE_FIELDS.lastUsedAt}', ARGV[5])
redis.call('EXPIRE', KEYS[3], ARGV[6])
redis.call('SADD', KEYS[4], KEYS[3])
return {1, 0, minute, day, minuteTtl, account, accountTtl, version}
`;
const SCRIPT_SHA = createHash('sha1').update(SCRIPT).digest('hex');

export interface WindowState {
  limit: number;
  remaining: number;
  /** Seconds until the window starts over (at least 1). */
  resetSeconds: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** The full window that refused the request. */
  exceeded: 'minute' | 'day' | 'account' | null;
  minute: WindowState;
  day: WindowState;
  /** The account's per-minute ceiling (all its keys together), when consume() was given the account. */
  account?: WindowState | undefined;
  /** The account's mockup-catalogue version, when consume() was given the account. */
  catalogueVersion: string | null;
}

export interface RateLimiter {
  /**
   * Counts one request of `keyId` if every window has room; given `accountId`, the account's ceiling
   * is one of those windows and its catalogue version is read. Rejects when Redis cannot answer.
   */
  consume(keyId: string, limits: RateLimits, accountId?: string): Promise<RateLimitDecision>;
  /** Counts one keyless request (a dashboard render) against the account's ceiling alone. */
  consumeAccount(accountId: string): Promise<{ allowed: boolean; account: WindowState }>;
}

export interface RateLimiterDeps {
  redis: Redis;
  redisPrefix: string;
  clock: Clock;
  /** Requests per minute of one account, all its keys and dashboard renders together. */
  accountPerMinute: number;
}

// KEYS: account minute counter. ARGV: ceiling, window ms. Returns {allowed 0|1, count, ttl ms}.
const ACCOUNT_SCRIPT = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count >= tonumber(ARGV[1]) then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) ttl = tonumber(ARGV[2]) end
  return {0, count, ttl}
end
count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {1, count, redis.call('PTTL', KEYS[1])}
`;

/** The account's per-minute counter, shared by the API script and the dashboard's renders. */
const accountMinuteKey = (redisPrefix: string, accountId: string) =>
  redisKey(redisPrefix, 'ratelimit', 'account', accountId, 'minute');

function windowState(limit: number, count: number, ttlMs: number, full: boolean): WindowState {
  return {
    limit,
    remaining: full ? 0 : Math.max(0, limit - count),
    resetSeconds: Math.max(1, Math.ceil((ttlMs > 0 ? ttlMs : MINUTE_MS) / 1000)),
  };
}

function msUntilNextUtcDay(now: Date): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return next - now.getTime();
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

type ScriptReply = [number, number, number, number, number, number, number, string | null];

function toReply(reply: unknown): ScriptReply {
  if (
    !Array.isArray(reply) ||
    reply.length < 7 ||
    reply.length > 8 ||
    !reply.slice(0, 7).every((n) => typeof n === 'number') ||
    (reply[7] !== undefined && reply[7] !== null && typeof reply[7] !== 'string')
  ) {
    throw new Error('rate-limit script answered an unexpected reply');
  }
  const numbers = reply.slice(0, 7) as [number, number, number, number, number, number, number];
  return [...numbers, (reply[7] as string | null | undefined) ?? null];
}

interface ScriptCall {
  keys: string[];
  args: Array<string | number>;
  resolve: (reply: unknown) => void;
  reject: (error: unknown) => void;
}

export function createRateLimiter({
  redis,
  redisPrefix,
  clock,
  accountPerMinute,
}: RateLimiterDeps): RateLimiter {
  const dirtySet = usageDirtySet(redisPrefix);
  let waiting: ScriptCall[] = [];

  async function evalOne({ keys, args }: ScriptCall): Promise<unknown> {
    try {
      return await redis.evalsha(SCRIPT_SHA, keys.length, ...keys, ...args);
    } catch (error) {
      // Redis forgot the script (restart, SCRIPT FLUSH): send it once in full; it is cached again.
      if (!isNoScript(error)) throw error;
      return redis.eval(SCRIPT, keys.length, ...keys, ...args);
    }
  }

  /**
   * Sends the calls of one event-loop turn together, as one pipeline: one socket write instead of one
   * per request (each call is still its own atomic script run; only the transport is shared).
   */
  function flush(): void {
    const calls = waiting;
    waiting = [];
    if (calls.length === 1) {
      evalOne(calls[0]!).then(calls[0]!.resolve, calls[0]!.reject);
      return;
    }
    const pipeline = redis.pipeline();
    for (const { keys, args } of calls) pipeline.evalsha(SCRIPT_SHA, keys.length, ...keys, ...args);
    pipeline.exec().then(
      (results) => {
        calls.forEach((call, i) => {
          const [error, reply] = results?.[i] ?? [new Error('rate-limit pipeline lost a reply')];
          if (!error) call.resolve(reply);
          else if (isNoScript(error)) evalOne(call).then(call.resolve, call.reject);
          else call.reject(error);
        });
      },
      (error: unknown) => {
        for (const call of calls) call.reject(error);
      },
    );
  }

  function runScript(keys: string[], args: Array<string | number>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      waiting.push({ keys, args, resolve, reject });
      if (waiting.length === 1) setImmediate(flush);
    });
  }

  return {
    async consume(keyId, limits, accountId) {
      const now = clock.now();
      const nowIso = now.toISOString();
      const day = nowIso.slice(0, 10); // utcDay(now), without a second toISOString
      const untilNextDay = msUntilNextUtcDay(now);
      const keys = [
        redisKey(redisPrefix, 'ratelimit', keyId, 'minute'),
        redisKey(redisPrefix, 'ratelimit', keyId, 'day', day),
        usageKey(redisPrefix, keyId, day),
        dirtySet,
      ];
      const args: Array<string | number> = [
        limits.per_minute,
        limits.per_day,
        MINUTE_MS,
        untilNextDay + DAY_COUNTER_SLACK_MS,
        nowIso,
        USAGE_RETENTION_SECONDS,
      ];
      if (accountId !== undefined) {
        keys.push(catalogueVersionKey(redisPrefix, accountId), accountMinuteKey(redisPrefix, accountId));
        args.push(newCatalogueVersion(), CATALOGUE_VERSION_TTL_SECONDS, accountPerMinute);
      }
      const reply = await runScript(keys, args);
      const [
        allowed,
        full,
        minuteCount,
        dayCount,
        minuteTtlMs,
        accountCount,
        accountTtlMs,
        catalogueVersion,
      ] = toReply(reply);
      const exceeded = full === 1 ? 'minute' : full === 2 ? 'day' : full === 3 ? 'account' : null;
      return {
        allowed: allowed === 1,
        exceeded,
        minute: {
          limit: limits.per_minute,
          remaining: exceeded === 'minute' ? 0 : Math.max(0, limits.per_minute - minuteCount),
          resetSeconds: Math.max(1, Math.ceil((minuteTtlMs > 0 ? minuteTtlMs : MINUTE_MS) / 1000)),
        },
        day: {
          limit: limits.per_day,
          remaining: exceeded === 'day' ? 0 : Math.max(0, limits.per_day - dayCount),
          resetSeconds: Math.max(1, Math.ceil(untilNextDay / 1000)),
        },
        ...(accountId === undefined
          ? {}
          : {
              account: windowState(accountPerMinute, accountCount, accountTtlMs, exceeded === 'account'),
            }),
        catalogueVersion,
      };
    },

    async consumeAccount(accountId) {
      let reply: unknown;
      try {
        reply = await redis.eval(
          ACCOUNT_SCRIPT,
          1,
          accountMinuteKey(redisPrefix, accountId),
          accountPerMinute,
          MINUTE_MS,
        );
      } catch (error) {
        throw new ApiError('SERVICE_UNAVAILABLE', { cause: error });
      }
      const [allowed, count, ttlMs] = reply as [number, number, number];
      return { allowed: allowed === 1, account: windowState(accountPerMinute, count, ttlMs, allowed !== 1) };
    },
  };
}

/** The window a client should watch: the full one, else the one with the fewest requests left. */
function bindingWindow(decision: RateLimitDecision): WindowState {
  if (decision.exceeded) return decision[decision.exceeded] ?? decision.minute;
  let nearest = decision.day.remaining < decision.minute.remaining ? decision.day : decision.minute;
  if (decision.account && decision.account.remaining < nearest.remaining) nearest = decision.account;
  return nearest;
}

/** How a refused window is named in the error's details. */
export const WINDOW_NAMES = { minute: '60s', day: '1d', account: 'account:60s' } as const;

/** IETF draft RateLimit fields plus the X-RateLimit-* trio (reset in seconds from now, not a timestamp). */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  const binding = bindingWindow(decision);
  return {
    'RateLimit-Policy': `${decision.minute.limit};w=60, ${decision.day.limit};w=${DAY_SECONDS}`,
    RateLimit: `limit=${binding.limit}, remaining=${binding.remaining}, reset=${binding.resetSeconds}`,
    'X-RateLimit-Limit': String(binding.limit),
    'X-RateLimit-Remaining': String(binding.remaining),
    'X-RateLimit-Reset': String(binding.resetSeconds),
  };
}

export interface RateLimitMiddlewareDeps {
  limiter: RateLimiter;
  metrics: GatewayMetrics;
  logger: Logger;
}

/** Runs after authenticate. Fails closed: when Redis cannot answer, the request is refused with 503. */
export function rateLimit({ limiter, metrics, logger }: RateLimitMiddlewareDeps): RequestHandler {
  return async (req, res, next) => {
    const auth = req.auth;
    if (!auth) throw new Error('rateLimit runs only after authenticate');
    let decision: RateLimitDecision;
    try {
      decision = await limiter.consume(auth.keyId, auth.limits, auth.accountId);
    } catch (error) {
      logger.warn(
        { err: error, request_id: req.requestId, key_hint: auth.keyHint },
        'rate limiter unavailable: refusing',
      );
      throw new ApiError('SERVICE_UNAVAILABLE');
    }
    if (decision.catalogueVersion !== null) req.catalogueVersion = decision.catalogueVersion;
    const headers = rateLimitHeaders(decision);
    for (const name in headers) res.setHeader(name, headers[name]!);
    if (decision.exceeded) {
      const window = bindingWindow(decision);
      const name = WINDOW_NAMES[decision.exceeded];
      metrics.rateLimitRejections.inc({ window: name });
      res.set('Retry-After', String(window.resetSeconds));
      throw new ApiError('RATE_LIMIT_EXCEEDED', {
        details: { limit: window.limit, window: name, retry_after: window.resetSeconds },
      });
    }
    next();
  };
}
