import { randomUUID } from 'node:crypto';
import { keyServiceConfigSchema, parseEnv } from '@platen/config';
import type { Account, ApiKeySummary, CreatedApiKey, VerifyKeyResponse } from '@platen/contracts';
import {
  createLogger,
  createServiceTokenSigner,
  createSessionTokens,
  listen,
  SESSION_MAX_LIFETIME_SECONDS,
  type RunningServer,
} from '@platen/http';
import { sessionEpochKey } from '@platen/queue';
import { freePort } from '@platen/testing';
import { Redis } from 'ioredis';
import { SignJWT } from 'jose';
import { createApp } from '../src/app.js';
import type { LedgerEntry } from '../src/credit-ledger.js';
import { createReadinessCheck } from '../src/readiness.js';
import {
  anyString,
  containing,
  DEFAULT_LIMITS,
  matching,
  startHarness,
  uniqueEmail,
  type Harness,
} from './harness.js';

const SECRET = 's'.repeat(40);
let h: Harness;
let server: RunningServer;
let base: string;
const sign = createServiceTokenSigner(SECRET, 'gateway');
const logger = createLogger({ name: 'key-service-test', level: 'silent' });
const sessions = createSessionTokens(SECRET, { ttlSeconds: 1_800 });

/** SIGNUP_CREDITS as main.ts reads it from this environment (the documented default when unset). */
function signupCreditsFrom(env: Record<string, string>): number {
  const required = {
    DATABASE_URL: 'postgres://127.0.0.1/x',
    REDIS_URL: 'redis://127.0.0.1',
    SERVICE_JWT_SECRET: SECRET,
  };
  return parseEnv(keyServiceConfigSchema, { ...required, ...env }).SIGNUP_CREDITS;
}

beforeAll(async () => {
  h = await startHarness('http');
  const app = createApp({
    stores: h.stores,
    verifier: h.verifier,
    readiness: createReadinessCheck({ db: h.db, redis: h.redis }),
    serviceJwtSecret: SECRET,
    sessions,
    signupCredits: signupCreditsFrom({}),
    defaultLimits: DEFAULT_LIMITS,
    clock: h.clock,
    logger,
  });
  server = await listen(app, 0, '127.0.0.1');
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.close();
  await h.close();
});

interface Envelope<T> {
  success: boolean;
  data: T;
  next_cursor?: string | null;
  error?: string;
  detail?: string;
  code?: string;
  details?: { issues?: Array<{ path: string }>; checks?: unknown };
  request_id?: string;
}

interface Answer<T> {
  status: number;
  body: Envelope<T>;
}

async function call<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  options: { token?: string | null; contentType?: string; raw?: string; base?: string } = {},
): Promise<Answer<T>> {
  const token = options.token === undefined ? await sign() : options.token;
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const payload = body === undefined ? options.raw : JSON.stringify(body);
  if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${options.base ?? base}${path}`, { method, headers, body: payload });
  return { status: response.status, body: (await response.json()) as Envelope<T> };
}

const issuePaths = (answer: Answer<unknown>): string[] =>
  (answer.body.details?.issues ?? []).map((issue) => issue.path).sort();

async function newAccount(credits = 0): Promise<Account> {
  const { status, body } = await call<Account>('POST', '/internal/v1/accounts', {
    email: uniqueEmail('http'),
    credits,
  });
  expect(status).toBe(201);
  return body.data;
}

async function newKey(accountId: string, input: object = { name: 'k' }): Promise<CreatedApiKey> {
  return (await call<CreatedApiKey>('POST', `/internal/v1/accounts/${accountId}/keys`, input)).body.data;
}

function expectError(answer: Answer<unknown>, status: number, code: string): void {
  expect(answer.status).toBe(status);
  expect(answer.body).toEqual(
    containing({ success: false, code, error: anyString(), request_id: anyString() }),
  );
  expect(answer.body.detail).toBe(answer.body.error);
}

describe('probes', () => {
  it('answers /healthz and /readyz without a service token when Postgres and Redis answer', async () => {
    expect((await call('GET', '/healthz', undefined, { token: null })).status).toBe(200);
    expect(await call('GET', '/readyz', undefined, { token: null })).toEqual({
      status: 200,
      body: { success: true, data: { status: 'ready', checks: { postgres: 'ok', redis: 'ok' } } },
    });
  });

  it('answers /readyz 503 SERVICE_UNAVAILABLE naming Redis when Redis is unreachable', async () => {
    const deadRedis = new Redis(await freePort(), '127.0.0.1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    deadRedis.on('error', () => undefined);
    const app = createApp({
      stores: h.stores,
      verifier: h.verifier,
      readiness: createReadinessCheck({ db: h.db, redis: deadRedis, timeoutMs: 500 }),
      serviceJwtSecret: SECRET,
      sessions,
      signupCredits: 0,
      defaultLimits: DEFAULT_LIMITS,
      clock: h.clock,
      logger,
    });
    const other = await listen(app, 0, '127.0.0.1');
    try {
      const answer = await call('GET', '/readyz', undefined, {
        token: null,
        base: `http://127.0.0.1:${other.port}`,
      });
      expectError(answer, 503, 'SERVICE_UNAVAILABLE');
      expect(answer.body.details).toEqual({ checks: { postgres: 'ok', redis: 'unavailable' } });
    } finally {
      await other.close();
      deadRedis.disconnect();
    }
  });
});

describe('service authentication', () => {
  it('answers 401 UNAUTHORIZED without a service token', async () => {
    expectError(
      await call('POST', '/internal/v1/keys/verify', { key: 'x' }, { token: null }),
      401,
      'UNAUTHORIZED',
    );
  });

  it('answers 401 UNAUTHORIZED for a token signed with another secret', async () => {
    const forged = await createServiceTokenSigner('f'.repeat(40), 'gateway')();
    expectError(
      await call('POST', '/internal/v1/keys/verify', { key: 'x' }, { token: forged }),
      401,
      'UNAUTHORIZED',
    );
  });

  it('answers 401 UNAUTHORIZED for an expired token', async () => {
    const past = Math.floor(Date.now() / 1000) - 600;
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('gateway')
      .setAudience('platen-internal')
      .setIssuedAt(past)
      .setExpirationTime(past + 60)
      .sign(new TextEncoder().encode(SECRET));
    expectError(
      await call('POST', '/internal/v1/keys/verify', { key: 'x' }, { token: expired }),
      401,
      'UNAUTHORIZED',
    );
  });

  it('answers 401, not 404, for an unknown internal route without a token', async () => {
    expectError(await call('GET', '/internal/v1/nothing', undefined, { token: null }), 401, 'UNAUTHORIZED');
    expectError(await call('GET', '/internal/v1/nothing'), 404, 'NOT_FOUND');
  });
});

describe('POST /internal/v1/keys/verify', () => {
  it('answers a valid key with its account and status, and anything else with { valid: false }', async () => {
    const account = await newAccount();
    const created = await newKey(account.id);
    const valid = await call<VerifyKeyResponse>('POST', '/internal/v1/keys/verify', { key: created.key });
    expect(valid.status).toBe(200);
    expect(valid.body.data).toMatchObject({
      valid: true,
      key_id: created.id,
      account_id: account.id,
      status: 'active',
    });
    const invalid = await call('POST', '/internal/v1/keys/verify', { key: 'sm_nope' });
    expect(invalid).toEqual({ status: 200, body: { success: true, data: { valid: false } } });
  });

  it('answers 400 VALIDATION_ERROR naming key for a missing key, and 415 for a non-JSON body', async () => {
    const missing = await call('POST', '/internal/v1/keys/verify', {});
    expectError(missing, 400, 'VALIDATION_ERROR');
    expect(issuePaths(missing)).toEqual(['key']);
    expectError(
      await call('POST', '/internal/v1/keys/verify', undefined, { raw: 'key=x', contentType: 'text/plain' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expectError(
      await call('POST', '/internal/v1/keys/verify', undefined, { raw: '{"key":' }),
      400,
      'VALIDATION_ERROR',
    );
  });
});

describe('accounts', () => {
  it('creates an account (201), finds it by id and by email in any case, and disables it', async () => {
    const email = uniqueEmail('acct');
    const created = await call<Account>('POST', '/internal/v1/accounts', { email, credits: 5 });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ email, credits: 5, disabled_at: null });
    const { id } = created.body.data;
    expect((await call<Account>('GET', `/internal/v1/accounts/${id}`)).body.data).toEqual(created.body.data);
    const found = await call<Account>(
      'GET',
      `/internal/v1/accounts?email=${encodeURIComponent(email.toUpperCase())}`,
    );
    expect(found.body.data.id).toBe(id);
    const disabled = await call<Account>('POST', `/internal/v1/accounts/${id}/disable`);
    expect(disabled.status).toBe(200);
    expect(disabled.body.data.disabled_at).toEqual(anyString());
  });

  it('answers 409 CONFLICT for a taken email, 400 for a bad one, 404 for unknown or malformed ids', async () => {
    const email = uniqueEmail('dup');
    await call('POST', '/internal/v1/accounts', { email });
    expectError(await call('POST', '/internal/v1/accounts', { email: email.toUpperCase() }), 409, 'CONFLICT');
    const bad = await call('POST', '/internal/v1/accounts', { email: 'not-an-email', credits: -1 });
    expectError(bad, 400, 'VALIDATION_ERROR');
    expect(issuePaths(bad)).toEqual(['credits', 'email']);
    expectError(await call('GET', `/internal/v1/accounts/${randomUUID()}`), 404, 'NOT_FOUND');
    expectError(await call('GET', '/internal/v1/accounts/not-a-uuid'), 404, 'NOT_FOUND');
    expectError(await call('POST', '/internal/v1/accounts/not-a-uuid/disable'), 404, 'NOT_FOUND');
    expectError(await call('GET', `/internal/v1/accounts?email=${uniqueEmail('none')}`), 404, 'NOT_FOUND');
    expectError(await call('GET', '/internal/v1/accounts'), 400, 'VALIDATION_ERROR');
  });
});

describe("an account's keys", () => {
  it('creates a key (201, shown once), lists it without the key, rotates and revokes', async () => {
    const account = await newAccount();
    const created = await call<CreatedApiKey>('POST', `/internal/v1/accounts/${account.id}/keys`, {
      name: 'main',
      rate_limits: { per_minute: 10 },
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ name: 'main', status: 'active', key: matching(/^sm_/) });
    const keyId = created.body.data.id;

    const list = await call<ApiKeySummary[]>('GET', `/internal/v1/accounts/${account.id}/keys`);
    expect(list.body).toEqual({ success: true, data: [containing({ id: keyId })], next_cursor: null });
    expect(list.body.data[0]).not.toHaveProperty('key');

    const rotated = await call<CreatedApiKey>(
      'POST',
      `/internal/v1/accounts/${account.id}/keys/${keyId}/rotate`,
      {
        grace_seconds: 60,
      },
    );
    expect(rotated.status).toBe(201);
    expect(rotated.body.data).toMatchObject({ name: 'main', status: 'active', key: matching(/^sm_/) });
    expect(rotated.body.data.id).not.toBe(keyId);

    const newId = rotated.body.data.id;
    const revoked = await call<ApiKeySummary>(
      'POST',
      `/internal/v1/accounts/${account.id}/keys/${newId}/revoke`,
    );
    expect(revoked.body.data).toMatchObject({ id: newId, status: 'revoked' });
    expect(revoked.body.data).not.toHaveProperty('key');
  });

  it('rotates with the default grace of 0 when the body is empty', async () => {
    const account = await newAccount();
    const created = await newKey(account.id);
    expect((await call('POST', `/internal/v1/accounts/${account.id}/keys/${created.id}/rotate`)).status).toBe(
      201,
    );
    const verified = await call<VerifyKeyResponse>('POST', '/internal/v1/keys/verify', { key: created.key });
    expect(verified.body.data).toMatchObject({ status: 'revoked' });
  });

  it('answers 400 naming expires_at for a past expiry, name for a blank one, grace_seconds beyond 7 days', async () => {
    const account = await newAccount();
    const past = await call('POST', `/internal/v1/accounts/${account.id}/keys`, {
      name: 'late',
      expires_at: '2000-01-01T00:00:00Z',
    });
    expectError(past, 400, 'VALIDATION_ERROR');
    expect(issuePaths(past)).toEqual(['expires_at']);
    expect(
      issuePaths(await call('POST', `/internal/v1/accounts/${account.id}/keys`, { name: '  ' })),
    ).toEqual(['name']);

    const created = await newKey(account.id);
    const tooLong = await call('POST', `/internal/v1/accounts/${account.id}/keys/${created.id}/rotate`, {
      grace_seconds: 7 * 24 * 3600 + 1,
    });
    expectError(tooLong, 400, 'VALIDATION_ERROR');
    expect(issuePaths(tooLong)).toEqual(['grace_seconds']);
  });

  it("answers 404 for another account's key, unknown accounts and malformed ids; 409 to rotate a revoked key", async () => {
    const owner = await newAccount();
    const stranger = await newAccount();
    const created = await newKey(owner.id);
    expectError(
      await call('POST', `/internal/v1/accounts/${stranger.id}/keys/${created.id}/revoke`),
      404,
      'NOT_FOUND',
    );
    expectError(
      await call('POST', `/internal/v1/accounts/${stranger.id}/keys/${created.id}/rotate`, {}),
      404,
      'NOT_FOUND',
    );
    expectError(
      await call('POST', `/internal/v1/accounts/${owner.id}/keys/not-a-uuid/revoke`),
      404,
      'NOT_FOUND',
    );
    expectError(await call('GET', `/internal/v1/accounts/${randomUUID()}/keys`), 404, 'NOT_FOUND');
    expectError(await call('POST', '/internal/v1/accounts/xyz/keys', { name: 'k' }), 404, 'NOT_FOUND');
    expectError(await call('GET', `/internal/v1/accounts/${owner.id}/keys?limit=0`), 400, 'VALIDATION_ERROR');
    await call('POST', `/internal/v1/accounts/${owner.id}/keys/${created.id}/revoke`);
    const conflict = await call('POST', `/internal/v1/accounts/${owner.id}/keys/${created.id}/rotate`, {});
    expectError(conflict, 409, 'CONFLICT');
    expect(conflict.body.error).toBe('key is revoked');
  });
});

describe('credits', () => {
  it('grants, charges once per render, refunds once, and lists the ledger', async () => {
    const account = await newAccount(2);
    const path = `/internal/v1/accounts/${account.id}`;
    h.clock.advance(1_000); // entries of the same millisecond have no meaningful order
    expect((await call('POST', `${path}/credits/grant`, { amount: 3, note: 'promo' })).body.data).toEqual({
      balance: 5,
    });
    const render_id = randomUUID();
    h.clock.advance(1_000);
    const charge = { render_id, amount: 2 };
    expect((await call('POST', `${path}/credits/charge`, charge)).body.data).toEqual({
      applied: true,
      balance: 3,
    });
    expect((await call('POST', `${path}/credits/charge`, charge)).body.data).toEqual({
      applied: false,
      balance: 3,
    });
    h.clock.advance(1_000);
    expect((await call('POST', `${path}/credits/refund`, { render_id })).body.data).toEqual({
      applied: true,
      balance: 5,
    });
    expect((await call('POST', `${path}/credits/refund`, { render_id })).body.data).toEqual({
      applied: false,
      balance: 5,
    });
    expect((await call('GET', `${path}/credits`)).body.data).toEqual({ balance: 5 });

    const ledger = await call<LedgerEntry[]>('GET', `${path}/ledger?limit=3`);
    expect(ledger.body.data.map((e) => [e.kind, e.amount])).toEqual([
      ['refund', 2],
      ['charge', -2],
      ['grant', 3],
    ]);
    expect(ledger.body.next_cursor).toEqual(anyString());
    const rest = await call<LedgerEntry[]>('GET', `${path}/ledger?limit=3&cursor=${ledger.body.next_cursor}`);
    expect(rest.body).toMatchObject({ data: [containing({ kind: 'grant', amount: 2 })], next_cursor: null });
  });

  it('answers 402 INSUFFICIENT_CREDITS, 404 for a refund without charge, and 400 for bad amounts', async () => {
    const account = await newAccount(1);
    const path = `/internal/v1/accounts/${account.id}`;
    expectError(
      await call('POST', `${path}/credits/charge`, { render_id: randomUUID(), amount: 2 }),
      402,
      'INSUFFICIENT_CREDITS',
    );
    expectError(await call('POST', `${path}/credits/refund`, { render_id: randomUUID() }), 404, 'NOT_FOUND');
    const bad = await call('POST', `${path}/credits/charge`, { render_id: 'r1', amount: 0 });
    expectError(bad, 400, 'VALIDATION_ERROR');
    expect(issuePaths(bad)).toEqual(['amount', 'render_id']);
    expectError(await call('POST', `${path}/credits/grant`, { amount: -5 }), 400, 'VALIDATION_ERROR');
    expectError(await call('GET', `/internal/v1/accounts/${randomUUID()}/credits`), 404, 'NOT_FOUND');
    expectError(await call('GET', `${path}/ledger?cursor=zzz`), 400, 'VALIDATION_ERROR');
    expect((await call('GET', `${path}/credits`)).body.data).toEqual({ balance: 1 });
  });
});

describe('users and sessions', () => {
  interface Signed {
    user_id: string;
    account_id: string;
    email: string;
    session: { token: string; expires_at: string };
  }

  it('signs up (201) and logs in with a session token; a wrong password is 401', async () => {
    const email = uniqueEmail('web');
    const password = 'a long enough password';
    const signup = await call<Signed>('POST', '/internal/v1/users', { email, password });
    expect(signup.status).toBe(201);
    expect(signup.body.data).toEqual({
      user_id: anyString(),
      account_id: anyString(),
      email,
      session: {
        token: anyString(),
        expires_at: new Date(h.clock.now().getTime() + 1_800_000).toISOString(),
      },
    });
    const login = await call<Signed>('POST', '/internal/v1/sessions', { email, password });
    expect(login.status).toBe(201);
    const { session, ...identity } = login.body.data;
    expect(identity).toEqual({
      user_id: signup.body.data.user_id,
      account_id: signup.body.data.account_id,
      email,
    });
    expect(await sessions.verify(session.token, h.clock.now())).toMatchObject({
      userId: identity.user_id,
      accountId: identity.account_id,
    });
    expectError(
      await call('POST', '/internal/v1/sessions', { email, password: 'a wrong password!' }),
      401,
      'UNAUTHORIZED',
    );
  });

  it('refreshes a valid session (same session id, later expiry) and refuses an expired one or a disabled account', async () => {
    const email = uniqueEmail('refresh');
    const signup = await call<Signed>('POST', '/internal/v1/users', {
      email,
      password: 'a long enough password',
    });
    const first = await sessions.verify(signup.body.data.session.token, h.clock.now());
    h.clock.advance(600_000);
    const refreshed = await call<Signed>('POST', '/internal/v1/sessions/refresh', {
      token: signup.body.data.session.token,
    });
    expect(refreshed.status).toBe(200);
    const second = await sessions.verify(refreshed.body.data.session.token, h.clock.now());
    expect(second?.sessionId).toBe(first?.sessionId);
    expect(second!.expiresAt.getTime()).toBe(first!.expiresAt.getTime() + 600_000);

    h.clock.advance(1_800_000);
    expectError(
      await call('POST', '/internal/v1/sessions/refresh', { token: refreshed.body.data.session.token }),
      401,
      'UNAUTHORIZED',
    );
    const fresh = await call<Signed>('POST', '/internal/v1/sessions', {
      email,
      password: 'a long enough password',
    });
    await call('POST', `/internal/v1/accounts/${fresh.body.data.account_id}/disable`);
    expectError(
      await call('POST', '/internal/v1/sessions/refresh', { token: fresh.body.data.session.token }),
      401,
      'UNAUTHORIZED',
    );
    expectError(
      await call('POST', '/internal/v1/sessions/refresh', { token: 'forged' }),
      401,
      'UNAUTHORIZED',
    );
  });

  it('changes a password: this session goes on with a new token, every other one is refused, gateways are told', async () => {
    const email = uniqueEmail('change');
    const password = 'the first long password';
    const signup = await call<Signed>('POST', '/internal/v1/users', { email, password });
    const other = await call<Signed>('POST', '/internal/v1/sessions', { email, password });
    const changer = signup.body.data.session.token;
    const before = await sessions.verify(changer, h.clock.now());

    const wrong = await call('POST', '/internal/v1/sessions/password', {
      token: changer,
      current_password: 'not the password',
      new_password: 'the second long password',
    });
    expectError(wrong, 403, 'FORBIDDEN');
    expect(
      (await call('POST', '/internal/v1/sessions/refresh', { token: other.body.data.session.token })).status,
    ).toBe(200);
    expect(await h.redis.get(sessionEpochKey(h.testRedis.prefix, signup.body.data.user_id))).toBeNull();

    h.clock.advance(60_000);
    const changed = await call<Signed>('POST', '/internal/v1/sessions/password', {
      token: changer,
      current_password: password,
      new_password: 'the second long password',
    });
    expect(changed.status).toBe(200);
    const after = await sessions.verify(changed.body.data.session.token, h.clock.now());
    expect(after).toMatchObject({
      userId: signup.body.data.user_id,
      sessionId: before!.sessionId,
      sessionEpoch: before!.sessionEpoch + 1,
      authenticatedAt: h.clock.now(),
    });
    const epochKey = sessionEpochKey(h.testRedis.prefix, signup.body.data.user_id);
    expect(await h.redis.get(epochKey)).toBe(String(after!.sessionEpoch));
    expect(await h.redis.ttl(epochKey)).toBeGreaterThan(SESSION_MAX_LIFETIME_SECONDS - 60);

    for (const token of [other.body.data.session.token, changer]) {
      expectError(await call('POST', '/internal/v1/sessions/refresh', { token }), 401, 'UNAUTHORIZED');
      expectError(
        await call('POST', '/internal/v1/sessions/password', {
          token,
          current_password: 'the second long password',
          new_password: 'a third long password',
        }),
        401,
        'UNAUTHORIZED',
      );
    }
    expect(
      (await call('POST', '/internal/v1/sessions/refresh', { token: changed.body.data.session.token }))
        .status,
    ).toBe(200);
    expectError(await call('POST', '/internal/v1/sessions', { email, password }), 401, 'UNAUTHORIZED');
    const login = await call<Signed>('POST', '/internal/v1/sessions', {
      email,
      password: 'the second long password',
    });
    expect(login.status).toBe(201);
    expect((await sessions.verify(login.body.data.session.token, h.clock.now()))?.sessionEpoch).toBe(
      after!.sessionEpoch,
    );
  });

  it('ends every session of the user when an operator resets the password', async () => {
    const email = uniqueEmail('reset');
    const password = 'the first long password';
    const signup = await call<Signed>('POST', '/internal/v1/users', { email, password });
    await h.stores.users.setPassword({ email, password: 'an operator-set password' });
    expectError(
      await call('POST', '/internal/v1/sessions/refresh', { token: signup.body.data.session.token }),
      401,
      'UNAUTHORIZED',
    );
    expect(await h.redis.get(sessionEpochKey(h.testRedis.prefix, signup.body.data.user_id))).toBe('1');
    const login = await call<Signed>('POST', '/internal/v1/sessions', {
      email,
      password: 'an operator-set password',
    });
    expect(
      (await call('POST', '/internal/v1/sessions/refresh', { token: login.body.data.session.token })).status,
    ).toBe(200);
  });

  it('answers 400 naming new_password when the new password is shorter than 12 characters', async () => {
    const signup = await call<Signed>('POST', '/internal/v1/users', {
      email: uniqueEmail('short-change'),
      password: 'the first long password',
    });
    const answer = await call('POST', '/internal/v1/sessions/password', {
      token: signup.body.data.session.token,
      current_password: 'the first long password',
      new_password: 'short',
    });
    expectError(answer, 400, 'VALIDATION_ERROR');
    expect(issuePaths(answer)).toEqual(['new_password']);
  });

  it('starts a sign-up with SIGNUP_CREDITS (default 100) as one ledger grant, so the ledger sums to the balance', async () => {
    const signup = await call<Signed>('POST', '/internal/v1/users', {
      email: uniqueEmail('starter'),
      password: 'a long enough password',
    });
    const path = `/internal/v1/accounts/${signup.body.data.account_id}`;
    expect((await call('GET', `${path}/credits`)).body.data).toEqual({ balance: 100 });
    expect((await call<LedgerEntry[]>('GET', `${path}/ledger`)).body.data).toEqual([
      containing({ kind: 'grant', amount: 100, render_id: null, note: 'sign-up credits' }),
    ]);
  });

  it('starts a sign-up with nothing and no ledger row when SIGNUP_CREDITS=0', async () => {
    const app = createApp({
      stores: h.stores,
      verifier: h.verifier,
      readiness: createReadinessCheck({ db: h.db, redis: h.redis }),
      serviceJwtSecret: SECRET,
      sessions,
      signupCredits: signupCreditsFrom({ SIGNUP_CREDITS: '0' }),
      defaultLimits: DEFAULT_LIMITS,
      clock: h.clock,
      logger,
    });
    const other = await listen(app, 0, '127.0.0.1');
    try {
      const options = { base: `http://127.0.0.1:${other.port}` };
      const signup = await call<Signed>(
        'POST',
        '/internal/v1/users',
        { email: uniqueEmail('starter'), password: 'a long enough password' },
        options,
      );
      expect(signup.status).toBe(201);
      const path = `/internal/v1/accounts/${signup.body.data.account_id}`;
      expect((await call('GET', `${path}/credits`, undefined, options)).body.data).toEqual({ balance: 0 });
      expect((await call('GET', `${path}/ledger`, undefined, options)).body.data).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('answers 400 naming password when it is shorter than 12 characters, and 409 for a taken email', async () => {
    const email = uniqueEmail('web');
    const short = await call('POST', '/internal/v1/users', { email, password: 'elevenchars' });
    expectError(short, 400, 'VALIDATION_ERROR');
    expect(issuePaths(short)).toEqual(['password']);
    await call('POST', '/internal/v1/users', { email, password: 'twelve chars' });
    expectError(
      await call('POST', '/internal/v1/users', { email, password: 'twelve chars' }),
      409,
      'CONFLICT',
    );
  });
});

describe('usage', () => {
  it('reports the account’s per-key daily usage for the last N days, and nothing of another account', async () => {
    const account = await newAccount();
    const other = await newAccount();
    const alpha = await newKey(account.id, { name: 'alpha' });
    const beta = await newKey(account.id, { name: 'beta' });
    const foreign = await newKey(other.id, { name: 'foreign' });
    const day = (offset: number) =>
      new Date(h.clock.now().getTime() - offset * 86_400_000).toISOString().slice(0, 10);
    await h.db
      .insertInto('keys.key_usage')
      .values([
        { key_id: alpha.id, day: day(0), requests: 7, renders: 2, credits: 2 },
        { key_id: beta.id, day: day(0), requests: 1, renders: 0, credits: 0 },
        { key_id: alpha.id, day: day(29), requests: 3, renders: 1, credits: 1 },
        { key_id: alpha.id, day: day(30), requests: 99, renders: 9, credits: 9 },
        { key_id: foreign.id, day: day(0), requests: 5, renders: 5, credits: 5 },
      ])
      .execute();

    const answer = await call<{ from: string; to: string; rows: unknown[] }>(
      'GET',
      `/internal/v1/accounts/${account.id}/usage?days=30`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({
      from: day(29),
      to: day(0),
      rows: [
        { date: day(29), key_id: alpha.id, key_name: 'alpha', requests: 3, renders: 1, credits: 1 },
        { date: day(0), key_id: alpha.id, key_name: 'alpha', requests: 7, renders: 2, credits: 2 },
        { date: day(0), key_id: beta.id, key_name: 'beta', requests: 1, renders: 0, credits: 0 },
      ],
    });
    expect((await call('GET', '/internal/v1/rate-limits/default')).body.data).toEqual(DEFAULT_LIMITS);
    const bad = await call('GET', `/internal/v1/accounts/${account.id}/usage?days=91`);
    expectError(bad, 400, 'VALIDATION_ERROR');
    expect(issuePaths(bad)).toEqual(['days']);
  });
});

describe('charge-many', () => {
  it('charges a batch all at once, answers 402 for one that does not fit, 400 for a bad body', async () => {
    const account = await newAccount(5);
    const path = `/internal/v1/accounts/${account.id}/credits/charge-many`;
    const batch = [
      { render_id: randomUUID(), amount: 2 },
      { render_id: randomUUID(), amount: 2 },
    ];

    expect((await call('POST', path, { charges: batch })).body.data).toEqual({ applied: 2, balance: 1 });
    expect((await call('POST', path, { charges: batch })).body.data).toEqual({ applied: 0, balance: 1 });
    expectError(
      await call('POST', path, { charges: [{ render_id: randomUUID(), amount: 2 }] }),
      402,
      'INSUFFICIENT_CREDITS',
    );
    const repeated = await call('POST', path, { charges: [batch[0], batch[0]] });
    expectError(repeated, 400, 'VALIDATION_ERROR');
    expect(issuePaths(repeated)).toEqual(['charges']);
    expectError(await call('POST', path, { charges: [] }), 400, 'VALIDATION_ERROR');
  });

  it('takes the 500 charges of the largest batch in one body', async () => {
    const account = await newAccount(500);
    const charges = Array.from({ length: 500 }, () => ({ render_id: randomUUID(), amount: 1 }));

    const answer = await call('POST', `/internal/v1/accounts/${account.id}/credits/charge-many`, { charges });

    expect(answer.body.data).toEqual({ applied: 500, balance: 0 });
  });
});
