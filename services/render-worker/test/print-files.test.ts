// A render that asks for print files gets, beside the mockup, each smart object's artwork as it will
// be printed: laid out as in the render (fit, background, size, position, rotation) before the warp,
// at the smart object's physical print area and the requested DPI, as a PNG recording that DPI.
// Checked against sizes and pixel regions computed here from the template and the request.
import type { SampleTemplate } from '@platen/compositor';
import { createDemoArtwork } from '@platen/compositor';
import { seedBuiltInMockups, toPublicRender, type StoredRenderInput } from '@platen/mockups';
import { renderPrintFileKey } from '@platen/storage';
import sharp from 'sharp';
import { startHarness, type Harness } from './support/harness.js';

const MOCKUP = '7b1d3f8e-52c7-4a1f-9e4b-7d0c2f3a4b01';
/** Design area 60 × 30 px printed at 2 × 1 in. */
const SIZED = '7b1d3f8e-52c7-4a1f-9e4b-7d0c2f3a4b11';
/** Design area 60 × 30 px, no physical size recorded: read at 72 dpi. */
const UNSIZED = '7b1d3f8e-52c7-4a1f-9e4b-7d0c2f3a4b12';
const MM_PER_INCH = 25.4;

async function printTemplate(): Promise<SampleTemplate> {
  const smartObject = (uuid: string, y: number) => ({
    type: 'smart_object' as const,
    uuid,
    name: `Print ${y}`,
    layer_name: `Print ${y}`,
    size: { width: 60, height: 30 },
    position: { x: 30, y, width: 60, height: 30 },
    quad: null,
    required: false,
  });
  return {
    uuid: MOCKUP,
    slug: 'print-file-frame',
    name: 'Print file frame',
    manifest: {
      width: 120,
      height: 80,
      layers: [
        { type: 'image', name: 'Base', asset: 'base.png' },
        { ...smartObject(SIZED, 5), print_size: { width_mm: 2 * MM_PER_INCH, height_mm: MM_PER_INCH } },
        smartObject(UNSIZED, 45),
      ],
    },
    assets: new Map([['base.png', await createDemoArtwork(120, 80)]]),
    thumbnail: await createDemoArtwork(48, 32),
  };
}

/** A PNG of flat colour, or (two colours) a left half and a right half. */
function flat(width: number, height: number, left: string, right = left): Promise<Buffer> {
  const half = Math.floor(width / 2);
  return sharp({ create: { width, height, channels: 3, background: right } })
    .composite([
      {
        input: { create: { width: half, height, channels: 3, background: left } },
        left: 0,
        top: 0,
      },
    ])
    .png()
    .toBuffer();
}

function input(
  uuid: string,
  asset: Omit<StoredRenderInput['asset'], 'url' | 'rotate'> & { rotate?: number },
) {
  return { uuid, asset: { url: null, rotate: 0, ...asset } } as StoredRenderInput;
}

/** The pixels per inch a PNG's pHYs chunk records (undefined: no pHYs, or not in metres). */
function pngDpi(png: Buffer): number | undefined {
  for (let at = 8; at + 8 <= png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    if (type === 'pHYs') {
      const perMetre = png.readUInt32BE(at + 8);
      return png[at + 16] === 1 ? Math.round(perMetre * (MM_PER_INCH / 1000)) : undefined;
    }
    if (type === 'IDAT') return undefined; // pHYs must come before the image data
    at += 12 + length;
  }
  return undefined;
}

interface Raster {
  width: number;
  height: number;
  at(x: number, y: number): [number, number, number, number];
}

async function rasterOf(png: Buffer): Promise<Raster> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    at: (x, y) => {
      const i = (y * info.width + x) * 4;
      return [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
    },
  };
}

/** Every pixel of the rectangle [x0, x1) × [y0, y1) is `rgba`; the first that is not, otherwise. */
function offPixel(raster: Raster, [x0, y0, x1, y1]: number[], rgba: number[]) {
  for (let y = y0!; y < y1!; y++) {
    for (let x = x0!; x < x1!; x++) {
      const pixel = raster.at(x, y);
      if (pixel.some((value, c) => value !== rgba[c])) return { x, y, pixel };
    }
  }
  return undefined;
}

const RED = [255, 0, 0, 255];
const GREEN = [0, 255, 0, 255];
const BLUE = [0, 0, 255, 255];
const WHITE = [255, 255, 255, 255];

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness('worker-print-files', { installTinyTemplate: false });
  await seedBuiltInMockups({
    db: harness.db,
    storage: harness.storage,
    logger: harness.logger,
    samples: async () => [await printTemplate()],
  });
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

async function printed(renderId: string) {
  const row = await harness.db
    .selectFrom('renders.renders')
    .selectAll()
    .where('id', '=', renderId)
    .executeTakeFirstOrThrow();
  return row;
}

async function stored(key: string): Promise<Buffer> {
  const object = await harness.storage.get(key);
  if (!object) throw new Error(`${key} is not stored`);
  return object.body;
}

it('writes a contained artwork over its background at the print area’s size, its DPI in the PNG', async () => {
  const renderId = await harness.submit({
    mockupId: MOCKUP,
    inputs: [input(SIZED, { fit: 'contain', background: '#0000ff' })],
    inline: { [SIZED]: await flat(40, 40, '#ff0000') },
    printFiles: [{ smart_object_uuid: SIZED, dpi: 150 }],
  });

  const final = await harness.waitUntilFinal(renderId);
  expect(final.status).toBe('succeeded');

  // 2 × 1 in at 150 dpi; the square artwork contained in it is 150 px wide, centred.
  const key = renderPrintFileKey(renderId, SIZED);
  expect((await printed(renderId)).result_print_files).toEqual([
    { smart_object_uuid: SIZED, key, width: 300, height: 150, dpi: 150 },
  ]);
  const png = await stored(key);
  expect(pngDpi(png)).toBe(150);
  const raster = await rasterOf(png);
  expect([raster.width, raster.height]).toEqual([300, 150]);
  expect(offPixel(raster, [0, 0, 75, 150], BLUE)).toBeUndefined();
  expect(offPixel(raster, [75, 0, 225, 150], RED)).toBeUndefined();
  expect(offPixel(raster, [225, 0, 300, 150], BLUE)).toBeUndefined();
});

it('places a sized, positioned and rotated artwork where the request puts it, before any warp', async () => {
  // 40 × 20, red left half and green right half; turned 90° clockwise the red half is on top.
  const renderId = await harness.submit({
    mockupId: MOCKUP,
    inputs: [
      input(SIZED, {
        fit: 'fill',
        rotate: 90,
        size: { width: 20, height: 10 },
        position: { top: 5, left: 10 },
        background: '#ffffff',
      }),
    ],
    inline: { [SIZED]: await flat(40, 20, '#ff0000', '#00ff00') },
    printFiles: [{ smart_object_uuid: SIZED, dpi: 127 }],
  });

  expect((await harness.waitUntilFinal(renderId)).status).toBe('succeeded');

  // 127 dpi: 5 print pixels per mm, so 254 × 127 px and 254 / 60 print pixels per design pixel.
  const raster = await rasterOf(await stored(renderPrintFileKey(renderId, SIZED)));
  expect([raster.width, raster.height]).toEqual([254, 127]);
  const s = 254 / 60;
  const [x0, x1] = [Math.round(10 * s), Math.round(30 * s)];
  const [y0, y1] = [Math.round(5 * s), Math.round(15 * s)];
  const mid = (y0 + y1) / 2;
  // Edges may blend over a pixel or two of resampling: the regions are checked inside them.
  expect(offPixel(raster, [0, 0, 254, y0], WHITE)).toBeUndefined();
  expect(offPixel(raster, [0, y1, 254, 127], WHITE)).toBeUndefined();
  expect(offPixel(raster, [0, y0, x0, y1], WHITE)).toBeUndefined();
  expect(offPixel(raster, [x1, y0, 254, y1], WHITE)).toBeUndefined();
  expect(offPixel(raster, [x0 + 1, y0 + 1, x1 - 1, Math.floor(mid) - 1], RED)).toBeUndefined();
  expect(offPixel(raster, [x0 + 1, Math.ceil(mid) + 1, x1 - 1, y1 - 1], GREEN)).toBeUndefined();
});

it('prints a smart object without a recorded resolution at its pixels read at 72 dpi', async () => {
  const renderId = await harness.submit({
    mockupId: MOCKUP,
    inputs: [input(UNSIZED, { fit: 'cover' })],
    inline: { [UNSIZED]: await flat(60, 30, '#ff0000') },
    printFiles: [{ smart_object_uuid: UNSIZED, dpi: 144 }],
  });

  expect((await harness.waitUntilFinal(renderId)).status).toBe('succeeded');

  // 60 × 30 px at 72 dpi is 21.17 × 10.58 mm: 120 × 60 px at 144 dpi.
  const png = await stored(renderPrintFileKey(renderId, UNSIZED));
  const raster = await rasterOf(png);
  expect([raster.width, raster.height, pngDpi(png)]).toEqual([120, 60, 144]);
  expect(offPixel(raster, [0, 0, 120, 60], RED)).toBeUndefined();
});

it('lists the print files with signed URLs in the render, and none for a render that asked for none', async () => {
  const art = await flat(10, 10, '#ff0000');
  const withFiles = await harness.submit({
    mockupId: MOCKUP,
    inputs: [input(SIZED, { fit: 'cover' }), input(UNSIZED, { fit: 'cover' })],
    inline: { [SIZED]: art, [UNSIZED]: art },
    printFiles: [
      { smart_object_uuid: UNSIZED, dpi: 72 },
      { smart_object_uuid: SIZED, dpi: 300 },
    ],
  });
  const without = await harness.submit({
    mockupId: MOCKUP,
    inputs: [input(SIZED, { fit: 'cover' })],
    inline: { [SIZED]: art },
  });
  await harness.waitUntilFinal(withFiles);
  await harness.waitUntilFinal(without);

  const view = await toPublicRender(await printed(withFiles), harness.storage, 600);
  expect(view.result?.print_files.map(({ url: _url, ...file }) => file)).toEqual([
    { smart_object_uuid: UNSIZED, width: 60, height: 30, dpi: 72 },
    { smart_object_uuid: SIZED, width: 600, height: 300, dpi: 300 },
  ]);
  for (const file of view.result!.print_files) {
    const url = new URL(file.url);
    const key = renderPrintFileKey(withFiles, file.smart_object_uuid);
    expect(decodeURIComponent(url.pathname)).toBe(`/files/${key}`);
    const expires = Number(url.searchParams.get('expires'));
    const signature = url.searchParams.get('signature') ?? '';
    expect(harness.signer.check(key, expires, signature, Math.floor(Date.now() / 1000))).toBe('valid');
  }
  const plain = await printed(without);
  expect(plain.result_print_files).toBeNull();
  expect((await toPublicRender(plain, harness.storage, 600)).result?.print_files).toEqual([]);
});
