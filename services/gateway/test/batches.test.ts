// POST /api/v1/renders/batch, GET /api/v1/batches and /api/v1/batches/{uuid} against the real
// key-service, Postgres and Redis: every body problem a 400 naming its field with nothing stored or
// charged, 402 for a batch that does not fit, the expansion of items and of a cross product, the
// renders visible as ordinary renders, Idempotency-Key, and another account's batch answering 404.
// The batch running through real workers to `finished` is test/e2e/batch-run.test.ts.
import { randomUUID } from 'node:crypto';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BATCH_RENDERS_MAX } from '@platen/contracts';
import { batchArtworkKey } from '@platen/storage';
import { startPrivateRedis } from '@platen/testing';
import { apiClient, issuePaths, TINY_PNG, type ApiClient } from './support/api-client.js';
import { insertAccountMockup, withDb } from './support/mockup-rows.js';
import { BUILTIN_MOCKUPS } from './support/sample-mockups.js';
import { STACK_START_TIMEOUT_MS, TestStack, type TestGateway } from './support/test-stack.js';

jest.setTimeout(60_000);

const stack = new TestStack('gw-batches');
const HIGH_LIMITS = { rate_limits: { per_minute: 10_000, per_day: 100_000 } };
const [poster, shirt, tablet] = BUILTIN_MOCKUPS as [
  (typeof BUILTIN_MOCKUPS)[0],
  (typeof BUILTIN_MOCKUPS)[0],
  (typeof BUILTIN_MOCKUPS)[0],
];
const posterLayer = poster.smart_objects[0]!.uuid;
const shirtLayer = shirt.smart_objects[0]!.uuid;
const ART_URL = 'https://example.com/art.png';
let gateway: TestGateway;

interface Account {
  id: string;
  key: string;
  api: ApiClient;
}

async function account(credits: number): Promise<Account> {
  const id = await stack.admin.createAccount(credits);
  const { key } = await stack.admin.createKey(id, HIGH_LIMITS);
  return { id, key, api: apiClient(gateway.url, key) };
}

function itemsBody(overrides: Record<string, unknown> = {}) {
  return {
    artworks: [{ id: 'front', url: ART_URL }],
    items: [
      {
        mockup_uuid: poster.uuid,
        smart_objects: [{ uuid: posterLayer, artwork: 'front' }],
        export_label: 'p',
      },
      {
        mockup_uuid: shirt.uuid,
        smart_objects: [{ uuid: shirtLayer, artwork: 'front' }],
        color: '#222222',
      },
    ],
    ...overrides,
  };
}

async function storedFor(accountId: string) {
  return withDb(stack.database.url, async (db) => ({
    batches: (
      await db.selectFrom('renders.batches').select('id').where('account_id', '=', accountId).execute()
    ).length,
    renders: (
      await db.selectFrom('renders.renders').select('id').where('account_id', '=', accountId).execute()
    ).length,
  }));
}

const balanceOf = (accountId: string) => stack.admin.balance(accountId);

beforeAll(async () => {
  await stack.start();
  gateway = await stack.startGateway();
}, STACK_START_TIMEOUT_MS);

afterAll(async () => {
  await stack.teardown();
});

describe('refusing a batch body', () => {
  let refused: Account;
  beforeAll(async () => {
    refused = await account(1000);
  });
  afterAll(async () => {
    // Not one of the refused bodies stored or charged anything.
    expect(await storedFor(refused.id)).toEqual({ batches: 0, renders: 0 });
    expect(await balanceOf(refused.id)).toBe(1000);
  });

  async function refusedAt(body: unknown): Promise<string[]> {
    const answer = await refused.api.send('POST', '/api/v1/renders/batch', body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ success: false, code: 'VALIDATION_ERROR' });
    return issuePaths(answer);
  }

  it('names an unknown mockup of an item, and one of another account', async () => {
    const other = await account(1);
    const theirs = await insertAccountMockup(stack.database.url, other.id);
    const body = itemsBody();
    body.items[0]!.mockup_uuid = randomUUID();
    body.items[1]!.mockup_uuid = theirs.uuid;
    body.items[1]!.smart_objects[0]!.uuid = theirs.smart_objects[0]!.uuid;
    delete (body.items[1] as { color?: string }).color;

    expect(await refusedAt(body)).toEqual(['items.0.mockup_uuid', 'items.1.mockup_uuid']);
  });

  it('names an item that leaves a required smart object out, or names one the mockup does not have', async () => {
    const own = await insertAccountMockup(stack, refused.id, { required: [true, true] });
    const body = itemsBody({
      items: [
        { mockup_uuid: own.uuid, smart_objects: [{ uuid: own.smart_objects[0]!.uuid, artwork: 'front' }] },
        { mockup_uuid: poster.uuid, smart_objects: [{ uuid: randomUUID(), artwork: 'front' }] },
      ],
    });

    expect(await refusedAt(body)).toEqual([
      'items.0.smart_objects',
      'items.1.smart_objects.0.uuid',
      'items.1.smart_objects',
    ]);
  });

  it('names an artwork id no artwork has, and an artwork id given twice', async () => {
    const body = itemsBody({
      artworks: [
        { id: 'front', url: ART_URL },
        { id: 'front', url: ART_URL },
      ],
    });
    body.items[1]!.smart_objects[0]!.artwork = 'back';

    expect(await refusedAt(body)).toEqual(['artworks.1.id', 'items.1.smart_objects.0.artwork']);
  });

  it('names a malformed artwork id, an artwork with both url and data, and inline data that is no image', async () => {
    const body = itemsBody({
      artworks: [
        { id: 'front', url: ART_URL },
        { id: 'has space', url: ART_URL },
        { id: 'both', url: ART_URL, data: TINY_PNG.toString('base64') },
        { id: 'text', data: Buffer.from('hello, not an image').toString('base64') },
      ],
    });

    expect(await refusedAt(body)).toEqual(['artworks.1.id', 'artworks.2']);
    expect(
      await refusedAt(
        itemsBody({ artworks: [{ id: 'front', data: Buffer.from('plain text').toString('base64') }] }),
      ),
    ).toEqual(['artworks.0.data']);
  });

  it('names a malformed colour, a colour the smart object does not allow, and one it takes none of', async () => {
    const body = itemsBody();
    body.items[1]!.color = 'navy';
    expect(await refusedAt(body)).toEqual(['items.1.color']);

    const notAllowed = itemsBody();
    notAllowed.items[1]!.color = '#123456';
    expect(await refusedAt(notAllowed)).toEqual(['items.1.color']);

    const colourless = itemsBody();
    (colourless.items[0]!.smart_objects[0] as { color?: string }).color = '#222222';
    expect(await refusedAt(colourless)).toEqual(['items.0.smart_objects.0.color']);
  });

  it('refuses both forms at once, neither form, and colours without mockups', async () => {
    expect(await refusedAt(itemsBody({ mockups: [poster.uuid] }))).toEqual(['items']);
    expect(await refusedAt({ artworks: [{ id: 'a', url: ART_URL }] })).toEqual(['items']);
    expect(await refusedAt(itemsBody({ colors: ['#222222'] }))).toEqual(['colors']);
  });

  it('names an unknown mockup, a repeated mockup and a repeated colour of a cross product', async () => {
    expect(
      await refusedAt({
        artworks: [{ id: 'a', url: ART_URL }],
        mockups: [poster.uuid, randomUUID(), poster.uuid],
        colors: ['#222222', '#222222'],
      }),
    ).toEqual(['mockups.2', 'colors.1']);
    expect(
      await refusedAt({ artworks: [{ id: 'a', url: ART_URL }], mockups: [poster.uuid, randomUUID()] }),
    ).toEqual(['mockups.1']);
  });

  it(`refuses more than ${BATCH_RENDERS_MAX} items, naming items, the count and the limit`, async () => {
    const item = itemsBody().items[0]!;
    const answer = await refused.api.send(
      'POST',
      '/api/v1/renders/batch',
      itemsBody({ items: Array.from({ length: BATCH_RENDERS_MAX + 1 }, () => item) }),
    );

    expect(answer.status).toBe(400);
    expect(issuePaths(answer)).toEqual(['items']);
    expect(answer.body.error).toContain(`${BATCH_RENDERS_MAX + 1}`);
    expect(answer.body.error).toContain(`${BATCH_RENDERS_MAX}`);
  });

  it(`refuses a cross product of more than ${BATCH_RENDERS_MAX} renders, naming mockups, the count and the limit`, async () => {
    const colours = shirt.smart_objects[0]!.color!.allowed!;
    const answer = await refused.api.send('POST', '/api/v1/renders/batch', {
      artworks: Array.from({ length: 50 }, (_, i) => ({ id: `art-${i}`, url: ART_URL })),
      mockups: [shirt.uuid, poster.uuid, tablet.uuid],
      colors: colours,
    });

    // 9 colours × 50 artworks on the shirt, 50 on each colourless mockup: 550.
    expect(answer.status).toBe(400);
    expect(issuePaths(answer)).toEqual(['mockups']);
    expect(answer.body.error).toBe(
      `mockups: 550 renders asked for, more than the limit of ${BATCH_RENDERS_MAX} per batch`,
    );
  });
});

describe('accepting a batch', () => {
  it('answers 202 with the batch, its Location, every render queued and charged once', async () => {
    const { id, api } = await account(10);
    const answer = await api.send('POST', '/api/v1/renders/batch', itemsBody({ metadata: { order: 7 } }));

    expect(answer.status).toBe(202);
    const batch = answer.body.data as Record<string, unknown> & {
      uuid: string;
      renders: Array<Record<string, unknown>>;
    };
    expect(answer.headers.get('location')).toBe(`/api/v1/batches/${batch.uuid}`);
    expect(batch).toMatchObject({
      status: 'processing',
      counts: { total: 2, queued: 2, processing: 0, succeeded: 0, failed: 0 },
      credits_charged: 2,
      credits_refunded: 0,
      webhook_url: null,
      render_webhooks: true,
      metadata: { order: 7 },
      completed_at: null,
      archive_url: `/api/v1/batches/${batch.uuid}/archive`,
    });
    expect(
      batch.renders.map(({ mockup_uuid, color, export_label, status }) => ({
        mockup_uuid,
        color,
        export_label,
        status,
      })),
    ).toEqual([
      { mockup_uuid: poster.uuid, color: null, export_label: 'p', status: 'queued' },
      { mockup_uuid: shirt.uuid, color: '#222222', export_label: null, status: 'queued' },
    ]);
    expect(await balanceOf(id)).toBe(8);
  });

  it('makes every render an ordinary render that names its batch and label', async () => {
    const { api } = await account(10);
    const batch = (await api.send('POST', '/api/v1/renders/batch', itemsBody())).body.data as {
      uuid: string;
      renders: Array<{ uuid: string }>;
    };

    const render = await api.get(`/api/v1/renders/${batch.renders[0]!.uuid}`);
    expect(render.status).toBe(200);
    expect(render.body.data).toMatchObject({ batch_uuid: batch.uuid, export_label: 'p', status: 'queued' });
    const listed = await api.get('/api/v1/renders?limit=10');
    expect((listed.body.data as Array<{ batch_uuid: string }>).map((r) => r.batch_uuid)).toEqual([
      batch.uuid,
      batch.uuid,
    ]);
  });

  it('expands mockups × colours × artworks, a colourless mockup once per artwork', async () => {
    const { api } = await account(20);
    const answer = await api.send('POST', '/api/v1/renders/batch', {
      artworks: [
        { id: 'a', url: ART_URL },
        { id: 'b', url: ART_URL, fit: 'contain' },
      ],
      mockups: [poster.uuid, shirt.uuid],
      colors: ['#222222', '#ffffff'],
    });

    expect(answer.status).toBe(202);
    const renders = (
      answer.body.data as {
        renders: Array<{ mockup_uuid: string; color: string | null; export_label: string }>;
      }
    ).renders;
    expect(renders.map((r) => [r.mockup_uuid, r.color, r.export_label])).toEqual([
      [poster.uuid, null, 'a'],
      [poster.uuid, null, 'b'],
      [shirt.uuid, '#222222', 'a'],
      [shirt.uuid, '#222222', 'b'],
      [shirt.uuid, '#ffffff', 'a'],
      [shirt.uuid, '#ffffff', 'b'],
    ]);
    expect((answer.body.data as { credits_charged: number }).credits_charged).toBe(6);
  });

  it('parks inline artwork once for the whole batch', async () => {
    const { api } = await account(10);
    const answer = await api.send(
      'POST',
      '/api/v1/renders/batch',
      itemsBody({ artworks: [{ id: 'front', data: TINY_PNG.toString('base64') }] }),
    );

    expect(answer.status).toBe(202);
    const uuid = (answer.body.data as { uuid: string }).uuid;
    const parked = await stat(join(stack.storageDir, batchArtworkKey(uuid, 'front')));
    expect(parked.size).toBe(TINY_PNG.length);
  });

  it('answers 402 INSUFFICIENT_CREDITS for a batch that does not fit, storing nothing and charging nothing', async () => {
    const { id, api } = await account(1);
    const answer = await api.send('POST', '/api/v1/renders/batch', itemsBody());

    expect(answer.status).toBe(402);
    expect(answer.body).toMatchObject({ success: false, code: 'INSUFFICIENT_CREDITS' });
    expect(await storedFor(id)).toEqual({ batches: 0, renders: 0 });
    expect(await balanceOf(id)).toBe(1);
  });

  it('takes a single render’s export_label and shows it on the render', async () => {
    const { api } = await account(5);
    const answer = await api.send('POST', '/api/v1/renders', {
      mockup_uuid: poster.uuid,
      smart_objects: [{ uuid: posterLayer, asset: { url: ART_URL } }],
      export_label: 'front-view',
    });

    expect(answer.status).toBe(202);
    expect(answer.body.data).toMatchObject({ export_label: 'front-view', batch_uuid: null });
  });
});

describe('Idempotency-Key', () => {
  it('answers the same batch to the same key and body, charged once', async () => {
    const { id, api } = await account(10);
    const headers = { 'Idempotency-Key': `batch-${randomUUID()}` };
    const first = await api.send('POST', '/api/v1/renders/batch', itemsBody(), headers);
    const again = await api.send('POST', '/api/v1/renders/batch', itemsBody(), headers);

    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect((again.body.data as { uuid: string }).uuid).toBe((first.body.data as { uuid: string }).uuid);
    expect(await balanceOf(id)).toBe(8);
    expect(await storedFor(id)).toEqual({ batches: 1, renders: 2 });
  });

  it('makes one batch, charged once, of the same request sent five times at once', async () => {
    const { id, api } = await account(20);
    const headers = { 'Idempotency-Key': `batch-${randomUUID()}` };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => api.send('POST', '/api/v1/renders/batch', itemsBody(), headers)),
    );

    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 202, 202]);
    expect(new Set(answers.map((answer) => (answer.body.data as { uuid: string }).uuid)).size).toBe(1);
    expect(await balanceOf(id)).toBe(18);
    expect(await storedFor(id)).toEqual({ batches: 1, renders: 2 });
  });

  it('answers 409 IDEMPOTENCY_CONFLICT to the same key with another body, creating nothing', async () => {
    const { id, api } = await account(10);
    const headers = { 'Idempotency-Key': `batch-${randomUUID()}` };
    await api.send('POST', '/api/v1/renders/batch', itemsBody(), headers);
    const other = await api.send(
      'POST',
      '/api/v1/renders/batch',
      itemsBody({ metadata: { other: true } }),
      headers,
    );

    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ success: false, code: 'IDEMPOTENCY_CONFLICT' });
    expect(await storedFor(id)).toEqual({ batches: 1, renders: 2 });
  });
});

describe('reading batches', () => {
  it('shows a batch to its account and answers 404 to another account, as for an unknown uuid', async () => {
    const owner = await account(10);
    const stranger = await account(10);
    const uuid = (
      (await owner.api.send('POST', '/api/v1/renders/batch', itemsBody())).body.data as { uuid: string }
    ).uuid;

    expect((await owner.api.get(`/api/v1/batches/${uuid}`)).status).toBe(200);
    const foreign = await stranger.api.get(`/api/v1/batches/${uuid}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ success: false, code: 'NOT_FOUND' });
    expect((await owner.api.get(`/api/v1/batches/${randomUUID()}`)).status).toBe(404);
    const renderOfBatch = (
      (await owner.api.get(`/api/v1/batches/${uuid}`)).body.data as { renders: Array<{ uuid: string }> }
    ).renders[0]!.uuid;
    expect((await stranger.api.get(`/api/v1/renders/${renderOfBatch}`)).status).toBe(404);
  });

  it('answers ?wait=N with the batch as it is (202 on create, 200 on read) when it does not finish in time', async () => {
    const { api } = await account(10);
    const created = await api.send('POST', '/api/v1/renders/batch?wait=1', itemsBody());
    expect(created.status).toBe(202);
    expect(created.body.data).toMatchObject({ status: 'processing', counts: { queued: 2 } });

    const uuid = (created.body.data as { uuid: string }).uuid;
    const read = await api.get(`/api/v1/batches/${uuid}?wait=1`);
    expect(read.status).toBe(200);
    expect(read.body.data).toMatchObject({ uuid, status: 'processing' });
    expect((await api.get(`/api/v1/batches/${uuid}?wait=61`)).status).toBe(400);
  });

  it('lists the account’s batches newest first, page by page, without their renders', async () => {
    const { api } = await account(20);
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      made.unshift(
        ((await api.send('POST', '/api/v1/renders/batch', itemsBody())).body.data as { uuid: string }).uuid,
      );
    }

    const first = await api.get('/api/v1/batches?limit=2');
    const second = await api.get(`/api/v1/batches?limit=2&cursor=${first.body.next_cursor as string}`);

    const uuids = [
      ...(first.body.data as Array<{ uuid: string }>),
      ...(second.body.data as Array<{ uuid: string }>),
    ].map((b) => b.uuid);
    expect(uuids).toEqual(made);
    expect(second.body.next_cursor).toBeNull();
    expect((first.body.data as Array<Record<string, unknown>>)[0]).toMatchObject({
      counts: { total: 2, queued: 2 },
      credits_charged: 2,
    });
    expect((first.body.data as Array<Record<string, unknown>>)[0]).not.toHaveProperty('renders');
    expect((await api.get('/api/v1/batches?cursor=nonsense')).status).toBe(400);
  });
});

describe('a batch a later phase cannot complete', () => {
  it('answers 503 when the artwork cannot be parked, charging and storing nothing, and releases the key', async () => {
    const { id, api } = await account(10);
    const parked = join(stack.storageDir, 'batches');
    const aside = `${parked}.aside`;
    const hadParked = await stat(parked).then(
      () => true,
      () => false,
    );
    if (hadParked) await rename(parked, aside);
    await writeFile(parked, 'a file where the batches directory belongs');
    const body = itemsBody({ artworks: [{ id: 'front', data: TINY_PNG.toString('base64') }] });
    const headers = { 'Idempotency-Key': `park-${randomUUID()}` };
    try {
      const answer = await api.send('POST', '/api/v1/renders/batch', body, headers);
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ success: false, code: 'SERVICE_UNAVAILABLE' });
      expect(await balanceOf(id)).toBe(10);
      expect(await storedFor(id)).toEqual({ batches: 0, renders: 0 });
    } finally {
      await rm(parked, { force: true });
      if (hadParked) await rename(aside, parked);
    }
    // The key went with the batch: the same request now goes through, charged once.
    expect((await api.send('POST', '/api/v1/renders/batch', body, headers)).status).toBe(202);
    expect(await balanceOf(id)).toBe(8);
  });

  it('answers 503 when the renders cannot be queued: each refunded and failed, the batch finished', async () => {
    const redis = await startPrivateRedis();
    try {
      const broken = await stack.startGateway({ queueRedisUrl: redis.url });
      await redis.kill();
      const { id, key, api } = await account(10);
      const answer = await apiClient(broken.url, key).send('POST', '/api/v1/renders/batch', itemsBody());
      expect(answer.status).toBe(503);
      expect(answer.body.code).toBe('SERVICE_UNAVAILABLE');
      expect(await balanceOf(id)).toBe(10);

      const [batch] = (await api.get('/api/v1/batches')).body.data as Array<{ uuid: string }>;
      const shown = await api.get(`/api/v1/batches/${batch!.uuid}`);
      expect(shown.body.data).toMatchObject({
        status: 'finished',
        counts: { total: 2, failed: 2 },
        credits_charged: 0,
        credits_refunded: 2,
      });
    } finally {
      await redis.destroy();
    }
  });
});
