// Input that used to reach Postgres, JSON.stringify or decodeURIComponent and come back as a 500:
// NUL and unpaired surrogates in stored strings, 5,000-deep JSON, `%ZZ` in a path, a body that is
// not the encoding it claims. Each is a 4xx in the envelope naming what is wrong, and leaves no row.
import { gzipSync } from 'node:zlib';
import { createDb, type Database } from '@platen/db';
import type { Kysely } from 'kysely';
import { apiClient, issuePaths, TINY_PNG, type ApiClient } from './support/api-client.js';
import { Browser } from './support/dashboard-browser.js';
import { BUILTIN_MOCKUPS } from './support/sample-mockups.js';
import { STACK_START_TIMEOUT_MS, TestStack, type Answer, type TestGateway } from './support/test-stack.js';

jest.setTimeout(120_000);

const stack = new TestStack('gw-hostile-input');
let gateway: TestGateway;
let db: Kysely<Database>;
let accountId: string;
let api: ApiClient;

/** NUL, a lone high surrogate, a lone low surrogate. */
const UNSTORABLE: [string, string][] = [
  ['a NUL', 'Art\u0000work'],
  ['a lone high surrogate', 'Art\uD800work'],
  ['a lone low surrogate', 'Art\uDC00work'],
];

const manifestBody = (
  overrides: { layerName?: string; soName?: string; soLayerName?: string; assetName?: string } = {},
) => {
  const asset = overrides.assetName ?? 'background.png';
  return {
    name: 'Hostile manifest',
    manifest: {
      width: 800,
      height: 600,
      layers: [
        { type: 'image', name: overrides.layerName ?? 'Background', asset },
        {
          type: 'smart_object',
          name: overrides.soName ?? 'Artwork',
          layer_name: overrides.soLayerName ?? 'Artwork',
          size: { width: 400, height: 300 },
          position: { x: 200, y: 150, width: 400, height: 300 },
          quad: null,
        },
      ],
    },
    assets: { [asset]: { data: TINY_PNG.toString('base64') } },
  };
};

function deeplyNested(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < levels; level++) value = { a: value };
  return value;
}

/** The JSON text of `deeplyNested(levels)`, written out (JSON.stringify itself overflows at 5,000 here). */
const deepJson = (levels: number) => `${'{"a":'.repeat(levels)}"bottom"${'}'.repeat(levels)}`;

/** A render request's JSON text with `metadata` spliced in as raw JSON. */
const renderWithMetadataJson = (metadataJson: string) =>
  JSON.stringify({
    mockup_uuid: BUILTIN_MOCKUPS[0]!.uuid,
    smart_objects: [
      { uuid: BUILTIN_MOCKUPS[0]!.smart_objects[0]!.uuid, asset: { data: TINY_PNG.toString('base64') } },
    ],
    metadata: '@',
  }).replace('"@"', metadataJson);

function expectRefusal(answer: Answer, status: number, code: string): void {
  expect(answer.status).toBe(status);
  expect(answer.body).toMatchObject({ success: false, code });
  expect(typeof answer.body.request_id).toBe('string');
}

const mockupRows = () =>
  db.selectFrom('renders.mockups').select('id').where('account_id', '=', accountId).execute();

beforeAll(async () => {
  await stack.start();
  gateway = await stack.startGateway();
  db = createDb({ url: stack.database.url, maxConnections: 2 });
  accountId = await stack.admin.createAccount(100);
  const { key } = await stack.admin.createKey(accountId, {
    rate_limits: { per_minute: 10_000, per_day: 100_000 },
  });
  api = apiClient(gateway.url, key);
}, STACK_START_TIMEOUT_MS);

afterAll(async () => {
  await db?.destroy();
  await stack.teardown();
});

describe('strings Postgres cannot store', () => {
  describe.each(UNSTORABLE)('%s', (_label, text) => {
    it.each([
      ['manifest.layers.0.name', { layerName: text }],
      ['manifest.layers.1.name', { soName: text }],
      ['manifest.layers.1.layer_name', { soLayerName: text }],
      ['assets', { assetName: `${text}.png` }],
    ])('in %s of a manifest upload: 400 naming the field, no row', async (field, overrides) => {
      const answer = await api.send('POST', '/api/v1/mockups', manifestBody(overrides));
      expectRefusal(answer, 400, 'VALIDATION_ERROR');
      expect(issuePaths(answer).some((path) => path.startsWith(field))).toBe(true);
      expect(await mockupRows()).toEqual([]);
    });

    it('in render metadata (a value or a key): 400 naming metadata', async () => {
      for (const metadata of [{ note: text }, { [text]: 1 }, { nested: [{ deeper: text }] }]) {
        const answer = await api.send('POST', '/api/v1/renders', {
          mockup_uuid: BUILTIN_MOCKUPS[0]!.uuid,
          smart_objects: [
            {
              uuid: BUILTIN_MOCKUPS[0]!.smart_objects[0]!.uuid,
              asset: { data: TINY_PNG.toString('base64') },
            },
          ],
          metadata,
        });
        expectRefusal(answer, 400, 'VALIDATION_ERROR');
        expect(issuePaths(answer)).toContain('metadata');
      }
    });

    it('in a webhook description and a dashboard key name and log-in email: 400, not 500', async () => {
      const webhook = await api.send('POST', '/api/v1/webhooks', {
        url: 'https://hooks.example.com/in',
        events: ['render.succeeded'],
        description: text,
      });
      expectRefusal(webhook, 400, 'VALIDATION_ERROR');
      expect(issuePaths(webhook)).toContain('description');

      const browser = new Browser(gateway.url);
      const signup = await browser.post('/dashboard/api/signup', {
        email: `hostile-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@example.com`,
        password: 'a long enough password',
      });
      expect(signup.status).toBe(201);
      const key = await browser.post('/dashboard/api/keys', { name: text });
      expectRefusal(key, 400, 'VALIDATION_ERROR');

      const login = await new Browser(gateway.url).post('/dashboard/api/login', {
        email: `${text}@example.com`,
        password: 'a long enough password',
      });
      expect(login.status).toBeLessThan(500);
      expect(login.status).toBeGreaterThanOrEqual(400);
    });
  });
});

describe('deeply nested JSON', () => {
  it('answers 400 for metadata nested 5,000 levels deep (it overflowed JSON.stringify)', async () => {
    const answer = await api.send('POST', '/api/v1/renders', renderWithMetadataJson(deepJson(5_000)));
    expectRefusal(answer, 400, 'VALIDATION_ERROR');
  });

  it('answers 400 for metadata just over its 32 levels, and accepts a shallow one', async () => {
    const render = (metadata: unknown) =>
      api.send('POST', '/api/v1/renders', {
        mockup_uuid: BUILTIN_MOCKUPS[0]!.uuid,
        smart_objects: [
          { uuid: BUILTIN_MOCKUPS[0]!.smart_objects[0]!.uuid, asset: { data: TINY_PNG.toString('base64') } },
        ],
        metadata,
      });
    const deep = await render(deeplyNested(40));
    expectRefusal(deep, 400, 'VALIDATION_ERROR');
    expect(deep.body.detail).toMatch(/deeper than 32/);
    expect((await render({ order: { id: 'A-1', lines: [{ sku: 'tee' }] } })).status).toBe(202);
  });

  it.each(['/api/v1/webhooks', '/api/v1/mockups'])(
    'answers 400 for a 5,000-deep body to %s',
    async (path) => {
      const answer = await api.send('POST', path, `{"description":${deepJson(5_000)}}`);
      expectRefusal(answer, 400, 'VALIDATION_ERROR');
      expect(answer.body.detail).toMatch(/deeper than 64/);
    },
  );
});

describe('malformed percent-encoding in the path', () => {
  it.each([
    '/api/v1/renders/%ZZ',
    '/api/v1/mockups/%ZZ',
    '/api/v1/templates/%E0%A4%A',
    '/files/%ZZ',
    '/files/renders/%ZZ.png?expires=1&signature=x',
    '/dashboard/%ZZ',
    '/dashboard/api/renders/%ZZ',
  ])('answers 400 in the envelope for %s, with or without credentials', async (path) => {
    const headerSets: Record<string, string>[] = [{}, { 'x-api-key': 'sm_nothing' }];
    for (const headers of headerSets) {
      const response = await fetch(`${gateway.url}${path}`, { headers, signal: AbortSignal.timeout(10_000) });
      const body = (await response.json()) as Record<string, unknown>;
      expectRefusal({ status: response.status, headers: response.headers, body }, 400, 'VALIDATION_ERROR');
      expect(body.detail).toMatch(/percent-encoding/);
    }
  });
});

describe('Content-Encoding', () => {
  const webhook = JSON.stringify({ url: 'https://hooks.example.com/in', events: ['render.succeeded'] });

  it('answers 415 for brotli and unknown encodings', async () => {
    for (const encoding of ['br', 'zstd', 'gzip, br']) {
      const answer = await api.send('POST', '/api/v1/webhooks', webhook, { 'content-encoding': encoding });
      expectRefusal(answer, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(answer.body.detail).toMatch(/Content-Encoding/);
    }
  });

  it('answers 400 for a body that is not the gzip it claims, and accepts real gzip', async () => {
    const fake = await api.send('POST', '/api/v1/webhooks', webhook, { 'content-encoding': 'gzip' });
    expectRefusal(fake, 400, 'VALIDATION_ERROR');
    expect(fake.body.detail).toMatch(/Content-Encoding/);
    const headers = {
      ...(await keyHeader()),
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    };
    const cut = await fetch(`${gateway.url}/api/v1/webhooks`, {
      method: 'POST',
      headers,
      body: gzipSync(webhook).subarray(0, 20),
    });
    expect(cut.status).toBe(400);
    const real = await fetch(`${gateway.url}/api/v1/webhooks`, {
      method: 'POST',
      headers,
      body: gzipSync(webhook),
    });
    expect(real.status).toBe(201);
  });

  it('answers 415 for a compressed PSD upload (busboy reads bytes as sent)', async () => {
    const response = await fetch(`${gateway.url}/api/v1/mockups`, {
      method: 'POST',
      headers: {
        ...(await keyHeader()),
        'content-type': 'multipart/form-data; boundary=x',
        'content-encoding': 'gzip',
      },
      body: gzipSync('--x--\r\n'),
    });
    const body = (await response.json()) as Record<string, unknown>;
    expectRefusal(
      { status: response.status, headers: response.headers, body },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });
});

async function keyHeader(): Promise<Record<string, string>> {
  const { key } = await stack.admin.createKey(accountId);
  return { 'x-api-key': key };
}
