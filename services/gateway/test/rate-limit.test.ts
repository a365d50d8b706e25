// Per-key rate limits through a real gateway and key-service: exact under a concurrent burst,
// per-key overrides, and the headers of docs/api.md on every authenticated answer.
import { get, STACK_START_TIMEOUT_MS, TestStack, type TestGateway } from './support/test-stack.js';

jest.setTimeout(90_000);

const stack = new TestStack('gw-ratelimit');
let gateway: TestGateway;
let accountId: string;

beforeAll(async () => {
  await stack.start();
  gateway = await stack.startGateway();
  accountId = await stack.admin.createAccount();
}, STACK_START_TIMEOUT_MS);

afterAll(() => stack.teardown());

describe('rate limits', () => {
  it('lets exactly 100 of 150 concurrent requests with one key through, and answers 429 to the other 50', async () => {
    const { key } = await stack.admin.createKey(accountId);
    const answers = await Promise.all(
      Array.from({ length: 150 }, () => get(`${gateway.url}/api/v1/mockups`, { 'X-API-KEY': key })),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50);

    for (const refused of answers.filter((a) => a.status === 429)) {
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.body).toMatchObject({
        success: false,
        error: 'Rate limit exceeded',
        detail: 'Rate limit exceeded',
        code: 'RATE_LIMIT_EXCEEDED',
        details: { limit: 100, window: '60s', retry_after: retryAfter },
      });
      expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(refused.headers.get('ratelimit')).toBe(`limit=100, remaining=0, reset=${retryAfter}`);
    }
    for (const answer of answers) {
      expect(answer.headers.get('ratelimit-policy')).toBe('100;w=60, 10000;w=86400');
      expect(answer.headers.get('x-ratelimit-limit')).toBe('100');
    }
    const remaining = answers
      .filter((a) => a.status === 200)
      .map((a) => Number(a.headers.get('x-ratelimit-remaining')))
      .sort((a, b) => a - b);
    expect(remaining).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('counts refusals on /metrics', async () => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(text).toMatch(/^rate_limit_rejections_total\{window="60s"\} 50$/m);
    expect(text).toMatch(/^http_requests_total\{route="\/api\/v1\/mockups",method="GET",status="429"\} 50$/m);
  });

  it('applies a per-key override: 5 per minute, then 429 naming that limit', async () => {
    const { key } = await stack.admin.createKey(accountId, { rate_limits: { per_minute: 5 } });
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const answer = await get(`${gateway.url}/api/v1/mockups`, { 'X-API-KEY': key });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('ratelimit-policy')).toBe('5;w=60, 10000;w=86400');
      remaining.push(answer.headers.get('x-ratelimit-remaining')!);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const refused = await get(`${gateway.url}/api/v1/mockups`, { 'X-API-KEY': key });
    expect(refused.status).toBe(429);
    expect(refused.body.details).toMatchObject({ limit: 5, window: '60s' });
  });

  it('keeps the limit of one key away from another key of the same account', async () => {
    const { key: busy } = await stack.admin.createKey(accountId, { rate_limits: { per_minute: 1 } });
    const { key: quiet } = await stack.admin.createKey(accountId, { rate_limits: { per_minute: 1 } });
    expect((await get(`${gateway.url}/api/v1/mockups`, { 'X-API-KEY': busy })).status).toBe(200);
    expect((await get(`${gateway.url}/api/v1/mockups`, { 'X-API-KEY': busy })).status).toBe(429);
    expect((await get(`${gateway.url}/api/v1/mockups`, { 'X-API-KEY': quiet })).status).toBe(200);
  });

  it('applies a per-day override and answers its 429 with the 1d window', async () => {
    const { key } = await stack.admin.createKey(accountId, { rate_limits: { per_day: 2 } });
    for (let i = 0; i < 2; i++) {
      expect((await get(`${gateway.url}/api/v1/mockups`, { 'X-API-KEY': key })).status).toBe(200);
    }
    const refused = await get(`${gateway.url}/api/v1/mockups`, { 'X-API-KEY': key });
    expect(refused.status).toBe(429);
    expect(refused.body.details).toMatchObject({ limit: 2, window: '1d' });
    expect(Number(refused.headers.get('retry-after'))).toBe(
      (refused.body.details as { retry_after: number }).retry_after,
    );
  });

  it('holds the account ceiling across two keys exactly under a parallel burst, the headers showing the nearer limit', async () => {
    const ceilinged = await stack.startGateway({ env: { ACCOUNT_RATE_LIMIT_PER_MINUTE: '10' } });
    const account = await stack.admin.createAccount();
    const keys = [(await stack.admin.createKey(account)).key, (await stack.admin.createKey(account)).key];
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        get(`${ceilinged.url}/api/v1/mockups`, { 'X-API-KEY': keys[i % 2]! }),
      ),
    );
    const allowed = answers.filter((a) => a.status === 200);
    expect(allowed).toHaveLength(10);
    // The account's 10 are nearer than each key's own 100: the headers count down the account.
    expect(allowed.map((a) => Number(a.headers.get('x-ratelimit-remaining'))).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 10 }, (_, i) => i),
    );
    for (const answer of allowed) expect(answer.headers.get('x-ratelimit-limit')).toBe('10');
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(20);
    for (const answer of refused) {
      const retryAfter = Number(answer.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(answer.body).toMatchObject({
        success: false,
        code: 'RATE_LIMIT_EXCEEDED',
        details: { limit: 10, window: 'account:60s', retry_after: retryAfter },
      });
      expect(answer.headers.get('ratelimit')).toBe(`limit=10, remaining=0, reset=${retryAfter}`);
    }
    // A third key brings no fresh budget.
    const { key: fresh } = await stack.admin.createKey(account);
    expect((await get(`${ceilinged.url}/api/v1/mockups`, { 'X-API-KEY': fresh })).status).toBe(429);
    // Another account is untouched by this one's ceiling.
    const other = await stack.admin.createKey(await stack.admin.createAccount());
    expect((await get(`${ceilinged.url}/api/v1/mockups`, { 'X-API-KEY': other.key })).status).toBe(200);
  });
});
