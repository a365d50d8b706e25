// Issue #9, hostile artwork through real render jobs (BullMQ worker, Postgres row, key-service
// charges and refunds): each case of @platen/testing's hostile-image list ends `failed` with the
// code it promises (at once, refunded once) or `succeeded` with its colours where they belong.
import type { SampleTemplate } from '@platen/compositor';
import { seedBuiltInMockups, type StoredRenderInput } from '@platen/mockups';
import { renderResultKey } from '@platen/storage';
import { hostileImages, lookProbes, type HostileImage, type LookProbe } from '@platen/testing';
import sharp from 'sharp';
import { startAssetServer, type AssetServer } from './support/asset-server.js';
import { startHarness, type Harness } from './support/harness.js';

jest.setTimeout(60_000);

const MOCKUP = '7c1d0b52-9a3e-4f61-8e2d-3b4a5c6d7e01';
const SO = '7c1d0b52-9a3e-4f61-8e2d-3b4a5c6d7e11';
const CANVAS = 60;
const BOX = { left: 10, top: 10, width: 40, height: 40 };
/** The template's base: what shows wherever the artwork is transparent. */
const BASE = [0, 255, 0];
const TOLERANCE = 40;

let harness: Harness;
let assets: AssetServer;
let cases: HostileImage[];

/** A flat green canvas with one smart object (normal blend) the artwork is filled into. */
async function flatTemplate(): Promise<SampleTemplate> {
  const green = (side: number) =>
    sharp({ create: { width: side, height: side, channels: 3, background: '#00ff00' } })
      .png()
      .toBuffer();
  return {
    uuid: MOCKUP,
    slug: 'hostile-flat-frame',
    name: 'Hostile flat frame',
    manifest: {
      width: CANVAS,
      height: CANVAS,
      layers: [
        { type: 'image', name: 'Base', asset: 'base.png' },
        {
          type: 'smart_object',
          uuid: SO,
          name: 'Artwork',
          layer_name: 'Artwork',
          size: { width: BOX.width, height: BOX.height },
          position: { x: BOX.left, y: BOX.top, width: BOX.width, height: BOX.height },
          quad: null,
        },
      ],
    },
    assets: new Map([['base.png', await green(CANVAS)]]),
    thumbnail: await green(32),
  };
}

beforeAll(async () => {
  harness = await startHarness('worker-hostile', {
    installTinyTemplate: false,
    maxInlineAssetBytes: 25 * 1024 * 1024, // the default, so the 9.6 MB animation reaches the decoder
  });
  const template = await flatTemplate();
  await seedBuiltInMockups({
    db: harness.db,
    storage: harness.storage,
    logger: harness.logger,
    samples: () => Promise.resolve([template]),
  });
  assets = await startAssetServer('127.0.0.1');
  cases = await hostileImages();
}, 120_000);

afterAll(async () => {
  await harness?.close();
  await assets?.close();
});

function byName(name: string): HostileImage {
  const found = cases.find((entry) => entry.name === name);
  if (!found) throw new Error(`no hostile case ${name}`);
  return found;
}

function input(url: string | null): StoredRenderInput {
  return { uuid: SO, asset: { url, fit: 'fill', rotate: 0 } };
}

/** Submits the bytes as inline base64 artwork (parked as the gateway parks it), 3 attempts allowed. */
function submitInline(bytes: Buffer): Promise<string> {
  return harness.submit({
    mockupId: MOCKUP,
    inputs: [input(null)],
    inline: { [SO]: bytes },
    attempts: 3,
  });
}

async function resultPixels(resultKey: string): Promise<{ data: Buffer; width: number; height: number }> {
  const stored = await harness.storage.get(resultKey);
  if (!stored) throw new Error(`no result at ${resultKey}`);
  const { data, info } = await sharp(stored.body).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** The probes whose pixel is not within TOLERANCE of its colour ('transparent': the base shows). */
function mismatches(image: { data: Buffer; width: number }, probes: LookProbe[]): string[] {
  return probes.flatMap(({ x, y, expected }) => {
    const color = expected === 'transparent' ? BASE : expected;
    const i = (y * image.width + x) * 3;
    const actual = [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
    const near = actual.every((value, c) => Math.abs(value - color[c]!) <= TOLERANCE);
    return near ? [] : [`(${x}, ${y}) is rgb(${actual.join(', ')}), expected rgb(${color.join(', ')})`];
  });
}

const REFUSED = [
  'png-bomb',
  'jpeg-bomb',
  'gif-bomb',
  'webp-bomb',
  'animated-webp-200000',
  'truncated-jpeg',
  'truncated-png',
  'jpeg-magic-on-png',
  'png-magic-then-garbage',
  'random-bytes',
  'gif-header-html',
];
const RENDERED = [
  'png-named-jpg',
  'strip-20000x4',
  'strip-4x20000',
  'animated-gif-10000',
  'animated-webp-10000',
  'cmyk-jpeg',
  'png-rgb16',
  'png-rgba16',
  'grey-alpha-png',
  'palette-png-trns',
  'exif-orientation-6',
  'exif-orientation-8',
];

it('checks every case of the hostile list', () => {
  expect(cases.map((entry) => entry.name).sort()).toEqual([...REFUSED, ...RENDERED].sort());
});

describe('inline hostile artwork the API refuses', () => {
  it.each(REFUSED)(
    '%s: the render ends failed with the promised code after one attempt, refunded once',
    async (name) => {
      const hostile = byName(name);
      if (hostile.expected.outcome !== 'refused') throw new Error(`${name} is not a refused case`);
      const balance = await harness.keyService.balance(harness.accountId);

      const renderId = await submitInline(hostile.bytes);
      const row = await harness.waitUntilFinal(renderId);

      expect(row).toMatchObject({
        status: 'failed',
        error_code: hostile.expected.code,
        attempts: 1,
        result_key: null,
      });
      expect(await harness.refundsOf(renderId)).toBe(1);
      expect(await harness.keyService.balance(harness.accountId)).toBe(balance);
    },
  );
});

describe('inline hostile artwork that is a valid image', () => {
  it.each(RENDERED)('%s: the render succeeds and the stored result shows it as displayed', async (name) => {
    const hostile = byName(name);
    if (hostile.expected.outcome !== 'rendered') throw new Error(`${name} is not a rendered case`);

    const renderId = await submitInline(hostile.bytes);
    const row = await harness.waitUntilFinal(renderId);

    expect(row).toMatchObject({
      status: 'succeeded',
      error_code: null,
      attempts: 1,
      result_key: renderResultKey(renderId, 'png'),
      result_width: CANVAS,
      result_height: CANVAS,
    });
    const out = await resultPixels(row.result_key!);
    const outside = { x: 2, y: 2, expected: 'transparent' } as const;
    expect(mismatches(out, [...lookProbes(hostile.expected.looks, BOX), outside])).toEqual([]);
    expect(await harness.refundsOf(renderId)).toBe(0);
  });
});

describe('hostile artwork fetched by URL', () => {
  it('renders PNG bytes served as photo.jpg: the bytes decide the format, not the name', async () => {
    const hostile = byName('png-named-jpg');
    if (hostile.expected.outcome !== 'rendered') throw new Error('png-named-jpg is not a rendered case');
    assets.image('/photo.jpg', hostile.bytes);

    const renderId = await harness.submit({
      mockupId: MOCKUP,
      inputs: [input(`${assets.origin}/photo.jpg`)],
    });
    const row = await harness.waitUntilFinal(renderId);

    expect(row.status).toBe('succeeded');
    expect(mismatches(await resultPixels(row.result_key!), lookProbes(hostile.expected.looks, BOX))).toEqual(
      [],
    );
  });

  it.each([
    ['png-bomb', 'ASSET_TOO_LARGE'],
    ['truncated-jpeg', 'ASSET_NOT_AN_IMAGE'],
  ])('fails %s fetched from a server with %s, without retrying or fetching again', async (name, code) => {
    const path = `/${name}.png`;
    assets.image(path, byName(name).bytes);

    const renderId = await harness.submit({
      mockupId: MOCKUP,
      inputs: [input(`${assets.origin}${path}`)],
      attempts: 3,
    });
    const row = await harness.waitUntilFinal(renderId);

    expect(row).toMatchObject({ status: 'failed', error_code: code, attempts: 1 });
    expect(assets.hits(path)).toBe(1);
    expect(await harness.refundsOf(renderId)).toBe(1);
  });
});
