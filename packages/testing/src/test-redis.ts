// Each test suite gets its own key prefix on the shared Redis (127.0.0.1:6379; TEST_REDIS_URL
// overrides); cleanup deletes every key under it.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestRedis {
  url: string;
  /** Use as REDIS_PREFIX: every key and channel of the suite lives under it. */
  prefix: string;
  cleanup(): Promise<void>;
}

export async function deleteKeysWithPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export function createTestRedis(label = 'suite'): TestRedis {
  const prefix = `platen-t-${label.replace(/[^A-Za-z0-9]/g, '-').slice(0, 20)}-${randomBytes(5).toString('hex')}`;
  return { url: TEST_REDIS_URL, prefix, cleanup: () => deleteKeysWithPrefix(TEST_REDIS_URL, prefix) };
}
