// Redis dies under a gateway: rate limiting fails closed with 503 SERVICE_UNAVAILABLE, and the
// gateway recovers by itself when Redis is back (the empty new Redis gets the script again). The
// Redis killed here is a private redis-server; the machine's shared one is never touched.
import { startPrivateRedis, waitFor, type PrivateDatastore } from '@platen/testing';
import {
  get,
  STACK_START_TIMEOUT_MS,
  TestStack,
  type Answer,
  type TestGateway,
} from './support/test-stack.js';

jest.setTimeout(90_000);

const stack = new TestStack('gw-redis-outage');
let privateRedis: PrivateDatastore | undefined;
let gateway: TestGateway;
let key: string;

beforeAll(async () => {
  await stack.start();
  privateRedis = await startPrivateRedis();
  gateway = await stack.startGateway({ redisUrl: privateRedis.url });
  key = (await stack.admin.createKey(await stack.admin.createAccount())).key;
}, STACK_START_TIMEOUT_MS);

afterAll(async () => {
  await stack.teardown();
  await privateRedis?.destroy();
});

function use(): Promise<Answer> {
  return get(`${gateway.url}/api/v1/mockups`, { 'X-API-KEY': key });
}

describe('with Redis stopped', () => {
  it('serves normally before the outage', async () => {
    expect((await use()).status).toBe(200);
  });

  it('answers 503 SERVICE_UNAVAILABLE (fail closed) for an authenticated request', async () => {
    await privateRedis!.kill();
    for (let i = 0; i < 3; i++) {
      const answer = await use();
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({
        success: false,
        code: 'SERVICE_UNAVAILABLE',
        error: 'Service temporarily unavailable',
      });
    }
  });

  it('reports itself not ready, naming Redis', async () => {
    const ready = await get(`${gateway.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body.details).toMatchObject({ redis: 'unavailable', postgres: 'ok' });
  });

  it('recovers by itself once Redis is back', async () => {
    await privateRedis!.start();
    const answer = await waitFor(
      async () => {
        const a = await use();
        return a.status === 200 ? a : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100, what: 'the gateway to serve again' },
    );
    expect(answer.headers.get('x-ratelimit-limit')).toBe('100');
    expect((await get(`${gateway.url}/readyz`)).status).toBe(200);
    await waitFor(() => gateway.revocationsSubscribed || undefined, {
      timeoutMs: 10_000,
      what: 're-subscription',
    });
  });
});
