// Adjustment layers and isolated groups, rendered through the compositor and compared pixel by pixel
// with the formulas written out here: an adjustment replaces the colours under it by f(colour) in
// proportion to opacity × mask; a group composes its layers over transparency and the result is
// blended onto the canvas as one layer.
import sharp from 'sharp';
import type { Compositor } from './compositor.js';
import { createCompositor } from './compositor.js';
import { createKernelPool } from './kernel-pool.js';
import type { TemplateLayerInput } from './template-model.js';
import { smartObjectsOf, templateManifestSchema } from './template-model.js';

const W = 32;
const H = 24;
const SO = '00000000-0000-4000-8000-0000000000a1';
const ART = [0x33, 0x66, 0xcc];
const TINT = [255, 128, 0];
/** The smart object's box (the artwork fills it). */
const BOX = { x: 8, y: 6, width: 16, height: 12 };
/** The tint layer's box. */
const TINT_BOX = { x: 4, y: 4, width: 12, height: 10 };

type Rgb = [number, number, number];

const bgAt = (x: number, y: number): Rgb => [x * 8, y * 10, 128];
const inBox = (box: typeof BOX, x: number, y: number) =>
  x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;

async function png(width: number, height: number, pixel: (x: number, y: number) => number[], channels = 3) {
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * channels);
  return sharp(data, { raw: { width, height, channels: channels as 3 | 4 } })
    .png()
    .toBuffer();
}

const smartObject = (extra: Record<string, unknown> = {}): TemplateLayerInput => ({
  type: 'smart_object',
  uuid: SO,
  name: 'Art',
  layer_name: 'Art',
  size: { width: BOX.width, height: BOX.height },
  position: BOX,
  quad: null,
  ...extra,
});
const background: TemplateLayerInput = { type: 'image', name: 'Background', asset: 'bg.png' };
const tint = (extra: Record<string, unknown> = {}): TemplateLayerInput => ({
  type: 'image',
  name: 'Tint',
  asset: 'tint.png',
  x: TINT_BOX.x,
  y: TINT_BOX.y,
  ...extra,
});

describe('layer stack: adjustment layers and isolated groups', () => {
  let compositor: Compositor;
  let assets: Map<string, Buffer>;
  let artwork: Buffer;
  let version = 0;

  beforeAll(async () => {
    compositor = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 50_000_000 });
    artwork = await png(BOX.width, BOX.height, () => ART);
    assets = new Map([
      ['bg.png', await png(W, H, bgAt)],
      ['tint.png', await png(TINT_BOX.width, TINT_BOX.height, () => TINT)],
      // White on the left half of the canvas, black on the right.
      ['left.png', await png(W, H, (x) => (x < W / 2 ? [255] : [0]), 1)],
    ]);
  });

  async function render(layers: TemplateLayerInput[], using = compositor) {
    const manifest = templateManifestSchema.parse({ width: W, height: H, layers });
    const prepared = await using.prepare({ id: 'stack', version: ++version, manifest }, assets);
    const inputs = smartObjectsOf(manifest).map((so) => ({
      uuid: so.uuid,
      asset: artwork,
      fit: 'fill' as const,
      rotate: 0,
    }));
    const { data } = await using.render(prepared, inputs, { format: 'png' });
    const raw = await sharp(data).removeAlpha().raw().toBuffer();
    return { raw, prepared };
  }

  /** The largest channel difference between the render and the expected pixel function. */
  function worst(raw: Buffer, expected: (x: number, y: number) => number[]): number {
    let max = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const want = expected(x, y);
        for (let c = 0; c < 3; c++) max = Math.max(max, Math.abs(raw[(y * W + x) * 3 + c]! - want[c]!));
      }
    }
    return max;
  }

  const mix = (a: number[], b: number[], t: number) => a.map((v, c) => v + (b[c]! - v) * t);
  const withArt = (x: number, y: number): number[] => (inBox(BOX, x, y) ? ART : bgAt(x, y));

  it('recolours the artwork and the backdrop under an adjustment layer, faded by its opacity and mask', async () => {
    const { raw } = await render([
      background,
      smartObject(),
      {
        type: 'adjustment',
        name: 'Invert',
        filters: [{ kind: 'invert', params: {} }],
        opacity: 0.75,
        mask: { asset: 'left.png' },
      },
    ]);
    expect(
      worst(raw, (x, y) => {
        const under = withArt(x, y);
        return mix(
          under,
          under.map((v) => 255 - v),
          x < W / 2 ? 0.75 : 0,
        );
      }),
    ).toBeLessThanOrEqual(1);
  });

  it('applies an adjustment under the smart object to the backdrop only', async () => {
    const { raw } = await render([
      background,
      {
        type: 'adjustment',
        name: 'Levels',
        filters: [{ kind: 'levels', params: { composite: { out_white: 128 } } }],
      },
      smartObject(),
    ]);
    expect(
      worst(raw, (x, y) => (inBox(BOX, x, y) ? ART : bgAt(x, y).map((v) => (v * 128) / 255))),
    ).toBeLessThanOrEqual(1);
  });

  /** The group of tint (normal) and artwork (screen) composed over transparency: null where empty. */
  const groupPixel = (x: number, y: number): number[] | null => {
    const t = inBox(TINT_BOX, x, y);
    const a = inBox(BOX, x, y);
    if (t && a) return TINT.map((b, c) => 255 - ((255 - b) * (255 - ART[c]!)) / 255);
    return a ? ART : t ? TINT : null;
  };

  it.each([
    ['with a smart object inside (recomposed per render)', smartObject({ blend_mode: 'screen' })],
    [
      'without one (composed once at preparation)',
      { type: 'image', name: 'Art', asset: 'art.png', x: BOX.x, y: BOX.y, blend_mode: 'screen' },
    ],
  ] as [string, TemplateLayerInput][])(
    'composes an isolated multiply group %s on its own, then multiplies it onto the canvas',
    async (_label, inner) => {
      assets.set('art.png', artwork);
      const { raw, prepared } = await render([
        background,
        { type: 'group', name: 'Group', blend_mode: 'multiply', opacity: 0.8, layers: [tint(), inner] },
        ...(inner.type === 'image' ? [smartObject({ position: { x: 0, y: 0, width: 2, height: 2 } })] : []),
      ]);
      expect(prepared.steps.some((step) => step.kind === 'group')).toBe(inner.type !== 'image');
      expect(
        worst(raw, (x, y) => {
          if (inner.type === 'image' && x < 2 && y < 2) return ART;
          const bg = bgAt(x, y);
          const g = groupPixel(x, y);
          return g
            ? mix(
                bg,
                bg.map((v, c) => (v * g[c]!) / 255),
                0.8,
              )
            : bg;
        }),
      ).toBeLessThanOrEqual(1);
    },
  );

  it("hides a group outside its mask: the artwork's difference mode only meets the group's own pixels", async () => {
    const { raw } = await render([
      background,
      {
        type: 'group',
        name: 'Masked',
        mask: { asset: 'left.png' },
        layers: [smartObject({ blend_mode: 'difference' })],
      },
    ]);
    expect(worst(raw, (x, y) => (x < W / 2 && inBox(BOX, x, y) ? ART : bgAt(x, y)))).toBeLessThanOrEqual(1);
  });

  it('fades a pass-through group in as a whole: its adjustment still reaches the backdrop', async () => {
    const { raw } = await render([
      background,
      {
        type: 'group',
        name: 'Through',
        pass_through: true,
        opacity: 0.6,
        mask: { asset: 'left.png' },
        layers: [
          smartObject(),
          { type: 'adjustment', name: 'Invert', filters: [{ kind: 'invert', params: {} }] },
        ],
      },
    ]);
    expect(
      worst(raw, (x, y) => {
        const inverted = withArt(x, y).map((v) => 255 - v);
        return mix(bgAt(x, y), inverted, x < W / 2 ? 0.6 : 0);
      }),
    ).toBeLessThanOrEqual(1);
  });

  it('keeps an adjustment inside an isolated group to the layers of that group', async () => {
    const { raw } = await render([
      background,
      {
        type: 'group',
        name: 'Group',
        layers: [
          smartObject(),
          { type: 'adjustment', name: 'Invert', filters: [{ kind: 'invert', params: {} }] },
        ],
      },
    ]);
    expect(
      worst(raw, (x, y) => (inBox(BOX, x, y) ? ART.map((v) => 255 - v) : bgAt(x, y))),
    ).toBeLessThanOrEqual(1);
  });

  it('draws the same pixels on a kernel thread (groups and adjustments cross to it intact)', async () => {
    // The built worker: `npx tsc -p packages/compositor/tsconfig.build.json` first.
    const pool = createKernelPool({
      threads: 1,
      workerUrl: new URL('../dist/kernel-worker.js', import.meta.url),
    });
    try {
      const threaded = createCompositor({ pool, cacheBytes: 10_000_000 });
      const layers: TemplateLayerInput[] = [
        background,
        {
          type: 'group',
          name: 'Group',
          blend_mode: 'multiply',
          opacity: 0.8,
          layers: [tint(), smartObject({ blend_mode: 'screen' })],
        },
        { type: 'adjustment', name: 'Invert', filters: [{ kind: 'invert', params: {} }], opacity: 0.3 },
      ];
      const [inline, onThread] = await Promise.all([render(layers), render(layers, threaded)]);
      expect(onThread.raw.equals(inline.raw)).toBe(true);
      expect(worst(onThread.raw, (x, y) => bgAt(x, y))).toBeGreaterThan(10);
    } finally {
      await pool.close();
    }
  });

  it('refuses a blur in an adjustment layer, groups nested too deep and too many layers in groups', () => {
    const base = { width: W, height: H };
    expect(
      templateManifestSchema.safeParse({
        ...base,
        layers: [
          { type: 'adjustment', name: 'Blur', filters: [{ kind: 'gaussian_blur', params: { radius: 2 } }] },
        ],
      }).success,
    ).toBe(false);
    let nested: TemplateLayerInput = background;
    for (let depth = 0; depth < 17; depth++) nested = { type: 'group', name: `G${depth}`, layers: [nested] };
    expect(templateManifestSchema.safeParse({ ...base, layers: [nested] }).success).toBe(false);
    const many = Array.from({ length: 101 }, () => background);
    expect(
      templateManifestSchema.safeParse({
        ...base,
        layers: [
          { type: 'group', name: 'A', layers: many },
          { type: 'group', name: 'B', layers: many },
        ],
      }).success,
    ).toBe(false);
  });

  it('finds smart objects inside groups', () => {
    const manifest = templateManifestSchema.parse({
      width: W,
      height: H,
      layers: [
        background,
        { type: 'group', name: 'G', layers: [{ type: 'group', name: 'H', layers: [smartObject()] }] },
      ],
    });
    expect(smartObjectsOf(manifest).map((so) => so.uuid)).toEqual([SO]);
  });
});
