// Issue #9, hostile artwork at the compositor: every case of @platen/testing's hostile-image list is
// either refused with the typed error its API code promises or rendered as it is displayed (its
// colours land where they should in the composite).
import {
  animated,
  exifRotatedJpeg,
  manyFramesWebp,
  HOSTILE_BLUE,
  HOSTILE_RED,
  hostileImages,
  lookProbes,
  pngBomb,
  type HostileImage,
} from '@platen/testing';
import sharp from 'sharp';
import { AssetNotAnImageError, AssetTooLargeError, type CompositorError } from './compositor-errors.js';
import { createCompositor, type Compositor } from './compositor.js';
import { createKernelPool } from './kernel-pool.js';
import { MAX_IMAGE_FRAMES } from './sharp-media.js';
import type { FitMode, TemplateManifestInput } from './template-model.js';

jest.setTimeout(60_000);

const SO = '00000000-0000-4000-8000-0000000000a1';
const CANVAS = 60;
/** The smart object's box in the 60 × 60 output: the artwork is filled into it. */
const BOX = { left: 10, top: 10, width: 40, height: 40 };
/** The template's base, which must show wherever the artwork is transparent. */
const BASE = [0, 255, 0];
const TOLERANCE = 40;

const manifest: TemplateManifestInput = {
  width: CANVAS,
  height: CANVAS,
  layers: [
    { type: 'image', name: 'base', asset: 'base.png' },
    {
      type: 'smart_object',
      uuid: SO,
      name: 'Art',
      layer_name: 'Art',
      size: { width: BOX.width, height: BOX.height },
      position: { x: BOX.left, y: BOX.top, width: BOX.width, height: BOX.height },
      quad: null,
    },
  ],
};

interface Pixels {
  data: Buffer;
  width: number;
}

function rgbAt(image: Pixels, x: number, y: number): number[] {
  const i = (y * image.width + x) * 3;
  return [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
}

interface Probe {
  x: number;
  y: number;
  expected: readonly number[] | 'transparent';
}

/** The probes whose pixel is not within TOLERANCE of its colour ('transparent': the base shows). */
function mismatches(image: Pixels, probes: Probe[]): string[] {
  return probes.flatMap(({ x, y, expected }) => {
    const color = expected === 'transparent' ? BASE : expected;
    const actual = rgbAt(image, x, y);
    const near = actual.every((value, i) => Math.abs(value - color[i]!) <= TOLERANCE);
    return near ? [] : [`(${x}, ${y}) is rgb(${actual.join(', ')}), expected rgb(${color.join(', ')})`];
  });
}

let cases: HostileImage[];
let compositor: Compositor;
let base: Buffer;

beforeAll(async () => {
  cases = await hostileImages();
  compositor = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 16_000_000 });
  base = await sharp({ create: { width: CANVAS, height: CANVAS, channels: 3, background: '#00ff00' } })
    .png()
    .toBuffer();
});

async function render(
  asset: Buffer,
  {
    fit = 'fill',
    rotate = 0,
    using = compositor,
  }: { fit?: FitMode; rotate?: number; using?: Compositor } = {},
): Promise<Pixels> {
  const prepared = await using.prepare(
    { id: 'hostile', version: 1, manifest },
    new Map([['base.png', base]]),
  );
  const out = await using.render(prepared, [{ uuid: SO, asset, fit, rotate }], { format: 'png' });
  const { data, info } = await sharp(out.data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  expect([info.width, info.height]).toEqual([CANVAS, CANVAS]);
  return { data, width: info.width };
}

function byName(name: string): HostileImage {
  const found = cases.find((entry) => entry.name === name);
  if (!found) throw new Error(`no hostile case ${name}`);
  return found;
}

describe('refused hostile artwork', () => {
  it.each([
    ['png-bomb', AssetTooLargeError],
    ['jpeg-bomb', AssetTooLargeError],
    ['gif-bomb', AssetTooLargeError],
    ['webp-bomb', AssetTooLargeError],
    ['animated-webp-200000', AssetTooLargeError],
    ['truncated-jpeg', AssetNotAnImageError],
    ['truncated-png', AssetNotAnImageError],
    ['jpeg-magic-on-png', AssetNotAnImageError],
    ['png-magic-then-garbage', AssetNotAnImageError],
    ['random-bytes', AssetNotAnImageError],
    ['gif-header-html', AssetNotAnImageError],
  ])('refuses %s with %p and the code the list promises', async (name, errorClass) => {
    const hostile = byName(name);
    expect(hostile.expected.outcome).toBe('refused');

    const error = (await render(hostile.bytes).catch((caught: unknown) => caught)) as CompositorError;

    expect(error).toBeInstanceOf(errorClass);
    expect(error.code).toBe(hostile.expected.outcome === 'refused' && hostile.expected.code);
  });

  it('refuses a bomb before decoding it: a 60,000² PNG is refused even when cropped into any fit', async () => {
    for (const fit of ['cover', 'contain', 'fill'] as const) {
      await expect(render(pngBomb(), { fit })).rejects.toBeInstanceOf(AssetTooLargeError);
    }
  });

  it('refuses a truncated JPEG also when it is rotated (the rotate path decodes on its own)', async () => {
    await expect(render(byName('truncated-jpeg').bytes, { rotate: 90 })).rejects.toBeInstanceOf(
      AssetNotAnImageError,
    );
  });
});

describe('hostile artwork that is a valid image renders as it is displayed', () => {
  const rendered = [
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

  it('covers every case the list promises to render', () => {
    expect(cases.filter((entry) => entry.expected.outcome === 'rendered').map((entry) => entry.name)).toEqual(
      rendered,
    );
  });

  it.each(rendered)('renders %s with its colours where the list says', async (name) => {
    const hostile = byName(name);
    if (hostile.expected.outcome !== 'rendered') throw new Error(`${name} is not a rendered case`);

    const out = await render(hostile.bytes);

    // Outside the box the template is untouched.
    const untouched = { x: 2, y: 2, expected: 'transparent' } as const;
    expect(mismatches(out, [...lookProbes(hostile.expected.looks, BOX), untouched])).toEqual([]);
  });
});

describe('EXIF orientation', () => {
  it('applies orientation 6 before the requested rotation: red on top, turned 90° clockwise, lands on the right', async () => {
    const out = await render(await exifRotatedJpeg(6), { rotate: 90 });

    expect(
      mismatches(out, [
        { x: 20, y: 30, expected: HOSTILE_BLUE },
        { x: 40, y: 30, expected: HOSTILE_RED },
      ]),
    ).toEqual([]);
  });

  it('fits the displayed (portrait) shape, not the stored (landscape) one: contain letterboxes left and right', async () => {
    // Stored 40 × 20, shown 20 × 40: contained in the 40 × 40 box it spans x 20–40.
    const out = await render(await exifRotatedJpeg(8), { fit: 'contain' });

    expect(
      mismatches(out, [
        { x: 14, y: 30, expected: 'transparent' },
        { x: 30, y: 15, expected: HOSTILE_BLUE },
        { x: 30, y: 45, expected: HOSTILE_RED },
        { x: 46, y: 30, expected: 'transparent' },
      ]),
    ).toEqual([]);
  });
});

describe('animated artwork is its first frame', () => {
  it('decodes only the first of 10,000 frames: it renders under a pixel cap the whole stack exceeds', async () => {
    // 10,000 frames of 4 × 4 are 160,000 pixels; one frame is 16. A decoder that read every
    // frame would be refused (or would hold them all) under a 100,000-pixel cap.
    const capped = createCompositor({
      pool: createKernelPool({ threads: 0 }),
      cacheBytes: 16_000_000,
      limitInputPixels: 100_000,
    });
    for (const format of ['gif', 'webp'] as const) {
      const out = await render(await animated(format), { using: capped });
      expect(mismatches(out, [{ x: 30, y: 30, expected: HOSTILE_RED }])).toEqual([]);
    }
  });

  it(`renders ${MAX_IMAGE_FRAMES} frames and refuses one more as ASSET_TOO_LARGE, for WebP and GIF alike`, async () => {
    expect(MAX_IMAGE_FRAMES).toBe(10_000);
    const atLimit = await render(await manyFramesWebp(MAX_IMAGE_FRAMES));
    expect(mismatches(atLimit, [{ x: 30, y: 30, expected: HOSTILE_RED }])).toEqual([]);

    for (const overLimit of [
      await manyFramesWebp(MAX_IMAGE_FRAMES + 1),
      await animated('gif', MAX_IMAGE_FRAMES + 1),
    ]) {
      await expect(render(overLimit)).rejects.toMatchObject({
        code: 'ASSET_TOO_LARGE',
        message: `Asset has more than ${MAX_IMAGE_FRAMES} frames`,
      });
    }
  });

  it('refuses the largest frame count 25 MB can hold (≈ 520,000 WebP frames) without handing it to libvips', async () => {
    // libvips would spend many minutes of CPU reading this header (quadratic in frames); counted
    // first, it is refused like any other oversized asset.
    const huge = await manyFramesWebp(520_000);
    expect(huge.length).toBeLessThanOrEqual(25 * 1024 * 1024);

    await expect(render(huge)).rejects.toBeInstanceOf(AssetTooLargeError);
  });

  it('refuses such a WebP as a template layer too (a mockup import) with RENDER_FAILED, naming the asset', async () => {
    const prepared = compositor.prepare(
      { id: 'hostile-layer', version: 1, manifest },
      new Map([['base.png', await manyFramesWebp(520_000)]]),
    );

    await expect(prepared).rejects.toMatchObject({
      code: 'RENDER_FAILED',
      message: 'template asset "base.png" could not be decoded',
      cause: { code: 'ASSET_TOO_LARGE' },
    });
  });

  it('still applies the pixel cap to that first frame', async () => {
    const capped = createCompositor({
      pool: createKernelPool({ threads: 0 }),
      cacheBytes: 16_000_000,
      limitInputPixels: 5_000,
    });
    // 80 × 80 = 6,400 pixels per frame, over the cap of 5,000 (the 60 × 60 template is under it).
    await expect(render(await animated('gif', 3, 80), { using: capped })).rejects.toBeInstanceOf(
      AssetTooLargeError,
    );
  });
});

describe('extreme aspect ratios', () => {
  it.each(['cover', 'contain'] as const)(
    'renders a 20,000 × 4 strip with fit %s without failing on a zero-pixel resize',
    async (fit) => {
      const out = await render(byName('strip-20000x4').bytes, { fit });

      // cover: the middle 40 × 40 of a 200,000 × 40 scale-up, where red meets blue; contain: a
      // one-pixel line across the middle of the box, the template all around it.
      if (fit === 'cover') {
        expect(
          mismatches(out, [
            { x: 20, y: 30, expected: HOSTILE_RED },
            { x: 40, y: 30, expected: HOSTILE_BLUE },
          ]),
        ).toEqual([]);
      } else {
        expect(
          mismatches(out, [
            { x: 30, y: 15, expected: 'transparent' },
            { x: 30, y: 45, expected: 'transparent' },
          ]),
        ).toEqual([]);
      }
    },
  );

  it('renders a 20,000 × 4 strip rotated by 90° (the rotate path shrinks it first)', async () => {
    const out = await render(byName('strip-20000x4').bytes, { rotate: 90 });

    // Turned clockwise the red (left) half is on top; 'fill' stretches it over the box.
    expect(
      mismatches(out, [
        { x: 30, y: 20, expected: HOSTILE_RED },
        { x: 30, y: 40, expected: HOSTILE_BLUE },
      ]),
    ).toEqual([]);
  });
});
