// The rate-limit script against real Redis, with the clock moved by the test: the UTC-day window,
// the minute window's start, and the usage counters the key-service later flushes.
import { randomUUID } from 'node:crypto';
import type { Clock } from '@platen/contracts';
import { usageDirtySet, usageKey } from '@platen/queue';
import { createTestRedis, startPrivateRedis } from '@platen/testing';
import { Redis } from 'ioredis';
import { createRateLimiter } from '../src/rate-limit.js';

const testRedis = createTestRedis('gw-limiter');
const redis = new Redis(testRedis.url);
let now = Date.parse('2025-03-10T23:59:58.500Z');
const clock: Clock = { now: () => new Date(now) };
const limiter = createRateLimiter({ redis, redisPrefix: testRedis.prefix, clock, accountPerMinute: 1_000 });

afterAll(async () => {
  await testRedis.cleanup();
  redis.disconnect();
});

beforeEach(() => {
  now = Date.parse('2025-03-10T23:59:58.500Z');
});

describe('the rate limiter', () => {
  it('refuses the request after the day limit until the UTC day ends, then allows again', async () => {
    const keyId = randomUUID();
    const limits = { per_minute: 100, per_day: 3 };
    for (let i = 0; i < 3; i++) expect((await limiter.consume(keyId, limits)).allowed).toBe(true);
    const refused = await limiter.consume(keyId, limits);
    expect(refused).toMatchObject({
      allowed: false,
      exceeded: 'day',
      day: { limit: 3, remaining: 0, resetSeconds: 2 },
    });

    now = Date.parse('2025-03-11T00:00:00.000Z');
    const nextDay = await limiter.consume(keyId, limits);
    expect(nextDay).toMatchObject({ allowed: true, day: { remaining: 2, resetSeconds: 86_400 } });
  });

  it('starts the minute window at the key’s first request and reports the seconds left in it', async () => {
    const keyId = randomUUID();
    const first = await limiter.consume(keyId, { per_minute: 2, per_day: 100 });
    expect(first.minute).toEqual({ limit: 2, remaining: 1, resetSeconds: 60 });
    expect(await redis.pttl(`${testRedis.prefix}:ratelimit:${keyId}:minute`)).toBeGreaterThan(55_000);
  });

  it('does not count a refused request against either window', async () => {
    const keyId = randomUUID();
    const limits = { per_minute: 1, per_day: 100 };
    await limiter.consume(keyId, limits);
    for (let i = 0; i < 5; i++) await limiter.consume(keyId, limits);
    const relaxed = await limiter.consume(keyId, { per_minute: 100, per_day: 100 });
    expect(relaxed.day.remaining).toBe(98);
  });

  it('counts each allowed request in the key’s usage hash for the day and marks it for flushing', async () => {
    const keyId = randomUUID();
    const limits = { per_minute: 2, per_day: 100 };
    now = Date.parse('2025-03-10T12:00:00.000Z');
    await limiter.consume(keyId, limits);
    now += 1_000;
    await limiter.consume(keyId, limits);
    await limiter.consume(keyId, limits); // refused: not counted

    const hash = usageKey(testRedis.prefix, keyId, '2025-03-10');
    expect(await redis.hgetall(hash)).toEqual({ requests: '2', last_used_at: '2025-03-10T12:00:01.000Z' });
    expect(await redis.sismember(usageDirtySet(testRedis.prefix), hash)).toBe(1);
    expect(await redis.ttl(hash)).toBeGreaterThan(6 * 86_400);
  });

  it('is exact under concurrency: 30 concurrent calls with a limit of 10 allow exactly 10', async () => {
    const keyId = randomUUID();
    const decisions = await Promise.all(
      Array.from({ length: 30 }, () => limiter.consume(keyId, { per_minute: 10, per_day: 100 })),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
  });

  it('answers every call of a concurrent batch after Redis forgot the script (SCRIPT FLUSH), exactly', async () => {
    const privateRedis = await startPrivateRedis();
    const client = new Redis(privateRedis.url);
    try {
      const own = createRateLimiter({ redis: client, redisPrefix: 'flush', clock, accountPerMinute: 1_000 });
      const keyId = randomUUID();
      await own.consume(keyId, { per_minute: 100, per_day: 100 });
      await client.script('FLUSH');
      const decisions = await Promise.all(
        Array.from({ length: 20 }, () => own.consume(keyId, { per_minute: 10, per_day: 100 })),
      );
      expect(decisions.filter((d) => d.allowed)).toHaveLength(9);
    } finally {
      client.disconnect();
      await privateRedis.destroy();
    }
  });

  describe('the account ceiling', () => {
    const ceiling = createRateLimiter({ redis, redisPrefix: testRedis.prefix, clock, accountPerMinute: 7 });
    const roomy = { per_minute: 100, per_day: 1_000 };

    it('is exact across two keys of one account under concurrency: 30 calls, a ceiling of 7, 7 allowed', async () => {
      const accountId = randomUUID();
      const [first, second] = [randomUUID(), randomUUID()];
      const decisions = await Promise.all(
        Array.from({ length: 30 }, (_, i) => ceiling.consume(i % 2 ? first : second, roomy, accountId)),
      );
      expect(decisions.filter((d) => d.allowed)).toHaveLength(7);
      const refused = decisions.filter((d) => !d.allowed);
      expect(refused.every((d) => d.exceeded === 'account')).toBe(true);
      expect(refused[0]!.account).toMatchObject({ limit: 7, remaining: 0 });
      // A refused request is counted by no window: the keys' own minutes hold only the allowed ones.
      const minutes = await redis.mget(
        `${testRedis.prefix}:ratelimit:${first}:minute`,
        `${testRedis.prefix}:ratelimit:${second}:minute`,
      );
      expect(minutes.reduce((sum, count) => sum + Number(count ?? 0), 0)).toBe(7);
      const again = await ceiling.consume(first, roomy, accountId);
      expect(again).toMatchObject({ allowed: false, exceeded: 'account' });
    });

    it('keeps one account’s ceiling away from another account', async () => {
      const busy = randomUUID();
      for (let i = 0; i < 7; i++) await ceiling.consume(randomUUID(), roomy, busy);
      expect((await ceiling.consume(randomUUID(), roomy, busy)).allowed).toBe(false);
      expect((await ceiling.consume(randomUUID(), roomy, randomUUID())).allowed).toBe(true);
    });

    it('is shared with keyless dashboard renders of the account', async () => {
      const accountId = randomUUID();
      for (let i = 0; i < 6; i++) await ceiling.consume(randomUUID(), roomy, accountId);
      expect(await ceiling.consumeAccount(accountId)).toMatchObject({
        allowed: true,
        account: { limit: 7, remaining: 0 },
      });
      const refused = await ceiling.consumeAccount(accountId);
      expect(refused.allowed).toBe(false);
      expect(refused.account.resetSeconds).toBeGreaterThanOrEqual(1);
      expect(refused.account.resetSeconds).toBeLessThanOrEqual(60);
      expect((await ceiling.consume(randomUUID(), roomy, accountId)).exceeded).toBe('account');
    });

    it('lets a key’s own smaller limit refuse first, naming that window', async () => {
      const accountId = randomUUID();
      const keyId = randomUUID();
      await ceiling.consume(keyId, { per_minute: 1, per_day: 100 }, accountId);
      const refused = await ceiling.consume(keyId, { per_minute: 1, per_day: 100 }, accountId);
      expect(refused).toMatchObject({ exceeded: 'minute', account: { remaining: 6 } });
    });
  });
});
