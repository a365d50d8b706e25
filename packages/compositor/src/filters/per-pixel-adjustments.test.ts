// Posterize, Threshold, Channel Mixer, Gradient Map, Selective Color and Color Lookup against straightforward
// per-pixel references written from each formula on a gradient image (every channel ramps, alpha
// too), and through the filter stack as a template would run them.
import type { RgbaImage } from '../raster.js';
import { brightnessContrast } from './brightness-contrast.js';
import { channelMixer } from './channel-mixer.js';
import { colorLookup } from './color-lookup.js';
import { smartFilterSchema } from './filter-model.js';
import { applySmartFilters } from './filter-stack.js';
import { gradientMap } from './gradient-map.js';
import { posterize } from './posterize.js';
import { selectiveColor, type SelectiveColorParams } from './selective-color.js';
import { threshold } from './threshold.js';

type Rgb = [number, number, number];

function gradient(): RgbaImage {
  const size = 16;
  const data = new Uint8ClampedArray(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      data[i] = x * 17;
      data[i + 1] = y * 17;
      data[i + 2] = ((x + 2 * y) * 8) % 256;
      data[i + 3] = 255 - x * 4;
    }
  }
  return { width: size, height: size, data };
}

function expectPerPixel(out: RgbaImage, input: RgbaImage, reference: (rgb: Rgb) => Rgb, slack = 0): void {
  let worst = 0;
  for (let i = 0; i < input.data.length; i += 4) {
    const rgb: Rgb = [input.data[i]!, input.data[i + 1]!, input.data[i + 2]!];
    const want = reference(rgb).map((c) => Math.min(255, Math.max(0, Math.round(c))));
    for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(out.data[i + c]! - want[c]!));
    expect(out.data[i + 3]).toBe(input.data[i + 3]);
  }
  expect(worst).toBeLessThanOrEqual(slack);
}

/** Photoshop's luminosity with single-precision weights (see luminosity.ts). */
const lum = ([r, g, b]: Rgb): number =>
  Math.round(Math.fround(0.3) * r + Math.fround(0.59) * g + Math.fround(0.11) * b);

describe('posterize', () => {
  it.each([2, 4, 7, 255])(
    'puts every channel into one of %i evenly spread tones, cut to a level',
    (levels) => {
      const input = gradient();
      // The band a value falls in, by counting band edges (k · 256 / levels) at or below it.
      const band = (v: number): number => {
        let k = 0;
        while (k + 1 < levels && ((k + 1) * 256) / levels <= v) k++;
        return k;
      };
      expectPerPixel(
        posterize(input, { levels }),
        input,
        (rgb) => rgb.map((v) => Math.floor((band(v) * 255) / (levels - 1))) as Rgb,
      );
    },
  );

  it('keeps black and white, and leaves at most the given number of tones', () => {
    const out = posterize(gradient(), { levels: 4 });
    const tones = new Set<number>();
    for (let i = 0; i < out.data.length; i += 4) tones.add(out.data[i]!);
    expect([...tones].sort((a, b) => a - b)).toEqual([0, 85, 170, 255]);
  });
});

describe('threshold', () => {
  it('turns white exactly the pixels whose luminosity reaches the level', () => {
    const input = gradient();
    expectPerPixel(threshold(input, { level: 128 }), input, (rgb) => {
      const v = lum(rgb) >= 128 ? 255 : 0;
      return [v, v, v];
    });
  });
});

describe('channel mixer', () => {
  it('makes each channel its row of percentages of red, green and blue plus the constant', () => {
    const input = gradient();
    const params = {
      red: [50, 30, 20, 0] as const,
      green: [0, 150, -40, 10] as const,
      blue: [-100, 0, 100, 50] as const,
    };
    // One level of slack: x.5 sums round either way in floating point.
    expectPerPixel(
      channelMixer(input, params),
      input,
      ([r, g, b]) => [0.5 * r + 0.3 * g + 0.2 * b, 1.5 * g - 0.4 * b + 25.5, -r + b + 127.5],
      1,
    );
  });

  it('is the identity with its defaults', () => {
    const input = gradient();
    const filter = smartFilterSchema.parse({ kind: 'channel_mixer', params: {} });
    expect(Array.from(applySmartFilters(input, [filter], 1).data)).toEqual(Array.from(input.data));
  });
});

describe('gradient map', () => {
  const stops = [
    { location: 0, midpoint: 0.5, color: [40, 10, 90] as Rgb },
    { location: 0.6, midpoint: 0.25, color: [255, 120, 0] as Rgb },
    { location: 1, midpoint: 0.5, color: [255, 255, 255] as Rgb },
  ];

  /** The colour at t, written out per segment: linear on each side of the midpoint. */
  function at(t: number): Rgb {
    const [a, b] = t <= 0.6 ? [stops[0]!, stops[1]!] : [stops[1]!, stops[2]!];
    const local = (t - a.location) / (b.location - a.location);
    const mix =
      local < a.midpoint ? (local / a.midpoint) * 0.5 : 0.5 + ((local - a.midpoint) / (1 - a.midpoint)) * 0.5;
    return [0, 1, 2].map((c) => a.color[c]! + (b.color[c]! - a.color[c]!) * mix) as Rgb;
  }

  /** The luminosity unrounded, as Gradient Map reads it. */
  const exactLum = ([r, g, b]: Rgb): number =>
    Math.fround(0.3) * r + Math.fround(0.59) * g + Math.fround(0.11) * b;

  it("maps each pixel's luminosity to the colour at that place along the gradient", () => {
    const input = gradient();
    expectPerPixel(gradientMap(input, { stops, reverse: false }), input, (rgb) => at(exactLum(rgb) / 255), 1);
  });

  it('runs the gradient from light to dark when reversed', () => {
    const input = gradient();
    expectPerPixel(
      gradientMap(input, { stops, reverse: true }),
      input,
      (rgb) => at(1 - exactLum(rgb) / 255),
      1,
    );
  });

  it('bends a two-stop gradient at 100 % smoothness into a curve with half the slope at its ends', () => {
    const pair = [
      { location: 0, midpoint: 0.5, color: [46, 58, 180] as Rgb },
      { location: 1, midpoint: 0.5, color: [255, 255, 255] as Rgb },
    ];
    const input = gradient();
    expectPerPixel(
      gradientMap(input, { stops: pair, reverse: false, smoothness: 100 }),
      input,
      (rgb) => {
        const u = exactLum(rgb) / 255;
        const bend = 0.5 * u + 1.5 * u ** 2 - u ** 3;
        return [0, 1, 2].map(
          (c) => pair[0]!.color[c]! + (pair[1]!.color[c]! - pair[0]!.color[c]!) * bend,
        ) as Rgb;
      },
      1,
    );
  });

  it('flattens a channel at a stop where it turns back, at 100 % smoothness', () => {
    // Red rises to the middle stop and falls after it: its slope there is zero, so the colour
    // just beside the stop stays within a level of the stop's.
    const peak = [
      { location: 0, midpoint: 0.5, color: [0, 0, 0] as Rgb },
      { location: 0.5, midpoint: 0.5, color: [255, 128, 0] as Rgb },
      { location: 1, midpoint: 0.5, color: [0, 255, 0] as Rgb },
    ];
    const grey = (v: number): RgbaImage => ({
      width: 1,
      height: 1,
      data: new Uint8ClampedArray([v, v, v, 255]),
    });
    const near = gradientMap(grey(120), { stops: peak, reverse: false, smoothness: 100 });
    const linear = gradientMap(grey(120), { stops: peak, reverse: false, smoothness: 0 });
    expect(near.data[0]).toBeGreaterThanOrEqual(253);
    expect(linear.data[0]).toBeLessThan(245);
  });

  it('refuses stops out of order in the template', () => {
    const parsed = smartFilterSchema.safeParse({
      kind: 'gradient_map',
      params: { stops: [stops[1], stops[0]] },
    });
    expect(parsed.success).toBe(false);
  });
});

describe('selective color', () => {
  /** FFmpeg's selectivecolor written out for one pixel, range by range. */
  function reference([r, g, b]: Rgb, p: SelectiveColorParams): Rgb {
    const sorted = [r, g, b].sort((x, y) => x - y) as Rgb;
    const [min, mid, max] = sorted;
    const weights: Record<string, number> = {
      reds: r === max ? max - mid : 0,
      greens: g === max ? max - mid : 0,
      blues: b === max ? max - mid : 0,
      cyans: r === min ? mid - min : 0,
      magentas: g === min ? mid - min : 0,
      yellows: b === min ? mid - min : 0,
      whites: min > 128 ? 2 * min - 255 : 0,
      blacks: max < 128 ? 255 - 2 * max : 0,
      neutrals: max > 0 && min < 255 ? 255 - (Math.abs(2 * max - 255) + Math.abs(2 * min - 255)) / 2 : 0,
    };
    const out: Rgb = [r, g, b];
    for (const [range, weight] of Object.entries(weights)) {
      const shift = p[range as keyof SelectiveColorParams] as readonly number[] | undefined;
      if (!shift || weight <= 0) continue;
      for (let c = 0; c < 3; c++) {
        const v = [r, g, b][c]! / 255;
        const ink = shift[c]! / 100;
        const k = shift[3]! / 100;
        let change = (-1 - ink) * k - ink;
        if (p.method === 'relative') change *= 1 - v;
        change = Math.min(1 - v, Math.max(-v, change));
        out[c] = out[c]! + Math.round(change * weight);
      }
    }
    return out;
  }

  it.each(['relative', 'absolute'] as const)(
    'adds and removes ink per colour range by how much of it a pixel holds (%s)',
    (method) => {
      const input = gradient();
      const params: SelectiveColorParams = {
        method,
        reds: [15, -14, 33, 6],
        blues: [-40, 20, 0, -10],
        whites: [0, 0, 0, 30],
        neutrals: [10, 10, -10, 0],
        blacks: [0, 0, 0, -50],
      };
      expectPerPixel(selectiveColor(input, params), input, (rgb) => reference(rgb, params));
    },
  );

  it('leaves a pixel unchanged when no range it belongs to is adjusted', () => {
    const input = gradient();
    const out = selectiveColor(input, { method: 'relative', greens: [0, 0, 0, 0] });
    expect(Array.from(out.data)).toEqual(Array.from(input.data));
  });
});

describe('legacy brightness/contrast', () => {
  it.each([
    [20, 57],
    [-40, 30],
    [10, -60],
  ])('adds brightness %i, then stretches about 127 by contrast %i', (brightness, contrast) => {
    const input = gradient();
    const slope = contrast > 0 ? 100 / (100 - contrast) : (100 + contrast) / 100;
    expectPerPixel(
      brightnessContrast(input, { brightness, contrast, legacy: true }),
      input,
      (rgb) => rgb.map((v) => (v + brightness - 127) * slope + 127) as Rgb,
    );
  });

  it('refuses a legacy brightness beyond ±100 and a non-legacy contrast below −50 in a template', () => {
    const parse = (params: object) =>
      smartFilterSchema.safeParse({ kind: 'brightness_contrast', params }).success;
    expect(parse({ brightness: 120, contrast: 0, legacy: true })).toBe(false);
    expect(parse({ brightness: 0, contrast: -80 })).toBe(false);
    expect(parse({ brightness: 0, contrast: -80, legacy: true })).toBe(true);
  });
});

describe('color lookup', () => {
  /** A size-point table whose entry at (r, g, b) holds f(r, g, b), each 0–1, red fastest. */
  function table(size: number, f: (r: number, g: number, b: number) => Rgb): number[] {
    const values: number[] = [];
    for (let b = 0; b < size; b++) {
      for (let g = 0; g < size; g++) {
        for (let r = 0; r < size; r++) values.push(...f(r / (size - 1), g / (size - 1), b / (size - 1)));
      }
    }
    return values;
  }

  it('reproduces a linear table exactly between grid points (trilinear), keeping alpha', () => {
    const input = gradient();
    // Red and blue swapped, green inverted: linear in each axis, so interpolation is exact.
    const out = colorLookup(input, { size: 5, table: table(5, (r, g, b) => [b, 1 - g, r]) });
    expectPerPixel(out, input, ([r, g, b]) => [b, 255 - g, r]);
  });

  it('interpolates a curved table linearly between its grid points', () => {
    const input = gradient();
    const size = 3;
    const out = colorLookup(input, { size, table: table(size, (r, g, b) => [r * r, g * g, b * b]) });
    // Along each axis the square is sampled at 0, ½, 1 and joined by straight lines.
    const piecewise = (v: number) => {
      const t = v / 255;
      return 255 * (t <= 0.5 ? t * 0.5 : 0.25 + (t - 0.5) * 1.5);
    };
    // A level of slack: values landing on .5 round either way in floating point.
    expectPerPixel(out, input, ([r, g, b]) => [piecewise(r), piecewise(g), piecewise(b)], 1);
  });

  it('refuses a table that does not hold size³ triples', () => {
    const filter = { kind: 'color_lookup', params: { size: 3, table: [0, 0, 0] } };
    expect(smartFilterSchema.safeParse(filter).success).toBe(false);
  });
});
