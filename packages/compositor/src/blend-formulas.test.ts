// Every blend mode, rendered by the compositor, against its published formula written out here
// independently (W3C Compositing and Blending Level 1; Photoshop's formulas for subtract … lighter
// color, with the ends of vivid light and hard mix as Photoshop's composites show them): a
// horizontal gradient backdrop under a vertical gradient source, opaque and at half alpha, through
// each path a layer takes (flattened static layers, static layers above a smart object, the
// smart object itself, its clipped shading).
import sharp from 'sharp';
import { createCompositor, type Compositor } from './compositor.js';
import { createKernelPool } from './kernel-pool.js';
import { BLEND_MODES, type BlendMode, type TemplateManifestInput } from './template-model.js';

const SIZE = 64;
const SO = '00000000-0000-4000-8000-0000000000b1';
const last = SIZE - 1;

type Rgb = [number, number, number];

// The two gradients never share a blue value, so a dissolved pixel is plainly one or the other.
const backdropAt = (x: number): Rgb => [
  Math.round((255 * x) / last),
  Math.round((255 * (last - x)) / last),
  Math.round((100 * x) / last),
];
const sourceAt = (y: number): Rgb => [
  Math.round((255 * (last - y)) / last),
  Math.round((255 * Math.abs(2 * y - last)) / last),
  155 + Math.round((100 * y) / last),
];

// ---- the formulas, straight from their definitions (channels in [0, 1]) ----------------------

const clamp = (v: number) => Math.min(1, Math.max(0, v));
const dodge = (b: number, s: number) => (b === 0 ? 0 : s === 1 ? 1 : Math.min(1, b / (1 - s)));
const burn = (b: number, s: number) => (b === 1 ? 1 : s === 0 ? 0 : 1 - Math.min(1, (1 - b) / s));
const hardLight = (b: number, s: number) => (s <= 0.5 ? b * 2 * s : b + (2 * s - 1) - b * (2 * s - 1));

const separable: Partial<Record<BlendMode, (b: number, s: number, bByte: number, sByte: number) => number>> =
  {
    normal: (_b, s) => s,
    multiply: (b, s) => b * s,
    screen: (b, s) => b + s - b * s,
    overlay: (b, s) => hardLight(s, b),
    darken: (b, s) => Math.min(b, s),
    lighten: (b, s) => Math.max(b, s),
    'color-dodge': dodge,
    'color-burn': burn,
    'hard-light': hardLight,
    'soft-light': (b, s) => {
      const d = b <= 0.25 ? ((16 * b - 12) * b + 4) * b : Math.sqrt(b);
      return s <= 0.5 ? b - (1 - 2 * s) * b * (1 - b) : b + (2 * s - 1) * (d - b);
    },
    difference: (b, s) => Math.abs(b - s),
    exclusion: (b, s) => b + s - 2 * b * s,
    'linear-dodge': (b, s) => clamp(b + s),
    'linear-burn': (b, s) => clamp(b + s - 1),
    subtract: (b, s) => Math.max(0, b - s),
    divide: (b, s) => (s === 0 ? (b === 0 ? 0 : 1) : Math.min(1, b / s)),
    // Photoshop tests the source's ends first (measured on its composites).
    'vivid-light': (b, s) =>
      s === 0 ? 0 : s === 1 ? 1 : s <= 0.5 ? burn(b, 2 * s) : dodge(b, 2 * (s - 0.5)),
    'linear-light': (b, s) => clamp(b + 2 * s - 1),
    'pin-light': (b, s) => (s <= 0.5 ? Math.min(b, 2 * s) : Math.max(b, 2 * s - 1)),
    // Photoshop: 1 only where b + s > 1, but white and black backdrops stay as they are.
    'hard-mix': (_b, _s, bByte, sByte) => (bByte === 255 ? 1 : bByte === 0 ? 0 : bByte + sByte > 255 ? 1 : 0),
  };

const lum = ([r, g, b]: number[]) => 0.3 * r! + 0.59 * g! + 0.11 * b!;
function clipColor(c: number[]): number[] {
  const l = lum(c);
  const n = Math.min(...c);
  const x = Math.max(...c);
  let out = c;
  if (n < 0) out = out.map((v) => l + ((v - l) * l) / (l - n));
  if (x > 1) out = out.map((v) => l + ((v - l) * (1 - l)) / (x - l));
  return out;
}
const setLum = (c: number[], l: number) => clipColor(c.map((v) => v + (l - lum(c))));
const sat = (c: number[]) => Math.max(...c) - Math.min(...c);
function setSat(c: number[], s: number): number[] {
  // The spec's Cmax / Cmid / Cmin: sort the channel indices by value.
  const [min, mid, max] = [0, 1, 2].sort((i, j) => c[i]! - c[j]!) as [number, number, number];
  const out = [0, 0, 0];
  if (c[max]! > c[min]!) {
    out[mid] = ((c[mid]! - c[min]!) * s) / (c[max]! - c[min]!);
    out[max] = s;
  }
  return out;
}
/** Photoshop's luminosity on bytes, exactly: 30R + 59G + 11B. */
const lumBytes = ([r, g, b]: Rgb) => 30 * r + 59 * g + 11 * b;

function blendRgb(mode: BlendMode, cb: Rgb, cs: Rgb): number[] {
  const b = cb.map((v) => v / 255);
  const s = cs.map((v) => v / 255);
  const perChannel = separable[mode];
  if (perChannel) return b.map((v, i) => perChannel(v, s[i]!, cb[i]!, cs[i]!));
  switch (mode) {
    case 'hue':
      return setLum(setSat(s, sat(b)), lum(b));
    case 'saturation':
      return setLum(setSat(b, sat(s)), lum(b));
    case 'color':
      return setLum(s, lum(b));
    case 'luminosity':
      return setLum(b, lum(s));
    case 'darker-color':
      return lumBytes(cs) < lumBytes(cb) ? s : b;
    case 'lighter-color':
      return lumBytes(cs) > lumBytes(cb) ? s : b;
    default:
      throw new Error(`no formula for ${mode}`);
  }
}

/** Source-over on an opaque backdrop: Co = αs·B(Cb, Cs) + (1 − αs)·Cb, in bytes. */
function expectedPixel(mode: BlendMode, cb: Rgb, cs: Rgb, alpha: number): number[] {
  const as = alpha / 255;
  return blendRgb(mode, cb, cs).map((v, i) => Math.round(255 * (as * v + (1 - as) * (cb[i]! / 255))));
}

// ---- rendering through the compositor --------------------------------------------------------

async function png(pixel: (x: number, y: number) => Rgb, alpha = 255): Promise<Buffer> {
  const data = Buffer.alloc(SIZE * SIZE * 4);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) data.set([...pixel(x, y), alpha], (y * SIZE + x) * 4);
  }
  return sharp(data, { raw: { width: SIZE, height: SIZE, channels: 4 } })
    .png()
    .toBuffer();
}

const full = { x: 0, y: 0, width: SIZE, height: SIZE };
const smartObject = (extra: object) => ({
  type: 'smart_object' as const,
  uuid: SO,
  name: 'Art',
  layer_name: 'Art',
  size: { width: SIZE, height: SIZE },
  position: full,
  quad: null,
  ...extra,
});

type Path = 'flattened layer' | 'layer above a smart object' | 'smart object' | 'shading';
const PATHS: Path[] = ['flattened layer', 'layer above a smart object', 'smart object', 'shading'];

/** A template where `mode` blends the source gradient onto the backdrop gradient along `path`. */
function template(
  path: Path,
  mode: BlendMode,
  opacity = 1,
): { manifest: TemplateManifestInput; artwork?: string } {
  const layer = (asset: string, blend_mode: BlendMode = 'normal') => ({
    type: 'image' as const,
    name: asset,
    asset,
    blend_mode,
    opacity: blend_mode === 'normal' ? 1 : opacity,
  });
  switch (path) {
    case 'flattened layer':
      return { manifest: { width: SIZE, height: SIZE, layers: [layer('backdrop'), layer('source', mode)] } };
    case 'layer above a smart object':
      return {
        manifest: {
          width: SIZE,
          height: SIZE,
          layers: [smartObject({ required: false }), layer('backdrop'), layer('source', mode)],
        },
      };
    case 'smart object':
      return {
        manifest: {
          width: SIZE,
          height: SIZE,
          layers: [layer('backdrop'), smartObject({ blend_mode: mode, opacity })],
        },
        artwork: 'source',
      };
    case 'shading':
      return {
        manifest: {
          width: SIZE,
          height: SIZE,
          layers: [smartObject({ shading: { asset: 'source', blend_mode: mode, opacity } })],
        },
        artwork: 'backdrop',
      };
  }
}

describe('every blend mode against its published formula, on a gradient pair', () => {
  let compositor: Compositor;
  let version = 0;
  const images = new Map<string, Buffer>();

  beforeAll(async () => {
    compositor = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 16_000_000 });
    images.set('backdrop', await png((x) => backdropAt(x)));
    images.set('source@255', await png((_x, y) => sourceAt(y)));
    images.set('source@128', await png((_x, y) => sourceAt(y), 128));
    images.set('backdrop@128', await png((x) => backdropAt(x), 128));
  });

  /** The rendered canvas as RGB bytes. */
  /** The rendered canvas as RGB bytes (RGBA with `withAlpha`). */
  async function render(
    path: Path,
    mode: BlendMode,
    alpha: number,
    { backdropAlpha = 255, withAlpha = false, opacity = 1 } = {},
  ): Promise<Buffer> {
    const { manifest, artwork } = template(path, mode, opacity);
    const assets = new Map([
      ['backdrop', images.get(backdropAlpha === 255 ? 'backdrop' : `backdrop@${backdropAlpha}`)!],
      ['source', images.get(`source@${alpha}`)!],
    ]);
    const prepared = await compositor.prepare({ id: 'blend', version: ++version, manifest }, assets);
    const inputs = artwork
      ? [
          {
            uuid: SO,
            asset: images.get(artwork === 'source' ? `source@${alpha}` : artwork)!,
            fit: 'fill' as const,
            rotate: 0,
          },
        ]
      : [];
    const out = await compositor.render(prepared, inputs, { format: 'png' });
    return withAlpha
      ? sharp(out.data).ensureAlpha().raw().toBuffer()
      : sharp(out.data).removeAlpha().raw().toBuffer();
  }

  const modes = BLEND_MODES.filter((mode) => mode !== 'dissolve');
  const cases = modes.flatMap((mode) =>
    PATHS.flatMap((path) => [255, 128].map((alpha) => [mode, path, alpha] as const)),
  );

  it.each(cases)(
    '%s as a %s with source alpha %d matches the formula pixel by pixel (±1)',
    async (mode, path, alpha) => {
      const rgb = await render(path, mode, alpha);
      let worst = 0;
      let where = '';
      for (let y = 0; y < SIZE; y++) {
        for (let x = 0; x < SIZE; x++) {
          const expected = expectedPixel(mode, backdropAt(x), sourceAt(y), alpha);
          for (let c = 0; c < 3; c++) {
            const off = Math.abs(rgb[(y * SIZE + x) * 3 + c]! - expected[c]!);
            if (off > worst) [worst, where] = [off, `(${x}, ${y}) channel ${c}: expected ${expected[c]}`];
          }
        }
      }
      expect(worst <= 1 ? 'within 1' : `${worst} off at ${where}`).toBe('within 1');
    },
  );

  it.each(modes)(
    '%s over a half-transparent backdrop follows the general source-over formula (±1)',
    async (mode) => {
      const rgba = await render('flattened layer', mode, 128, { backdropAlpha: 128, withAlpha: true });
      const [as, ab] = [128 / 255, 128 / 255];
      const ao = as + ab * (1 - as);
      let worst = 0;
      for (let y = 0; y < SIZE; y++) {
        for (let x = 0; x < SIZE; x++) {
          const cb = backdropAt(x);
          const cs = sourceAt(y);
          const blended = blendRgb(mode, cb, cs);
          // Cs' = (1 − αb)·Cs + αb·B(Cb, Cs); Co = (αs·Cs' + (1 − αs)·αb·Cb) / αo
          const expected = blended.map((v, c) => {
            const mixed = (1 - ab) * (cs[c]! / 255) + ab * v;
            return Math.round((255 * (as * mixed + (1 - as) * ab * (cb[c]! / 255))) / ao);
          });
          expected.push(Math.round(255 * ao));
          for (let c = 0; c < 4; c++) {
            worst = Math.max(worst, Math.abs(rgba[(y * SIZE + x) * 4 + c]! - expected[c]!));
          }
        }
      }
      expect(worst).toBeLessThanOrEqual(1);
    },
  );

  it('the gradients exercise every mode: no mode renders like normal', async () => {
    const normal = await render('flattened layer', 'normal', 255);
    for (const mode of modes.filter((m) => m !== 'normal')) {
      const rgb = await render('flattened layer', mode, 255);
      expect({ mode, same: rgb.equals(normal) }).toEqual({ mode, same: false });
    }
  });

  describe('dissolve', () => {
    // As in Photoshop (see psd-import's photoshop-blend-fixtures.test.ts): the pixel's alpha ×
    // the layer's opacity dissolves; a shown pixel is the source's, whole.
    it.each(PATHS)(
      'as a %s shows whole source or backdrop pixels, the source on about αs × opacity of them',
      async (path) => {
        for (const [alpha, opacity] of [
          [255, 1],
          [128, 1],
          [255, 128 / 255],
        ] as const) {
          const rgb = await render(path, 'dissolve', alpha, { opacity });
          let fromSource = 0;
          for (let y = 0; y < SIZE; y++) {
            for (let x = 0; x < SIZE; x++) {
              const pixel = [...rgb.subarray((y * SIZE + x) * 3, (y * SIZE + x) * 3 + 3)];
              const isSource = pixel.every((v, c) => Math.abs(v - sourceAt(y)[c]!) <= 1);
              const isBackdrop = pixel.every((v, c) => Math.abs(v - backdropAt(x)[c]!) <= 1);
              expect({ x, y, pixel, either: isSource || isBackdrop }).toEqual({ x, y, pixel, either: true });
              if (isSource) fromSource++;
            }
          }
          const share = fromSource / (SIZE * SIZE);
          if (alpha === 255 && opacity === 1) expect(share).toBe(1);
          // 4096 pixels: the share's standard deviation is under 0.008.
          else expect(Math.abs(share - (alpha / 255) * opacity)).toBeLessThan(0.03);
        }
      },
    );

    it('gives the same pixels on every render, whichever path draws the layer', async () => {
      const half = { opacity: 128 / 255 };
      const first = await render('smart object', 'dissolve', 255, half);
      expect((await render('smart object', 'dissolve', 255, half)).equals(first)).toBe(true);
      expect((await render('flattened layer', 'dissolve', 255, half)).equals(first)).toBe(true);
      expect((await render('layer above a smart object', 'dissolve', 255, half)).equals(first)).toBe(true);
      expect((await render('shading', 'dissolve', 255, half)).equals(first)).toBe(true);
    });
  });
});
