// GET /api/v1/batches/{uuid}/archive through the real gateway: batch and render rows written straight
// into Postgres (the worker's part, without running it), results in the gateway's own local storage,
// and every archive opened with an independent ZIP reader (yauzl) to compare names and bytes.
import { randomBytes, randomUUID } from 'node:crypto';
import { readdir, readlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  batchArchiveManifestSchema,
  type BatchArchiveManifest,
  type BatchArchiveManifestRender,
} from '@platen/contracts';
import { createDb, type Database } from '@platen/db';
import type { ObjectStorage } from '@platen/storage';
import { waitFor } from '@platen/testing';
import type { Kysely } from 'kysely';
import yauzl from 'yauzl';
import { apiClient, type ApiClient } from './support/api-client.js';
import { insertAccountMockup } from './support/mockup-rows.js';
import { BUILTIN_MOCKUPS } from './support/sample-mockups.js';
import { STACK_START_TIMEOUT_MS, TestStack, type TestGateway } from './support/test-stack.js';

jest.setTimeout(60_000);

const stack = new TestStack('gw-archive');
const poster = BUILTIN_MOCKUPS[0]!;
const shirt = BUILTIN_MOCKUPS[1]!;
const mug = BUILTIN_MOCKUPS[3]!;
let gateway: TestGateway;
let db: Kysely<Database>;
let driver: ObjectStorage;
let alice: { id: string; api: ApiClient; key: string };
let bob: { id: string; api: ApiClient };
/** Reads of these storage keys wait until the promise settles (the streaming test holds one back). */
const held = new Map<string, Promise<void>>();
/** Every key the gateway asked to read as a stream, in order. */
const streamed: string[] = [];
/** Reads of these keys fail part-way, as a storage connection dropping mid-object does. */
const broken = new Set<string>();

/** The gateway's real storage driver, with reads of `held` keys kept waiting. */
function holdingStorage(storage: ObjectStorage): ObjectStorage {
  driver = storage;
  return {
    ...storage,
    async getStream(key) {
      streamed.push(key);
      await held.get(key);
      if (broken.has(key)) {
        const body = new Readable({
          read() {
            this.push(Buffer.alloc(1_000, 1));
            this.destroy(new Error('storage connection reset'));
          },
        });
        return { body, contentType: 'image/png' };
      }
      return storage.getStream(key);
    },
  };
}

async function account(): Promise<{ id: string; api: ApiClient; key: string }> {
  const id = await stack.admin.createAccount(10);
  const { key } = await stack.admin.createKey(id, { rate_limits: { per_minute: 10_000, per_day: 100_000 } });
  return { id, api: apiClient(gateway.url, key), key };
}

interface RenderSpec {
  mockup: { uuid: string; smart_objects: Array<{ uuid: string }> };
  status: 'queued' | 'processing' | 'succeeded' | 'failed';
  color?: string;
  label?: string | null;
  ext?: string;
  /** false: a succeeded row whose result is not in storage. */
  stored?: boolean;
}

interface InsertedRender extends RenderSpec {
  id: string;
  bytes: Buffer | null;
}

/** A batch of `accountId` with one render row per spec, in that order, and its results in storage. */
async function insertBatch(
  accountId: string,
  status: 'processing' | 'finished',
  specs: RenderSpec[],
): Promise<{ id: string; renders: InsertedRender[] }> {
  const batchId = randomUUID();
  const start = Date.now() - 60_000;
  await db
    .insertInto('renders.batches')
    .values({
      id: batchId,
      account_id: accountId,
      key_id: null,
      status,
      render_count: specs.length,
      credits_charged: specs.length,
      webhook_url: null,
      metadata: null,
      created_at: new Date(start),
      completed_at: status === 'finished' ? new Date() : null,
    })
    .execute();
  const renders: InsertedRender[] = [];
  for (const [i, spec] of specs.entries()) {
    const id = randomUUID();
    const ext = spec.ext ?? 'png';
    const succeeded = spec.status === 'succeeded';
    const resultKey = succeeded ? `renders/${id}.${ext}` : null;
    const bytes = succeeded ? randomBytes(2_000 + i * 37) : null;
    if (resultKey && bytes && spec.stored !== false) await driver.put(resultKey, bytes, `image/${ext}`);
    await db
      .insertInto('renders.renders')
      .values({
        id,
        account_id: accountId,
        key_id: null,
        mockup_id: spec.mockup.uuid,
        status: spec.status,
        inputs: JSON.stringify(
          spec.mockup.smart_objects.map((so) => ({
            uuid: so.uuid,
            asset: { url: 'https://example.com/art.png', fit: 'contain', rotate: 0 },
            ...(spec.color === undefined ? {} : { color: spec.color }),
          })),
        ),
        export_options: JSON.stringify({ format: ext }),
        webhook_url: null,
        metadata: null,
        credits_charged: 1,
        batch_id: batchId,
        export_label: spec.label ?? null,
        result_key: resultKey,
        result_format: succeeded ? ext : null,
        result_bytes: bytes?.length ?? null,
        error_code: spec.status === 'failed' ? 'ASSET_FETCH_FAILED' : null,
        error_message: spec.status === 'failed' ? 'artwork answered 404' : null,
        created_at: new Date(start + i),
        completed_at: succeeded || spec.status === 'failed' ? new Date(start + 1_000 + i) : null,
      })
      .execute();
    renders.push({ ...spec, id, bytes });
  }
  return { id: batchId, renders };
}

/** Files under the storage root this process (the gateway runs in it) holds open. */
async function openStorageFiles(): Promise<string[]> {
  const fds = await readdir('/proc/self/fd');
  const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
  return targets.filter((target) => target.startsWith(stack.storageDir));
}

/** Holds back reads of `key` until the returned function is called. */
function hold(key: string): () => void {
  let release!: () => void;
  held.set(
    key,
    new Promise<void>((resolve) => {
      release = resolve;
    }),
  );
  return () => {
    release();
    held.delete(key);
  };
}

interface ZipEntry {
  bytes: Buffer;
  /** 0: stored as it is; 8: deflated. */
  compressionMethod: number;
}

/** Every entry of a ZIP, read by yauzl (which checks each entry's CRC-32 as it reads). */
function unzip(zip: Buffer): Promise<Map<string, ZipEntry>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error) return reject(error);
      const entries = new Map<string, ZipEntry>();
      file.on('error', reject);
      file.on('end', () => resolve(entries));
      file.on('entry', (entry: yauzl.Entry) => {
        file.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const parts: Buffer[] = [];
          stream.on('data', (part: Buffer) => parts.push(part));
          stream.on('error', reject);
          stream.on('end', () => {
            entries.set(entry.fileName, {
              bytes: Buffer.concat(parts),
              compressionMethod: entry.compressionMethod,
            });
            file.readEntry();
          });
        });
      });
      file.readEntry();
    });
  });
}

async function download(path: string, key = alice.key): Promise<{ response: Response; zip: Buffer }> {
  const response = await fetch(`${gateway.url}${path}`, {
    headers: { 'X-API-KEY': key },
    signal: AbortSignal.timeout(30_000),
  });
  return { response, zip: Buffer.from(await response.arrayBuffer()) };
}

function manifestOf(entries: Map<string, ZipEntry>): BatchArchiveManifest {
  const entry = entries.get('manifest.json');
  if (!entry) throw new Error('the archive has no manifest.json');
  return batchArchiveManifestSchema.parse(JSON.parse(entry.bytes.toString('utf8')));
}

const manifestRow = (
  render: InsertedRender,
  file: string | null,
  error: BatchArchiveManifestRender['error'] = null,
): BatchArchiveManifestRender => ({
  uuid: render.id,
  mockup_uuid: render.mockup.uuid,
  color: render.color ?? null,
  export_label: render.label ?? null,
  status: render.status,
  file,
  error,
});

beforeAll(async () => {
  await stack.start();
  gateway = await stack.startGateway({ wrapStorage: holdingStorage });
  db = createDb({ url: stack.database.url, maxConnections: 2 });
  alice = await account();
  bob = await account();
}, STACK_START_TIMEOUT_MS);

afterAll(async () => {
  await db?.destroy();
  await stack.teardown();
});

describe('GET /api/v1/batches/{uuid}/archive', () => {
  it('zips every succeeded result under its readable name, stored as it is, with a manifest of every render', async () => {
    const batch = await insertBatch(alice.id, 'finished', [
      { mockup: shirt, status: 'succeeded', color: '#FF0000', label: 'Front' },
      { mockup: shirt, status: 'succeeded', color: '#FF0000', label: 'Front' },
      { mockup: mug, status: 'succeeded', ext: 'jpeg' },
      { mockup: poster, status: 'failed', label: 'wall' },
      { mockup: shirt, status: 'succeeded', color: '#00aa00', label: 'back' },
    ]);
    const [red1, red2, mugRender, failed, green] = batch.renders as [
      InsertedRender,
      InsertedRender,
      InsertedRender,
      InsertedRender,
      InsertedRender,
    ];

    const { response, zip } = await download(`/api/v1/batches/${batch.id}/archive`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename=batch-${batch.id}.zip`);
    const entries = await unzip(zip);
    const files = {
      't-shirt-ff0000-front-1.png': red1,
      't-shirt-ff0000-front-2.png': red2,
      'mug-1.jpeg': mugRender,
      't-shirt-00aa00-back-1.png': green,
    };
    expect([...entries.keys()]).toEqual([...Object.keys(files), 'manifest.json']);
    for (const [name, render] of Object.entries(files)) {
      expect(entries.get(name)!.bytes.equals(render.bytes!)).toBe(true);
      expect(entries.get(name)!.compressionMethod).toBe(0);
    }
    expect(manifestOf(entries)).toEqual({
      batch_uuid: batch.id,
      status: 'finished',
      renders: [
        manifestRow(red1, 't-shirt-ff0000-front-1.png'),
        manifestRow(red2, 't-shirt-ff0000-front-2.png'),
        manifestRow(mugRender, 'mug-1.jpeg'),
        manifestRow(failed, null, { code: 'ASSET_FETCH_FAILED', message: 'artwork answered 404' }),
        manifestRow(green, 't-shirt-00aa00-back-1.png'),
      ],
    });
  });

  it('lists a succeeded render whose result is gone from storage in the manifest only, and still sends the rest', async () => {
    const batch = await insertBatch(alice.id, 'finished', [
      { mockup: mug, status: 'succeeded', stored: false },
      { mockup: mug, status: 'succeeded' },
    ]);
    const { response, zip } = await download(`/api/v1/batches/${batch.id}/archive`);
    expect(response.status).toBe(200);
    const entries = await unzip(zip);
    expect([...entries.keys()]).toEqual(['mug-2.png', 'manifest.json']);
    expect(manifestOf(entries).renders.map((render) => [render.file, render.error?.code ?? null])).toEqual([
      [null, 'RESULT_MISSING'],
      ['mug-2.png', null],
    ]);
  });

  it('sanitises odd slugs and labels to [a-z0-9._-] and keeps every name unique', async () => {
    const odd = await insertAccountMockup(stack, alice.id, { name: 'Odd' });
    await db.updateTable('renders.mockups').set({ slug: 'Été Poster' }).where('id', '=', odd.uuid).execute();
    const labels = ['../../etc/passwd', 'Côté / Front', 'côté-front', 'COTE FRONT!', '.hidden', '✓✓✓', null];
    const batch = await insertBatch(
      alice.id,
      'finished',
      labels.map((label) => ({ mockup: odd, status: 'succeeded' as const, label, color: '#ABCDEF' })),
    );
    const { response, zip } = await download(`/api/v1/batches/${batch.id}/archive`);
    expect(response.status).toBe(200);
    const entries = await unzip(zip);
    const names = [...entries.keys()].filter((name) => name !== 'manifest.json');
    expect(names).toEqual([
      'ete-poster-abcdef-etc-passwd-1.png',
      'ete-poster-abcdef-cote-front-1.png',
      'ete-poster-abcdef-cote-front-2.png',
      'ete-poster-abcdef-cote-front-3.png',
      'ete-poster-abcdef-hidden-1.png',
      'ete-poster-abcdef-1.png',
      'ete-poster-abcdef-2.png',
    ]);
    for (const name of names) expect(name).toMatch(/^[a-z0-9][a-z0-9._-]*$/);
    batch.renders.forEach((render, i) =>
      expect(entries.get(names[i]!)!.bytes.equals(render.bytes!)).toBe(true),
    );
    // The manifest keeps the labels as they were given.
    expect(manifestOf(entries).renders.map((render) => render.export_label)).toEqual(labels);
  });

  it('answers 404 NOT_FOUND for another account’s batch, an unknown uuid and a malformed one', async () => {
    const batch = await insertBatch(alice.id, 'finished', [{ mockup: mug, status: 'succeeded' }]);
    for (const path of [
      `/api/v1/batches/${batch.id}/archive`,
      `/api/v1/batches/${randomUUID()}/archive`,
      '/api/v1/batches/not-a-uuid/archive',
    ]) {
      const answer = await bob.api.get(path);
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ success: false, code: 'NOT_FOUND' });
    }
    expect((await download(`/api/v1/batches/${batch.id}/archive`)).response.status).toBe(200);
  });

  it('answers 401 without an API key', async () => {
    const batch = await insertBatch(alice.id, 'finished', [{ mockup: mug, status: 'succeeded' }]);
    const response = await fetch(`${gateway.url}/api/v1/batches/${batch.id}/archive`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ success: false });
  });

  it('answers 409 CONFLICT while the batch is processing, and archives what succeeded so far with ?partial=true', async () => {
    const batch = await insertBatch(alice.id, 'processing', [
      { mockup: shirt, status: 'succeeded', color: '#112233' },
      { mockup: shirt, status: 'processing', color: '#445566' },
      { mockup: mug, status: 'queued' },
      { mockup: poster, status: 'failed' },
    ]);
    const [done, running, queued, failed] = batch.renders as [
      InsertedRender,
      InsertedRender,
      InsertedRender,
      InsertedRender,
    ];

    const refused = await alice.api.get(`/api/v1/batches/${batch.id}/archive`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      success: false,
      code: 'CONFLICT',
      detail: 'batch is still processing',
    });
    expect((await alice.api.get(`/api/v1/batches/${batch.id}/archive?partial=false`)).status).toBe(409);

    const { response, zip } = await download(`/api/v1/batches/${batch.id}/archive?partial=true`);
    expect(response.status).toBe(200);
    const entries = await unzip(zip);
    expect([...entries.keys()]).toEqual(['t-shirt-112233-1.png', 'manifest.json']);
    expect(entries.get('t-shirt-112233-1.png')!.bytes.equals(done.bytes!)).toBe(true);
    expect(manifestOf(entries)).toEqual({
      batch_uuid: batch.id,
      status: 'processing',
      renders: [
        manifestRow(done, 't-shirt-112233-1.png'),
        manifestRow(running, null),
        manifestRow(queued, null),
        manifestRow(failed, null, { code: 'ASSET_FETCH_FAILED', message: 'artwork answered 404' }),
      ],
    });
  });

  it('answers 400 VALIDATION_ERROR for a partial value other than true or false', async () => {
    const batch = await insertBatch(alice.id, 'finished', [{ mockup: mug, status: 'succeeded' }]);
    const answer = await alice.api.get(`/api/v1/batches/${batch.id}/archive?partial=yes`);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ success: false, code: 'VALIDATION_ERROR' });
  });

  it('streams: the first results reach the client while a later result has not been read yet', async () => {
    const batch = await insertBatch(alice.id, 'finished', [
      { mockup: mug, status: 'succeeded', label: 'one' },
      { mockup: mug, status: 'succeeded', label: 'two' },
      { mockup: mug, status: 'succeeded', label: 'three' },
    ]);
    const [first, second, last] = batch.renders as [InsertedRender, InsertedRender, InsertedRender];
    const lastKey = `renders/${last.id}.png`;
    const release = hold(lastKey);
    try {
      const response = await fetch(`${gateway.url}/api/v1/batches/${batch.id}/archive`, {
        headers: { 'X-API-KEY': alice.key },
        signal: AbortSignal.timeout(30_000),
      });
      expect(response.status).toBe(200);
      const reader = response.body!.getReader() as ReadableStreamDefaultReader<Uint8Array>;
      const received: Buffer[] = [];
      // Read until both earlier results have arrived whole; the last one's read is still being held.
      const arrived = () => {
        const sofar = Buffer.concat(received);
        return sofar.includes(first.bytes!) && sofar.includes(second.bytes!);
      };
      while (!arrived()) {
        const { value, done } = await reader.read();
        if (done) throw new Error('the archive ended before its held result was released');
        received.push(Buffer.from(value));
      }
      // The gateway has asked for the last result (and is kept waiting) by now, or soon after.
      await waitFor(() => streamed.includes(lastKey) || undefined, {
        timeoutMs: 10_000,
        what: 'the archive asking for the held result',
      });
      expect(Buffer.concat(received).includes(Buffer.from('mug-three-1.png'))).toBe(false);

      release();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        received.push(Buffer.from(value));
      }
      const entries = await unzip(Buffer.concat(received));
      expect([...entries.keys()]).toEqual([
        'mug-one-1.png',
        'mug-two-1.png',
        'mug-three-1.png',
        'manifest.json',
      ]);
      expect(entries.get('mug-three-1.png')!.bytes.equals(last.bytes!)).toBe(true);
    } finally {
      release();
    }
  });

  it('lets go of the storage read when the client leaves mid-download, and goes on serving', async () => {
    const batch = await insertBatch(alice.id, 'finished', [
      { mockup: mug, status: 'succeeded', label: 'kept' },
      { mockup: mug, status: 'succeeded', label: 'left' },
      { mockup: mug, status: 'succeeded', label: 'never' },
    ]);
    const [first] = batch.renders as [InsertedRender];
    const release = hold(`renders/${batch.renders[1]!.id}.png`);
    try {
      const leaving = new AbortController();
      const response = await fetch(`${gateway.url}/api/v1/batches/${batch.id}/archive`, {
        headers: { 'X-API-KEY': alice.key },
        signal: leaving.signal,
      });
      const reader = response.body!.getReader() as ReadableStreamDefaultReader<Uint8Array>;
      const received: Buffer[] = [];
      while (!Buffer.concat(received).includes(first.bytes!)) {
        const { value, done } = await reader.read();
        if (done) throw new Error('the archive ended before its held result was released');
        received.push(Buffer.from(value));
      }
      leaving.abort();
    } finally {
      release();
    }
    await waitFor(async () => ((await openStorageFiles()).length === 0 ? true : undefined), {
      timeoutMs: 10_000,
      what: 'no storage file left open',
    });
    expect(streamed).not.toContain(`renders/${batch.renders[2]!.id}.png`);
    const again = await download(`/api/v1/batches/${batch.id}/archive`);
    expect(again.response.status).toBe(200);
    expect([...(await unzip(again.zip)).keys()]).toEqual([
      'mug-kept-1.png',
      'mug-left-1.png',
      'mug-never-1.png',
      'manifest.json',
    ]);
  });

  it('cuts the download off when a result fails part-way, so the client never takes a broken ZIP for whole', async () => {
    const batch = await insertBatch(alice.id, 'finished', [
      { mockup: mug, status: 'succeeded' },
      { mockup: mug, status: 'succeeded' },
    ]);
    const brokenKey = `renders/${batch.renders[1]!.id}.png`;
    broken.add(brokenKey);
    try {
      const response = await fetch(`${gateway.url}/api/v1/batches/${batch.id}/archive`, {
        headers: { 'X-API-KEY': alice.key },
        signal: AbortSignal.timeout(30_000),
      });
      expect(response.status).toBe(200);
      await expect(response.arrayBuffer()).rejects.toThrow();
    } finally {
      broken.delete(brokenKey);
    }
    const after = await download(`/api/v1/batches/${batch.id}/archive`);
    expect(after.response.status).toBe(200);
    expect([...(await unzip(after.zip)).keys()]).toEqual(['mug-1.png', 'mug-2.png', 'manifest.json']);
  });
});
