// Reads and everything around them: mockups (own, built-in, foreign), render lists and cross-account
// 404s, ?wait=N with a simulated worker, signed result URLs, the generate alias, /openapi.json, /docs.
import { randomUUID } from 'node:crypto';
import { channelName, CHANNELS } from '@platen/queue';
import { createResultUrlSigner } from '@platen/storage';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import { apiClient, TINY_PNG, type ApiClient } from './support/api-client.js';
import { insertAccountMockup, withDb } from './support/mockup-rows.js';
import { BUILTIN_MOCKUPS } from './support/sample-mockups.js';
import { get, STACK_START_TIMEOUT_MS, TestStack, type TestGateway } from './support/test-stack.js';

jest.setTimeout(60_000);

const stack = new TestStack('gw-surface');
const HIGH_LIMITS = { rate_limits: { per_minute: 10_000, per_day: 100_000 } };
const poster = BUILTIN_MOCKUPS[0]!;
let gateway: TestGateway;
let publisher: Redis;
let alice: { id: string; api: ApiClient };
let bob: { id: string; api: ApiClient };

async function account(credits = 20): Promise<{ id: string; api: ApiClient }> {
  const id = await stack.admin.createAccount(credits);
  const { key } = await stack.admin.createKey(id, HIGH_LIMITS);
  return { id, api: apiClient(gateway.url, key) };
}

function renderBody(extra: Record<string, unknown> = {}) {
  return {
    mockup_uuid: poster.uuid,
    smart_objects: [{ uuid: poster.smart_objects[0]!.uuid, asset: { url: 'https://example.com/art.png' } }],
    ...extra,
  };
}

async function createRender(
  client: { api: ApiClient },
  extra: Record<string, unknown> = {},
): Promise<string> {
  const answer = await client.api.send('POST', '/api/v1/renders', renderBody(extra));
  expect(answer.status).toBe(202);
  return (answer.body.data as { uuid: string }).uuid;
}

/** What the render-worker does when a render succeeds: store the image, update the row, publish. */
async function finishRender(renderId: string): Promise<void> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const key = `renders/${renderId}.png`;
  await mkdir(`${stack.storageDir}/renders`, { recursive: true });
  await writeFile(`${stack.storageDir}/${key}`, TINY_PNG);
  await writeFile(`${stack.storageDir}/${key}.content-type`, 'image/png');
  await withDb(stack.database.url, (db) =>
    db
      .updateTable('renders.renders')
      .set({
        status: 'succeeded',
        result_key: key,
        result_width: 1,
        result_height: 1,
        result_format: 'png',
        result_bytes: TINY_PNG.length,
        attempts: 1,
        started_at: new Date(),
        completed_at: new Date(),
      })
      .where('id', '=', renderId)
      .execute(),
  );
  await publisher.publish(
    channelName(stack.redis.prefix, CHANNELS.renderFinished),
    JSON.stringify({ render_id: renderId, status: 'succeeded' }),
  );
}

beforeAll(async () => {
  await stack.start();
  gateway = await stack.startGateway();
  publisher = new Redis(stack.redis.url);
  alice = await account();
  bob = await account();
}, STACK_START_TIMEOUT_MS);

afterAll(async () => {
  publisher?.disconnect();
  await stack.teardown();
});

describe('mockups', () => {
  it('lists the built-ins and the account’s own, not another account’s', async () => {
    const own = await insertAccountMockup(stack, alice.id, { name: 'Alice poster' });
    const aliceList = await alice.api.get('/api/v1/mockups?limit=100');
    const bobList = await bob.api.get('/api/v1/templates?limit=100');
    const uuids = (answer: typeof aliceList) =>
      (answer.body.data as Array<{ uuid: string }>).map((m) => m.uuid);
    expect(uuids(aliceList)).toEqual(
      expect.arrayContaining([own.uuid, ...BUILTIN_MOCKUPS.map((m) => m.uuid)]),
    );
    expect(uuids(bobList)).not.toContain(own.uuid);
    expect(uuids(bobList)).toHaveLength(BUILTIN_MOCKUPS.length);
  });

  it('answers 404 for another account’s mockup on GET, PATCH and DELETE, and leaves it unchanged', async () => {
    const own = await insertAccountMockup(stack, alice.id);
    expect((await bob.api.get(`/api/v1/mockups/${own.uuid}`)).status).toBe(404);
    expect((await bob.api.get(`/api/v1/templates/${own.slug}`)).status).toBe(404);
    expect((await bob.api.send('PATCH', `/api/v1/mockups/${own.uuid}`, { name: 'Stolen' })).status).toBe(404);
    const removed = await bob.api.send('DELETE', `/api/v1/mockups/${own.uuid}`);
    expect(removed.status).toBe(404);
    expect(removed.body.code).toBe('NOT_FOUND');
    const mine = await alice.api.get(`/api/v1/mockups/${own.uuid}`);
    expect((mine.body.data as { name: string }).name).toBe(own.name);
  });

  it('renames and deletes the account’s own mockup', async () => {
    const own = await insertAccountMockup(stack, alice.id);
    const renamed = await alice.api.send('PATCH', `/api/v1/mockups/${own.uuid}`, { name: 'Renamed' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.data).toMatchObject({ uuid: own.uuid, name: 'Renamed', built_in: false });
    expect((await alice.api.send('DELETE', `/api/v1/mockups/${own.uuid}`)).body).toEqual({
      success: true,
      data: { uuid: own.uuid, deleted: true },
    });
    expect((await alice.api.get(`/api/v1/mockups/${own.uuid}`)).status).toBe(404);
  });

  it('keeps built-ins read-only: PATCH and DELETE answer 404', async () => {
    expect((await alice.api.send('PATCH', `/api/v1/mockups/${poster.uuid}`, { name: 'Mine' })).status).toBe(
      404,
    );
    expect((await alice.api.send('DELETE', `/api/v1/mockups/${poster.uuid}`)).status).toBe(404);
    expect((await alice.api.get(`/api/v1/mockups/${poster.uuid}`)).body.data).toMatchObject({
      name: poster.name,
    });
  });

  it('refuses a rename without a name as a validation error on name', async () => {
    const own = await insertAccountMockup(stack, alice.id);
    const answer = await alice.api.send('PATCH', `/api/v1/mockups/${own.uuid}`, { name: '' });
    expect(answer.status).toBe(400);
    expect((answer.body.details as { issues: Array<{ path: string }> }).issues[0]!.path).toBe('name');
  });
});

describe('reading renders', () => {
  it('answers 404 for another account’s render, never 403', async () => {
    const id = await createRender(alice);
    expect((await alice.api.get(`/api/v1/renders/${id}`)).status).toBe(200);
    const foreign = await bob.api.get(`/api/v1/renders/${id}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('NOT_FOUND');
    expect((await bob.api.get('/api/v1/renders/not-a-uuid')).status).toBe(404);
  });

  it('lists the account’s renders newest first, in pages, filtered by status', async () => {
    const carol = await account();
    const first = await createRender(carol);
    const second = await createRender(carol);
    const third = await createRender(carol);
    await finishRender(second);

    const page1 = await carol.api.get('/api/v1/renders?limit=2');
    expect((page1.body.data as Array<{ uuid: string }>).map((r) => r.uuid)).toEqual([third, second]);
    const cursor = page1.body.next_cursor as string;
    expect(cursor).toEqual(expect.any(String));
    const page2 = await carol.api.get(`/api/v1/renders?limit=2&cursor=${encodeURIComponent(cursor)}`);
    expect((page2.body.data as Array<{ uuid: string }>).map((r) => r.uuid)).toEqual([first]);
    expect(page2.body.next_cursor).toBeNull();

    const succeeded = await carol.api.get('/api/v1/renders?status=succeeded');
    expect((succeeded.body.data as Array<{ uuid: string }>).map((r) => r.uuid)).toEqual([second]);
    expect((await carol.api.get('/api/v1/renders?status=done')).status).toBe(400);
    expect((await carol.api.get('/api/v1/renders?cursor=bogus')).status).toBe(400);
  });

  it('holds ?wait=N until the render ends and answers 200 with the result', async () => {
    const dave = await account();
    const pending = dave.api.send('POST', '/api/v1/renders?wait=20', renderBody());
    const id = await (async () => {
      for (let i = 0; i < 100; i++) {
        const rows = await withDb(stack.database.url, (db) =>
          db.selectFrom('renders.renders').select('id').where('account_id', '=', dave.id).execute(),
        );
        if (rows[0]) return rows[0].id;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('render never stored');
    })();
    await finishRender(id);
    const answer = await pending;
    expect(answer.status).toBe(200);
    expect(answer.body.data).toMatchObject({
      uuid: id,
      status: 'succeeded',
      result: { format: 'png', width: 1 },
    });
  });

  it('answers 202 after ?wait=N when the render has not ended', async () => {
    const answer = await alice.api.send('POST', '/api/v1/renders?wait=1', renderBody());
    expect(answer.status).toBe(202);
    expect(answer.body.data).toMatchObject({ status: 'queued' });
  });

  it('refuses ?wait above 60 as a validation error on wait', async () => {
    const answer = await alice.api.send('POST', '/api/v1/renders?wait=61', renderBody());
    expect(answer.status).toBe(400);
    expect((answer.body.details as { issues: Array<{ path: string }> }).issues[0]!.path).toBe('wait');
  });
});

describe('signed result URLs', () => {
  let resultUrl: URL;

  beforeAll(async () => {
    const id = await createRender(alice);
    await finishRender(id);
    const render = await alice.api.get(`/api/v1/renders/${id}`);
    resultUrl = new URL((render.body.data as { result: { url: string } }).result.url);
  });

  const fetchPath = (url: URL) => fetch(`${gateway.url}${url.pathname}${url.search}`);

  it('serves the image without an API key, with its content type', async () => {
    const response = await fetchPath(resultUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await response.arrayBuffer()).equals(TINY_PNG)).toBe(true);
  });

  it.each([
    [
      'a tampered signature',
      (u: URL) => {
        // Change the first character to a different one: prefixing a fixed 'x' left a signature that already
        // began with 'x' untouched (1 run in 64 answered 200).
        const signature = u.searchParams.get('signature')!;
        u.searchParams.set('signature', `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`);
      },
    ],
    [
      'a tampered expiry',
      (u: URL) => u.searchParams.set('expires', String(Number(u.searchParams.get('expires')) + 60)),
    ],
    ['another object', (u: URL) => (u.pathname = `/files/renders/${randomUUID()}.png`)],
    ['no signature', (u: URL) => u.searchParams.delete('signature')],
  ])('answers 403 FORBIDDEN in the envelope for %s', async (_what, tamper) => {
    const url = new URL(resultUrl);
    tamper(url);
    const response = await fetchPath(url);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({
      success: false,
      code: 'FORBIDDEN',
      request_id: expect.any(String) as unknown,
    });
  });

  it('answers 403 FORBIDDEN for a correctly signed URL that has expired', async () => {
    const key = resultUrl.pathname.replace('/files/', '');
    const expires = Math.floor(Date.now() / 1000) - 5;
    const signature = createResultUrlSigner(stack.serviceSecret).sign(key, expires);
    const answer = await get(`${gateway.url}/files/${key}?expires=${expires}&signature=${signature}`);
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'expired' } });
  });
});

describe('POST /api/v1/mockups/generate', () => {
  it('creates a render that fills every required smart object of the template with the artwork', async () => {
    const own = await insertAccountMockup(stack, alice.id, { required: [true, true, false] });
    const answer = await alice.api.send('POST', '/api/v1/mockups/generate', {
      template_id: own.slug,
      artwork_url: 'https://example.com/art.png',
      format: 'jpeg',
    });
    expect(answer.status).toBe(202);
    const id = (answer.body.data as { uuid: string }).uuid;
    const row = await withDb(stack.database.url, (db) =>
      db.selectFrom('renders.renders').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
    );
    const inputs = row.inputs as Array<{ uuid: string; asset: { url: string } }>;
    expect(inputs.map((i) => i.uuid)).toEqual([own.smart_objects[0]!.uuid, own.smart_objects[1]!.uuid]);
    expect(inputs.every((i) => i.asset.url === 'https://example.com/art.png')).toBe(true);
    expect(row.export_options).toMatchObject({ format: 'jpeg' });
  });

  it('refuses an unknown template as a validation error on template_id', async () => {
    const answer = await alice.api.send('POST', '/api/v1/mockups/generate', {
      template_id: 'no-such-template',
      artwork_url: 'https://example.com/art.png',
    });
    expect(answer.status).toBe(400);
    expect((answer.body.details as { issues: Array<{ path: string }> }).issues[0]!.path).toBe('template_id');
  });
});

/** Every route the express app answers, as `METHOD /openapi/{style}` strings. */
function expressRoutes(app: Express): string[] {
  const found: string[] = [];
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = layer.route.path.replace(/[:*]([A-Za-z0-9_]+)/g, '{$1}');
        for (const method of Object.keys(layer.route.methods)) found.push(`${method.toUpperCase()} ${path}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return found;
}

describe('/openapi.json and /docs', () => {
  it('documents every route the app answers, as OpenAPI 3.1', async () => {
    const answer = await get(`${gateway.url}/openapi.json`);
    const doc = answer.body as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const routes = expressRoutes(gateway.app);
    expect(routes.length).toBeGreaterThan(10);
    expect(routes.filter((route) => !documented.includes(route))).toEqual([]);
    expect(documented.filter((route) => !routes.includes(route))).toEqual([]);
    expect(routes).toEqual(
      expect.arrayContaining(['POST /api/v1/renders', 'GET /files/{key}', 'GET /metrics']),
    );
  });

  it('describes the render request with the schema that validates it', async () => {
    const doc = (await get(`${gateway.url}/openapi.json`)).body as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>
      >;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    const body = doc.paths['/api/v1/renders']!.post!.requestBody!.content['application/json']!.schema;
    expect(JSON.stringify(body)).toContain('CreateRenderRequest');
    expect(
      Object.keys(
        doc.components.schemas.CreateRenderRequestInput?.properties ??
          doc.components.schemas.CreateRenderRequest!.properties!,
      ),
    ).toEqual(
      expect.arrayContaining(['mockup_uuid', 'smart_objects', 'export_options', 'webhook_url', 'metadata']),
    );
  });

  it('names each schema once: no two components are the same (generated clients get one type each)', async () => {
    const doc = (await get(`${gateway.url}/openapi.json`)).body as {
      components: { schemas: Record<string, unknown> };
    };
    const byBody = new Map<string, string[]>();
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      const body = JSON.stringify(schema);
      byBody.set(body, [...(byBody.get(body) ?? []), name]);
    }
    expect([...byBody.values()].filter((names) => names.length > 1)).toEqual([]);
  });

  it('lists the public API first and the operational routes after it', async () => {
    const doc = (await get(`${gateway.url}/openapi.json`)).body as {
      tags: Array<{ name: string }>;
      paths: Record<string, unknown>;
    };
    const paths = Object.keys(doc.paths);
    const firstOther = paths.findIndex((path) => !path.startsWith('/api/v1/'));
    expect(firstOther).toBeGreaterThan(10);
    expect(paths.slice(firstOther).filter((path) => path.startsWith('/api/'))).toEqual([]);
    expect(paths.indexOf('/healthz')).toBeGreaterThan(paths.indexOf('/dashboard/api/login'));
    expect(doc.tags.map((tag) => tag.name)).toEqual([
      'mockups',
      'renders',
      'webhooks',
      'dashboard',
      'operations',
    ]);
  });

  it('points to the guides in the repository from /openapi.json and /docs, never outside it', async () => {
    const document = JSON.stringify((await get(`${gateway.url}/openapi.json`)).body);
    expect(document).toContain('docs/api.md');
    const page =
      (await (await fetch(`${gateway.url}/docs`)).text()) +
      (await (await fetch(`${gateway.url}/docs/init.js`)).text());
    for (const text of [document, page])
      expect(text).not.toMatch(/\.\.\/shared|shared\/API\.md|ARCHITECTURE\.md/);
  });

  it('serves /docs as HTML that loads only same-origin assets, under a self-only CSP', async () => {
    const response = await fetch(`${gateway.url}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await response.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThanOrEqual(3);
    for (const ref of refs) {
      expect(ref).toMatch(/^\/(?!\/)/);
      expect((await fetch(`${gateway.url}${ref}`)).status).toBe(200);
    }
  });

  it('exposes the render queue depth and accepted renders in /metrics', async () => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(text).toMatch(/^render_queue_depth \d+/m);
    expect(text).toMatch(/^renders_accepted_total [1-9]\d*/m);
  });
});

describe('security headers and CORS', () => {
  it('sets protective headers on API answers and allows no cross-origin reads', async () => {
    const answer = await alice.api.get('/api/v1/mockups', { origin: 'https://shop.example' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
    expect(answer.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();

    const preflight = await fetch(`${gateway.url}/api/v1/renders`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-api-key,content-type',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-headers')).toBeNull();
  });

  it('keeps the docs page’s own policy, which lets Swagger UI run', async () => {
    const docs = await fetch(`${gateway.url}/docs`);
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});
