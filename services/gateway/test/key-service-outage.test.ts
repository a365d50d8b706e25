// The key-service dies: keys the gateway already verified keep working, unknown ones get 503
// AUTH_UNAVAILABLE (never 401), and everything comes back by itself when the key-service does.
import { waitFor } from '@platen/testing';
import {
  get,
  STACK_START_TIMEOUT_MS,
  TestStack,
  type Answer,
  type TestGateway,
} from './support/test-stack.js';

jest.setTimeout(90_000);

const stack = new TestStack('gw-ks-outage');
let gateway: TestGateway;
let cachedKey: string;
let uncachedKey: string;

beforeAll(async () => {
  await stack.start();
  // Fresh for 500 ms only: the outage outlasts that, so a cached key survives on its stale verdict.
  gateway = await stack.startGateway({
    cache: { freshForMs: 500 },
    keyService: { breaker: { resetTimeoutMs: 500 } },
  });
  const accountId = await stack.admin.createAccount();
  cachedKey = (await stack.admin.createKey(accountId)).key;
  uncachedKey = (await stack.admin.createKey(accountId)).key;
  expect((await use(cachedKey)).status).toBe(200);
  await stack.keyService.kill();
  await new Promise((resolve) => setTimeout(resolve, 600));
}, STACK_START_TIMEOUT_MS);

afterAll(() => stack.teardown());

function use(key: string): Promise<Answer> {
  return get(`${gateway.url}/api/v1/mockups`, { 'X-API-KEY': key });
}

describe('with the key-service killed', () => {
  it('keeps answering 200 for a key it had already verified', async () => {
    for (let i = 0; i < 5; i++) expect((await use(cachedKey)).status).toBe(200);
  });

  it('answers 503 AUTH_UNAVAILABLE, not 401, for a real key it has not seen', async () => {
    for (let i = 0; i < 5; i++) {
      const answer = await use(uncachedKey);
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({
        success: false,
        code: 'AUTH_UNAVAILABLE',
        error: 'Authentication temporarily unavailable',
      });
    }
  });

  it('still answers 401 INVALID_API_KEY for a malformed key', async () => {
    expect((await use('sm_garbage')).body.code).toBe('INVALID_API_KEY');
  });

  it('stays in the load balancer as degraded, naming the key-service, so cached keys keep working', async () => {
    const ready = await get(`${gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'degraded',
      checks: { postgres: 'ok', redis: 'ok', key_service: 'unavailable' },
    });
  });
});

describe('when the key-service is back', () => {
  beforeAll(() => stack.keyService.restart(), 60_000);

  it('verifies the key it could not verify before', async () => {
    const answer = await waitFor(
      async () => {
        const a = await use(uncachedKey);
        return a.status === 200 ? a : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100, what: 'the uncached key to be accepted' },
    );
    expect(answer.body.success).toBe(true);
  });

  it('is ready again', async () => {
    const ready = await get(`${gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready' });
  });
});
