// POST /api/v1/mockups against the real key-service, Postgres, Redis and local storage: a PSD is
// streamed to storage and its import job queued (jobId = mockup uuid), a JSON manifest is validated
// field by field with its inline images parked; every refusal (not a PSD, a bomb header, a 300 MB+
// upload, a bad manifest, a queue that is down) is a clear 4xx/503 in the envelope and leaves no row
// and no stored object behind. The import itself is the render-worker's (its mockup-import tests).
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createDb, type Database } from '@platen/db';
import { fromStoredPendingImport } from '@platen/mockups';
import { createImportQueue, type ImportQueue } from '@platen/queue';
import { startPrivateRedis, waitFor } from '@platen/testing';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { apiClient, issuePaths, TINY_PNG, type ApiClient } from './support/api-client.js';
import { Browser } from './support/dashboard-browser.js';
import { postMultipart, psdHeader } from './support/multipart.js';
import { STACK_START_TIMEOUT_MS, TestStack, type TestGateway } from './support/test-stack.js';

jest.setTimeout(120_000);

const stack = new TestStack('gw-mockup-uploads');
const HIGH_LIMITS = { rate_limits: { per_minute: 10_000, per_day: 100_000 } };
const MB = 1024 * 1024;
let gateway: TestGateway;
let db: Kysely<Database>;
let queueRedis: Redis;
let imports: ImportQueue;

interface Account {
  id: string;
  key: string;
  api: ApiClient;
}

async function account(): Promise<Account> {
  const id = await stack.admin.createAccount(10);
  const { key } = await stack.admin.createKey(id, HIGH_LIMITS);
  return { id, key, api: apiClient(gateway.url, key) };
}

const rowsOf = (accountId: string) =>
  db.selectFrom('renders.mockups').selectAll().where('account_id', '=', accountId).execute();

/** Every object under storage's imports/ (uploads waiting for their import), temp files included. */
async function storedUploads(): Promise<string[]> {
  const root = join(stack.storageDir, 'imports');
  if (!existsSync(root)) return [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

const sameFiles = (a: string[], b: string[]) =>
  JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

/** A PSD as far as the gateway looks: a valid header, then filler bytes. */
const fakePsd = (width = 1200, height = 800, extra = 4096) =>
  Buffer.concat([psdHeader(width, height), Buffer.alloc(extra, 7)]);

beforeAll(async () => {
  await stack.start();
  gateway = await stack.startGateway();
  db = createDb({ url: stack.database.url, maxConnections: 4 });
  queueRedis = new Redis(stack.redis.url, { maxRetriesPerRequest: null });
  imports = createImportQueue(queueRedis, stack.redis.prefix);
}, STACK_START_TIMEOUT_MS);

afterAll(async () => {
  await imports?.close();
  queueRedis?.disconnect();
  await db?.destroy();
  await stack.teardown();
});

describe('PSD upload (multipart/form-data)', () => {
  it('streams the file to storage, answers 202 with the mockup processing, and queues its import', async () => {
    const owner = await account();
    const file = fakePsd(1200, 800, 3 * MB);
    const answer = await postMultipart(`${gateway.url}/api/v1/mockups`, owner.key, {
      fields: { name: 'Wall frame' },
      file: { body: file, filename: 'frame.psd' },
    });
    expect(answer.status).toBe(202);
    const mockup = answer.body.data as Record<string, unknown>;
    expect(mockup).toMatchObject({
      name: 'Wall frame',
      status: 'processing',
      built_in: false,
      width: 1200,
      height: 800,
      smart_objects: [],
      thumbnail: null,
      error: null,
      warnings: [],
    });
    expect(mockup.slug).toMatch(/^wall-frame-[0-9a-f]{8}$/);
    expect(answer.headers.get('location')).toBe(`/api/v1/mockups/${String(mockup.uuid)}`);

    const job = await imports.getJob(String(mockup.uuid));
    expect(job?.data).toEqual({ mockup_id: mockup.uuid });
    const [row] = await rowsOf(owner.id);
    const pending = fromStoredPendingImport(row!.manifest);
    expect(pending).toEqual({ kind: 'psd', source_key: `imports/${String(mockup.uuid)}/source.psd` });
    expect((await stat(join(stack.storageDir, 'imports', String(mockup.uuid), 'source.psd'))).size).toBe(
      file.length,
    );

    const shown = await owner.api.get(`/api/v1/mockups/${String(mockup.uuid)}`);
    expect(shown.body.data).toMatchObject({ uuid: mockup.uuid, status: 'processing' });
    const stranger = await account();
    expect((await stranger.api.get(`/api/v1/mockups/${String(mockup.uuid)}`)).status).toBe(404);
  });

  it('names the mockup after the file when no name is given (a PSB is accepted too)', async () => {
    const owner = await account();
    const answer = await postMultipart(`${gateway.url}/api/v1/mockups`, owner.key, {
      file: {
        body: Buffer.concat([psdHeader(600, 400, { version: 2 }), Buffer.alloc(100)]),
        filename: 'Mug Left.psb',
      },
    });
    expect(answer.status).toBe(202);
    expect(answer.body.data).toMatchObject({ name: 'Mug Left', width: 600, height: 400 });
  });

  const refusals: [string, Parameters<typeof postMultipart>[2], string][] = [
    ['a PNG instead of a PSD', { file: { body: TINY_PNG, filename: 'art.psd' } }, 'not a Photoshop file'],
    ['an empty file', { file: { body: Buffer.alloc(0) } }, 'is empty'],
    ['a file shorter than a PSD header', { file: { body: Buffer.from('8BPS') } }, 'not a Photoshop file'],
    ['a bomb: a 300000×300000 canvas', { file: { body: fakePsd(300_000, 300_000) } }, '300000×300000'],
    ['no file at all', { fields: { name: 'Nothing' } }, 'is required'],
    ['the file in another field', { file: { field: 'upload', body: fakePsd() } }, 'field "file"'],
  ];
  it.each(refusals)(
    'refuses %s with a 400 naming the field, leaving nothing',
    async (_label, upload, text) => {
      const owner = await account();
      const before = await storedUploads();
      const answer = await postMultipart(`${gateway.url}/api/v1/mockups`, owner.key, upload);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ success: false, code: 'VALIDATION_ERROR' });
      expect(String(answer.body.detail)).toContain(text);
      expect(issuePaths(answer).length).toBe(1);
      expect(await rowsOf(owner.id)).toEqual([]);
      await waitFor(async () => (sameFiles(await storedUploads(), before) ? true : undefined), {
        timeoutMs: 5_000,
        what: 'no upload left in storage',
      });
    },
  );

  it('cuts off a 300 MB+ upload at the default limit with 413, storing nothing', async () => {
    const owner = await account();
    const before = await storedUploads();
    const limit = 300 * MB;
    let sent = 0;
    const huge = new Readable({
      read() {
        if (sent === 0) {
          sent += 26;
          return void this.push(psdHeader(2000, 2000));
        }
        if (sent > limit + 4 * MB) return void this.push(null);
        sent += MB;
        this.push(Buffer.alloc(MB, 1));
      },
    });
    const answer = await postMultipart(`${gateway.url}/api/v1/mockups`, owner.key, { file: { body: huge } });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      details: { limit_bytes: limit },
    });
    expect(await rowsOf(owner.id)).toEqual([]);
    await waitFor(async () => (sameFiles(await storedUploads(), before) ? true : undefined), {
      timeoutMs: 10_000,
      what: 'the partial upload removed',
    });
  });

  it('answers 415 for a body that is neither multipart nor JSON', async () => {
    const owner = await account();
    const answer = await owner.api.send('POST', '/api/v1/mockups', 'just text', {
      'content-type': 'text/plain',
    });
    expect(answer.status).toBe(415);
    expect(answer.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(String(answer.body.detail)).toContain('multipart/form-data');
  });
});

describe('JSON manifest upload', () => {
  const manifest = {
    width: 800,
    height: 600,
    layers: [
      { type: 'image', name: 'Background', asset: 'background.png' },
      {
        type: 'smart_object',
        name: 'Artwork',
        layer_name: 'Artwork',
        size: { width: 400, height: 300 },
        position: { x: 200, y: 150, width: 400, height: 300 },
        quad: null,
        mask: { asset: 'mask.png' },
      },
    ],
  };
  const body = (overrides: Record<string, unknown> = {}) => ({
    name: 'Manifest mockup',
    manifest,
    assets: {
      'background.png': { data: TINY_PNG.toString('base64') },
      'mask.png': { url: 'https://assets.example.com/mask.png' },
    },
    ...overrides,
  });

  it('accepts a manifest with inline and linked images: 202, images parked, import queued', async () => {
    const owner = await account();
    const answer = await owner.api.send('POST', '/api/v1/mockups', body());
    expect(answer.status).toBe(202);
    const mockup = answer.body.data as { uuid: string };
    expect(answer.body.data).toMatchObject({ name: 'Manifest mockup', status: 'processing', width: 800 });
    expect(await imports.getJob(mockup.uuid)).toBeDefined();
    const [row] = await rowsOf(owner.id);
    const pending = fromStoredPendingImport(row!.manifest);
    if (pending?.kind !== 'manifest') throw new Error('expected a manifest import');
    expect(pending.assets['mask.png']).toEqual({ url: 'https://assets.example.com/mask.png' });
    const parkedKey = (pending.assets['background.png'] as { key: string }).key;
    expect(existsSync(join(stack.storageDir, parkedKey))).toBe(true);
    // The smart object got a uuid of its own.
    const layers = pending.manifest.layers as { type: string; uuid?: string }[];
    expect(layers[1]?.uuid).toMatch(/^[0-9a-f-]{36}$/);
  });

  const grouped = {
    ...manifest,
    layers: [
      manifest.layers[0],
      {
        type: 'group',
        name: 'Print',
        blend_mode: 'multiply',
        opacity: 0.5,
        layers: [
          manifest.layers[1],
          { type: 'adjustment', name: 'Invert', filters: [{ kind: 'invert', params: {} }] },
        ],
      },
    ],
  };

  it('accepts groups and adjustment layers, and gives a smart object inside a group its uuid', async () => {
    const owner = await account();
    const answer = await owner.api.send('POST', '/api/v1/mockups', body({ manifest: grouped }));
    expect(answer.status).toBe(202);
    const [row] = await rowsOf(owner.id);
    const pending = fromStoredPendingImport(row!.manifest);
    if (pending?.kind !== 'manifest') throw new Error('expected a manifest import');
    const [, group] = pending.manifest.layers as { type: string; layers?: unknown[] }[];
    expect(group).toMatchObject({ type: 'group', blend_mode: 'multiply', opacity: 0.5, pass_through: false });
    expect(group?.layers).toEqual([
      expect.objectContaining({
        type: 'smart_object',
        uuid: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      }),
      expect.objectContaining({ type: 'adjustment', filters: [expect.objectContaining({ kind: 'invert' })] }),
    ]);
  });

  it('answers a manifest nested 100,000 groups deep with a 400, and keeps answering', async () => {
    const owner = await account();
    const depth = 100_000;
    // Written as text: JSON.stringify itself would recurse once per level.
    const layers =
      '{"type":"group","name":"Nest","layers":['.repeat(depth) +
      JSON.stringify(manifest.layers[0]) +
      ']}'.repeat(depth);
    const raw = `{"name":"Deep","manifest":{"width":800,"height":600,"layers":[${layers}]},"assets":${JSON.stringify(body().assets)}}`;
    const answer = await owner.api.send('POST', '/api/v1/mockups', raw);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('VALIDATION_ERROR');
    expect(await rowsOf(owner.id)).toEqual([]);
    expect((await owner.api.get('/api/v1/mockups?limit=1')).status).toBe(200);
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    [
      'a missing image',
      { assets: { 'background.png': { data: TINY_PNG.toString('base64') } } },
      'assets.mask.png',
    ],
    [
      'an image the manifest does not use',
      { assets: { ...body().assets, 'extra.png': { url: 'https://a.example.com/x.png' } } },
      'assets.extra.png',
    ],
    [
      'inline data that is not an image',
      { assets: { ...body().assets, 'background.png': { data: Buffer.from('hello').toString('base64') } } },
      'assets.background.png.data',
    ],
    [
      'inline data that is not base64',
      { assets: { ...body().assets, 'background.png': { data: `${TINY_PNG.toString('base64')}!` } } },
      'assets.background.png.data',
    ],
    [
      'both url and data',
      { assets: { ...body().assets, 'mask.png': { url: 'https://a.example.com/m.png', data: 'AAAA' } } },
      'assets.mask.png',
    ],
    [
      'an unknown blend mode',
      {
        manifest: {
          ...manifest,
          layers: [{ ...manifest.layers[0], blend_mode: 'glow' }, manifest.layers[1]],
        },
      },
      'manifest.layers.0.blend_mode',
    ],
    [
      'a canvas over the pixel cap',
      { manifest: { ...manifest, width: 20_000, height: 20_000 } },
      'manifest.width',
    ],
    [
      'a bad adjustment inside a group',
      {
        manifest: {
          ...grouped,
          layers: [
            grouped.layers[0],
            {
              ...grouped.layers[1],
              layers: [
                manifest.layers[1],
                { type: 'adjustment', name: 'Invert', filters: [{ kind: 'invert', params: {}, opacity: 2 }] },
              ],
            },
          ],
        },
      },
      'manifest.layers.1.layers.1.filters.0.opacity',
    ],
    [
      'groups nested 17 deep',
      {
        manifest: {
          ...manifest,
          layers: [
            manifest.layers[0],
            Array.from({ length: 17 }).reduce<unknown>(
              (inner) => ({ type: 'group', name: 'Nest', layers: [inner] }),
              manifest.layers[1],
            ),
          ],
        },
      },
      ['manifest.layers.1', ...Array<string>(16).fill('layers.0')].join('.'),
    ],
    [
      'a group mask the assets do not give',
      {
        manifest: {
          ...grouped,
          layers: [grouped.layers[0], { ...grouped.layers[1], mask: { asset: 'group-mask.png' } }],
        },
      },
      'assets.group-mask.png',
    ],
    ['no name', { name: '' }, 'name'],
  ];
  it.each(invalid)(
    'refuses %s with a 400 naming the field and writes nothing',
    async (_label, overrides, path) => {
      const owner = await account();
      const answer = await owner.api.send('POST', '/api/v1/mockups', body(overrides));
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: 'VALIDATION_ERROR' });
      expect(issuePaths(answer)).toContain(path);
      expect(await rowsOf(owner.id)).toEqual([]);
    },
  );
});

describe('when the import queue is down', () => {
  it('answers 503 and erases the row and the stored upload', async () => {
    const redis = await startPrivateRedis();
    try {
      const deadQueue = await stack.startGateway({ queueRedisUrl: redis.url });
      await redis.kill();
      const owner = await account();
      const before = await storedUploads();
      const answer = await postMultipart(`${deadQueue.url}/api/v1/mockups`, owner.key, {
        file: { body: fakePsd() },
      });
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      expect(await rowsOf(owner.id)).toEqual([]);
      expect(sameFiles(await storedUploads(), before)).toBe(true);
    } finally {
      await redis.destroy();
    }
  });
});

describe('the dashboard upload (session cookie, CSRF)', () => {
  it('accepts a PSD with the session and its CSRF token, refuses it without the token, deletes it', async () => {
    const browser = new Browser(gateway.url);
    const signup = await browser.post('/dashboard/api/signup', {
      email: `upload-${Date.now()}@example.com`,
      password: 'a long enough password',
    });
    expect(signup.status).toBe(201);
    const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const url = `${gateway.url}/dashboard/api/mockups`;

    const forged = await postMultipart(url, '', {
      file: { body: fakePsd() },
      headers: { cookie, origin: gateway.url },
    });
    expect(forged.status).toBe(403);

    const answer = await postMultipart(url, '', {
      fields: { name: 'From the dashboard' },
      file: { body: fakePsd() },
      headers: { cookie, origin: gateway.url, 'x-csrf-token': browser.csrf },
    });
    expect(answer.status).toBe(202);
    const mockup = answer.body.data as { uuid: string; status: string };
    expect(mockup.status).toBe('processing');
    expect(await imports.getJob(mockup.uuid)).toBeDefined();

    const deleted = await browser.request('DELETE', `/dashboard/api/mockups/${mockup.uuid}`);
    expect(deleted.status).toBe(200);
    expect((await browser.request('DELETE', `/dashboard/api/mockups/${mockup.uuid}`)).status).toBe(404);
  });
});
