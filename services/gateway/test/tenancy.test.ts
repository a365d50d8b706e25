// Tenancy over the whole route list: every documented route that takes an id is called by Bob with
// an id of Alice's (her mockup, render, batch, webhook endpoint or key) and must answer 404 NOT_FOUND in the
// envelope, exactly as for an id that does not exist; Alice, asking for the same ids, is not refused.
// A new route with an id fails this test until it is added to the table below.
import { randomUUID } from 'node:crypto';
import { createSystemClock } from '@platen/contracts';
import { createDb } from '@platen/db';
import { createDeliveryStore } from '@platen/webhooks';
import { apiClient, type ApiClient } from './support/api-client.js';
import { Browser } from './support/dashboard-browser.js';
import { insertAccountMockup } from './support/mockup-rows.js';
import { insertFinishedRender } from './support/render-rows.js';
import { STACK_START_TIMEOUT_MS, TestStack, type Answer, type TestGateway } from './support/test-stack.js';

jest.setTimeout(120_000);

const stack = new TestStack('gw-tenancy');
const HIGH_LIMITS = { rate_limits: { per_minute: 10_000, per_day: 100_000 } };

type Resource = 'mockup' | 'render' | 'batch' | 'webhook' | 'key';
interface Tenant {
  accountId: string;
  key: string;
  api: ApiClient;
  browser: Browser;
  ids: Record<Resource, string>;
}

/** Which of Alice's things each route's id names, and the body a valid call would carry. */
const TABLE: Record<string, { resource: Resource; body?: unknown; binary?: boolean }> = {
  'GET /api/v1/mockups/{uuid}': { resource: 'mockup' },
  'PATCH /api/v1/mockups/{uuid}': { resource: 'mockup', body: { name: 'taken over' } },
  'DELETE /api/v1/mockups/{uuid}': { resource: 'mockup' },
  'GET /api/v1/templates/{id}': { resource: 'mockup' },
  'GET /api/v1/renders/{uuid}': { resource: 'render' },
  'POST /api/v1/renders/{uuid}/webhook/redeliver': { resource: 'render' },
  'GET /api/v1/batches/{uuid}': { resource: 'batch' },
  'GET /api/v1/batches/{uuid}/archive': { resource: 'batch', binary: true },
  'GET /api/v1/webhooks/{id}': { resource: 'webhook' },
  'DELETE /api/v1/webhooks/{id}': { resource: 'webhook' },
  'GET /api/v1/webhooks/{id}/deliveries': { resource: 'webhook' },
  'POST /dashboard/api/keys/{id}/revoke': { resource: 'key', body: {} },
  'POST /dashboard/api/keys/{id}/rotate': { resource: 'key', body: {} },
  'GET /dashboard/api/renders/{uuid}': { resource: 'render' },
  'GET /dashboard/api/batches/{uuid}': { resource: 'batch' },
  'GET /dashboard/api/batches/{uuid}/archive': { resource: 'batch', binary: true },
  'DELETE /dashboard/api/mockups/{uuid}': { resource: 'mockup' },
  'DELETE /dashboard/api/webhooks/{id}': { resource: 'webhook' },
  'GET /dashboard/api/webhooks/{id}/deliveries': { resource: 'webhook' },
};
/** Routes with an id that belong to no account: a signed file, a page address, the docs' files. */
const NOT_ACCOUNT_SCOPED = new Set(['signedUrl', 'none']);

let gateway: TestGateway;
let alice: Tenant;
let bob: Tenant;

async function tenant(label: string): Promise<Tenant> {
  const browser = new Browser(gateway.url);
  const signup = await browser.post('/dashboard/api/signup', {
    email: `${label}-${randomUUID().slice(0, 8)}@example.com`,
    password: 'a long enough password',
  });
  const accountId = (signup.body.data as { account: { id: string } }).account.id;
  const { key, id: keyId } = await stack.admin.createKey(accountId, HIGH_LIMITS);
  const api = apiClient(gateway.url, key);
  const mockup = await insertAccountMockup(stack.database.url, accountId);
  const webhook = await api.send('POST', '/api/v1/webhooks', {
    url: 'https://hooks.example.com/in',
    events: ['render.succeeded'],
  });
  const renderId = await insertDeliveredRender(accountId);
  return {
    accountId,
    key,
    api,
    browser,
    ids: {
      mockup: mockup.uuid,
      render: renderId,
      batch: await insertFinishedBatch(accountId),
      webhook: (webhook.body.data as { id: string }).id,
      key: keyId,
    },
  };
}

/** A finished render with a webhook_url and its delivery, so redelivery has something to send. */
async function insertDeliveredRender(accountId: string): Promise<string> {
  const db = createDb({ url: stack.database.url, maxConnections: 1 });
  try {
    const id = await insertFinishedRender(db, accountId, 'https://hooks.example.com/render');
    await createDeliveryStore({ db, clock: createSystemClock() }).createForEvent({
      accountId,
      renderId: id,
      eventType: 'render.succeeded',
      payload: { uuid: id },
      webhookUrl: 'https://hooks.example.com/render',
    });
    return id;
  } finally {
    await db.destroy();
  }
}

/** A finished batch with no renders (its archive holds manifest.json alone). */
async function insertFinishedBatch(accountId: string): Promise<string> {
  const db = createDb({ url: stack.database.url, maxConnections: 1 });
  try {
    const id = randomUUID();
    await db
      .insertInto('renders.batches')
      .values({
        id,
        account_id: accountId,
        key_id: null,
        status: 'finished',
        render_count: 0,
        credits_charged: 0,
        webhook_url: null,
        metadata: null,
        completed_at: new Date(),
      })
      .execute();
    return id;
  } finally {
    await db.destroy();
  }
}

/** A route answering a file (a ZIP): the envelope is parsed only when the answer is JSON. */
async function callBinary(who: Tenant, method: string, path: string): Promise<Answer> {
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { 'X-API-KEY': who.key },
    signal: AbortSignal.timeout(60_000),
  });
  if (!response.headers.get('content-type')?.startsWith('application/json')) {
    await response.arrayBuffer();
    return { status: response.status, headers: response.headers, body: {} };
  }
  const body = (await response.json()) as Record<string, unknown>;
  return { status: response.status, headers: response.headers, body };
}

function call(who: Tenant, route: string, id: string): Promise<Answer> {
  const [method, template] = route.split(' ') as [string, string];
  const path = template.replace(/\{[a-z]+\}/, id);
  const { body, binary } = TABLE[route]!;
  // The dashboard's routes take the session cookie, also for a download.
  if (path.startsWith('/dashboard/')) return who.browser.request(method, path, body);
  if (binary) return callBinary(who, method, path);
  return who.api.send(method, path, body);
}

beforeAll(async () => {
  await stack.start();
  gateway = await stack.startGateway();
  alice = await tenant('alice');
  bob = await tenant('bob');
}, STACK_START_TIMEOUT_MS);

afterAll(async () => {
  await stack.teardown();
});

describe('another account’s ids', () => {
  const routes = () =>
    gateway
      .documentedRoutes()
      .filter((spec) => spec.path.includes('{') && !NOT_ACCOUNT_SCOPED.has(spec.security))
      .map((spec) => `${spec.method.toUpperCase()} ${spec.path}`);

  it('are listed in this table for every route that takes an id', () => {
    expect(routes().filter((route) => !(route in TABLE))).toEqual([]);
    expect(Object.keys(TABLE).filter((route) => !routes().includes(route))).toEqual([]);
  });

  it.each(Object.keys(TABLE))(
    '%s answers 404 NOT_FOUND to another account, as for an unknown id',
    async (route) => {
      const { resource } = TABLE[route]!;
      const foreign = await call(bob, route, alice.ids[resource]);
      const unknown = await call(bob, route, randomUUID());
      expect([foreign.status, foreign.body.code]).toEqual([404, 'NOT_FOUND']);
      expect([unknown.status, unknown.body.code]).toEqual([404, 'NOT_FOUND']);
      expect(Object.keys(foreign.body).sort()).toEqual(Object.keys(unknown.body).sort());
    },
  );

  it('are still Alice’s, untouched, and she can read them', async () => {
    for (const route of Object.keys(TABLE).filter((name) => name.startsWith('GET '))) {
      const { resource } = TABLE[route]!;
      const own = await call(alice, route, alice.ids[resource]);
      expect([route, own.status]).toEqual([route, 200]);
    }
    const keys = await alice.browser.get('/dashboard/api/keys');
    expect(keys.body.data).toEqual([expect.objectContaining({ id: alice.ids.key, status: 'active' })]);
    const mockup = await alice.api.get(`/api/v1/mockups/${alice.ids.mockup}`);
    expect(mockup.body.data).toMatchObject({ name: 'My poster' });
  });
});
