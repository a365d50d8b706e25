// A smart object's effects are drawn at render time from the artwork it shows: the same template
// casts a different shadow (and stroke) for each artwork. Expected pixels are computed here, per
// pixel, from the artwork's ideal alpha: moved, blurred (three box blurs), coloured, composited.
import sharp from 'sharp';
import { createCompositor } from './compositor.js';
import { createKernelPool } from './kernel-pool.js';
import type { SmartObjectEffectInput, TemplateManifestInput } from './template-model.js';
import { templateManifestSchema } from './template-model.js';

const SO = '00000000-0000-4000-8000-000000000001';
const SIZE = 80;
const ART = { x: 20, y: 20, side: 30 };
/** The artwork's transparent hole, in its own pixels. */
const HOLE = { from: 10, to: 20 };

type EffectInput = SmartObjectEffectInput;

function manifest(effects: EffectInput[] | undefined, opacity = 1): TemplateManifestInput {
  return {
    width: SIZE,
    height: SIZE,
    layers: [
      { type: 'image', name: 'paper', asset: 'paper.png' },
      {
        type: 'smart_object',
        uuid: SO,
        name: 'Design',
        layer_name: 'Design',
        size: { width: ART.side, height: ART.side },
        position: { x: ART.x, y: ART.y, width: ART.side, height: ART.side },
        quad: null,
        ...(effects ? { effects } : {}),
        opacity,
      },
    ],
  };
}

/** The artwork's alpha (0 or 1) at a canvas pixel: a red square, with or without a hole. */
function artAlpha(withHole: boolean) {
  return (x: number, y: number): number => {
    const [u, v] = [x - ART.x, y - ART.y];
    if (u < 0 || v < 0 || u >= ART.side || v >= ART.side) return 0;
    const inHole = u >= HOLE.from && u < HOLE.to && v >= HOLE.from && v < HOLE.to;
    return withHole && inHole ? 0 : 1;
  };
}

async function artwork(withHole: boolean): Promise<Buffer> {
  const data = Buffer.alloc(ART.side * ART.side * 4);
  const alpha = artAlpha(withHole);
  for (let v = 0; v < ART.side; v++) {
    for (let u = 0; u < ART.side; u++) {
      const i = (v * ART.side + u) * 4;
      data[i] = 255;
      data[i + 3] = alpha(u + ART.x, v + ART.y) * 255;
    }
  }
  return sharp(data, { raw: { width: ART.side, height: ART.side, channels: 4 } })
    .png()
    .toBuffer();
}

/** Three passes of a box blur of `radius` along x then y, summed directly (outside counts as 0). */
function blurred(plane: number[][], radius: number): number[][] {
  let out = plane;
  const span = 2 * radius + 1;
  const at = (p: number[][], x: number, y: number) =>
    x < 0 || y < 0 || x >= SIZE || y >= SIZE ? 0 : p[y]![x]!;
  for (let pass = 0; pass < 3; pass++) {
    const rows = out.map((row, y) =>
      row.map((_, x) => {
        let sum = 0;
        for (let k = -radius; k <= radius; k++) sum += at(out, x + k, y);
        return sum / span;
      }),
    );
    out = rows.map((row, y) =>
      row.map((_, x) => {
        let sum = 0;
        for (let k = -radius; k <= radius; k++) sum += at(rows, x, y + k);
        return sum / span;
      }),
    );
  }
  return out;
}

const grid = (f: (x: number, y: number) => number) =>
  Array.from({ length: SIZE }, (_, y) => Array.from({ length: SIZE }, (_, x) => f(x, y)));

describe('smart object effects at render time', () => {
  const pool = createKernelPool({ threads: 0 });
  const compositor = createCompositor({ pool, cacheBytes: 50_000_000 });
  let version = 0;

  async function render(effects: EffectInput[] | undefined, withHole: boolean, opacity = 1) {
    const paper = await sharp({ create: { width: SIZE, height: SIZE, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
    const prepared = await compositor.prepare(
      { id: 'effects', version: ++version, manifest: manifest(effects, opacity) },
      new Map([['paper.png', paper]]),
    );
    const out = await compositor.render(
      prepared,
      [{ uuid: SO, asset: await artwork(withHole), fit: 'fill', rotate: 0 }],
      { format: 'png' },
    );
    const { data, info } = await sharp(out.data).raw().toBuffer({ resolveWithObject: true });
    return (x: number, y: number) => {
      const i = (y * info.width + x) * info.channels;
      return [data[i]!, data[i + 1]!, data[i + 2]!];
    };
  }

  /** The largest channel difference between the render and `expected`, over the whole canvas. */
  function worstDifference(
    at: (x: number, y: number) => number[],
    expected: (x: number, y: number) => number[],
  ) {
    let worst = { by: 0, x: -1, y: -1 };
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const [got, want] = [at(x, y), expected(x, y)];
        const by = Math.max(...got.map((value, c) => Math.abs(value - want[c]!)));
        if (by > worst.by) worst = { by, x, y };
      }
    }
    return worst;
  }

  // Light from 120°: the shadow falls 3 px right and 5 px down; size 3 is three blurs of radius 1.
  const shadow: EffectInput = {
    type: 'drop_shadow',
    color: '#3366cc',
    opacity: 0.75,
    blend_mode: 'multiply',
    angle: 120,
    distance: 6,
    size: 3,
    spread: 0,
  };

  function expectedWithShadow(withHole: boolean) {
    const alpha = artAlpha(withHole);
    const cast = blurred(
      grid((x, y) => alpha(x - 3, y - 5)),
      1,
    );
    const color = [0x33, 0x66, 0xcc];
    return (x: number, y: number) => {
      if (alpha(x, y) === 1) return [255, 0, 0];
      const a = cast[y]![x]! * 0.75;
      // Multiply over white is the shadow's colour itself.
      return color.map((c) => 255 + (c - 255) * a);
    };
  }

  it.each([
    ['a solid artwork', false],
    ['an artwork with a transparent hole', true],
  ])('casts the drop shadow of %s, shaped by its own alpha', async (_name, withHole) => {
    const at = await render([shadow], withHole);
    expect(worstDifference(at, expectedWithShadow(withHole)).by).toBeLessThanOrEqual(2);
  });

  it.each([
    ['a solid artwork', false],
    ['an artwork with a transparent hole', true],
  ])(
    "fades %s and its shadow as one picture by the layer's opacity: the shadow stays hidden under it",
    async (_name, withHole) => {
      const whole = expectedWithShadow(withHole);
      // Photoshop's rule: the layer and its effects composed over the backdrop, then mixed with it.
      const expected = (x: number, y: number) => whole(x, y).map((c) => 255 + (c - 255) * 0.4);
      const at = await render([shadow], withHole, 0.4);
      expect(worstDifference(at, expected).by).toBeLessThanOrEqual(2);
      // Under the artwork's middle (shadow beneath it) the pixel is the faded red alone.
      expect(at(ART.x + 25, ART.y + 25)).toEqual([255, 153, 153]);
    },
  );

  it("lets the shadow show through the artwork's hole only where the moved hole does not fall", async () => {
    const at = await render([shadow], true);
    // Inside the hole, near its top-left corner the cast artwork covers it; near its bottom-right
    // the cast hole leaves the paper white.
    const [hx, hy] = [ART.x + HOLE.from, ART.y + HOLE.from];
    expect(at(hx, hy)[0]).toBeLessThan(150);
    expect(at(hx + 9, hy + 9)).toEqual([255, 255, 255]);
    const solid = await render([shadow], false);
    expect(solid(hx, hy)).toEqual([255, 0, 0]);
  });

  it('draws an outside stroke around the artwork and inside its hole', async () => {
    const stroke: EffectInput = { type: 'stroke', color: '#00ff00', size: 3, position: 'outside' };
    const alpha = artAlpha(true);
    const inside: [number, number][] = [];
    for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) if (alpha(x, y)) inside.push([x, y]);
    const expected = (x: number, y: number) => {
      if (alpha(x, y) === 1) return [255, 0, 0];
      const d = Math.min(...inside.map(([ix, iy]) => Math.hypot(ix - x, iy - y)));
      // A band of whole pixels 3 wide, anti-aliased over one pixel.
      const a = Math.max(0, Math.min(1, 3 - d + 1));
      return [255 * (1 - a), 255, 255 * (1 - a)];
    };
    const at = await render([stroke], true);
    expect(worstDifference(at, expected).by).toBeLessThanOrEqual(2);
  });

  it.each([
    ['a solid artwork', false],
    ['an artwork with a transparent hole', true],
  ])(
    'paints a colour overlay and an inner shadow into %s only, from its own edges',
    async (_name, withHole) => {
      const effects: EffectInput[] = [
        { type: 'inner_shadow', color: '#000000', blend_mode: 'multiply', angle: 120, distance: 6, size: 3 },
        { type: 'color_overlay', color: '#00ff00', opacity: 0.5 },
      ];
      const alpha = artAlpha(withHole);
      // What lies outside the artwork, moved 3 px right and 5 down, blurred: the shadow inside it.
      const outside = blurred(
        grid((x, y) => 1 - alpha(x - 3, y - 5)),
        1,
      );
      // The overlay first (half green over red), then the shadow multiplied in.
      const overlaid = [128, 128, 0];
      const expected = (x: number, y: number) =>
        alpha(x, y) ? overlaid.map((c) => c * (1 - outside[y]![x]!)) : [255, 255, 255];
      const at = await render(effects, withHole);
      expect(worstDifference(at, expected).by).toBeLessThanOrEqual(2);
    },
  );

  it('paints a reflected gradient overlay into the artwork only, mirrored about its centre', async () => {
    const gradient: EffectInput = {
      type: 'gradient_overlay',
      opacity: 0.8,
      style: 'reflected',
      angle: 90,
      smoothness: 0,
      colors: [
        { location: 0, color: '#00ff00' },
        { location: 1, color: '#0000ff', midpoint: 0.25 },
      ],
    };
    const alpha = artAlpha(true);
    const expected = (x: number, y: number) => {
      if (!alpha(x, y)) return [255, 255, 255];
      // Upwards from the artwork's middle row, the same each way, its ends at the top and bottom edges.
      const u = Math.min(1, (Math.abs(y + 0.5 - (ART.y + ART.side / 2)) / ART.side) * 2);
      // A quarter of the way the midpoint already gives the half-way mix.
      const w = u < 0.25 ? (0.5 * u) / 0.25 : 0.5 + (0.5 * (u - 0.25)) / 0.75;
      const over = [0, 255 * (1 - w), 255 * w];
      return [255, 0, 0].map((art, c) => art + (over[c]! - art) * 0.8);
    };
    const at = await render([gradient], true);
    expect(worstDifference(at, expected).by).toBeLessThanOrEqual(2);
  });

  describe('of an artwork partly off the canvas', () => {
    /** A 30 px square whose left half lies beyond the canvas's left edge. */
    const OFF = { x: -15, y: 20, side: 30 };
    const offAlpha = (x: number, y: number) =>
      x >= OFF.x && x < OFF.x + OFF.side && y >= OFF.y && y < OFF.y + OFF.side ? 1 : 0;

    async function renderOff(effects: EffectInput[]) {
      const layers = manifest(effects).layers;
      const so = { ...layers[1], position: { x: OFF.x, y: OFF.y, width: OFF.side, height: OFF.side } };
      const paper = await sharp({ create: { width: SIZE, height: SIZE, channels: 3, background: '#ffffff' } })
        .png()
        .toBuffer();
      const prepared = await compositor.prepare(
        {
          id: 'off-canvas',
          version: ++version,
          manifest: { width: SIZE, height: SIZE, layers: [layers[0]!, so] } as TemplateManifestInput,
        },
        new Map([['paper.png', paper]]),
      );
      const art = await sharp({
        create: { width: OFF.side, height: OFF.side, channels: 4, background: '#ff0000ff' },
      })
        .png()
        .toBuffer();
      const out = await compositor.render(prepared, [{ uuid: SO, asset: art, fit: 'fill', rotate: 0 }], {
        format: 'png',
      });
      const { data, info } = await sharp(out.data).raw().toBuffer({ resolveWithObject: true });
      return (x: number, y: number) => [
        ...data.subarray((y * SIZE + x) * info.channels, (y * SIZE + x) * info.channels + 3),
      ];
    }

    /** `f` under three box blurs of `radius`, summed directly over the canvas and 40 px beyond it. */
    function blurredBeyond(f: (x: number, y: number) => number, radius: number) {
      const PAD = 40;
      let plane = Array.from({ length: SIZE + 2 * PAD }, (_, j) =>
        Array.from({ length: SIZE + 2 * PAD }, (_, i) => f(i - PAD, j - PAD)),
      );
      const taps = Array.from({ length: 2 * radius + 1 }, (_, k) => k - radius);
      const at = (p: number[][], i: number, j: number) => p[j]?.[i] ?? 0;
      for (let pass = 0; pass < 3; pass++) {
        const rows = plane.map((row, j) =>
          row.map((_, i) => taps.reduce((sum, k) => sum + at(plane, i + k, j), 0) / taps.length),
        );
        plane = rows.map((row, j) =>
          row.map((_, i) => taps.reduce((sum, k) => sum + at(rows, i, j + k), 0) / taps.length),
        );
      }
      return (x: number, y: number) => plane[y + PAD]![x + PAD]!;
    }

    it('casts the blurred shadow of the whole artwork, the part beyond the canvas included', async () => {
      // Light from the left (180°): the shadow falls 4 px right; size 9 is three blurs of radius 3.
      const at = await renderOff([
        { type: 'drop_shadow', color: '#000000', opacity: 1, angle: 180, distance: 4, size: 9 },
      ]);
      const cast = blurredBeyond((x, y) => offAlpha(x - 4, y), 3);
      const expected = (x: number, y: number) =>
        offAlpha(x, y) ? [255, 0, 0] : [0, 1, 2].map(() => 255 * (1 - cast(x, y)));
      expect(worstDifference(at, expected).by).toBeLessThanOrEqual(2);
    });

    it("shades the artwork from its own edges only, not from the canvas's edge", async () => {
      // An inner shadow straight in (distance 0), size 6: three blurs of radius 2 of what is outside.
      const at = await renderOff([
        { type: 'inner_shadow', color: '#000000', opacity: 1, angle: 180, distance: 0, size: 6 },
      ]);
      const outside = blurredBeyond((x, y) => 1 - offAlpha(x, y), 2);
      const expected = (x: number, y: number) =>
        offAlpha(x, y) ? [255 * (1 - outside(x, y)), 0, 0] : [255, 255, 255];
      expect(worstDifference(at, expected).by).toBeLessThanOrEqual(2);
      // On the canvas's edge, halfway up the artwork, it is 15 px from any edge of its own: unshaded.
      expect(at(0, OFF.y + 15)).toEqual([255, 0, 0]);
    });
  });

  it("draws an optional smart object's effects from its content when a render leaves it out", async () => {
    const optional = manifest([shadow]);
    const so = optional.layers[1] as Record<string, unknown>;
    Object.assign(so, { required: false, content: { asset: 'content.png', x: ART.x, y: ART.y } });
    const paper = await sharp({ create: { width: SIZE, height: SIZE, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
    const assets = new Map([
      ['paper.png', paper],
      ['content.png', await artwork(true)],
    ]);
    const prepared = await compositor.prepare(
      { id: 'optional', version: ++version, manifest: optional },
      assets,
    );
    const pixelsOf = async (inputs: Parameters<typeof compositor.render>[1]) => {
      const out = await compositor.render(prepared, inputs, { format: 'png' });
      const { data, info } = await sharp(out.data).raw().toBuffer({ resolveWithObject: true });
      return (x: number, y: number) => [
        ...data.subarray((y * SIZE + x) * info.channels, (y * SIZE + x) * info.channels + 3),
      ];
    };
    const left = await pixelsOf([]);
    expect(worstDifference(left, expectedWithShadow(true)).by).toBeLessThanOrEqual(2);
    const given = await pixelsOf([{ uuid: SO, asset: await artwork(false), fit: 'fill', rotate: 0 }]);
    expect(worstDifference(given, expectedWithShadow(false)).by).toBeLessThanOrEqual(2);
  });

  it('renders a smart object without effects exactly as the artwork alone', async () => {
    const at = await render(undefined, true);
    const alpha = artAlpha(true);
    expect(worstDifference(at, (x, y) => (alpha(x, y) ? [255, 0, 0] : [255, 255, 255])).by).toBe(0);
  });

  it('refuses to prepare a template whose smart object draws effects over more than 25 MP', async () => {
    const huge = {
      width: 6000,
      height: 5000,
      layers: [
        {
          type: 'smart_object',
          uuid: SO,
          name: 'Poster',
          layer_name: 'Poster',
          size: { width: 100, height: 100 },
          position: { x: 0, y: 0, width: 6000, height: 5000 },
          quad: null,
          effects: [{ type: 'drop_shadow' }],
        },
      ],
    } as TemplateManifestInput;
    await expect(compositor.prepare({ id: 'huge', version: 1, manifest: huge }, new Map())).rejects.toThrow(
      'smart object "Poster" draws its effects over more than 25 MP',
    );
    const plain = { ...huge, layers: [{ ...huge.layers[0]!, effects: [] }] } as TemplateManifestInput;
    await expect(
      compositor.prepare({ id: 'plain', version: 1, manifest: plain }, new Map()),
    ).resolves.toBeDefined();
  });

  it('refuses an effect the renderer does not draw, and a size beyond its reach', () => {
    const bevel = templateManifestSchema.safeParse(manifest([{ type: 'bevel' } as unknown as EffectInput]));
    expect(bevel.success).toBe(false);
    const huge = templateManifestSchema.safeParse(manifest([{ type: 'outer_glow', size: 5000 }]));
    expect(huge.success).toBe(false);
    expect(JSON.stringify(huge.error?.issues[0]?.path)).toContain('effects');
  });
});
