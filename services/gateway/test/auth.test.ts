// Every row of docs/api.md's authentication table, against the real key-service process.
import { randomBytes, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { generateApiKey } from '@platen/contracts';
import { freePort, waitFor } from '@platen/testing';
import { captureLogs, type CapturedLogs } from './support/capture-logs.js';
import {
  get,
  KEY_PREFIX,
  STACK_START_TIMEOUT_MS,
  TestStack,
  type TestGateway,
} from './support/test-stack.js';

jest.setTimeout(60_000);

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A correctly checksummed key with a real key's lookup id but a secret of our own. */
function withWrongSecret(realKey: string): string {
  const lookupId = realKey.slice(KEY_PREFIX.length, KEY_PREFIX.length + 16);
  let first = true;
  return generateApiKey(KEY_PREFIX, (size) => {
    if (!first) return randomBytes(size);
    first = false;
    const bytes = Buffer.alloc(size);
    [...lookupId].forEach((char, i) => (bytes[i] = BASE62.indexOf(char)));
    return bytes;
  }).key;
}

/** Changes the last checksum character, leaving a key of the right shape. */
function withBadChecksum(key: string): string {
  const last = key.at(-1)!;
  return key.slice(0, -1) + (last === 'a' ? 'b' : 'a');
}

/** A raw GET that sends header names exactly as written (fetch may normalise their case). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function errorBody(code: string, error: string) {
  return { success: false, error, detail: error, code, request_id: expect.any(String) as unknown };
}

const stack = new TestStack('gw-auth');
let gateway: TestGateway;
let logs: CapturedLogs;
let accountId: string;
let key: string;
/** Every full key these tests send: none may appear in the log. */
const sentKeys: string[] = [];

function mockups(headers: Record<string, string>) {
  return get(`${gateway.url}/api/v1/mockups`, headers);
}

beforeAll(async () => {
  await stack.start();
  logs = captureLogs();
  gateway = await stack.startGateway({ logger: logs.logger });
  accountId = await stack.admin.createAccount();
  key = (await stack.admin.createKey(accountId)).key;
  sentKeys.push(key);
}, STACK_START_TIMEOUT_MS);

afterAll(() => stack.teardown());

describe('authentication', () => {
  it('answers 200 for a valid key in X-API-KEY', async () => {
    const answer = await mockups({ 'X-API-KEY': key });
    expect(answer.status).toBe(200);
    expect(answer.body.success).toBe(true);
  });

  it('answers 200 for a valid key as Authorization: Bearer', async () => {
    expect((await mockups({ Authorization: `Bearer ${key}` })).status).toBe(200);
  });

  it('accepts the X-API-KEY header name in any letter case', async () => {
    const answer = await rawGet(`${gateway.url}/api/v1/mockups`, { 'x-Api-kEY': key });
    expect(answer.status).toBe(200);
  });

  it('answers 401 MISSING_API_KEY without credentials, naming both ways to send the key', async () => {
    const answer = await mockups({});
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual(
      errorBody(
        'MISSING_API_KEY',
        'No API key: send it in the X-API-KEY header or as Authorization: Bearer <key>',
      ),
    );
  });

  it('answers 401 MISSING_API_KEY for empty credential headers', async () => {
    const answer = await mockups({ 'X-API-KEY': '', Authorization: 'Bearer ' });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('MISSING_API_KEY');
  });

  it('answers 401 INVALID_API_KEY for a key in Authorization without Bearer, saying to add it', async () => {
    const answer = await mockups({ Authorization: key });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual(
      errorBody(
        'INVALID_API_KEY',
        'The Authorization header needs the Bearer scheme: send Authorization: Bearer <key> (or the key alone in X-API-KEY)',
      ),
    );
    expect(JSON.stringify(answer.body)).not.toContain(key.slice(3));
  });

  it('answers 401 INVALID_API_KEY for another Authorization scheme, without echoing the header', async () => {
    const answer = await mockups({ Authorization: `Basic ${key}` });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual(
      errorBody(
        'INVALID_API_KEY',
        'Only the Bearer scheme is accepted: send Authorization: Bearer <key> (or the key alone in X-API-KEY)',
      ),
    );
    expect(JSON.stringify(answer.body)).not.toContain(key.slice(3));
  });

  it('keeps the plain "Invalid API key" for a key that is well sent but wrong', async () => {
    const unknown = generateApiKey(KEY_PREFIX).key;
    sentKeys.push(unknown);
    const answer = await mockups({ Authorization: `Bearer ${unknown}` });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual(errorBody('INVALID_API_KEY', 'Invalid API key'));
  });

  it('answers 401 INVALID_API_KEY for a malformed key', async () => {
    for (const malformed of [
      'sm_short',
      key.slice(0, -1),
      key.replace(/^sm_/, 'pk_'),
      `${key.slice(0, 20)}-${key.slice(21)}`,
    ]) {
      sentKeys.push(malformed);
      const answer = await mockups({ 'X-API-KEY': malformed });
      expect(answer.status).toBe(401);
      expect(answer.body.code).toBe('INVALID_API_KEY');
    }
  });

  it('answers 401 INVALID_API_KEY for a key with a bad checksum', async () => {
    const bad = withBadChecksum(key);
    sentKeys.push(bad);
    const answer = await mockups({ 'X-API-KEY': bad });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('INVALID_API_KEY');
  });

  it('answers 401 INVALID_API_KEY for a well-formed key with an unknown lookup id', async () => {
    const unknown = generateApiKey(KEY_PREFIX).key;
    sentKeys.push(unknown);
    const answer = await mockups({ 'X-API-KEY': unknown });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('INVALID_API_KEY');
  });

  it('answers 401 INVALID_API_KEY for a real lookup id with a wrong secret', async () => {
    const forged = withWrongSecret(key);
    sentKeys.push(forged);
    expect(forged.slice(0, 19)).toBe(key.slice(0, 19));
    const answer = await mockups({ 'X-API-KEY': forged });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('INVALID_API_KEY');
  });

  it('answers 400 CONFLICTING_CREDENTIALS for two different keys in the two headers', async () => {
    const other = (await stack.admin.createKey(accountId)).key;
    sentKeys.push(other);
    const answer = await mockups({ 'X-API-KEY': key, Authorization: `Bearer ${other}` });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(errorBody('CONFLICTING_CREDENTIALS', 'Conflicting API keys'));
  });

  it('accepts the same key sent in both headers', async () => {
    expect((await mockups({ 'X-API-KEY': key, Authorization: `Bearer ${key}` })).status).toBe(200);
  });

  it('answers 401 API_KEY_REVOKED once a key is revoked', async () => {
    const created = await stack.admin.createKey(accountId);
    sentKeys.push(created.key);
    expect((await mockups({ 'X-API-KEY': created.key })).status).toBe(200);
    await stack.admin.revokeKey(accountId, created.id);
    const answer = await waitFor(
      async () => {
        const a = await mockups({ 'X-API-KEY': created.key });
        return a.status === 401 ? a : undefined;
      },
      { timeoutMs: 1_000, intervalMs: 20, what: 'the revoked key to be refused' },
    );
    expect(answer.body).toEqual(errorBody('API_KEY_REVOKED', 'API key revoked'));
  });

  it('answers 401 API_KEY_EXPIRED from the moment expires_at passes, from the cache', async () => {
    const expiresAt = new Date(Date.now() + 4_000);
    const created = await stack.admin.createKey(accountId, { expires_at: expiresAt.toISOString() });
    sentKeys.push(created.key);
    expect((await mockups({ 'X-API-KEY': created.key })).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() - Date.now() + 5));
    const answer = await mockups({ 'X-API-KEY': created.key });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual(errorBody('API_KEY_EXPIRED', 'API key expired'));
  });

  it('answers 503 AUTH_UNAVAILABLE, never 401, for a real key when the key-service cannot be reached', async () => {
    const isolated = await stack.startGateway({ keyServiceUrl: `http://127.0.0.1:${await freePort()}` });
    const fresh = (await stack.admin.createKey(accountId)).key;
    sentKeys.push(fresh);
    const answer = await get(`${isolated.url}/api/v1/mockups`, { 'X-API-KEY': fresh });
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual(errorBody('AUTH_UNAVAILABLE', 'Authentication temporarily unavailable'));
  });

  it('refuses malformed and bad-checksum keys locally: 401 even with no key-service, and no lookup', async () => {
    const isolated = await stack.startGateway({ keyServiceUrl: `http://127.0.0.1:${await freePort()}` });
    for (const garbage of ['sm_nonsense', withBadChecksum(key)]) {
      const answer = await get(`${isolated.url}/api/v1/mockups`, { 'X-API-KEY': garbage });
      expect(answer.status).toBe(401);
      expect(answer.body.code).toBe('INVALID_API_KEY');
    }
    const metrics = await (await fetch(`${isolated.url}/metrics`)).text();
    expect(metrics).not.toMatch(/^auth_cache_lookups_total\{result="(hit|miss)"\} [1-9]/m);
  });
});

describe('answers of authenticated routes', () => {
  it('carry the rate-limit headers on every authenticated answer, errors included', async () => {
    for (const path of ['/api/v1/mockups', `/api/v1/mockups/${randomUUID()}`, '/api/v1/mockups?limit=1000']) {
      const answer = await get(`${gateway.url}${path}`, { 'X-API-KEY': key });
      expect([200, 404, 400]).toContain(answer.status);
      expect(answer.headers.get('ratelimit-policy')).toBe('100;w=60, 10000;w=86400');
      expect(answer.headers.get('ratelimit')).toMatch(/^limit=100, remaining=\d+, reset=\d+$/);
      expect(answer.headers.get('x-ratelimit-limit')).toBe('100');
      expect(answer.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
      expect(answer.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/);
    }
  });

  it('carry no rate-limit headers when authentication failed', async () => {
    const answer = await mockups({});
    expect(answer.headers.get('ratelimit')).toBeNull();
  });

  it('echo X-Request-Id when sent, and generate one otherwise, on every answer', async () => {
    const echoed = await get(`${gateway.url}/api/v1/mockups`, {
      'X-API-KEY': key,
      'X-Request-Id': 'trace-42',
    });
    expect(echoed.headers.get('x-request-id')).toBe('trace-42');
    const refused = await get(`${gateway.url}/api/v1/mockups`, { 'X-Request-Id': 'trace-43' });
    expect(refused.headers.get('x-request-id')).toBe('trace-43');
    expect(refused.body.request_id).toBe('trace-43');
    for (const path of ['/healthz', '/nowhere', '/api/v1/mockups']) {
      const answer = await get(`${gateway.url}${path}`);
      expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('list the built-in mockups in pages with a cursor', async () => {
    const first = await get(`${gateway.url}/api/v1/mockups?limit=3`, { 'X-API-KEY': key });
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(3);
    expect(typeof first.body.next_cursor).toBe('string');
    const rest = await get(
      `${gateway.url}/api/v1/templates?limit=3&cursor=${encodeURIComponent(first.body.next_cursor as string)}`,
      { 'X-API-KEY': key },
    );
    expect(rest.body.data).toHaveLength(1);
    expect(rest.body.next_cursor).toBeNull();
  });

  it('answer a template by slug, a mockup by uuid, and 404 NOT_FOUND for unknown ids', async () => {
    const bySlug = await get(`${gateway.url}/api/v1/templates/poster-on-wall`, { 'X-API-KEY': key });
    expect(bySlug.status).toBe(200);
    const uuid = (bySlug.body.data as { uuid: string }).uuid;
    expect((await get(`${gateway.url}/api/v1/mockups/${uuid}`, { 'X-API-KEY': key })).status).toBe(200);
    const missing = await get(`${gateway.url}/api/v1/mockups/${randomUUID()}`, { 'X-API-KEY': key });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NOT_FOUND');
  });

  it('answer 400 VALIDATION_ERROR naming the field for a page size above 100', async () => {
    const answer = await get(`${gateway.url}/api/v1/mockups?limit=101`, { 'X-API-KEY': key });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('VALIDATION_ERROR');
    expect(answer.body.details).toEqual({ issues: [expect.objectContaining({ path: 'limit' })] });
  });
});

describe('operations', () => {
  it('answers /healthz and /readyz with every dependency checked', async () => {
    expect((await get(`${gateway.url}/healthz`)).body).toEqual({ status: 'ok' });
    const ready = await get(`${gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ready',
      checks: { postgres: 'ok', redis: 'ok', key_service: 'ok' },
    });
  });

  it('exposes request counts by route and status, and auth cache lookups, on /metrics', async () => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(text).toMatch(/^http_requests_total\{route="\/api\/v1\/mockups",method="GET",status="200"\} \d+/m);
    expect(text).toMatch(/^http_requests_total\{route="\/api\/v1\/mockups",method="GET",status="401"\} \d+/m);
    expect(text).toMatch(/^http_request_duration_seconds_bucket\{le="0.1",route="\/api\/v1\/mockups"/m);
    expect(text).toMatch(/^auth_cache_lookups_total\{result="hit"\} [1-9]/m);
    expect(text).toMatch(/^auth_cache_lookups_total\{result="miss"\} [1-9]/m);
  });

  it('never writes a full key to the log, only its hint', () => {
    const written = logs.text();
    expect(written).toContain(`"key_hint":"${key.slice(0, KEY_PREFIX.length + 8)}"`);
    for (const sent of sentKeys) expect(written).not.toContain(sent);
    // Nor any 20-character run of a key, in case one were logged cut or encoded differently.
    for (const sent of sentKeys.filter((k) => k.length > 40)) {
      expect(written).not.toContain(sent.slice(KEY_PREFIX.length + 8, KEY_PREFIX.length + 28));
    }
  });
});
