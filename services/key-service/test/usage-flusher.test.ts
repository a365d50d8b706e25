import { usageDirtySet, usageKey, USAGE_FIELDS } from '@platen/queue';
import { createDb } from '@platen/db';
import { pino } from 'pino';
import { createUsageFlusher } from '../src/usage-flusher.js';
import { startHarness, uniqueEmail, type Harness } from './harness.js';

describe('usage flusher', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('usage-flush');
  });
  afterAll(() => h.close());

  const logger = pino({ level: 'silent' });
  const flusher = () =>
    createUsageFlusher({ db: h.db, redis: h.redis, redisPrefix: h.testRedis.prefix, logger, batchSize: 2 });

  async function newKey(): Promise<{ accountId: string; keyId: string }> {
    const account = await h.stores.accounts.create({ email: uniqueEmail('usage'), credits: 0 });
    const key = await h.stores.keys.create(account.id, { name: 'k' });
    return { accountId: account.id, keyId: key.id };
  }

  /** What a gateway's rate-limit call does for each served request. */
  async function countRequest(keyId: string, day: string, at: string, credits = 0): Promise<void> {
    const name = usageKey(h.testRedis.prefix, keyId, day);
    await h.redis
      .multi()
      .hincrby(name, USAGE_FIELDS.requests, 1)
      .hincrby(name, USAGE_FIELDS.credits, credits)
      .hset(name, USAGE_FIELDS.lastUsedAt, at)
      .sadd(usageDirtySet(h.testRedis.prefix), name)
      .exec();
  }

  async function usageRows(keyId: string) {
    return h.db.selectFrom('keys.key_usage').selectAll().where('key_id', '=', keyId).orderBy('day').execute();
  }

  it('moves request counts, credits and last use into Postgres, shown in the key list', async () => {
    const { accountId, keyId } = await newKey();
    for (let i = 0; i < 3; i++) await countRequest(keyId, '2030-01-01', `2030-01-01T10:00:0${i}.000Z`, 1);
    await countRequest(keyId, '2030-01-02', '2030-01-02T08:00:00.000Z');

    expect(await flusher().flushOnce()).toBe(2);

    expect((await usageRows(keyId)).map((row) => [row.requests, row.credits])).toEqual([
      [3, 3],
      [1, 0],
    ]);
    const listed = (await h.stores.keys.list(accountId, { limit: 10 })).items.find((key) => key.id === keyId);
    expect(listed).toEqual(
      expect.objectContaining({
        requests_total: 4,
        credits_used: 3,
        last_used_at: '2030-01-02T08:00:00.000Z',
      }),
    );
    expect(await h.redis.scard(usageDirtySet(h.testRedis.prefix))).toBe(0);
  });

  it('never double-counts: cumulative counters flushed again write the same totals', async () => {
    const { keyId } = await newKey();
    await countRequest(keyId, '2030-02-01', '2030-02-01T00:00:00.000Z');
    await flusher().flushOnce();
    // The same hash marked dirty again without new requests (e.g. a flush that died after writing).
    await h.redis.sadd(usageDirtySet(h.testRedis.prefix), usageKey(h.testRedis.prefix, keyId, '2030-02-01'));
    await flusher().flushOnce();
    await countRequest(keyId, '2030-02-01', '2030-02-01T00:00:05.000Z');
    await flusher().flushOnce();
    expect((await usageRows(keyId)).map((row) => row.requests)).toEqual([2]);
  });

  it('skips usage of a key that no longer exists without losing the others', async () => {
    const { keyId } = await newKey();
    await countRequest('0f0e0d0c-0b0a-4908-8706-050403020100', '2030-03-01', '2030-03-01T00:00:00.000Z');
    await countRequest(keyId, '2030-03-01', '2030-03-01T00:00:00.000Z');
    await flusher().flushOnce();
    expect((await usageRows(keyId)).map((row) => row.requests)).toEqual([1]);
  });

  it('keeps the counters marked dirty when Postgres is unreachable, and flushes them later', async () => {
    const { keyId } = await newKey();
    await countRequest(keyId, '2030-04-01', '2030-04-01T00:00:00.000Z');
    const deadDb = createDb({ url: 'postgres://postgres@127.0.0.1:1/nowhere' });
    const broken = createUsageFlusher({
      db: deadDb,
      redis: h.redis,
      redisPrefix: h.testRedis.prefix,
      logger,
    });
    await expect(broken.flushOnce()).rejects.toThrow();
    await deadDb.destroy();
    expect(
      await h.redis.sismember(
        usageDirtySet(h.testRedis.prefix),
        usageKey(h.testRedis.prefix, keyId, '2030-04-01'),
      ),
    ).toBe(1);
    await flusher().flushOnce();
    expect((await usageRows(keyId)).map((row) => row.requests)).toEqual([1]);
  });
});
