// POST /api/v1/renders against the real key-service: validation against the mockup, body limits,
// credits (402, exact under concurrency, refunded when the queue is down) and Idempotency-Key.
import { randomUUID } from 'node:crypto';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRenderQueue, type RenderQueue } from '@platen/queue';
import { startPrivateRedis } from '@platen/testing';
import { Redis } from 'ioredis';
import { apiClient, issuePaths, TINY_PNG, type ApiClient } from './support/api-client.js';
import { insertAccountMockup, withDb } from './support/mockup-rows.js';
import { BUILTIN_MOCKUPS } from './support/sample-mockups.js';
import { STACK_START_TIMEOUT_MS, stubResolver, TestStack, type TestGateway } from './support/test-stack.js';

jest.setTimeout(60_000);

const stack = new TestStack('gw-renders');
const HIGH_LIMITS = { rate_limits: { per_minute: 10_000, per_day: 100_000 } };
const poster = BUILTIN_MOCKUPS[0]!;
const posterLayer = poster.smart_objects[0]!.uuid;
let gateway: TestGateway;
let queueRedis: Redis;
let queue: RenderQueue;

async function account(credits: number): Promise<{ id: string; api: ApiClient }> {
  const id = await stack.admin.createAccount(credits);
  const { key } = await stack.admin.createKey(id, HIGH_LIMITS);
  return { id, api: apiClient(gateway.url, key) };
}

function renderBody(overrides: Record<string, unknown> = {}) {
  return {
    mockup_uuid: poster.uuid,
    smart_objects: [{ uuid: posterLayer, asset: { url: 'https://example.com/art.png' } }],
    ...overrides,
  };
}

async function jobCount(): Promise<number> {
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed');
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

function renderRows(accountId: string) {
  return withDb(stack.database.url, (db) =>
    db.selectFrom('renders.renders').selectAll().where('account_id', '=', accountId).execute(),
  );
}

beforeAll(async () => {
  await stack.start();
  gateway = await stack.startGateway();
  queueRedis = new Redis(stack.redis.url);
  queue = createRenderQueue(queueRedis, stack.redis.prefix);
}, STACK_START_TIMEOUT_MS);

afterAll(async () => {
  await queue?.close();
  queueRedis?.disconnect();
  await stack.teardown();
});

describe('accepting a render', () => {
  it('answers 202 with the render object, a Location header, one credit charged and one job queued', async () => {
    const { id, api } = await account(5);
    const before = await jobCount();
    const answer = await api.send('POST', '/api/v1/renders', renderBody({ metadata: { order: 42 } }));
    expect(answer.status).toBe(202);
    const render = answer.body.data as Record<string, unknown>;
    expect(render).toMatchObject({
      status: 'queued',
      mockup_uuid: poster.uuid,
      result: null,
      error: null,
      credits_charged: 1,
      credits_refunded: 0,
      attempts: 0,
      metadata: { order: 42 },
      webhook: null,
      started_at: null,
      completed_at: null,
    });
    expect(answer.headers.get('location')).toBe(`/api/v1/renders/${render.uuid as string}`);
    expect(await stack.admin.balance(id)).toBe(4);
    expect(await jobCount()).toBe(before + 1);
    expect((await queue.getJob(render.uuid as string))?.data).toEqual({ render_id: render.uuid });
  });

  it('parks inline base64 artwork in storage, not in the render row', async () => {
    const { id, api } = await account(5);
    const answer = await api.send(
      'POST',
      '/api/v1/renders',
      renderBody({ smart_objects: [{ uuid: posterLayer, asset: { data: TINY_PNG.toString('base64') } }] }),
    );
    expect(answer.status).toBe(202);
    const [row] = await renderRows(id);
    expect(JSON.stringify(row!.inputs)).not.toContain(TINY_PNG.toString('base64'));
    const { readFile } = await import('node:fs/promises');
    const parked = await readFile(`${stack.storageDir}/inputs/${row!.id}/${posterLayer}`);
    expect(parked.equals(TINY_PNG)).toBe(true);
  });

  it('accepts artwork as a data URI (with parameters) and parks the image itself, prefix stripped', async () => {
    const { id, api } = await account(5);
    const data = `data:image/png;name=art.png;base64,${TINY_PNG.toString('base64')}`;
    const answer = await api.send(
      'POST',
      '/api/v1/renders',
      renderBody({ smart_objects: [{ uuid: posterLayer, asset: { data } }] }),
    );
    expect(answer.status).toBe(202);
    expect(answer.body.data).toMatchObject({ status: 'queued', credits_charged: 1 });
    const [row] = await renderRows(id);
    const { readFile } = await import('node:fs/promises');
    const parked = await readFile(`${stack.storageDir}/inputs/${row!.id}/${posterLayer}`);
    expect(parked.equals(TINY_PNG)).toBe(true);
  });

  it('refuses a malformed data URI with 400 naming smart_objects.0.asset.data and showing the accepted form', async () => {
    const { api } = await account(5);
    const answer = await api.send(
      'POST',
      '/api/v1/renders',
      renderBody({ smart_objects: [{ uuid: posterLayer, asset: { data: 'data:image/png,%89PNG' } }] }),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('VALIDATION_ERROR');
    const issues = (answer.body.details as { issues: Array<{ path: string; message: string }> }).issues;
    expect(issues).toEqual([
      {
        path: 'smart_objects.0.asset.data',
        message: expect.stringContaining('without ";base64"') as unknown,
      },
    ]);
    expect(issues[0]!.message).toContain('data:image/png;base64,');
    expect(answer.body.error).toContain('smart_objects.0.asset.data');
  });
});

describe('validation against the mockup (400 VALIDATION_ERROR naming the field, nothing charged)', () => {
  let own: Awaited<ReturnType<typeof insertAccountMockup>>;
  let client: { id: string; api: ApiClient };

  beforeAll(async () => {
    client = await account(10);
    own = await insertAccountMockup(stack, client.id, { required: [true, true, false] });
  });

  const cases: Array<[string, () => unknown, string]> = [
    ['an unknown mockup', () => renderBody({ mockup_uuid: randomUUID() }), 'mockup_uuid'],
    [
      'an unknown smart object',
      () =>
        renderBody({ smart_objects: [{ uuid: randomUUID(), asset: { url: 'https://example.com/a.png' } }] }),
      'smart_objects.0.uuid',
    ],
    [
      'a required smart object missing',
      () => ({
        mockup_uuid: own.uuid,
        smart_objects: [{ uuid: own.smart_objects[0]!.uuid, asset: { url: 'https://example.com/a.png' } }],
      }),
      'smart_objects',
    ],
    [
      'neither url nor data',
      () => renderBody({ smart_objects: [{ uuid: posterLayer, asset: {} }] }),
      'smart_objects.0.asset',
    ],
    [
      'both url and data',
      () =>
        renderBody({
          smart_objects: [
            {
              uuid: posterLayer,
              asset: { url: 'https://example.com/a.png', data: TINY_PNG.toString('base64') },
            },
          ],
        }),
      'smart_objects.0.asset',
    ],
    [
      'base64 that is not an image',
      () =>
        renderBody({
          smart_objects: [
            { uuid: posterLayer, asset: { data: Buffer.from('hello, not an image').toString('base64') } },
          ],
        }),
      'smart_objects.0.asset.data',
    ],
    [
      'base64 of an image with one character outside the alphabet',
      () => {
        const base64 = TINY_PNG.toString('base64');
        return renderBody({
          smart_objects: [
            { uuid: posterLayer, asset: { data: `${base64.slice(0, 20)}!${base64.slice(20)}` } },
          ],
        });
      },
      'smart_objects.0.asset.data',
    ],
    [
      'base64 of an image with padding in the middle',
      () => {
        const base64 = TINY_PNG.toString('base64');
        return renderBody({
          smart_objects: [
            { uuid: posterLayer, asset: { data: `${base64.slice(0, 20)}==${base64.slice(20)}` } },
          ],
        });
      },
      'smart_objects.0.asset.data',
    ],
    [
      'a data URI that is not of an image',
      () =>
        renderBody({
          smart_objects: [{ uuid: posterLayer, asset: { data: 'data:text/plain;base64,aGVsbG8=' } }],
        }),
      'smart_objects.0.asset.data',
    ],
    [
      'a data URI of an image whose bytes are not one',
      () =>
        renderBody({
          smart_objects: [
            {
              uuid: posterLayer,
              asset: { data: `data:image/png;base64,${Buffer.from('hello').toString('base64')}` },
            },
          ],
        }),
      'smart_objects.0.asset.data',
    ],
    ['a bad format', () => renderBody({ export_options: { format: 'bmp' } }), 'export_options.format'],
    ['size 63', () => renderBody({ export_options: { size: 63 } }), 'export_options.size'],
    ['size 8001', () => renderBody({ export_options: { size: 8001 } }), 'export_options.size'],
    ['metadata of 5 KB', () => renderBody({ metadata: { note: 'x'.repeat(5 * 1024) } }), 'metadata'],
  ];

  it.each(cases)('refuses %s', async (_what, body, field) => {
    const answer = await client.api.send('POST', '/api/v1/renders', body());
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('VALIDATION_ERROR');
    expect(issuePaths(answer)).toContain(field);
  });

  it('charged nothing and stored no render for any refused request', async () => {
    expect(await stack.admin.balance(client.id)).toBe(10);
    expect(await renderRows(client.id)).toEqual([]);
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE for a body that is not JSON', async () => {
    const answer = await client.api.send('POST', '/api/v1/renders', 'mockup_uuid=x', {
      'content-type': 'text/plain',
    });
    expect(answer.status).toBe(415);
    expect(answer.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 413 PAYLOAD_TOO_LARGE above the 35 MB body limit', async () => {
    const huge = JSON.stringify(renderBody({ metadata: { pad: 'x'.repeat(36 * 1024 * 1024) } }));
    const answer = await client.api.send('POST', '/api/v1/renders', huge);
    expect(answer.status).toBe(413);
    expect(answer.body.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('a webhook_url the deliveries could not reach (400 naming webhook_url, nothing charged)', () => {
  let api: ApiClient;
  let accountId: string;

  beforeAll(async () => {
    const checking = await stack.startGateway({
      resolve: stubResolver({ 'n8n.internal': ['10.0.0.5'], 'nowhere.example': 'ENOTFOUND' }),
    });
    accountId = await stack.admin.createAccount(5);
    api = apiClient(checking.url, (await stack.admin.createKey(accountId, HIGH_LIMITS)).key);
  });

  it.each([
    ['a private address', 'https://n8n.internal/hook', /outbound requests may not reach .*OUTBOUND_ALLOW$/],
    ['a loopback address', 'http://127.0.0.1:5678/hook', /outbound requests may not reach .*OUTBOUND_ALLOW$/],
    ['a name that does not resolve', 'https://nowhere.example/hook', /does not resolve to any address$/],
  ])('refuses a render whose webhook_url is %s', async (_case, url, message) => {
    const answer = await api.send('POST', '/api/v1/renders', renderBody({ webhook_url: url }));
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('VALIDATION_ERROR');
    expect(issuePaths(answer)).toEqual(['webhook_url']);
    expect(answer.body.error).toMatch(message);
  });

  it('refuses it on the /api/v1/mockups/generate alias too', async () => {
    const answer = await api.send('POST', '/api/v1/mockups/generate', {
      template_id: poster.slug,
      artwork_url: 'https://example.com/art.png',
      webhook_url: 'https://n8n.internal/hook',
    });
    expect(answer.status).toBe(400);
    expect(issuePaths(answer)).toEqual(['webhook_url']);
  });

  it('charged nothing and stored no render for them, and accepts a public webhook_url', async () => {
    expect(await stack.admin.balance(accountId)).toBe(5);
    expect(await renderRows(accountId)).toEqual([]);
    const answer = await api.send(
      'POST',
      '/api/v1/renders',
      renderBody({ webhook_url: 'https://hooks.example.com/in' }),
    );
    expect(answer.status).toBe(202);
    expect((answer.body.data as { webhook: unknown }).webhook).toEqual({
      url: 'https://hooks.example.com/in',
      status: 'pending',
      attempts: 0,
    });
  });
});

describe('credits', () => {
  it('answers 402 INSUFFICIENT_CREDITS with nothing queued and no render stored', async () => {
    const { id, api } = await account(0);
    const before = await jobCount();
    const answer = await api.send('POST', '/api/v1/renders', renderBody());
    expect(answer.status).toBe(402);
    expect(answer.body.code).toBe('INSUFFICIENT_CREDITS');
    expect(await jobCount()).toBe(before);
    expect(await renderRows(id)).toEqual([]);
  });

  it('accepts exactly 10 of 50 concurrent renders against a balance of 10', async () => {
    const { id, api } = await account(10);
    const before = await jobCount();
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => api.send('POST', '/api/v1/renders', renderBody())),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(10);
    expect(statuses.filter((s) => s === 402)).toHaveLength(40);
    expect(await stack.admin.balance(id)).toBe(0);
    expect(await jobCount()).toBe(before + 10);
    expect(await renderRows(id)).toHaveLength(10);
  });

  it('charges 1 credit per started 4 output megapixels', async () => {
    const { id, api } = await account(10);
    // poster is 2000×1500; size 8000 → 8000×6000 = 48 MP → 12 credits: more than 10
    expect(
      (await api.send('POST', '/api/v1/renders', renderBody({ export_options: { size: 8000 } }))).status,
    ).toBe(402);
    // size 4000 → 4000×3000 = 12 MP → 3 credits
    const answer = await api.send('POST', '/api/v1/renders', renderBody({ export_options: { size: 4000 } }));
    expect((answer.body.data as { credits_charged: number }).credits_charged).toBe(3);
    expect(await stack.admin.balance(id)).toBe(7);
  });

  it('answers 503 and refunds the credit when the render cannot be queued', async () => {
    const redis = await startPrivateRedis();
    try {
      const broken = await stack.startGateway({ queueRedisUrl: redis.url });
      await redis.kill();
      const id = await stack.admin.createAccount(3);
      const { key } = await stack.admin.createKey(id, HIGH_LIMITS);
      const answer = await apiClient(broken.url, key).send('POST', '/api/v1/renders', renderBody());
      expect(answer.status).toBe(503);
      expect(answer.body.code).toBe('SERVICE_UNAVAILABLE');
      expect(await stack.admin.balance(id)).toBe(3);
      const rows = await renderRows(id);
      expect(rows.map((r) => [r.status, r.error_code])).toEqual([['failed', 'RENDER_FAILED']]);
      // The render says what the ledger says: charged 1, given back 1, costs nothing.
      const api = apiClient(gateway.url, key);
      const shown = await api.get(`/api/v1/renders/${rows[0]!.id}`);
      expect(shown.body.data).toMatchObject({ status: 'failed', credits_charged: 0, credits_refunded: 1 });
      const listed = await api.get('/api/v1/renders');
      expect(listed.body.data).toEqual([shown.body.data]);
    } finally {
      await redis.destroy();
    }
  });

  it('answers 503 and gives the credits back when the artwork cannot be parked (the charge ran beside it)', async () => {
    const { id, api } = await account(3);
    const inputs = `${stack.storageDir}/inputs`;
    const aside = `${inputs}.aside`;
    const hadInputs = await stat(inputs).then(
      () => true,
      () => false,
    );
    if (hadInputs) await rename(inputs, aside);
    await writeFile(inputs, 'a file where the inputs directory belongs');
    const body = renderBody({
      smart_objects: [{ uuid: posterLayer, asset: { data: TINY_PNG.toString('base64') } }],
    });
    const headers = { 'Idempotency-Key': `park-${randomUUID()}` };
    try {
      const answer = await api.send('POST', '/api/v1/renders', body, headers);
      expect(answer.status).toBe(503);
      expect(answer.body.code).toBe('SERVICE_UNAVAILABLE');
      expect(await stack.admin.balance(id)).toBe(3);
      expect(await renderRows(id)).toEqual([]);
    } finally {
      await rm(inputs, { force: true });
      if (hadInputs) await rename(aside, inputs);
    }
    // The key was released with the render: the same request now goes through, charged once.
    expect((await api.send('POST', '/api/v1/renders', body, headers)).status).toBe(202);
    expect(await stack.admin.balance(id)).toBe(2);
  });
});

describe('a failed render’s refund, as the render shows it', () => {
  /** A render the worker failed: refunded (as the worker records it once the key-service confirms) or not yet. */
  async function failedRender(accountId: string, refunded: boolean): Promise<string> {
    const id = randomUUID();
    await withDb(stack.database.url, (db) =>
      db
        .insertInto('renders.renders')
        .values({
          id,
          account_id: accountId,
          key_id: null,
          mockup_id: poster.uuid,
          status: 'failed',
          inputs: '[]',
          export_options: JSON.stringify({ format: 'png' }),
          webhook_url: null,
          metadata: null,
          credits_charged: 3,
          credits_refunded: refunded ? 3 : 0,
          error_code: 'ASSET_FETCH_FAILED',
          error_message: 'Artwork fetch failed: example.com answered HTTP 404',
          completed_at: new Date(),
        })
        .execute(),
    );
    return id;
  }

  it('shows a refunded render as credits_charged 0 with credits_refunded, on GET and in the list', async () => {
    const { id: accountId, api } = await account(1);
    const renderId = await failedRender(accountId, true);
    const shown = await api.get(`/api/v1/renders/${renderId}`);
    expect(shown.status).toBe(200);
    expect(shown.body.data).toMatchObject({
      status: 'failed',
      error: { code: 'ASSET_FETCH_FAILED' },
      credits_charged: 0,
      credits_refunded: 3,
    });
    const listed = await api.get('/api/v1/renders?status=failed');
    expect(listed.body.data).toEqual([shown.body.data]);
  });

  it('does not claim a refund the key-service has not confirmed yet', async () => {
    const { id: accountId, api } = await account(1);
    const renderId = await failedRender(accountId, false);
    expect((await api.get(`/api/v1/renders/${renderId}`)).body.data).toMatchObject({
      status: 'failed',
      credits_charged: 3,
      credits_refunded: 0,
    });
  });
});

describe('Idempotency-Key', () => {
  it('returns the same render for the same key and body, charged once', async () => {
    const { id, api } = await account(5);
    const headers = { 'Idempotency-Key': `seq-${randomUUID()}` };
    const first = await api.send('POST', '/api/v1/renders', renderBody(), headers);
    const second = await api.send('POST', '/api/v1/renders', renderBody(), headers);
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect((second.body.data as { uuid: string }).uuid).toBe((first.body.data as { uuid: string }).uuid);
    expect(await stack.admin.balance(id)).toBe(4);
  });

  it('treats the same body with its keys in another order as the same request', async () => {
    const { api } = await account(5);
    const headers = { 'Idempotency-Key': `order-${randomUUID()}` };
    const body = renderBody({ export_options: { format: 'png', quality: 80 } });
    const first = await api.send('POST', '/api/v1/renders', body, headers);
    const reordered = {
      export_options: { quality: 80, format: 'png' },
      smart_objects: body.smart_objects,
      mockup_uuid: body.mockup_uuid,
    };
    const second = await api.send('POST', '/api/v1/renders', reordered, headers);
    expect((second.body.data as { uuid: string }).uuid).toBe((first.body.data as { uuid: string }).uuid);
  });

  it('makes 10 concurrent duplicates converge on one render, one charge, one job', async () => {
    const { id, api } = await account(5);
    const before = await jobCount();
    const headers = { 'Idempotency-Key': `burst-${randomUUID()}` };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => api.send('POST', '/api/v1/renders', renderBody(), headers)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
    expect(new Set(answers.map((a) => (a.body.data as { uuid: string }).uuid)).size).toBe(1);
    expect(await stack.admin.balance(id)).toBe(4);
    expect(await jobCount()).toBe(before + 1);
  });

  it('answers 409 IDEMPOTENCY_CONFLICT for the same key with another body', async () => {
    const { id, api } = await account(5);
    const headers = { 'Idempotency-Key': `conflict-${randomUUID()}` };
    expect((await api.send('POST', '/api/v1/renders', renderBody(), headers)).status).toBe(202);
    const other = await api.send('POST', '/api/v1/renders', renderBody({ metadata: { v: 2 } }), headers);
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(await stack.admin.balance(id)).toBe(4);
  });

  it('keeps keys per account: another account may use the same key', async () => {
    const a = await account(5);
    const b = await account(5);
    const headers = { 'Idempotency-Key': `shared-${randomUUID()}` };
    const first = await a.api.send('POST', '/api/v1/renders', renderBody(), headers);
    const second = await b.api.send('POST', '/api/v1/renders', renderBody(), headers);
    expect(second.status).toBe(202);
    expect((second.body.data as { uuid: string }).uuid).not.toBe((first.body.data as { uuid: string }).uuid);
  });
});

describe('optional smart objects (required: false)', () => {
  it('accepts a render that leaves an optional smart object out, and still refuses one without a required one', async () => {
    const { id, api } = await account(5);
    const mine = await insertAccountMockup(stack, id, { required: [true, false] });
    const [required, optional] = mine.smart_objects;
    const fill = (uuid: string) => ({ uuid, asset: { url: 'https://example.com/a.png' } });

    const accepted = await api.send('POST', '/api/v1/renders', {
      mockup_uuid: mine.uuid,
      smart_objects: [fill(required!.uuid)],
    });
    expect(accepted.status).toBe(202);

    const refused = await api.send('POST', '/api/v1/renders', {
      mockup_uuid: mine.uuid,
      smart_objects: [fill(optional!.uuid)],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('VALIDATION_ERROR');
    expect(issuePaths(refused)).toContain('smart_objects');
  });

  it('lists the one placement of a smart object drawn once: its own layer, position and quad', async () => {
    const { id, api } = await account(1);
    const mine = await insertAccountMockup(stack, id, { required: [true] });
    const answer = await api.get(`/api/v1/mockups/${mine.uuid}`);
    expect(answer.status).toBe(200);
    const [so] = (answer.body.data as { smart_objects: Record<string, unknown>[] }).smart_objects;
    expect(so!.placements).toEqual([{ layer_name: so!.layer_name, position: so!.position, quad: so!.quad }]);
  });
});
