import pg from 'pg';
import { createTestDatabase, TEST_SERVER_URL } from './test-postgres.js';
import { createTestRedis } from './test-redis.js';
import { Redis } from 'ioredis';

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    return rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('per-suite isolation', () => {
  it('creates a database of its own and leaves nothing behind', async () => {
    const database = await createTestDatabase('isolation');
    expect(await databaseExists(database.name)).toBe(true);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query('create table t (x int)');
    await client.end();
    await database.drop();
    expect(await databaseExists(database.name)).toBe(false);
  });

  it('gives each suite a Redis prefix and deletes every key under it', async () => {
    const testRedis = createTestRedis('isolation');
    const other = createTestRedis('isolation');
    expect(testRedis.prefix).not.toBe(other.prefix);
    const redis = new Redis(testRedis.url);
    await redis.set(`${testRedis.prefix}:a`, '1');
    await redis.set(`${other.prefix}:a`, '1');
    await testRedis.cleanup();
    expect(await redis.exists(`${testRedis.prefix}:a`)).toBe(0);
    expect(await redis.exists(`${other.prefix}:a`)).toBe(1);
    await other.cleanup();
    redis.disconnect();
  });
});
