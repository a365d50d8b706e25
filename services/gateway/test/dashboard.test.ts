// /dashboard/api against the real key-service, Postgres and Redis, through a cookie jar as a browser
// keeps it: sign-up and log-in set the session cookies; CSRF (header and origin) and the login throttle
// hold; a key made in the dashboard works on the API and stops when revoked there; sessions expire,
// refresh and end on logout; another account's ids are 404. Also the page's files and headers.
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { successEnvelope, usageReportSchema } from '@platen/contracts';
import { createSessionTokens } from '@platen/http';
import { waitFor } from '@platen/testing';
import { apiClient, issuePaths, TINY_PNG } from './support/api-client.js';
import { BUILTIN_MOCKUPS } from './support/sample-mockups.js';
import { Browser } from './support/dashboard-browser.js';
import { STACK_START_TIMEOUT_MS, TestStack, type TestGateway } from './support/test-stack.js';

jest.setTimeout(60_000);

const stack = new TestStack('gw-dashboard');
const PASSWORD = 'a long enough password';
const LOGIN_LIMITS = { perEmail: 3, perAddress: 8, signUpsPerAddress: 100, windowSeconds: 60 };
let gateway: TestGateway;
let webRoot: string;

const email = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.com`;

async function signedUp(label = 'user'): Promise<{ browser: Browser; email: string; accountId: string }> {
  const browser = new Browser(gateway.url);
  const address = email(label);
  const answer = await browser.post('/dashboard/api/signup', { email: address, password: PASSWORD });
  expect(answer.status).toBe(201);
  return { browser, email: address, accountId: (answer.body.data as { account: { id: string } }).account.id };
}

beforeAll(async () => {
  webRoot = await mkdtemp(join(tmpdir(), 'platen-dashboard-web-'));
  await mkdir(join(webRoot, 'assets'));
  await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>Platen</title><div id="root"></div>');
  await writeFile(join(webRoot, 'assets', 'index-abc123.js'), 'console.log("dashboard")');
  await stack.start();
  gateway = await stack.startGateway({ dashboardWebRoot: webRoot, loginLimits: LOGIN_LIMITS });
}, STACK_START_TIMEOUT_MS);

afterAll(async () => {
  await stack.teardown();
  await rm(webRoot, { recursive: true, force: true });
});

describe('signing up and in', () => {
  it('signs up with session cookies (HttpOnly, SameSite=Strict) and shows the account', async () => {
    const browser = new Browser(gateway.url);
    const address = email('signup');
    const answer = await browser.post('/dashboard/api/signup', { email: address, password: PASSWORD });
    expect(answer.status).toBe(201);
    expect(answer.body.data).toEqual({
      user: { id: expect.any(String) as unknown, email: address },
      account: { id: expect.any(String) as unknown, email: address, credits: 0 },
      rate_limits: { per_minute: 100, per_day: 10_000 },
      csrf_token: browser.csrf,
    });
    const session = browser.setCookieHeaders.find((header) => header.startsWith('platen_session='))!;
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Strict/);
    expect(session).toMatch(/; Path=\/dashboard/);
    const csrf = browser.setCookieHeaders.find((header) => header.startsWith('platen_csrf='))!;
    expect(csrf).not.toMatch(/HttpOnly/);
    expect(JSON.stringify(answer.body)).not.toContain(PASSWORD);

    const me = await browser.get('/dashboard/api/me');
    expect(me.status).toBe(200);
    expect(me.body.data).toEqual(answer.body.data);
  });

  it('refuses a short password naming password, and a taken email with 409', async () => {
    const browser = new Browser(gateway.url);
    const short = await browser.post('/dashboard/api/signup', {
      email: email('short'),
      password: 'elevenchars',
    });
    expect(short.status).toBe(400);
    expect(issuePaths(short)).toEqual(['password']);
    const { email: taken } = await signedUp('taken');
    const again = await new Browser(gateway.url).post('/dashboard/api/signup', {
      email: taken,
      password: PASSWORD,
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ success: false, code: 'CONFLICT' });
  });

  it('answers a sign-up for a registered email 409 without a session, and changes nothing of the account', async () => {
    const { email: taken, accountId } = await signedUp('kept');
    const intruder = new Browser(gateway.url);
    const again = await intruder.post('/dashboard/api/signup', {
      email: taken.toUpperCase(),
      password: 'the intruder’s own password',
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      success: false,
      code: 'CONFLICT',
      detail: 'email is already registered',
    });
    expect(intruder.cookies.has('platen_session')).toBe(false);
    const owner = new Browser(gateway.url);
    const back = await owner.post('/dashboard/api/login', { email: taken, password: PASSWORD });
    expect(back.status).toBe(200);
    expect(back.body.data).toMatchObject({ account: { id: accountId, email: taken } });
  });

  it('logs in with the right password only, and limits failed logins per email with Retry-After', async () => {
    const { email: address } = await signedUp('login');
    const browser = new Browser(gateway.url);
    for (let attempt = 0; attempt < LOGIN_LIMITS.perEmail; attempt += 1) {
      const wrong = await browser.post('/dashboard/api/login', {
        email: address,
        password: 'not the password',
      });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ code: 'UNAUTHORIZED', detail: 'Wrong email or password' });
      expect(browser.cookies.has('platen_session')).toBe(false);
    }
    const limited = await browser.post('/dashboard/api/login', { email: address, password: PASSWORD });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED' });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(LOGIN_LIMITS.windowSeconds);
    expect(limited.body.details).toEqual({ retry_after: retryAfter });
    expect(browser.cookies.has('platen_session')).toBe(false);
  });

  it('limits failed logins per client address across emails', async () => {
    const browser = new Browser(gateway.url);
    let status = 0;
    for (let attempt = 0; attempt <= LOGIN_LIMITS.perAddress && status !== 429; attempt += 1) {
      status = (
        await browser.post('/dashboard/api/login', { email: email('spray'), password: 'guess guess guess' })
      ).status;
    }
    expect(status).toBe(429);
  });
});

describe('the session', () => {
  it('is required: no cookie or a forged one is 401 in the envelope', async () => {
    for (const cookie of [undefined, 'platen_session=forged.token.value']) {
      const answer = await fetch(`${gateway.url}/dashboard/api/keys`, { headers: cookie ? { cookie } : {} });
      expect(answer.status).toBe(401);
      expect(await answer.json()).toMatchObject({ success: false, code: 'UNAUTHORIZED' });
    }
  });

  it('refuses an expired token and refreshes one past half its life', async () => {
    const { browser, accountId } = await signedUp('expiry');
    const me = (await browser.get('/dashboard/api/me')).body.data as { user: { id: string } };
    const tokens = createSessionTokens(stack.serviceSecret, { ttlSeconds: 600 });
    const identity = { userId: me.user.id, accountId, email: 'x@example.com' };
    const anHourAgo = new Date(Date.now() - 3_600_000);

    const expired = await tokens.issue(
      identity,
      { sessionId: randomUUID(), authenticatedAt: anHourAgo, sessionEpoch: 0 },
      anHourAgo,
    );
    const stale = new Browser(gateway.url);
    stale.cookies.set('platen_session', expired.token);
    expect((await stale.get('/dashboard/api/me')).status).toBe(401);

    const aging = await tokens.issue(
      identity,
      { sessionId: randomUUID(), authenticatedAt: anHourAgo, sessionEpoch: 0 },
      new Date(Date.now() - 400_000),
    );
    const refreshing = new Browser(gateway.url);
    refreshing.cookies.set('platen_session', aging.token);
    expect((await refreshing.get('/dashboard/api/me')).status).toBe(200);
    const renewed = refreshing.cookies.get('platen_session')!;
    expect(renewed).not.toBe(aging.token);
    expect((await tokens.verify(renewed))!.expiresAt.getTime()).toBeGreaterThan(Date.parse(aging.expires_at));
  });

  it('ends on logout: the cookies are cleared and the old cookie no longer works', async () => {
    const { browser } = await signedUp('logout');
    const token = browser.cookies.get('platen_session')!;
    const out = await browser.post('/dashboard/api/logout');
    expect(out.status).toBe(200);
    expect(out.body.data).toEqual({ logged_out: true });
    expect(browser.cookies.has('platen_session')).toBe(false);
    const replay = new Browser(gateway.url);
    replay.cookies.set('platen_session', token);
    expect((await replay.get('/dashboard/api/me')).status).toBe(401);
  });

  it('refuses unsafe requests without the CSRF token or from another site, and changes nothing', async () => {
    const { browser } = await signedUp('csrf');
    const attempts: Array<Record<string, string>> = [
      { 'x-csrf-token': '' },
      { 'x-csrf-token': 'a-token-of-another-session' },
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of attempts) {
      const answer = await browser.post('/dashboard/api/keys', { name: 'stolen' }, headers);
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ success: false, code: 'FORBIDDEN' });
    }
    const form = await browser.request('POST', '/dashboard/api/keys', 'name=stolen', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(415);
    expect((await browser.get('/dashboard/api/keys')).body.data).toEqual([]);
  });
});

describe('keys from the dashboard', () => {
  it('creates a key shown once that works on the API, and revoking it stops it', async () => {
    const { browser } = await signedUp('keys');
    const created = await browser.post('/dashboard/api/keys', { name: 'shop', expires_at: null });
    expect(created.status).toBe(201);
    const key = created.body.data as { id: string; key: string; key_hint: string; status: string };
    expect(key).toMatchObject({ name: 'shop', status: 'active', requests_total: 0, credits_used: 0 });
    expect(key.key.startsWith(key.key_hint.replace(/\.+$/, ''))).toBe(true);

    const api = apiClient(gateway.url, key.key);
    expect((await api.get('/api/v1/mockups')).status).toBe(200);
    const listed = await browser.get('/dashboard/api/keys');
    expect(listed.body.data).toEqual([expect.objectContaining({ id: key.id, status: 'active' })]);
    expect(JSON.stringify(listed.body)).not.toContain(key.key);

    const revoked = await browser.post(`/dashboard/api/keys/${key.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.data).toMatchObject({ id: key.id, status: 'revoked' });
    await waitFor(async () => ((await api.get('/api/v1/mockups')).status === 401 ? true : undefined), {
      timeoutMs: 5_000,
      what: 'the revoked key refused',
    });
    expect((await api.get('/api/v1/mockups')).body).toMatchObject({ code: 'API_KEY_REVOKED' });
    const filtered = await browser.get('/dashboard/api/keys?status=revoked');
    expect((filtered.body.data as Array<{ id: string }>).map((k) => k.id)).toEqual([key.id]);
    expect((await browser.get('/dashboard/api/keys?status=active')).body.data).toEqual([]);
  });

  it('rotates a key with a grace period: a new key now, the old one still working meanwhile', async () => {
    const { browser } = await signedUp('rotate');
    const old = (await browser.post('/dashboard/api/keys', { name: 'ci' })).body.data as {
      id: string;
      key: string;
    };
    const rotated = await browser.post(`/dashboard/api/keys/${old.id}/rotate`, { grace_seconds: 3600 });
    expect(rotated.status).toBe(201);
    const fresh = rotated.body.data as { id: string; key: string; name: string };
    expect(fresh.name).toBe('ci');
    expect(fresh.key).not.toBe(old.key);
    expect((await apiClient(gateway.url, fresh.key).get('/api/v1/mockups')).status).toBe(200);
    expect((await apiClient(gateway.url, old.key).get('/api/v1/mockups')).status).toBe(200);
    const bad = await browser.post(`/dashboard/api/keys/${fresh.id}/rotate`, { grace_seconds: 8 * 86_400 });
    expect(bad.status).toBe(400);
    expect(issuePaths(bad)).toEqual(['grace_seconds']);
  });

  it('shows usage per key per day once the key-service has flushed it', async () => {
    const { browser } = await signedUp('usage');
    const key = (await browser.post('/dashboard/api/keys', { name: 'counted' })).body.data as {
      id: string;
      key: string;
    };
    const api = apiClient(gateway.url, key.key);
    for (let n = 0; n < 3; n += 1) await api.get('/api/v1/mockups');
    const rows = await waitFor(
      async () => {
        const usage = (await browser.get('/dashboard/api/usage?days=7')).body.data as {
          rows: Array<{ key_id: string; requests: number }>;
        };
        return usage.rows.find((row) => row.key_id === key.id && row.requests >= 3) ? usage.rows : undefined;
      },
      { timeoutMs: 20_000, what: 'usage flushed to Postgres' },
    );
    expect(rows).toEqual([
      expect.objectContaining({
        key_id: key.id,
        key_name: 'counted',
        requests: 3,
        date: new Date().toISOString().slice(0, 10),
      }),
    ]);
    expect((await browser.get('/dashboard/api/usage?days=0')).status).toBe(400);
  });

  it('sends usage exactly in the shape of the shared schema the page is typed with', async () => {
    const { browser } = await signedUp('usage-shape');
    const empty = (await browser.get('/dashboard/api/usage?days=3')).body;
    // parse() drops fields the schema does not know, so equality also catches a field the server added.
    expect(successEnvelope(usageReportSchema).parse(empty)).toEqual(empty);
    const key = (await browser.post('/dashboard/api/keys', { name: 'shaped' })).body.data as { key: string };
    await apiClient(gateway.url, key.key).get('/api/v1/mockups');
    const answer = await waitFor(
      async () => {
        const body = (await browser.get('/dashboard/api/usage?days=3')).body as { data: { rows: unknown[] } };
        return body.data.rows.length > 0 ? body : undefined;
      },
      { timeoutMs: 20_000, what: 'usage flushed to Postgres' },
    );
    const report = successEnvelope(usageReportSchema).parse(answer);
    expect(report).toEqual(answer);
    expect(report.data.rows).toEqual([
      expect.objectContaining({ key_name: 'shaped', requests: 1, credits: 0 }),
    ]);
  });
});

describe('credits, renders, mockups and webhooks from the dashboard', () => {
  it('renders an uploaded artwork ("try it"), charged to the account and listed with its ledger entry', async () => {
    const { browser, accountId } = await signedUp('try');
    expect((await browser.post('/dashboard/api/renders', {})).status).toBe(400);
    const poster = BUILTIN_MOCKUPS[0]!;
    const body = {
      mockup_uuid: poster.uuid,
      smart_objects: [{ uuid: poster.smart_objects[0]!.uuid, asset: { data: TINY_PNG.toString('base64') } }],
    };
    const broke = await browser.post('/dashboard/api/renders', body);
    expect(broke.status).toBe(402);
    expect(broke.body).toMatchObject({ code: 'INSUFFICIENT_CREDITS' });

    await stack.admin.grantCredits(accountId, 5);
    const accepted = await browser.post('/dashboard/api/renders', body);
    expect(accepted.status).toBe(202);
    const render = accepted.body.data as { uuid: string; status: string };
    expect(render.status).toBe('queued');
    expect(await stack.admin.balance(accountId)).toBe(4);

    const shown = await browser.get(`/dashboard/api/renders/${render.uuid}`);
    expect(shown.body.data).toMatchObject({
      uuid: render.uuid,
      credits_charged: 1,
      credits_refunded: 0,
      webhook_deliveries: [],
    });
    const list = await browser.get('/dashboard/api/renders');
    expect((list.body.data as Array<{ uuid: string }>).map((r) => r.uuid)).toEqual([render.uuid]);
    const credits = await browser.get('/dashboard/api/credits');
    expect(credits.body.data).toMatchObject({
      balance: 4,
      entries: [
        expect.objectContaining({ kind: 'charge', amount: -1, render_id: render.uuid }),
        expect.objectContaining({ kind: 'grant', amount: 5 }),
      ],
    });
  });

  it('lists the built-in mockups', async () => {
    const { browser } = await signedUp('mockups');
    const answer = await browser.get('/dashboard/api/mockups');
    expect((answer.body.data as Array<{ uuid: string }>).map((m) => m.uuid).sort()).toEqual(
      BUILTIN_MOCKUPS.map((m) => m.uuid).sort(),
    );
  });

  it('manages webhook endpoints and the signing secret', async () => {
    const { browser } = await signedUp('hooks');
    const created = await browser.post('/dashboard/api/webhooks', {
      url: 'https://hooks.example.com/in',
      events: ['render.failed'],
    });
    expect(created.status).toBe(201);
    const endpoint = created.body.data as { id: string; secret: string };
    expect(endpoint.secret).toMatch(/^whsec_/);
    const unreachable = await browser.post('/dashboard/api/webhooks', {
      url: 'http://127.0.0.1:5678/hook',
      events: ['render.failed'],
    });
    expect(unreachable.status).toBe(400);
    expect(unreachable.body).toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { issues: [{ path: 'url' }] },
    });
    expect(unreachable.body.error).toMatch(/OUTBOUND_ALLOW/);
    expect((await browser.get('/dashboard/api/webhooks')).body.data).toEqual([
      expect.objectContaining({ id: endpoint.id, events: ['render.failed'] }),
    ]);
    expect((await browser.get(`/dashboard/api/webhooks/${endpoint.id}/deliveries`)).body.data).toEqual([]);
    const secret = (await browser.get('/dashboard/api/webhooks/secret')).body.data as { secret: string };
    const rotated = (await browser.post('/dashboard/api/webhooks/secret/rotate')).body.data as {
      secret: string;
    };
    expect(rotated.secret).not.toBe(secret.secret);
    expect((await browser.request('DELETE', `/dashboard/api/webhooks/${endpoint.id}`)).status).toBe(200);
    expect((await browser.get('/dashboard/api/webhooks')).body.data).toEqual([]);
  });

  it('answers 404 for another account’s key, render and webhook', async () => {
    const alice = await signedUp('alice');
    const bob = await signedUp('bob');
    const key = (await alice.browser.post('/dashboard/api/keys', { name: 'mine' })).body.data as {
      id: string;
    };
    const hook = (
      await alice.browser.post('/dashboard/api/webhooks', {
        url: 'https://a.example/h',
        events: ['render.succeeded'],
      })
    ).body.data as { id: string };
    await stack.admin.grantCredits(alice.accountId, 1);
    const poster = BUILTIN_MOCKUPS[0]!;
    const render = (
      await alice.browser.post('/dashboard/api/renders', {
        mockup_uuid: poster.uuid,
        smart_objects: [
          { uuid: poster.smart_objects[0]!.uuid, asset: { data: TINY_PNG.toString('base64') } },
        ],
      })
    ).body.data as { uuid: string };

    const answers = [
      await bob.browser.post(`/dashboard/api/keys/${key.id}/revoke`),
      await bob.browser.post(`/dashboard/api/keys/${key.id}/rotate`),
      await bob.browser.get(`/dashboard/api/renders/${render.uuid}`),
      await bob.browser.get(`/dashboard/api/webhooks/${hook.id}/deliveries`),
      await bob.browser.request('DELETE', `/dashboard/api/webhooks/${hook.id}`),
    ];
    expect(answers.map((answer) => [answer.status, answer.body.code])).toEqual(
      answers.map(() => [404, 'NOT_FOUND']),
    );
    expect((await alice.browser.get('/dashboard/api/keys')).body.data).toEqual([
      expect.objectContaining({ id: key.id, status: 'active' }),
    ]);
  });
});

describe('batches from the dashboard', () => {
  it('lists the account’s batches with counts, shows each render’s status, and serves the archive', async () => {
    const { browser, accountId } = await signedUp('batches');
    await stack.admin.grantCredits(accountId, 10);
    const created = await browser.post('/dashboard/api/keys', { name: 'batch', expires_at: null });
    const api = apiClient(gateway.url, (created.body.data as { key: string }).key);
    const poster = BUILTIN_MOCKUPS[0]!;
    const item = {
      mockup_uuid: poster.uuid,
      smart_objects: [{ uuid: poster.smart_objects[0]!.uuid, artwork: 'front' }],
    };
    const accepted = await api.send('POST', '/api/v1/renders/batch', {
      artworks: [{ id: 'front', data: TINY_PNG.toString('base64') }],
      items: [item, { ...item, export_label: 'second' }],
    });
    expect(accepted.status).toBe(202);
    const batch = accepted.body.data as { uuid: string; renders: Array<{ uuid: string }> };

    const list = await browser.get('/dashboard/api/batches');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ success: true, next_cursor: null });
    expect(list.body.data).toEqual([
      expect.objectContaining({
        uuid: batch.uuid,
        status: 'processing',
        counts: { total: 2, queued: 2, processing: 0, succeeded: 0, failed: 0 },
        created_at: expect.any(String) as unknown,
      }),
    ]);

    const shown = await browser.get(`/dashboard/api/batches/${batch.uuid}`);
    expect(shown.status).toBe(200);
    expect((shown.body.data as { renders: Array<{ uuid: string; status: string }> }).renders).toEqual(
      batch.renders.map(
        (render): unknown => expect.objectContaining({ uuid: render.uuid, status: 'queued' }) as unknown,
      ),
    );

    const whole = await browser.get(`/dashboard/api/batches/${batch.uuid}/archive`);
    expect(whole.status).toBe(409);
    expect(whole.body).toMatchObject({ success: false, code: 'CONFLICT' });
    const partial = await fetch(`${gateway.url}/dashboard/api/batches/${batch.uuid}/archive?partial=true`, {
      headers: { cookie: `platen_session=${browser.cookies.get('platen_session')!}` },
    });
    expect(partial.status).toBe(200);
    expect(partial.headers.get('content-type')).toBe('application/zip');
    const zip = Buffer.from(await partial.arrayBuffer());
    expect(zip.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
    expect(zip.toString('latin1')).toContain('manifest.json');

    const { browser: stranger } = await signedUp('batch-stranger');
    expect((await stranger.get('/dashboard/api/batches')).body.data).toEqual([]);
    for (const path of [
      `/dashboard/api/batches/${batch.uuid}`,
      `/dashboard/api/batches/${batch.uuid}/archive`,
    ]) {
      expect((await stranger.get(path)).status).toBe(404);
      expect((await fetch(`${gateway.url}${path}`)).status).toBe(401);
    }
    expect((await browser.get('/dashboard/api/batches?cursor=not-a-cursor')).status).toBe(400);
  });
});

describe('throttles that hold under concurrency', () => {
  // Its own gateway, with a small account ceiling.
  let throttled: TestGateway;
  const PER_EMAIL = 4;
  beforeAll(async () => {
    throttled = await stack.startGateway({
      dashboardWebRoot: webRoot,
      // Every test login comes from 127.0.0.1: a roomy address limit and pair allowance let the
      // per-email limit be the one that binds.
      loginLimits: { ...LOGIN_LIMITS, perEmail: PER_EMAIL, perAddress: 1_000, pairFreeAttempts: 1_000 },
      env: { ACCOUNT_RATE_LIMIT_PER_MINUTE: '3' },
    });
  });

  const passwordChecks = async () => {
    const text = await (await fetch(`${throttled.url}/metrics`)).text();
    return Number(/^dashboard_password_checks_total (\d+)$/m.exec(text)?.[1] ?? 'NaN');
  };

  it('lets only the per-email limit of 50 parallel wrong passwords reach the password check', async () => {
    const { email: victim } = await signedUp('burst');
    const before = await passwordChecks();
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        new Browser(throttled.url).post('/dashboard/api/login', {
          email: victim,
          password: 'a wrong guess!!',
        }),
      ),
    );
    expect((await passwordChecks()) - before).toBe(PER_EMAIL);
    expect(answers.filter((a) => a.status === 401)).toHaveLength(PER_EMAIL);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(50 - PER_EMAIL);
    for (const answer of refused) {
      const retryAfter = Number(answer.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(answer.body).toMatchObject({
        success: false,
        code: 'RATE_LIMIT_EXCEEDED',
        details: { retry_after: retryAfter },
      });
    }
  });

  it('limits dashboard renders per account like API renders, sharing the account’s ceiling', async () => {
    const { browser, accountId } = await signedUp('ceiling');
    const signedIn = new Browser(throttled.url);
    for (const [name, value] of browser.cookies) signedIn.cookies.set(name, value);
    await stack.admin.grantCredits(accountId, 10);
    const poster = BUILTIN_MOCKUPS[0]!;
    const body = {
      mockup_uuid: poster.uuid,
      smart_objects: [{ uuid: poster.smart_objects[0]!.uuid, asset: { data: TINY_PNG.toString('base64') } }],
    };
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => signedIn.post('/dashboard/api/renders', body)),
    );
    expect(answers.filter((a) => a.status === 202)).toHaveLength(3);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(3);
    for (const answer of refused) {
      expect(answer.body).toMatchObject({
        success: false,
        code: 'RATE_LIMIT_EXCEEDED',
        details: { limit: 3, window: 'account:60s' },
      });
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(await stack.admin.balance(accountId)).toBe(7);
    // The same ceiling holds the account's API keys.
    const { key } = await stack.admin.createKey(accountId);
    const api = await fetch(`${throttled.url}/api/v1/mockups`, { headers: { 'X-API-KEY': key } });
    expect(api.status).toBe(429);
    expect(await api.json()).toMatchObject({ details: { window: 'account:60s' } });
  });

  it('refuses a key past the active-key cap with 409 in the envelope', async () => {
    const { browser } = await signedUp('cap');
    for (let i = 0; i < 25; i++) {
      expect((await browser.post('/dashboard/api/keys', { name: `k${i}` })).status).toBe(201);
    }
    const refused = await browser.post('/dashboard/api/keys', { name: 'one too many' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      success: false,
      code: 'CONFLICT',
      detail: 'account already has 25 active keys: revoke one first',
      details: { max_active_keys: 25 },
    });
  });
});

describe('the page', () => {
  it('serves index.html for every page address, revalidated, with a strict content security policy', async () => {
    for (const path of ['/dashboard', '/dashboard/index.html', '/dashboard/keys', '/dashboard/renders/abc']) {
      const answer = await fetch(`${gateway.url}${path}`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
      expect(answer.headers.get('cache-control')).toBe('no-cache');
      expect(answer.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(answer.headers.get('x-frame-options')).toBe('DENY');
      expect(await answer.text()).toContain('<div id="root">');
    }
  });

  it('caches hashed assets for a year and answers 404 envelopes for missing assets and API routes', async () => {
    const asset = await fetch(`${gateway.url}/dashboard/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const path of ['/dashboard/assets/missing-000.js', '/dashboard/api/nothing-here']) {
      const answer = await fetch(`${gateway.url}${path}`);
      expect(answer.status).toBe(404);
      expect(await answer.json()).toMatchObject({ success: false, code: 'NOT_FOUND' });
    }
  });
});
