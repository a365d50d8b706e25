// Photoshop instances and optional smart objects: placed layers of one file import as one smart
// object drawn at every placement (checked pixel by pixel against where the document puts them and
// against a hand-written manifest of separate smart objects); a file linked from outside the
// document is optional and, left out of a render, shows the placed layer's own pixels; a document
// that no render could fill is refused with PSD_TOO_MANY_SMART_OBJECTS.
import { randomUUID } from 'node:crypto';
import {
  createCompositor,
  createKernelPool,
  describeSmartObjects,
  smartObjectsOf,
  templateManifestSchema,
  type Compositor,
  type KernelPool,
  type TemplateManifestInput,
} from '@platen/compositor';
import sharp from 'sharp';
import { PsdImportError } from './psd-import-error.js';
import { importPsd, type ImportedPsd } from './psd-importer.js';
import { makeTestPsd, type Rgb, type TestPsdOptions, type TestSmartObject } from './test-psd.js';

const W = 240;
const H = 160;
const BACKGROUND: Rgb = [200, 200, 200];
const RED = [255, 0, 0];
const BLUE = [0, 0, 255];
const uuids = Array.from({ length: 64 }, () => randomUUID());
const options = { smartObjectUuid: (index: number) => uuids[index]! };
// Real kernel threads load the built worker (`npm run build` first), as in kernel-pool.test.ts.
const workerUrl = new URL('../../compositor/dist/kernel-worker.js', import.meta.url);

let compositor: Compositor;
let threaded: { pool: KernelPool; compositor: Compositor };
let artwork: Buffer;

/** Left half red, right half blue: orientation shows. */
async function twoTone(width: number, height: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="${width / 2}" height="${height}" fill="#ff0000"/><rect x="${width / 2}" width="${width / 2}" height="${height}" fill="#0000ff"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

beforeAll(async () => {
  compositor = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 64 * 1024 * 1024 });
  const pool = createKernelPool({ threads: 1, workerUrl });
  threaded = { pool, compositor: createCompositor({ pool, cacheBytes: 64 * 1024 * 1024 }) };
  artwork = await twoTone(400, 200);
});

afterAll(async () => {
  await threaded.pool.close();
});

interface Raw {
  data: Buffer;
  width: number;
}

/** Renders with the artwork in the smart objects `fill` names (default: every one). */
async function render(
  manifest: TemplateManifestInput,
  assets: Map<string, Buffer>,
  fill?: string[],
  using: Compositor = compositor,
): Promise<Raw> {
  const parsed = templateManifestSchema.parse(manifest);
  const prepared = await using.prepare({ id: randomUUID(), version: 1, manifest: parsed }, assets);
  const inputs = (fill ?? smartObjectsOf(parsed).map((so) => so.uuid)).map((uuid) => ({
    uuid,
    asset: artwork,
    fit: 'fill' as const,
    rotate: 0,
  }));
  const { data } = await using.render(prepared, inputs, { format: 'png' });
  const raw = await sharp(data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: raw.data, width: raw.info.width };
}

const rgbAt = (raw: Raw, x: number, y: number) => [
  ...raw.data.subarray((y * raw.width + x) * 3, (y * raw.width + x) * 3 + 3),
];

async function imported(psd: TestPsdOptions): Promise<ImportedPsd> {
  return importPsd(await makeTestPsd(psd), options);
}

async function importCode(psd: TestPsdOptions): Promise<string | undefined> {
  const error: unknown = await imported(psd).then(
    () => undefined,
    (e: unknown) => e,
  );
  return error instanceof PsdImportError ? error.code : undefined;
}

describe('importPsd: instances of one file', () => {
  const file = randomUUID();
  const twoPlacements: TestPsdOptions = {
    width: W,
    height: H,
    background: BACKGROUND,
    smartObjects: [
      { name: 'Art', x: 20, y: 30, width: 80, height: 40, file, linked: true },
      {
        name: 'Art copy',
        x: 0,
        y: 0,
        width: 80,
        height: 40,
        file,
        linked: true,
        corners: [
          [140, 90],
          [200, 90],
          [200, 120],
          [140, 120],
        ],
      },
    ],
  };

  it('makes placed layers of one embedded file one required smart object that reports both placements', async () => {
    const result = await imported(twoPlacements);
    const manifest = templateManifestSchema.parse(result.manifest);
    const [so, ...others] = describeSmartObjects(manifest);
    expect(others).toEqual([]);
    expect(so).toMatchObject({ uuid: uuids[0], name: 'Art', layer_name: 'Art', required: true });
    expect(so!.placements.map(({ layer_name, position }) => ({ layer_name, position }))).toEqual([
      { layer_name: 'Art', position: { x: 20, y: 30, width: 80, height: 40 } },
      { layer_name: 'Art copy', position: { x: 140, y: 90, width: 60, height: 30 } },
    ]);
    expect(so!.placements[1]!.quad).toEqual([
      [140, 90],
      [200, 90],
      [200, 120],
      [140, 120],
    ]);
  });

  it('draws the one asset at every placement: as the document places it, and as two separate smart objects would', async () => {
    const result = await imported(twoPlacements);
    const raw = await render(result.manifest, result.assets, [uuids[0]!]);
    // Independently of the compositor: fill maps the artwork's left (red) and right (blue) halves.
    expect(rgbAt(raw, 30, 50)).toEqual(RED);
    expect(rgbAt(raw, 90, 50)).toEqual(BLUE);
    expect(rgbAt(raw, 150, 105)).toEqual(RED);
    expect(rgbAt(raw, 190, 105)).toEqual(BLUE);
    expect(rgbAt(raw, 120, 80)).toEqual(BACKGROUND);
    expect(rgbAt(raw, 5, 5)).toEqual(BACKGROUND);

    const background = await sharp({
      create: { width: W, height: H, channels: 3, background: { r: 200, g: 200, b: 200 } },
    })
      .png()
      .toBuffer();
    const separate = (uuid: string, position: object, quad: unknown) => ({
      type: 'smart_object' as const,
      uuid,
      name: 'Art',
      layer_name: 'Art',
      size: { width: 80, height: 40 },
      position,
      quad,
    });
    const golden: TemplateManifestInput = {
      width: W,
      height: H,
      layers: [
        { type: 'image', name: 'Background', asset: 'bg.png' },
        separate(randomUUID(), { x: 20, y: 30, width: 80, height: 40 }, null) as never,
        separate(randomUUID(), { x: 140, y: 90, width: 60, height: 30 }, [
          [140, 90],
          [200, 90],
          [200, 120],
          [140, 120],
        ]) as never,
      ],
    };
    const expected = await render(golden, new Map([['bg.png', background]]));
    expect(raw.data.equals(expected.data)).toBe(true);
  });

  it('imports 54 instances of one file as ready to render with one asset, on kernel threads too', async () => {
    const grid: TestSmartObject[] = Array.from({ length: 54 }, (_, i) => ({
      name: `Tile ${i + 1}`,
      x: 2 + (i % 9) * 26,
      y: 2 + Math.floor(i / 9) * 26,
      width: 20,
      height: 10,
      file,
      linked: true,
    }));
    const result = await imported({ width: W, height: H, background: BACKGROUND, smartObjects: grid });
    const manifest = templateManifestSchema.parse(result.manifest);
    const summary = describeSmartObjects(manifest);
    expect(summary).toHaveLength(1);
    expect(summary[0]!.required).toBe(true);
    expect(summary[0]!.placements).toHaveLength(54);

    const plain = await render(result.manifest, result.assets, [uuids[0]!]);
    const onThreads = await render(result.manifest, result.assets, [uuids[0]!], threaded.compositor);
    for (const raw of [plain, onThreads]) {
      for (const tile of [grid[0]!, grid[31]!, grid[53]!]) {
        expect(rgbAt(raw, tile.x + 4, tile.y + 5)).toEqual(RED);
        expect(rgbAt(raw, tile.x + 15, tile.y + 5)).toEqual(BLUE);
        expect(rgbAt(raw, tile.x + 23, tile.y + 5)).toEqual(BACKGROUND);
      }
    }
    expect(onThreads.data.equals(plain.data)).toBe(true);
  });

  it('refuses a document with 60 distinct embedded smart objects as PSD_TOO_MANY_SMART_OBJECTS', async () => {
    const many: TestSmartObject[] = Array.from({ length: 60 }, (_, i) => ({
      name: `Slot ${i + 1}`,
      x: 2 + (i % 12) * 19,
      y: 2 + Math.floor(i / 12) * 19,
      width: 15,
      height: 15,
      linked: true,
    }));
    expect(await importCode({ width: W, height: H, smartObjects: many })).toBe('PSD_TOO_MANY_SMART_OBJECTS');
    // Only required smart objects count: with 20 linked from outside, 40 are left to fill.
    const fewerRequired = many.map((so, i) => (i < 20 ? { ...so, linked: false, external: true } : so));
    const result = await imported({ width: W, height: H, smartObjects: fewerRequired });
    const summary = describeSmartObjects(templateManifestSchema.parse(result.manifest));
    expect(summary).toHaveLength(60);
    expect(summary.filter((so) => so.required)).toHaveLength(40);
  });
});

describe('importPsd: smart objects a user is not meant to fill', () => {
  const LOGO: Rgb = [10, 200, 30];
  const withLogo = (logo: Partial<TestSmartObject>): TestPsdOptions => ({
    width: W,
    height: H,
    background: BACKGROUND,
    smartObjects: [
      { name: 'Art', x: 20, y: 30, width: 80, height: 40, linked: true },
      { name: 'Logo', x: 150, y: 40, width: 60, height: 40, color: LOGO, ...logo },
    ],
  });

  it('makes a placed layer whose file is linked from outside the document optional, with its own pixels as content', async () => {
    const result = await imported(withLogo({ external: true }));
    const [art, logo] = describeSmartObjects(templateManifestSchema.parse(result.manifest));
    expect(art).toMatchObject({ name: 'Art', required: true });
    expect(logo).toMatchObject({ name: 'Logo', required: false });
    const layer = smartObjectsOf(templateManifestSchema.parse(result.manifest))[1]!;
    expect(layer.content).toMatchObject({ x: 150, y: 40 });
    expect(result.assets.has(layer.content!.asset)).toBe(true);
    // Required ones carry no content: a render must fill them.
    expect(smartObjectsOf(templateManifestSchema.parse(result.manifest))[0]!.content).toBeUndefined();
  });

  it('left out of a render, shows the placed layer’s stored pixels; filled, shows the artwork', async () => {
    const result = await imported(withLogo({ external: true }));
    const leftOut = await render(result.manifest, result.assets, [uuids[0]!]);
    for (let y = 40; y < 80; y += 7) {
      for (let x = 150; x < 210; x += 7) expect(rgbAt(leftOut, x, y)).toEqual(LOGO);
    }
    expect(rgbAt(leftOut, 30, 50)).toEqual(RED);
    expect(rgbAt(leftOut, 215, 60)).toEqual(BACKGROUND);

    const filled = await render(result.manifest, result.assets, [uuids[0]!, uuids[1]!]);
    expect(rgbAt(filled, 160, 60)).toEqual(RED);
    expect(rgbAt(filled, 200, 60)).toEqual(BLUE);
  });

  it('keeps the stored pixels with the layer’s opacity, on kernel threads too', async () => {
    const result = await imported(withLogo({ external: true, opacity: 0.5 }));
    for (const using of [compositor, threaded.compositor]) {
      const raw = await render(result.manifest, result.assets, [uuids[0]!], using);
      const [r, g, b] = rgbAt(raw, 180, 60);
      expect(Math.abs(r! - 105)).toBeLessThanOrEqual(1);
      expect(Math.abs(g! - 200)).toBeLessThanOrEqual(1);
      expect(Math.abs(b! - 115)).toBeLessThanOrEqual(1);
    }
  });

  it('makes a placed layer whose file is missing from the document’s linked files optional too', async () => {
    const result = await imported(withLogo({ linked: true, missing: true }));
    const [art, logo] = describeSmartObjects(templateManifestSchema.parse(result.manifest));
    expect(art!.required).toBe(true);
    expect(logo!.required).toBe(false);
    const raw = await render(result.manifest, result.assets, [uuids[0]!]);
    expect(rgbAt(raw, 180, 60)).toEqual(LOGO);
  });

  it('still refuses to render without a required smart object', async () => {
    const result = await imported(withLogo({ external: true }));
    await expect(render(result.manifest, result.assets, [uuids[1]!])).rejects.toThrow(/requires an asset/);
  });
});
