// Limits that keep one tenant from taking what others need: the cap on an account's active keys
// (exact under concurrent creates, rotation exempt) and the bound on concurrent password hashes, which
// answers 503 with Retry-After over HTTP instead of letting argon2 starve the service.
import { ApiError } from '@platen/contracts';
import { createLogger, createServiceTokenSigner, createSessionTokens, listen } from '@platen/http';
import { createApp } from '../src/app.js';
import { boundHasher } from '../src/hash-slots.js';
import { createKeyStore, type KeyStore } from '../src/key-store.js';
import { createPasswordHasher, type PasswordHasher } from '../src/password-hasher.js';
import { createReadinessCheck } from '../src/readiness.js';
import { createRevocationPublisher } from '../src/revocation-publisher.js';
import { createStores } from '../src/stores.js';
import { DEFAULT_LIMITS, KEY_PREFIX, startHarness, uniqueEmail, type Harness } from './harness.js';

const SECRET = 's'.repeat(40);
const PASSWORD = 'a long enough password';
let h: Harness;
let keys: KeyStore;

beforeAll(async () => {
  h = await startHarness('abuse');
  keys = createKeyStore({
    db: h.db,
    clock: h.clock,
    keyPrefix: KEY_PREFIX,
    publisher: createRevocationPublisher({
      redis: h.redis,
      redisPrefix: h.testRedis.prefix,
      onError: () => undefined,
    }),
    maxActiveKeys: 3,
  });
});
afterAll(async () => {
  await h.close();
});

const newAccount = () => h.stores.accounts.create({ email: uniqueEmail('abuse'), credits: 0 });

async function outcomes(promises: Array<Promise<unknown>>): Promise<Array<string>> {
  const settled = await Promise.allSettled(promises);
  return settled.map((result) => {
    if (result.status === 'fulfilled') return 'created';
    return result.reason instanceof ApiError ? result.reason.code : String(result.reason);
  });
}

describe('the cap on active keys', () => {
  it('lets exactly 3 of 12 concurrent creates through and refuses the rest with 409 CONFLICT', async () => {
    const account = await newAccount();
    const results = await outcomes(
      Array.from({ length: 12 }, (_, i) => keys.create(account.id, { name: `k${i}` })),
    );
    expect(results.filter((r) => r === 'created')).toHaveLength(3);
    expect(results.filter((r) => r === 'CONFLICT')).toHaveLength(9);
    expect(await keys.count(account.id)).toBe(3);
    const refused = await keys.create(account.id, { name: 'one more' }).catch((error: unknown) => error);
    expect(refused).toMatchObject({
      code: 'CONFLICT',
      status: 409,
      message: 'account already has 3 active keys: revoke one first',
      details: { max_active_keys: 3 },
    });
  });

  it('counts active keys only: a revoked or expired one frees its place', async () => {
    const account = await newAccount();
    const first = await keys.create(account.id, { name: 'a' });
    const soon = new Date(h.clock.now().getTime() + 60_000).toISOString();
    await keys.create(account.id, { name: 'b', expires_at: soon });
    await keys.create(account.id, { name: 'c' });
    await keys.revoke(first.id, { accountId: account.id });
    await keys.create(account.id, { name: 'd' });
    await expect(keys.create(account.id, { name: 'e' })).rejects.toMatchObject({ code: 'CONFLICT' });
    h.clock.advance(61_000);
    await expect(keys.create(account.id, { name: 'f' })).resolves.toMatchObject({ status: 'active' });
  });

  it('lets a key at the cap be rotated (the old one is revoked after its grace)', async () => {
    const account = await newAccount();
    const created = await Promise.all(['a', 'b', 'c'].map((name) => keys.create(account.id, { name })));
    const rotated = await keys.rotate(created[0]!.id, { grace_seconds: 60 }, { accountId: account.id });
    expect(rotated.key.status).toBe('active');
  });

  it('keeps one account’s keys out of another’s count', async () => {
    const full = await newAccount();
    await Promise.all(['a', 'b', 'c'].map((name) => keys.create(full.id, { name })));
    const other = await newAccount();
    await expect(keys.create(other.id, { name: 'x' })).resolves.toMatchObject({ status: 'active' });
  });
});

/** A hasher whose hashes finish only when the test says so, counting how many run at once. */
function gatedHasher() {
  const real = createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
  const gates: Array<() => void> = [];
  let running = 0;
  let mostAtOnce = 0;
  const gated =
    <A extends unknown[], R>(work: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise<void>((resolve) => gates.push(resolve));
      try {
        return await work(...args);
      } finally {
        running -= 1;
      }
    };
  const hasher: PasswordHasher = {
    hash: gated((password: string) => real.hash(password)),
    verify: gated((stored: string, password: string) => real.verify(stored, password)),
    verifyNobody: gated((password: string) => real.verifyNobody(password)),
  };
  return {
    hasher,
    started: () => gates.length,
    mostAtOnce: () => mostAtOnce,
    openAll: () => {
      for (const open of gates.splice(0)) open();
    },
  };
}

describe('the bound on concurrent password hashes', () => {
  it('queues past the slots, refuses past the queue with 503 and Retry-After, then serves again', async () => {
    const gate = gatedHasher();
    const stores = createStores({
      db: h.db,
      clock: h.clock,
      keyPrefix: KEY_PREFIX,
      publisher: createRevocationPublisher({
        redis: h.redis,
        redisPrefix: h.testRedis.prefix,
        onError: () => undefined,
      }),
      hasher: boundHasher(gate.hasher, { concurrency: 2, queue: 3 }),
    });
    const app = createApp({
      stores,
      verifier: h.verifier,
      readiness: createReadinessCheck({ db: h.db, redis: h.redis }),
      serviceJwtSecret: SECRET,
      sessions: createSessionTokens(SECRET, { ttlSeconds: 1_800 }),
      defaultLimits: DEFAULT_LIMITS,
      signupCredits: 0,
      clock: h.clock,
      logger: createLogger({ name: 'abuse-test', level: 'silent' }),
    });
    const server = await listen(app, 0, '127.0.0.1');
    const sign = createServiceTokenSigner(SECRET, 'gateway');
    const logIn = async () => {
      const response = await fetch(`http://127.0.0.1:${server.port}/internal/v1/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await sign()}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: uniqueEmail('nobody'), password: PASSWORD }),
        signal: AbortSignal.timeout(15_000),
      });
      return {
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        body: (await response.json()) as Record<string, unknown>,
      };
    };
    try {
      const pending = Array.from({ length: 12 }, () => logIn());
      // 2 hashing + 3 waiting; the other 7 are refused without waiting for any hash.
      const deadline = Date.now() + 10_000;
      while (gate.started() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      const refusedEarly = await Promise.race([
        Promise.all(pending).then(() => 'all answered'),
        new Promise((r) => setTimeout(() => r('still waiting'), 500)),
      ]);
      expect(refusedEarly).toBe('still waiting');
      expect(gate.started()).toBe(2);
      let answers: Awaited<ReturnType<typeof logIn>>[] = [];
      const all = Promise.all(pending).then((done) => (answers = done));
      while (answers.length === 0) {
        gate.openAll();
        await Promise.race([all, new Promise((r) => setTimeout(r, 20))]);
      }
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses.filter((s) => s === 401)).toHaveLength(5);
      expect(statuses.filter((s) => s === 503)).toHaveLength(7);
      for (const refused of answers.filter((a) => a.status === 503)) {
        expect(refused.retryAfter).toBe('1');
        expect(refused.body).toMatchObject({
          success: false,
          code: 'SERVICE_UNAVAILABLE',
          detail: 'Too many password checks at once: try again shortly',
          details: { retry_after: 1 },
        });
      }
      expect(gate.mostAtOnce()).toBe(2);

      const later = logIn();
      while (gate.started() === 0) await new Promise((r) => setTimeout(r, 10));
      gate.openAll();
      expect((await later).status).toBe(401);
    } finally {
      await server.close();
    }
  });
});
