// Revocation reaches every gateway replica within 1 s, cached or not; a dropped revocation channel
// empties the cache instead of trusting it stale.
import { waitFor } from '@platen/testing';
import { Redis } from 'ioredis';
import pg from 'pg';
import {
  get,
  STACK_START_TIMEOUT_MS,
  TestStack,
  type Answer,
  type TestGateway,
} from './support/test-stack.js';

jest.setTimeout(60_000);

const stack = new TestStack('gw-revocation');
let first: TestGateway;
let second: TestGateway;
let accountId: string;

beforeAll(async () => {
  await stack.start();
  first = await stack.startGateway();
  second = await stack.startGateway();
  accountId = await stack.admin.createAccount();
}, STACK_START_TIMEOUT_MS);

afterAll(() => stack.teardown());

function use(gateway: TestGateway, key: string): Promise<Answer> {
  return get(`${gateway.url}/api/v1/mockups`, { 'X-API-KEY': key });
}

/** Polls until the gateway refuses the key with `code`; fails if that takes longer than `withinMs`. */
function refusedWithin(gateway: TestGateway, key: string, code: string, withinMs: number): Promise<Answer> {
  return waitFor(
    async () => {
      const answer = await use(gateway, key);
      return answer.body.code === code ? answer : undefined;
    },
    { timeoutMs: withinMs, intervalMs: 20, what: `${code} on ${gateway.url}` },
  );
}

async function cacheHits(gateway: TestGateway): Promise<number> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  return Number(/^auth_cache_lookups_total\{result="hit"\} (\d+)/m.exec(text)?.[1] ?? 0);
}

describe('revocation', () => {
  it('answers 401 API_KEY_REVOKED on both gateways within 1 s of a revoke, while both had the key cached', async () => {
    const { id, key } = await stack.admin.createKey(accountId);
    for (const gateway of [first, second]) {
      expect((await use(gateway, key)).status).toBe(200);
      const hits = await cacheHits(gateway);
      expect((await use(gateway, key)).status).toBe(200);
      expect(await cacheHits(gateway)).toBe(hits + 1);
    }

    await stack.admin.revokeKey(accountId, id);
    const answers = await Promise.all([
      refusedWithin(first, key, 'API_KEY_REVOKED', 1_000),
      refusedWithin(second, key, 'API_KEY_REVOKED', 1_000),
    ]);
    for (const answer of answers) expect(answer.status).toBe(401);
  });

  it('keeps a rotated-out key working through its grace period, then answers API_KEY_REVOKED', async () => {
    const old = await stack.admin.createKey(accountId);
    expect((await use(first, old.key)).status).toBe(200);
    const rotated = await stack.admin.rotateKey(accountId, old.id, 3);
    expect((await use(first, rotated.key)).status).toBe(200);
    expect((await use(first, old.key)).status).toBe(200);
    const answer = await refusedWithin(first, old.key, 'API_KEY_REVOKED', 6_000);
    expect(answer.status).toBe(401);
    expect((await use(first, rotated.key)).status).toBe(200);
  });

  it('answers API_KEY_REVOKED for every key of an account within 1 s of disabling it', async () => {
    const otherAccount = await stack.admin.createAccount();
    const keys = [await stack.admin.createKey(otherAccount), await stack.admin.createKey(otherAccount)];
    for (const { key } of keys) expect((await use(second, key)).status).toBe(200);
    await stack.admin.disableAccount(otherAccount);
    await Promise.all(keys.map(({ key }) => refusedWithin(second, key, 'API_KEY_REVOKED', 1_000)));
  });

  it('empties the cache when the revocation channel drops, so a revocation missed meanwhile is honoured', async () => {
    const { id, key } = await stack.admin.createKey(accountId);
    expect((await use(first, key)).status).toBe(200);
    expect((await use(first, key)).status).toBe(200);

    // A revocation whose event never arrives: written straight to the key-service's table.
    const db = new pg.Client({ connectionString: stack.database.url });
    await db.connect();
    await db.query('update keys.api_keys set revoked_at = now() where id = $1', [id]);
    await db.end();
    expect((await use(first, key)).status).toBe(200); // served from the cache, as designed

    // Drops exactly this suite's gateways' subscriber connections (named after the suite's prefix).
    const admin = new Redis(stack.redis.url);
    try {
      const list = String(await admin.client('LIST'));
      const ids = list
        .split('\n')
        .filter((line) => line.includes(` name=${stack.redis.prefix}:gateway-revocations `))
        .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1])
        .filter((clientId): clientId is string => clientId !== undefined);
      expect(ids.length).toBeGreaterThanOrEqual(2);
      for (const clientId of ids) await admin.client('KILL', 'ID', clientId);
    } finally {
      admin.disconnect();
    }

    const answer = await refusedWithin(first, key, 'API_KEY_REVOKED', 5_000);
    expect(answer.status).toBe(401);
    await waitFor(() => first.revocationsSubscribed || undefined, {
      timeoutMs: 5_000,
      what: 're-subscription',
    });
  });

  it('uses the cache again once re-subscribed', async () => {
    await waitFor(() => first.revocationsSubscribed || undefined, {
      timeoutMs: 5_000,
      what: 're-subscription',
    });
    const { key } = await stack.admin.createKey(accountId);
    expect((await use(first, key)).status).toBe(200);
    const hits = await cacheHits(first);
    expect((await use(first, key)).status).toBe(200);
    expect(await cacheHits(first)).toBe(hits + 1);
  });
});
