// Mockup imports as main.ts runs them (startRenderService): an uploaded JSON manifest or PSD (put in
// storage and queued as the gateway does) becomes a ready template that renders, with its thumbnail
// and outline preview, and `mockup.ready` is delivered once to each subscribed endpoint, signed; a bad
// upload ends `failed` with its code, its upload erased and `mockup.failed` sent; a mockup deleted
// while it waited is not imported; a job that runs again announces nothing twice.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createSystemClock } from '@platen/contracts';
import { createLogger } from '@platen/http';
import { toStoredPendingImport, type PendingImport } from '@platen/mockups';
import { makeTestPsd } from '@platen/psd-import';
import { createImportQueue, enqueueImport, type ImportQueue } from '@platen/queue';
import {
  mockupSourceKey,
  mockupUploadAssetKey,
  templateOutlineKey,
  templateThumbnailKey,
} from '@platen/storage';
import { startWebhookReceiver, waitFor, type WebhookReceiver } from '@platen/testing';
import { createEndpointStore, createRetrySchedule } from '@platen/webhooks';
import sharp from 'sharp';
import { Webhook } from 'standardwebhooks';
import { startRenderService, type RunningRenderService } from '../src/render-service.js';
import { startAssetServer, type AssetServer } from './support/asset-server.js';
import { startHarness, type Harness } from './support/harness.js';
import { serviceConfig } from './support/service-config.js';

jest.setTimeout(90_000);

let harness: Harness;
let assets: AssetServer;
let receiver: WebhookReceiver;
let service: RunningRenderService;
let imports: ImportQueue;
let endpointSecret: string;

const png = (width: number, height: number, rgb: [number, number, number]) =>
  sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .png()
    .toBuffer();

type Rgb = [number, number, number];

/** A PNG whose every pixel is `pixel(x, y)`. */
async function rawPng(width: number, height: number, pixel: (x: number, y: number) => Rgb) {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 3);
  return sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** `x,y: got → want` for every pixel (RGB) where two images differ. */
function differingPixels(got: Buffer, want: Buffer, width = 40): string[] {
  const differing: string[] = [];
  for (let i = 0; i < want.length; i += 3) {
    const [a, b] = [[...got.subarray(i, i + 3)], [...want.subarray(i, i + 3)]];
    if (a.some((v, c) => v !== b[c]))
      differing.push(`${(i / 3) % width},${Math.floor(i / 3 / width)}: ${a.join(',')} → ${b.join(',')}`);
  }
  return differing;
}

beforeAll(async () => {
  harness = await startHarness('mockup-import', { installTinyTemplate: false });
  await harness.worker.pause();
  assets = await startAssetServer('127.0.0.1');
  receiver = await startWebhookReceiver();
  const endpoint = await createEndpointStore({ db: harness.db, clock: createSystemClock() }).create(
    harness.accountId,
    {
      url: `${receiver.origin}/mockups`,
      events: ['mockup.ready', 'mockup.failed'],
    },
  );
  endpointSecret = endpoint.secret;
  imports = createImportQueue(harness.redis, harness.testRedis.prefix);
  service = await startRenderService(serviceConfig(harness), {
    logger: createLogger({ name: 'render-worker-test', level: 'silent' }),
    seedBuiltIns: false,
    kernelThreads: 0,
    psdThreads: false,
    metricsHost: '127.0.0.1',
    webhooks: { schedule: createRetrySchedule({ delaysMs: [100, 100], jitter: 0 }), timeoutMs: 2_000 },
  });
}, 120_000);

afterAll(async () => {
  await service?.close();
  await imports?.close();
  await harness?.close();
  await assets?.close();
  await receiver?.close();
});

/** What the gateway does on POST /api/v1/mockups: a `processing` row, the upload stored, the job queued. */
async function upload(
  pending: (id: string) => PendingImport | Promise<PendingImport>,
  name = 'Uploaded',
): Promise<string> {
  const id = randomUUID();
  await harness.db
    .insertInto('renders.mockups')
    .values({
      id,
      account_id: harness.accountId,
      slug: `uploaded-${id.slice(0, 8)}`,
      name,
      width: 1,
      height: 1,
      status: 'processing',
      manifest: JSON.stringify(toStoredPendingImport(await pending(id))),
      smart_objects: JSON.stringify([]),
      assets_prefix: `templates/${id}`,
    })
    .execute();
  await enqueueImport(imports, id);
  return id;
}

async function finalRow(id: string) {
  return waitFor(
    async () => {
      const row = await harness.db
        .selectFrom('renders.mockups')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      if (row.status === 'processing') return undefined;
      const job = await imports.getJob(id);
      return job && (await job.isCompleted()) ? row : undefined;
    },
    { timeoutMs: 60_000, what: `mockup ${id} imported` },
  );
}

function deliveriesFor(id: string) {
  return receiver
    .received('/mockups')
    .filter((request) => (JSON.parse(request.body) as { data: { uuid: string } }).data.uuid === id);
}

const manifestFor = (assetNames: { background: string; mask?: string }) => ({
  width: 400,
  height: 300,
  layers: [
    { type: 'image', name: 'Background', asset: assetNames.background },
    {
      type: 'smart_object',
      uuid: randomUUID(),
      name: 'Artwork',
      layer_name: 'Artwork',
      size: { width: 200, height: 150 },
      position: { x: 100, y: 75, width: 200, height: 150 },
      quad: null,
    },
  ],
});

describe('a JSON manifest upload', () => {
  it('becomes a ready template that renders, with thumbnail, outline and one signed mockup.ready', async () => {
    assets.image('/bg.png', await png(400, 300, [20, 40, 200]));
    const manifest = manifestFor({ background: 'bg.png' });
    const id = await upload(
      () => ({ kind: 'manifest', manifest, assets: { 'bg.png': { url: `${assets.origin}/bg.png` } } }),
      'Blue wall',
    );
    const row = await finalRow(id);
    expect(row).toMatchObject({
      status: 'ready',
      width: 400,
      height: 300,
      error: null,
      error_code: null,
      version: 1,
    });
    expect(row.smart_objects).toEqual([
      expect.objectContaining({ uuid: manifest.layers[1]!.uuid, name: 'Artwork', quad: null }),
    ]);
    expect(existsSync(join(harness.storageRoot, templateThumbnailKey(id, 1)))).toBe(true);
    expect(existsSync(join(harness.storageRoot, templateOutlineKey(id, 1)))).toBe(true);

    // The imported template renders: the artwork lands in its box, the background around it.
    assets.image('/red.png', await png(50, 50, [230, 10, 10]));
    const renderId = await harness.submit({
      mockupId: id,
      inputs: [
        {
          uuid: manifest.layers[1]!.uuid!,
          asset: { url: `${assets.origin}/red.png` },
          fit: 'fill',
          rotate: 0,
        },
      ] as never,
    });
    const render = await harness.waitUntilFinal(renderId);
    expect(render.status).toBe('succeeded');
    const output = await harness.storage.get(render.result_key!);
    const { data, info } = await sharp(output!.body).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [
      ...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3),
    ];
    expect(pixel(200, 150)).toEqual([230, 10, 10]);
    expect(pixel(20, 20)).toEqual([20, 40, 200]);

    await waitFor(() => (deliveriesFor(id).length > 0 ? true : undefined), {
      timeoutMs: 15_000,
      what: 'mockup.ready delivered',
    });
    const [delivery] = deliveriesFor(id);
    const event = new Webhook(endpointSecret).verify(delivery!.body, delivery!.headers) as {
      type: string;
      data: Record<string, unknown>;
    };
    expect(event.type).toBe('mockup.ready');
    expect(event.data).toMatchObject({ uuid: id, status: 'ready', name: 'Blue wall', built_in: false });
    // The outline preview's signed URL points at what the import stored beside the thumbnail.
    expect(String(event.data.outline)).toContain(`/files/${templateOutlineKey(id, 1)}`);
  });

  it('parks inline images until the import, then erases them', async () => {
    let parkedKey = '';
    const id = await upload(async (mockupId) => {
      parkedKey = mockupUploadAssetKey(mockupId, 0);
      await harness.storage.put(parkedKey, await png(400, 300, [0, 200, 0]), 'application/octet-stream');
      return {
        kind: 'manifest',
        manifest: manifestFor({ background: 'bg.png' }),
        assets: { 'bg.png': { key: parkedKey } },
      };
    });
    expect((await finalRow(id)).status).toBe('ready');
    expect(await harness.storage.get(parkedKey)).toBeNull();
  });

  it('imports a group (multiply, 50 %) holding an image, a smart object and an invert layer, and renders it pixel for pixel', async () => {
    const W = 40;
    const H = 30;
    const PHOTO_WIDTH = 20;
    const BOX = { x: 24, y: 6, width: 12, height: 12 };
    const ART: Rgb = [230, 10, 10];
    const bgAt = (x: number, y: number): Rgb => [x * 6, y * 8, 128];
    const photoAt = (x: number, y: number): Rgb => [200, 100 + x * 5, 50 + y * 6];
    assets.image('/group-bg.png', await rawPng(W, H, bgAt));
    assets.image('/group-photo.png', await rawPng(PHOTO_WIDTH, H, photoAt));
    assets.image('/group-art.png', await png(BOX.width, BOX.height, ART));
    const uuid = randomUUID();
    const manifest = {
      width: W,
      height: H,
      layers: [
        { type: 'image', name: 'Wall', asset: 'bg.png' },
        {
          type: 'group',
          name: 'Print',
          blend_mode: 'multiply',
          opacity: 0.5,
          layers: [
            { type: 'image', name: 'Photo', asset: 'photo.png' },
            {
              type: 'smart_object',
              uuid,
              name: 'Artwork',
              layer_name: 'Artwork',
              size: { width: BOX.width, height: BOX.height },
              position: BOX,
              quad: null,
            },
            { type: 'adjustment', name: 'Invert', filters: [{ kind: 'invert', params: {} }] },
          ],
        },
      ],
    };
    const id = await upload(() => ({
      kind: 'manifest',
      manifest,
      assets: {
        'bg.png': { url: `${assets.origin}/group-bg.png` },
        'photo.png': { url: `${assets.origin}/group-photo.png` },
      },
    }));
    const row = await finalRow(id);
    expect(row).toMatchObject({ status: 'ready', error_code: null });
    expect(row.smart_objects).toEqual([expect.objectContaining({ uuid, name: 'Artwork' })]);

    const renderId = await harness.submit({
      mockupId: id,
      inputs: [{ uuid, asset: { url: `${assets.origin}/group-art.png` }, fit: 'fill', rotate: 0 }] as never,
    });
    const render = await harness.waitUntilFinal(renderId);
    expect(render.status).toBe('succeeded');
    const output = await harness.storage.get(render.result_key!);
    const { data, info } = await sharp(output!.body)
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([W, H]);

    // The group is composed on its own: the photo and the artwork, inverted, over transparency;
    // then multiplied onto the wall at half opacity where it has pixels.
    const groupAt = (x: number, y: number): Rgb | undefined => {
      const inBox = x >= BOX.x && x < BOX.x + BOX.width && y >= BOX.y && y < BOX.y + BOX.height;
      const under = inBox ? ART : x < PHOTO_WIDTH ? photoAt(x, y) : undefined;
      return under?.map((v) => 255 - v) as Rgb | undefined;
    };
    const expected = Buffer.alloc(W * H * 3);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const wall = bgAt(x, y);
        const group = groupAt(x, y);
        const pixel = group ? wall.map((b, c) => Math.round(b + 0.5 * ((b * group[c]!) / 255 - b))) : wall;
        expected.set(pixel, (y * W + x) * 3);
      }
    }
    expect(differingPixels(data, expected)).toEqual([]);
  });

  const failures: [string, (id: string) => PendingImport | Promise<PendingImport>, string][] = [
    [
      'an image URL that answers 404',
      () => ({
        kind: 'manifest',
        manifest: manifestFor({ background: 'bg.png' }),
        assets: { 'bg.png': { url: `${assets.origin}/missing.png` } },
      }),
      'ASSET_FETCH_FAILED',
    ],
    [
      'an image that is not one',
      async (id) => {
        await harness.storage.put(
          mockupUploadAssetKey(id, 0),
          Buffer.from('not an image at all'),
          'application/octet-stream',
        );
        return {
          kind: 'manifest',
          manifest: manifestFor({ background: 'bg.png' }),
          assets: { 'bg.png': { key: mockupUploadAssetKey(id, 0) } },
        };
      },
      'ASSET_NOT_AN_IMAGE',
    ],
    [
      'a manifest the compositor refuses',
      () => ({ kind: 'manifest', manifest: { width: 10, height: 10, layers: [] }, assets: {} }),
      'MANIFEST_INVALID',
    ],
    [
      'a corrupt PSD',
      async (id) => {
        await harness.storage.put(
          mockupSourceKey(id),
          Buffer.concat([Buffer.from('8BPS'), Buffer.alloc(500, 3)]),
          'image/vnd.adobe.photoshop',
        );
        return { kind: 'psd', source_key: mockupSourceKey(id) };
      },
      'PSD_CORRUPT',
    ],
  ];
  it.each(failures)(
    'fails on %s with its code, erases the upload and sends mockup.failed',
    async (_label, pending, code) => {
      let keys: string[] = [];
      const id = await upload(async (mockupId) => {
        const made = await pending(mockupId);
        keys =
          made.kind === 'psd'
            ? [made.source_key]
            : Object.values(made.assets).flatMap((a) => ('key' in a ? [a.key] : []));
        return made;
      });
      const row = await finalRow(id);
      expect(row).toMatchObject({ status: 'failed', error_code: code });
      expect(row.error).toEqual(expect.any(String));
      for (const key of keys) expect(await harness.storage.get(key)).toBeNull();
      await waitFor(() => (deliveriesFor(id).length > 0 ? true : undefined), {
        timeoutMs: 15_000,
        what: 'mockup.failed delivered',
      });
      const event = JSON.parse(deliveriesFor(id)[0]!.body) as {
        type: string;
        data: { error: { code: string } };
      };
      expect(event.type).toBe('mockup.failed');
      expect(event.data.error.code).toBe(code);
    },
  );
});

describe('a PSD upload', () => {
  it('imports its placed layer as a smart object that renders where Photoshop put it', async () => {
    const psd = await makeTestPsd({
      width: 600,
      height: 400,
      background: [200, 200, 200],
      smartObjects: [{ name: 'Poster', x: 150, y: 100, width: 300, height: 200 }],
    });
    const id = await upload(async (mockupId) => {
      await harness.storage.put(mockupSourceKey(mockupId), psd, 'image/vnd.adobe.photoshop');
      return { kind: 'psd', source_key: mockupSourceKey(mockupId) };
    });
    const row = await finalRow(id);
    expect(row).toMatchObject({ status: 'ready', width: 600, height: 400 });
    const [so] = row.smart_objects as { uuid: string; name: string; position: Record<string, number> }[];
    expect(so).toMatchObject({ name: 'Poster', position: { x: 150, y: 100, width: 300, height: 200 } });
    expect(await harness.storage.get(mockupSourceKey(id))).toBeNull();

    assets.image('/green.png', await png(60, 40, [10, 220, 10]));
    const renderId = await harness.submit({
      mockupId: id,
      inputs: [
        { uuid: so!.uuid, asset: { url: `${assets.origin}/green.png` }, fit: 'fill', rotate: 0 },
      ] as never,
    });
    const render = await harness.waitUntilFinal(renderId);
    expect(render.status).toBe('succeeded');
    const { data, info } = await sharp((await harness.storage.get(render.result_key!))!.body)
      .raw()
      .toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [
      ...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3),
    ];
    expect(pixel(300, 200)).toEqual([10, 220, 10]);
    expect(pixel(50, 50)).toEqual([200, 200, 200]);
  });

  it('fails a PSD without smart objects with PSD_NO_SMART_OBJECTS', async () => {
    const psd = await makeTestPsd({ width: 200, height: 100, background: [1, 2, 3], smartObjects: [] });
    const id = await upload(async (mockupId) => {
      await harness.storage.put(mockupSourceKey(mockupId), psd, 'image/vnd.adobe.photoshop');
      return { kind: 'psd', source_key: mockupSourceKey(mockupId) };
    });
    expect(await finalRow(id)).toMatchObject({ status: 'failed', error_code: 'PSD_NO_SMART_OBJECTS' });
  });
});

describe('a PSD with smart-object instances and a linked file', () => {
  it('imports 54 instances of one file as one smart object that one asset fills, and keeps the linked logo', async () => {
    const file = randomUUID();
    const tiles = Array.from({ length: 54 }, (_, i) => ({
      name: `Tile ${i + 1}`,
      x: 10 + (i % 9) * 40,
      y: 10 + Math.floor(i / 9) * 40,
      width: 30,
      height: 20,
      file,
      linked: true,
    }));
    const psd = await makeTestPsd({
      width: 400,
      height: 300,
      background: [200, 200, 200],
      smartObjects: [
        ...tiles,
        { name: 'Logo', x: 300, y: 260, width: 60, height: 30, color: [10, 20, 230], external: true },
      ],
    });
    const id = await upload(async (mockupId) => {
      await harness.storage.put(mockupSourceKey(mockupId), psd, 'image/vnd.adobe.photoshop');
      return { kind: 'psd', source_key: mockupSourceKey(mockupId) };
    });
    const row = await finalRow(id);
    expect(row.status).toBe('ready');
    const [tile, logo, ...rest] = row.smart_objects as {
      uuid: string;
      name: string;
      required: boolean;
      placements: unknown[];
    }[];
    expect(rest).toEqual([]);
    expect(tile).toMatchObject({ name: 'Tile 1', required: true });
    expect(tile!.placements).toHaveLength(54);
    expect(logo).toMatchObject({ name: 'Logo', required: false });
    expect(logo!.placements).toHaveLength(1);

    assets.image('/tile-green.png', await png(30, 20, [10, 220, 10]));
    const renderId = await harness.submit({
      mockupId: id,
      inputs: [
        { uuid: tile!.uuid, asset: { url: `${assets.origin}/tile-green.png` }, fit: 'fill', rotate: 0 },
      ] as never,
    });
    const render = await harness.waitUntilFinal(renderId);
    expect(render.status).toBe('succeeded');
    const { data, info } = await sharp((await harness.storage.get(render.result_key!))!.body)
      .raw()
      .toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [
      ...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3),
    ];
    for (const { x, y } of [tiles[0]!, tiles[30]!, tiles[53]!])
      expect(pixel(x + 15, y + 10)).toEqual([10, 220, 10]);
    expect(pixel(45, 15)).toEqual([200, 200, 200]);
    // Left out of the render, the linked logo shows the placed layer's own pixels.
    expect(pixel(330, 275)).toEqual([10, 20, 230]);
  });

  it('fails a PSD with more embedded smart objects than a render can fill with PSD_TOO_MANY_SMART_OBJECTS', async () => {
    const psd = await makeTestPsd({
      width: 200,
      height: 100,
      smartObjects: Array.from({ length: 60 }, (_, i) => ({
        name: `Slot ${i + 1}`,
        x: (i % 12) * 16,
        y: Math.floor(i / 12) * 16,
        width: 12,
        height: 12,
      })),
    });
    const id = await upload(async (mockupId) => {
      await harness.storage.put(mockupSourceKey(mockupId), psd, 'image/vnd.adobe.photoshop');
      return { kind: 'psd', source_key: mockupSourceKey(mockupId) };
    });
    const row = await finalRow(id);
    expect(row).toMatchObject({ status: 'failed', error_code: 'PSD_TOO_MANY_SMART_OBJECTS' });
    expect(row.error).toMatch(/60 embedded smart objects.*at most 50/);
  });
});

describe('re-runs and deletes', () => {
  it('does not import a mockup deleted while it waited, and erases its upload', async () => {
    const key = { value: '' };
    await harness.worker.pause();
    await service.close();
    const id = await upload(async (mockupId) => {
      key.value = mockupSourceKey(mockupId);
      await harness.storage.put(key.value, Buffer.from('8BPS'), 'image/vnd.adobe.photoshop');
      return { kind: 'psd', source_key: key.value };
    });
    await harness.db
      .updateTable('renders.mockups')
      .set({ deleted_at: new Date() })
      .where('id', '=', id)
      .execute();
    service = await startRenderService(serviceConfig(harness), {
      logger: createLogger({ name: 'render-worker-test', level: 'silent' }),
      seedBuiltIns: false,
      kernelThreads: 0,
      psdThreads: false,
      metricsHost: '127.0.0.1',
    });
    await waitFor(async () => ((await (await imports.getJob(id))?.isCompleted()) ? true : undefined), {
      timeoutMs: 30_000,
      what: 'import job done',
    });
    expect(await harness.storage.get(key.value)).toBeNull();
    const row = await harness.db
      .selectFrom('renders.mockups')
      .select(['status'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('processing');
    expect(deliveriesFor(id)).toEqual([]);
  });

  it('sends mockup.ready once even when the import job runs again', async () => {
    assets.image('/bg2.png', await png(400, 300, [90, 90, 90]));
    const id = await upload(() => ({
      kind: 'manifest',
      manifest: manifestFor({ background: 'bg2.png' }),
      assets: { 'bg2.png': { url: `${assets.origin}/bg2.png` } },
    }));
    await finalRow(id);
    await waitFor(() => (deliveriesFor(id).length > 0 ? true : undefined), {
      timeoutMs: 15_000,
      what: 'first delivery',
    });
    await (await imports.getJob(id))!.remove();
    await enqueueImport(imports, id);
    await waitFor(async () => ((await (await imports.getJob(id))?.isCompleted()) ? true : undefined), {
      timeoutMs: 30_000,
      what: 'second run done',
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(deliveriesFor(id)).toHaveLength(1);
  });
});
