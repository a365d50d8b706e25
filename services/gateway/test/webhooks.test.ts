// /api/v1/webhooks and redelivery against the real key-service, Postgres and Redis: endpoints (secret
// shown once, validation naming the field, the per-account limit, disabled endpoints explained),
// the signing secret and its rotation, the delivery log with cursors, redelivery queued in the
// `webhooks` queue, and another account's ids answering 404. Deliveries themselves are sent by the
// render-worker (services/render-worker/test/webhooks-*.test.ts).
import { randomUUID } from 'node:crypto';
import { createSystemClock, MAX_WEBHOOK_ENDPOINTS } from '@platen/contracts';
import { createDb, type Database } from '@platen/db';
import { startPrivateRedis } from '@platen/testing';
import { createDeliveryStore, createWebhookQueue, type WebhookQueue } from '@platen/webhooks';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { apiClient, issuePaths, type ApiClient } from './support/api-client.js';
import { insertFinishedRender } from './support/render-rows.js';
import { STACK_START_TIMEOUT_MS, stubResolver, TestStack, type TestGateway } from './support/test-stack.js';

jest.setTimeout(60_000);

const stack = new TestStack('gw-webhooks');
const HIGH_LIMITS = { rate_limits: { per_minute: 10_000, per_day: 100_000 } };
/** Names the gateway resolves when a URL is registered; any other name is public. Nothing is ever connected to. */
const resolver = stubResolver({
  'n8n.internal': ['10.0.0.5'],
  'metadata.example': ['169.254.169.254'],
  'split.example': ['93.184.215.14', 'fd00::7'],
  'nowhere.example': 'ENOTFOUND',
  'flaky.example': 'EAI_AGAIN',
});
let gateway: TestGateway;
let db: Kysely<Database>;
let queueRedis: Redis;
let queue: WebhookQueue;

interface Account {
  id: string;
  api: ApiClient;
}

async function account(): Promise<Account> {
  const id = await stack.admin.createAccount(10);
  const { key } = await stack.admin.createKey(id, HIGH_LIMITS);
  return { id, api: apiClient(gateway.url, key) };
}

async function createEndpoint(api: ApiClient, body: Record<string, unknown> = {}) {
  return api.send('POST', '/api/v1/webhooks', {
    url: 'https://hooks.example.com/platen',
    events: ['render.succeeded'],
    ...body,
  });
}

const insertRender = (accountId: string, webhookUrl: string | null = null) =>
  insertFinishedRender(db, accountId, webhookUrl);

/** The render's event fanned out as the worker would: one delivery per target. */
function announce(accountId: string, renderId: string, webhookUrl: string | null) {
  return createDeliveryStore({ db, clock: createSystemClock() }).createForEvent({
    accountId,
    renderId,
    eventType: 'render.succeeded',
    payload: { uuid: renderId, status: 'succeeded' },
    webhookUrl,
  });
}

async function recordFailedAttempt(deliveryId: string, statusCode: number): Promise<void> {
  const deliveries = createDeliveryStore({ db, clock: createSystemClock() });
  const delivery = await deliveries.find(deliveryId);
  await deliveries.recordAttempt(
    delivery!,
    { attemptedAt: new Date(), statusCode, durationMs: 12, error: `HTTP ${statusCode}` },
    { status: 'pending', nextAttemptAt: new Date(Date.now() + 60_000) },
  );
}

beforeAll(async () => {
  await stack.start();
  gateway = await stack.startGateway({ resolve: resolver });
  db = createDb({ url: stack.database.url, maxConnections: 4 });
  queueRedis = new Redis(stack.redis.url);
  queue = createWebhookQueue(queueRedis, stack.redis.prefix);
}, STACK_START_TIMEOUT_MS);

afterAll(async () => {
  await queue?.close();
  queueRedis?.disconnect();
  await db?.destroy();
  await stack.teardown();
});

describe('webhook endpoints', () => {
  it('registers an endpoint: 201 with its secret once, then listed and shown without it', async () => {
    const { api } = await account();
    const created = await createEndpoint(api, {
      events: ['render.succeeded', 'render.failed'],
      description: 'orders',
    });
    expect(created.status).toBe(201);
    const endpoint = created.body.data as Record<string, unknown>;
    expect(endpoint).toEqual({
      id: expect.any(String) as unknown,
      url: 'https://hooks.example.com/platen',
      events: ['render.succeeded', 'render.failed'],
      description: 'orders',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
      disabled_at: null,
      disabled_reason: null,
      failing_since: null,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/=]{20,}$/) as unknown,
    });
    expect(created.headers.get('location')).toBe(`/api/v1/webhooks/${endpoint.id as string}`);

    const list = await api.get('/api/v1/webhooks');
    expect(list.status).toBe(200);
    const { secret: _secret, ...withoutSecret } = endpoint;
    expect(list.body.data).toEqual([withoutSecret]);
    const shown = await api.get(`/api/v1/webhooks/${endpoint.id as string}`);
    expect(shown.status).toBe(200);
    expect(shown.body.data).not.toHaveProperty('secret');
    expect(JSON.stringify(list.body)).not.toContain(endpoint.secret as string);
  });

  it.each([
    ['a non-http url', { url: 'ftp://hooks.example.com/x' }, 'url'],
    ['no url', { url: undefined }, 'url'],
    ['an unknown event', { events: ['render.exploded'] }, 'events.0'],
    ['no events', { events: [] }, 'events'],
    ['a repeated event', { events: ['render.failed', 'render.failed'] }, 'events'],
    ['an unknown field', { secret: 'whsec_mine' }, ''],
  ])('refuses %s with 400 VALIDATION_ERROR naming the field', async (_case, body, path) => {
    const { api } = await account();
    const answer = await createEndpoint(api, body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ success: false, code: 'VALIDATION_ERROR' });
    expect(issuePaths(answer)).toContain(path);
    expect((await api.get('/api/v1/webhooks')).body.data).toEqual([]);
  });

  it('refuses a body that is not JSON with 415', async () => {
    const { api } = await account();
    const answer = await api.send('POST', '/api/v1/webhooks', 'url=https://x.example', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(answer.status).toBe(415);
    expect(answer.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it(`allows ${MAX_WEBHOOK_ENDPOINTS} endpoints per account, then answers 409 until one is deleted`, async () => {
    const { api } = await account();
    const ids: string[] = [];
    for (let n = 0; n < MAX_WEBHOOK_ENDPOINTS; n += 1) {
      const answer = await createEndpoint(api, { url: `https://hooks.example.com/${n}` });
      expect(answer.status).toBe(201);
      ids.push((answer.body.data as { id: string }).id);
    }
    const refused = await createEndpoint(api);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'CONFLICT', details: { limit: MAX_WEBHOOK_ENDPOINTS } });

    expect((await api.send('DELETE', `/api/v1/webhooks/${ids[0]!}`)).status).toBe(200);
    expect((await createEndpoint(api)).status).toBe(201);
  });

  it('deletes an endpoint: gone from the list, 404 afterwards', async () => {
    const { api } = await account();
    const id = ((await createEndpoint(api)).body.data as { id: string }).id;
    const deleted = await api.send('DELETE', `/api/v1/webhooks/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.data).toEqual({ id, deleted: true });
    expect((await api.get(`/api/v1/webhooks/${id}`)).status).toBe(404);
    expect((await api.get('/api/v1/webhooks')).body.data).toEqual([]);
    expect((await api.send('DELETE', `/api/v1/webhooks/${id}`)).status).toBe(404);
  });

  it('shows why an endpoint was disabled', async () => {
    const { api } = await account();
    const id = ((await createEndpoint(api)).body.data as { id: string }).id;
    const disabledAt = new Date('2030-01-04T00:00:00.000Z');
    await db
      .updateTable('renders.webhook_endpoints')
      .set({ disabled_at: disabledAt, disabled_reason: '410 Gone' })
      .where('id', '=', id)
      .execute();
    const shown = await api.get(`/api/v1/webhooks/${id}`);
    expect(shown.body.data).toMatchObject({
      disabled_at: disabledAt.toISOString(),
      disabled_reason: '410 Gone',
    });
    expect((await api.get('/api/v1/webhooks')).body.data).toEqual([shown.body.data]);
  });

  it('answers 404 for another account’s endpoint and for ids that are not uuids', async () => {
    const owner = await account();
    const other = await account();
    const id = ((await createEndpoint(owner.api)).body.data as { id: string }).id;
    for (const path of [`/api/v1/webhooks/${id}`, `/api/v1/webhooks/${id}/deliveries`]) {
      const answer = await other.api.get(path);
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ success: false, code: 'NOT_FOUND' });
    }
    expect((await other.api.send('DELETE', `/api/v1/webhooks/${id}`)).status).toBe(404);
    expect((await other.api.get('/api/v1/webhooks')).body.data).toEqual([]);
    expect((await owner.api.get(`/api/v1/webhooks/${id}`)).status).toBe(200);
    expect((await owner.api.get('/api/v1/webhooks/not-a-uuid')).status).toBe(404);
  });
});

describe('refusing an endpoint the deliveries could not reach', () => {
  it.each([
    ['a name resolving to a private address', 'https://n8n.internal/hook'],
    ['a name resolving to the cloud metadata address', 'http://metadata.example/latest'],
    ['a name with one public and one unique-local address', 'https://split.example/in'],
    ['a loopback address', 'http://127.0.0.1:5678/hook'],
    ['localhost', 'http://localhost:5678/hook'],
    ['a private IPv6 address', 'http://[fd00::1]/hook'],
  ])('refuses %s: 400 VALIDATION_ERROR naming url and OUTBOUND_ALLOW, nothing stored', async (_case, url) => {
    const { api } = await account();
    const answer = await createEndpoint(api, { url });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ success: false, code: 'VALIDATION_ERROR' });
    expect(issuePaths(answer)).toEqual(['url']);
    expect(answer.body.error).toMatch(/^url: .* outbound requests may not reach .*OUTBOUND_ALLOW$/);
    expect((await api.get('/api/v1/webhooks')).body.data).toEqual([]);
  });

  it('refuses a name that does not resolve with 400 naming url', async () => {
    const { api } = await account();
    const answer = await createEndpoint(api, { url: 'https://nowhere.example/hook' });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      code: 'VALIDATION_ERROR',
      error: 'url: nowhere.example does not resolve to any address',
    });
    expect(issuePaths(answer)).toEqual(['url']);
    expect((await api.get('/api/v1/webhooks')).body.data).toEqual([]);
  });

  it('answers 503 when DNS fails for now, storing nothing, rather than calling the URL bad', async () => {
    const { api } = await account();
    const answer = await createEndpoint(api, { url: 'https://flaky.example/hook' });
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(answer.body.error).toMatch(/^url: flaky\.example could not be resolved/);
    expect((await api.get('/api/v1/webhooks')).body.data).toEqual([]);
  });

  it('resolves the host it checks, and accepts a public one', async () => {
    const { api } = await account();
    const asked = resolver.calls.length;
    expect((await createEndpoint(api, { url: 'https://receiver.example/in' })).status).toBe(201);
    expect(resolver.calls.slice(asked)).toEqual(['receiver.example']);
  });

  it('accepts a private receiver once OUTBOUND_ALLOW names it (by host or by range)', async () => {
    for (const allow of ['n8n.internal', '10.0.0.0/8']) {
      const allowing = await stack.startGateway({ resolve: resolver, env: { OUTBOUND_ALLOW: allow } });
      const id = await stack.admin.createAccount(10);
      const { key } = await stack.admin.createKey(id, HIGH_LIMITS);
      const api = apiClient(allowing.url, key);
      expect((await createEndpoint(api, { url: 'https://n8n.internal/hook' })).status).toBe(201);
      // Only what the operator named: another private address stays refused.
      expect((await createEndpoint(api, { url: 'http://metadata.example/x' })).status).toBe(400);
    }
  });
});

describe('the account signing secret', () => {
  it('is created on first read, stays the same, and differs between accounts', async () => {
    const one = await account();
    const two = await account();
    const first = await one.api.get('/api/v1/webhooks/secret');
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual({
      secret: expect.stringMatching(/^whsec_/) as unknown,
      rotated_at: null,
      previous_secret_expires_at: null,
    });
    expect((await one.api.get('/api/v1/webhooks/secret')).body.data).toEqual(first.body.data);
    const other = (await two.api.get('/api/v1/webhooks/secret')).body.data as { secret: string };
    expect(other.secret).not.toBe((first.body.data as { secret: string }).secret);
  });

  it('rotates to a new secret while the old one keeps signing for 24 h', async () => {
    const { api } = await account();
    const before = ((await api.get('/api/v1/webhooks/secret')).body.data as { secret: string }).secret;
    const rotated = await api.send('POST', '/api/v1/webhooks/secret/rotate');
    expect(rotated.status).toBe(200);
    const after = rotated.body.data as {
      secret: string;
      rotated_at: string;
      previous_secret_expires_at: string;
    };
    expect(after.secret).toMatch(/^whsec_/);
    expect(after.secret).not.toBe(before);
    expect(Date.parse(after.previous_secret_expires_at) - Date.parse(after.rotated_at)).toBe(
      24 * 3600 * 1000,
    );
    expect((await api.get('/api/v1/webhooks/secret')).body.data).toEqual(after);
  });
});

describe('an endpoint’s deliveries', () => {
  it('lists deliveries newest first with every attempt, paged by cursor', async () => {
    const { id: accountId, api } = await account();
    const endpointId = ((await createEndpoint(api)).body.data as { id: string }).id;
    const deliveryIds: string[] = [];
    for (let n = 0; n < 3; n += 1) {
      const renderId = await insertRender(accountId);
      const [deliveryId] = await announce(accountId, renderId, null);
      deliveryIds.push(deliveryId!);
    }
    await recordFailedAttempt(deliveryIds[2]!, 503);

    const first = await api.get(`/api/v1/webhooks/${endpointId}/deliveries?limit=2`);
    expect(first.status).toBe(200);
    const page = first.body.data as Array<Record<string, unknown>>;
    expect(page.map((delivery) => delivery.id)).toEqual([deliveryIds[2], deliveryIds[1]]);
    expect(page[0]).toMatchObject({
      webhook_id: expect.stringMatching(/^msg_/) as unknown,
      type: 'render.succeeded',
      url: 'https://hooks.example.com/platen',
      status: 'pending',
      attempts: 1,
      last_status_code: 503,
      attempt_log: [{ status_code: 503, duration_ms: 12, error: 'HTTP 503' }],
    });
    expect(typeof first.body.next_cursor).toBe('string');

    const second = await api.get(
      `/api/v1/webhooks/${endpointId}/deliveries?limit=2&cursor=${first.body.next_cursor as string}`,
    );
    expect((second.body.data as Array<{ id: string }>).map((delivery) => delivery.id)).toEqual([
      deliveryIds[0],
    ]);
    expect(second.body.next_cursor).toBeNull();
  });

  it('refuses a cursor it did not make with 400 naming cursor', async () => {
    const { api } = await account();
    const endpointId = ((await createEndpoint(api)).body.data as { id: string }).id;
    const answer = await api.get(`/api/v1/webhooks/${endpointId}/deliveries?cursor=bogus`);
    expect(answer.status).toBe(400);
    expect(issuePaths(answer)).toEqual(['cursor']);
  });
});

describe('redelivering a render’s webhook', () => {
  it('puts the delivery back to pending with the same webhook-id and queues one attempt', async () => {
    const { id: accountId, api } = await account();
    const renderId = await insertRender(accountId, 'https://hooks.example.com/render');
    const [deliveryId] = await announce(accountId, renderId, 'https://hooks.example.com/render');
    await db
      .updateTable('renders.webhook_deliveries')
      .set({ status: 'delivered', delivered_at: new Date(), attempts: 1 })
      .where('id', '=', deliveryId!)
      .execute();
    const before = await db
      .selectFrom('renders.webhook_deliveries')
      .select('event_id')
      .where('id', '=', deliveryId!)
      .executeTakeFirstOrThrow();

    const answer = await api.send('POST', `/api/v1/renders/${renderId}/webhook/redeliver`);
    expect(answer.status).toBe(202);
    expect(answer.body.data).toEqual([
      expect.objectContaining({
        id: deliveryId,
        webhook_id: before.event_id,
        render_uuid: renderId,
        status: 'pending',
      }),
    ]);
    const job = await queue.getJob(`${deliveryId!}_r1`);
    expect(job?.data).toEqual({ delivery_id: deliveryId });
    const render = await api.get(`/api/v1/renders/${renderId}`);
    expect(render.body.data).toMatchObject({ webhook: { status: 'pending' } });
  });

  it('sends a failed delivery to a registered endpoint again, same webhook-id, and leaves the others alone', async () => {
    const { id: accountId, api } = await account();
    const endpointIds: string[] = [];
    for (const name of ['failed', 'delivered', 'pending', 'failed-disabled', 'failed-deleted']) {
      const created = await createEndpoint(api, { url: `https://hooks.example.com/${name}` });
      endpointIds.push((created.body.data as { id: string }).id);
    }
    const [failed, delivered, pending, disabled, deleted] = endpointIds as [
      string,
      string,
      string,
      string,
      string,
    ];
    const renderId = await insertRender(accountId);
    await announce(accountId, renderId, null);
    const deliveryOf = async (endpointId: string) =>
      db
        .selectFrom('renders.webhook_deliveries')
        .select(['id', 'event_id', 'status', 'attempts'])
        .where('render_id', '=', renderId)
        .where('endpoint_id', '=', endpointId)
        .executeTakeFirstOrThrow();
    const setStatus = async (endpointId: string, status: 'failed' | 'delivered') =>
      db
        .updateTable('renders.webhook_deliveries')
        .set({ status, attempts: 8, next_attempt_at: null })
        .where('render_id', '=', renderId)
        .where('endpoint_id', '=', endpointId)
        .execute();
    for (const endpointId of [failed, disabled, deleted]) await setStatus(endpointId, 'failed');
    await setStatus(delivered, 'delivered');
    await db
      .updateTable('renders.webhook_endpoints')
      .set({ disabled_at: new Date(), disabled_reason: '410 Gone' })
      .where('id', '=', disabled)
      .execute();
    expect((await api.send('DELETE', `/api/v1/webhooks/${deleted}`)).status).toBe(200);
    const original = await deliveryOf(failed);

    const answer = await api.send('POST', `/api/v1/renders/${renderId}/webhook/redeliver`);

    expect(answer.status).toBe(202);
    expect(answer.body.data).toEqual([
      expect.objectContaining({
        id: original.id,
        webhook_id: original.event_id,
        url: 'https://hooks.example.com/failed',
        status: 'pending',
        attempts: 8,
      }),
    ]);
    expect((await queue.getJob(`${original.id}_r8`))?.data).toEqual({ delivery_id: original.id });
    expect((await deliveryOf(delivered)).status).toBe('delivered');
    expect((await deliveryOf(pending)).status).toBe('pending');
    expect((await deliveryOf(disabled)).status).toBe('failed');
    expect((await deliveryOf(deleted)).status).toBe('failed');
    // Sent again already: a second click finds nothing failed left.
    const again = await api.send('POST', `/api/v1/renders/${renderId}/webhook/redeliver`);
    expect(again.status).toBe(409);
  });

  it('sends to the webhook_url and to every failed endpoint in one call, the webhook_url first', async () => {
    const { id: accountId, api } = await account();
    for (const name of ['one', 'two']) {
      expect((await createEndpoint(api, { url: `https://hooks.example.com/${name}` })).status).toBe(201);
    }
    const renderId = await insertRender(accountId, 'https://hooks.example.com/render');
    await announce(accountId, renderId, 'https://hooks.example.com/render');
    await db
      .updateTable('renders.webhook_deliveries')
      .set({ status: 'failed', next_attempt_at: null })
      .where('render_id', '=', renderId)
      .execute();

    const answer = await api.send('POST', `/api/v1/renders/${renderId}/webhook/redeliver`);

    expect(answer.status).toBe(202);
    const sent = answer.body.data as Array<{ url: string; status: string; webhook_id: string }>;
    expect(sent[0]?.url).toBe('https://hooks.example.com/render');
    expect(
      sent
        .slice(1)
        .map((delivery) => delivery.url)
        .sort(),
    ).toEqual(['https://hooks.example.com/one', 'https://hooks.example.com/two']);
    expect(new Set(sent.map((delivery) => delivery.status))).toEqual(new Set(['pending']));
    expect(new Set(sent.map((delivery) => delivery.webhook_id)).size).toBe(1);
  });

  it('answers 409 naming why for a render whose endpoint deliveries were all received', async () => {
    const { id: accountId, api } = await account();
    await createEndpoint(api);
    const renderId = await insertRender(accountId);
    const [deliveryId] = await announce(accountId, renderId, null);
    await db
      .updateTable('renders.webhook_deliveries')
      .set({ status: 'delivered', delivered_at: new Date(), next_attempt_at: null })
      .where('id', '=', deliveryId!)
      .execute();
    const answer = await api.send('POST', `/api/v1/renders/${renderId}/webhook/redeliver`);
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({
      code: 'CONFLICT',
      error: expect.stringMatching(/no failed delivery to a registered endpoint/) as unknown,
    });
  });

  it('answers 503 when the queue is down and puts the endpoint delivery back to failed, so asking again works', async () => {
    const { id: accountId, api } = await account();
    const endpointId = ((await createEndpoint(api)).body.data as { id: string }).id;
    const renderId = await insertRender(accountId);
    const [deliveryId] = await announce(accountId, renderId, null);
    await db
      .updateTable('renders.webhook_deliveries')
      .set({ status: 'failed', next_attempt_at: null })
      .where('id', '=', deliveryId!)
      .execute();
    const redis = await startPrivateRedis();
    try {
      const broken = await stack.startGateway({ queueRedisUrl: redis.url });
      await redis.kill();
      const { key } = await stack.admin.createKey(accountId, HIGH_LIMITS);
      const answer = await apiClient(broken.url, key).send(
        'POST',
        `/api/v1/renders/${renderId}/webhook/redeliver`,
      );
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    } finally {
      await redis.destroy();
    }
    const row = await db
      .selectFrom('renders.webhook_deliveries')
      .select(['status', 'endpoint_id'])
      .where('id', '=', deliveryId!)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'failed', endpoint_id: endpointId });
    const retried = await api.send('POST', `/api/v1/renders/${renderId}/webhook/redeliver`);
    expect(retried.status).toBe(202);
    expect(retried.body.data).toEqual([expect.objectContaining({ id: deliveryId, status: 'pending' })]);
  });

  it('answers 409 for a render with nothing to redeliver and 404 for another account’s render', async () => {
    const owner = await account();
    const other = await account();
    const withoutWebhook = await insertRender(owner.id);
    const conflict = await owner.api.send('POST', `/api/v1/renders/${withoutWebhook}/webhook/redeliver`);
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ code: 'CONFLICT' });

    const renderId = await insertRender(owner.id, 'https://hooks.example.com/render');
    await announce(owner.id, renderId, 'https://hooks.example.com/render');
    for (const id of [renderId, randomUUID(), 'not-a-uuid']) {
      const answer = await other.api.send('POST', `/api/v1/renders/${id}/webhook/redeliver`);
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ code: 'NOT_FOUND' });
    }
  });

  it('limits redeliveries per render: the 6th within the hour is 429 in the envelope', async () => {
    const { id: accountId, api } = await account();
    const renderId = await insertRender(accountId, 'https://hooks.example.com/render');
    await announce(accountId, renderId, 'https://hooks.example.com/render');
    for (let i = 1; i <= 5; i++) {
      const answer = await api.send('POST', `/api/v1/renders/${renderId}/webhook/redeliver`);
      expect(answer.status).toBe(202);
    }
    const refused = await api.send('POST', `/api/v1/renders/${renderId}/webhook/redeliver`);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3_600);
    expect(refused.body).toMatchObject({
      success: false,
      code: 'RATE_LIMIT_EXCEEDED',
      detail: 'Too many redeliveries of this render: try again later',
      details: { limit: 5, window: '1h', retry_after: retryAfter },
    });

    // Another render of the account has its own budget.
    const other = await insertRender(accountId, 'https://hooks.example.com/render');
    await announce(accountId, other, 'https://hooks.example.com/render');
    expect((await api.send('POST', `/api/v1/renders/${other}/webhook/redeliver`)).status).toBe(202);
  });
});
