// The request's placement through the whole compositor: a flat smart object (design 20×20 drawn
// 1:1 at (10, 5) on a 40×30 grey canvas), so the expected output is sharp compositing the same
// artwork by hand: resized to the frame, placed, over the background, on the template.
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { AssetTooLargeError } from './compositor-errors.js';
import { createCompositor } from './compositor.js';
import { createKernelPool } from './kernel-pool.js';
import type { SmartObjectInput, TemplateManifestInput } from './template-model.js';

const SO = '00000000-0000-4000-8000-000000000001';
const GREY = { r: 128, g: 128, b: 128, alpha: 1 };

const manifest: TemplateManifestInput = {
  width: 40,
  height: 30,
  layers: [
    { type: 'image', name: 'base', asset: 'base.png' },
    {
      type: 'smart_object',
      uuid: SO,
      name: 'Art',
      layer_name: 'Art',
      size: { width: 20, height: 20 },
      position: { x: 10, y: 5, width: 20, height: 20 },
      quad: null,
    },
  ],
};

/** Every pixel its own colour, so a pixel out of place shows. */
async function gradient(width: number, height: number): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    data.set([(i * 37) % 256, (i * 91 + 50) % 256, (i * 13 + 200) % 256], i * 3);
  }
  return sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

function rgba(image: Sharp): Promise<Buffer> {
  return image.ensureAlpha().raw().toBuffer();
}

function maxDifference(a: Buffer, b: Buffer): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** The template with a 20×20 design canvas (`design`, raw RGBA) drawn at its place. */
async function onTemplate(design: Buffer): Promise<Buffer> {
  return rgba(
    sharp({ create: { width: 40, height: 30, channels: 4, background: GREY } }).composite([
      { input: design, raw: { width: 20, height: 20, channels: 4 }, left: 10, top: 5 },
    ]),
  );
}

describe('artwork placement in a render', () => {
  const compositor = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 10_000_000 });
  let version = 0;

  async function render(input: Partial<SmartObjectInput> & { asset: Buffer }): Promise<Buffer> {
    const assets = new Map([
      [
        'base.png',
        await sharp({ create: { width: 40, height: 30, channels: 3, background: GREY } })
          .png()
          .toBuffer(),
      ],
    ]);
    const prepared = await compositor.prepare({ id: 'placement', version: ++version, manifest }, assets);
    const out = await compositor.render(prepared, [{ uuid: SO, fit: 'fill', rotate: 0, ...input }], {
      format: 'png',
    });
    return rgba(sharp(out.data));
  }

  it('draws the artwork at asset.size and asset.position over the background colour', async () => {
    const art = await gradient(5, 4);
    const out = await render({
      asset: art,
      fit: 'fill',
      size: { width: 10, height: 8 },
      position: { top: 3, left: 4 },
      background: '#0000ff',
    });
    const placed = await sharp(art).resize(10, 8, { fit: 'fill' }).png().toBuffer();
    const design = await rgba(
      sharp({ create: { width: 20, height: 20, channels: 4, background: '#0000ff' } }).composite([
        { input: placed, left: 4, top: 3 },
      ]),
    );
    expect(maxDifference(out, await onTemplate(design))).toBeLessThanOrEqual(1);
  });

  it('cuts off the part of the frame that lies outside the smart object', async () => {
    const art = await gradient(12, 6);
    const out = await render({
      asset: art,
      fit: 'cover',
      size: { width: 16, height: 16 },
      position: { top: -4, left: 10 },
    });
    const covered = await rgba(sharp(art).resize(16, 16, { fit: 'cover' }));
    const visible = await rgba(
      sharp(covered, { raw: { width: 16, height: 16, channels: 4 } }).extract({
        left: 0,
        top: 4,
        width: 10,
        height: 12,
      }),
    );
    const design = await rgba(
      sharp({
        create: { width: 20, height: 20, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
      }).composite([{ input: visible, raw: { width: 10, height: 12, channels: 4 }, left: 10, top: 0 }]),
    );
    expect(maxDifference(out, await onTemplate(design))).toBeLessThanOrEqual(1);
  });

  it('tiles the artwork over the smart object at tile_scale percent of its width', async () => {
    const art = await gradient(10, 6);
    const out = await render({ asset: art, fit: 'tile', tile_scale: 25, background: '#ffffff' });
    // 25 % of 20 px: 5 px wide tiles, 3 px tall, from the top-left corner.
    const tile = await sharp(art).resize(5, 3, { fit: 'fill' }).png().toBuffer();
    const design = await rgba(
      sharp({ create: { width: 20, height: 20, channels: 4, background: '#ffffff' } }).composite([
        { input: tile, tile: true, gravity: 'northwest' },
      ]),
    );
    expect(maxDifference(out, await onTemplate(design))).toBeLessThanOrEqual(1);
  });

  it('centres a sized frame when no position is given', async () => {
    const art = await gradient(6, 6);
    const out = await render({ asset: art, size: { width: 6, height: 6 }, background: '#00ff00' });
    const design = await rgba(
      sharp({ create: { width: 20, height: 20, channels: 4, background: '#00ff00' } }).composite([
        { input: art, left: 7, top: 7 },
      ]),
    );
    expect(maxDifference(out, await onTemplate(design))).toBeLessThanOrEqual(1);
  });

  it('applies the adjustments to the artwork only, not to its background', async () => {
    const art = await gradient(20, 20);
    const out = await render({
      asset: art,
      size: { width: 10, height: 10 },
      position: { top: 0, left: 0 },
      background: '#336699',
      adjustments: { opacity: 0, brightness: 100 },
    });
    // Fully transparent artwork: the background alone, unchanged by the brightness.
    const design = await rgba(
      sharp({ create: { width: 20, height: 20, channels: 4, background: '#336699' } }),
    );
    expect(maxDifference(out, await onTemplate(design))).toBe(0);
  });

  it('tiles from the frame’s corner when the frame starts off the smart object', async () => {
    const art = await gradient(10, 6);
    const out = await render({
      asset: art,
      fit: 'tile',
      tile_scale: 20,
      size: { width: 30, height: 30 },
      position: { top: -4, left: -7 },
      background: '#ffffff',
    });
    // 20 % of 30 px: 6 × 4 px tiles (6 × 3.6 rounded), repeating from (-7, -4).
    const tile = await sharp(art).resize(6, 4, { fit: 'fill' }).png().toBuffer();
    const plane = await rgba(
      sharp({ create: { width: 30, height: 30, channels: 4, background: '#ffffff' } }).composite([
        { input: tile, tile: true, gravity: 'northwest' },
      ]),
    );
    const design = await rgba(
      sharp(plane, { raw: { width: 30, height: 30, channels: 4 } }).extract({
        left: 7,
        top: 4,
        width: 20,
        height: 20,
      }),
    );
    expect(maxDifference(out, await onTemplate(design))).toBeLessThanOrEqual(1);
  });

  it('decodes only the visible part of a tile far larger than the smart object', async () => {
    const art = await gradient(10, 10);
    const out = await render({
      asset: art,
      fit: 'tile',
      size: { width: 20_000, height: 20_000 },
      position: { top: -10_000, left: -10_000 },
    });
    const part = await rgba(
      sharp(art)
        .resize(20_000, 20_000, { fit: 'fill' })
        .extract({ left: 10_000, top: 10_000, width: 20, height: 20 }),
    );
    expect(maxDifference(out, await onTemplate(part))).toBeLessThanOrEqual(1);
  });

  it('refuses a tile whose seam shows when the whole tile would be wider than 8192 px', async () => {
    await expect(
      render({
        asset: await gradient(10, 10),
        fit: 'tile',
        tile_scale: 50,
        size: { width: 20_000, height: 20 },
        position: { top: 0, left: -9_990 },
      }),
    ).rejects.toBeInstanceOf(AssetTooLargeError);
  });

  it.each([
    ['a negative size', { size: { width: -1, height: 5 } }, 'size must be positive'],
    [
      'a position that is not a number',
      { position: { top: Number.NaN, left: 0 } },
      'position must be numbers',
    ],
    ['a zero tile_scale', { fit: 'tile' as const, tile_scale: 0 }, 'tile_scale must be positive'],
    ['a background that is not #rrggbb', { background: 'blue' }, 'background blue is not #rrggbb'],
    [
      'an adjustment that is not a number',
      { adjustments: { blur: Number.POSITIVE_INFINITY } },
      'adjustments must be numbers',
    ],
  ])('refuses %s as RENDER_FAILED, naming it', async (_what, input, message) => {
    await expect(render({ asset: await gradient(4, 4), ...input })).rejects.toMatchObject({
      code: 'RENDER_FAILED',
      message,
    });
  });
});
