// Each kernel against a straightforward per-pixel reference written from the published formula.
import type { RgbaImage } from '../raster.js';
import { blackWhite } from './black-white.js';
import { brightnessContrast } from './brightness-contrast.js';
import { colorBalance } from './color-balance.js';
import { curves, naturalSpline } from './curves.js';
import { exposure } from './exposure.js';
import { gaussianBlur } from './gaussian-blur.js';
import { hueSaturation } from './hue-saturation.js';
import { invert } from './invert.js';
import { levels } from './levels.js';
import { photoFilter } from './photo-filter.js';
import { vibrance } from './vibrance.js';

type Rgb = [number, number, number];

/** 16 × 16 gradients over every channel, alpha varying too. */
function gradient(): RgbaImage {
  const size = 16;
  const data = new Uint8ClampedArray(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      data[i] = x * 17;
      data[i + 1] = y * 17;
      data[i + 2] = ((x + y) * 8) % 256;
      data[i + 3] = 255 - x * 4;
    }
  }
  return { width: size, height: size, data };
}

function expectPerPixel(
  out: RgbaImage,
  input: RgbaImage,
  reference: (r: number, g: number, b: number) => Rgb,
): void {
  expect(out.width).toBe(input.width);
  let worst = 0;
  for (let i = 0; i < input.data.length; i += 4) {
    const want = reference(input.data[i]!, input.data[i + 1]!, input.data[i + 2]!).map((c) =>
      Math.min(255, Math.max(0, Math.round(c))),
    );
    for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(out.data[i + c]! - want[c]!));
    expect(out.data[i + 3]).toBe(input.data[i + 3]);
  }
  // One level of slack for table rounding between chained steps.
  expect(worst).toBeLessThanOrEqual(1);
}

const clamp = (v: number, lo = 0, hi = 255): number => Math.min(hi, Math.max(lo, v));

describe('curves', () => {
  // Natural cubic spline through three points in closed form: M1 = 3·(s1 − s0)/(h0 + h1).
  function threePointSpline(p: [number, number][]): (x: number) => number {
    const [[x0, y0], [x1, y1], [x2, y2]] = p as [[number, number], [number, number], [number, number]];
    const h0 = x1 - x0;
    const h1 = x2 - x1;
    const m1 = (3 * ((y2 - y1) / h1 - (y1 - y0) / h0)) / (h0 + h1);
    const segment = (
      xa: number,
      ya: number,
      xb: number,
      yb: number,
      ma: number,
      mb: number,
      x: number,
    ): number => {
      const h = xb - xa;
      return (
        (ma * (xb - x) ** 3) / (6 * h) +
        (mb * (x - xa) ** 3) / (6 * h) +
        (ya / h - (ma * h) / 6) * (xb - x) +
        (yb / h - (mb * h) / 6) * (x - xa)
      );
    };
    return (x) =>
      x <= x0
        ? y0
        : x >= x2
          ? y2
          : x <= x1
            ? segment(x0, y0, x1, y1, 0, m1, x)
            : segment(x1, y1, x2, y2, m1, 0, x);
  }

  it('passes a natural cubic spline through the points, flat outside them', () => {
    const points: [number, number][] = [
      [20, 10],
      [128, 190],
      [235, 240],
    ];
    const spline = naturalSpline(points);
    const reference = threePointSpline(points);
    for (let x = 0; x <= 255; x += 5) expect(spline(x)).toBeCloseTo(reference(x), 9);
    expect(spline(0)).toBe(10);
    expect(spline(255)).toBe(240);
  });

  it('applies each channel curve, then the composite curve', () => {
    const composite: [number, number][] = [
      [0, 0],
      [100, 140],
      [255, 255],
    ];
    const red: [number, number][] = [
      [0, 30],
      [128, 100],
      [255, 220],
    ];
    const c = threePointSpline(composite);
    const r = threePointSpline(red);
    const input = gradient();
    const out = curves(input, { composite, red });
    expectPerPixel(out, input, (rr, g, b) => [c(Math.round(clamp(r(rr)))), c(g), c(b)]);
  });

  it('leaves the image alone with no curves', () => {
    const input = gradient();
    expect(Array.from(curves(input, {}).data)).toEqual(Array.from(input.data));
  });
});

describe('levels', () => {
  it('maps input black/white through gamma to output black/white, channel then composite', () => {
    const input = gradient();
    const out = levels(input, {
      composite: { in_black: 20, in_white: 230, gamma: 1.6, out_black: 10, out_white: 245 },
      blue: { in_black: 0, in_white: 128, gamma: 1, out_black: 0, out_white: 255 },
    });
    const comp = (v: number): number => 10 + Math.pow(clamp((v - 20) / 210, 0, 1), 1 / 1.6) * 235;
    expectPerPixel(out, input, (r, g, b) => [comp(r), comp(g), comp(Math.round(clamp((b / 128) * 255)))]);
  });
});

describe('brightness/contrast', () => {
  /** psd-tools' model written out: the contrast spline, then the brightness bump along the diagonal. */
  function reference(brightness: number, contrast: number): (v: number) => number {
    const b = brightness / 150;
    const c = contrast / 100;
    const spline = naturalSpline([
      [0, 0],
      [63, 63 - 25 * c],
      [191, 191 + 25 * c],
      [255, 255],
    ]);
    const moved = Array.from({ length: 256 }, (_, i) => {
      const t = i / 255;
      const a = Math.abs(b);
      const h = 0.5 * (a * (1.65 * t ** 0.35 - t ** 10) + (1 - a) * (1.96 * t ** 0.4 + t ** 4) + t ** 1.25);
      const bump = b * t * (1 - t) * h;
      return [t - bump, spline(i) / 255 + bump] as const;
    });
    return (v) => {
      const t = v / 255;
      const k = moved.findIndex(([x]) => x >= t);
      if (k <= 0) return clamp((k === 0 ? moved[0]![1] : moved[255]![1]) * 255);
      const [x0, y0] = moved[k - 1]!;
      const [x1, y1] = moved[k]!;
      return clamp((y0 + ((y1 - y0) * (t - x0)) / (x1 - x0)) * 255);
    };
  }

  it.each([
    [40, 30],
    [-60, -50],
    [150, -21],
    [-95, 100],
  ])('follows the modelled curve at brightness %i, contrast %i', (brightness, contrast) => {
    const input = gradient();
    const ref = reference(brightness, contrast);
    expectPerPixel(brightnessContrast(input, { brightness, contrast }), input, (r, g, b) => [
      ref(r),
      ref(g),
      ref(b),
    ]);
  });

  it('brightens with positive brightness and steepens with positive contrast', () => {
    const input = gradient();
    const brighter = brightnessContrast(input, { brightness: 60, contrast: 0 });
    const steeper = brightnessContrast(input, { brightness: 0, contrast: 60 });
    // x = 3 → red 51, a shadow; x = 12 → red 204, a highlight (first row).
    expect(brighter.data[3 * 4]).toBeGreaterThan(51);
    expect(steeper.data[3 * 4]).toBeLessThan(51);
    expect(steeper.data[12 * 4]).toBeGreaterThan(204);
  });
});

describe('exposure', () => {
  it('scales linear light (2.2 gamma) by 2^exposure, adds offset, applies gamma', () => {
    const ref = (v: number): number =>
      (clamp((v / 255) ** 2.2 * 2 ** 0.8 + 0.02, 0, 1) ** (1 / 1.2)) ** (1 / 2.2) * 255;
    const input = gradient();
    expectPerPixel(exposure(input, { exposure: 0.8, offset: 0.02, gamma: 1.2 }), input, (r, g, b) => [
      ref(r),
      ref(g),
      ref(b),
    ]);
  });
});

describe('invert', () => {
  it('turns every colour channel into 255 minus itself and keeps alpha', () => {
    const input = gradient();
    expectPerPixel(invert(input), input, (r, g, b) => [255 - r, 255 - g, 255 - b]);
  });
});

// HSL reference written out independently of the kernel's helper.
function refHsl(r: number, g: number, b: number): Rgb {
  const [R, G, B] = [r / 255, g / 255, b / 255];
  const max = Math.max(R, G, B);
  const min = Math.min(R, G, B);
  const l = (max + min) / 2;
  const d = max - min;
  if (d === 0) return [0, 0, l];
  const s = d / (1 - Math.abs(2 * l - 1));
  let h = max === R ? ((G - B) / d) % 6 : max === G ? (B - R) / d + 2 : (R - G) / d + 4;
  h *= 60;
  if (h < 0) h += 360;
  return [h, s, l];
}

function refRgb(h: number, s: number, l: number): Rgb {
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const hp = (((h % 360) + 360) % 360) / 60;
  const x = c * (1 - Math.abs((hp % 2) - 1));
  const [r, g, b] =
    hp < 1
      ? [c, x, 0]
      : hp < 2
        ? [x, c, 0]
        : hp < 3
          ? [0, c, x]
          : hp < 4
            ? [0, x, c]
            : hp < 5
              ? [x, 0, c]
              : [c, 0, x];
  const m = l - c / 2;
  return [r + m, g + m, b + m];
}

describe('hue/saturation', () => {
  it('moves lightness toward white, then rotates hue and raises saturation by 1 / (1 − s)', () => {
    const input = gradient();
    const out = hueSaturation(input, { hue: 45, saturation: 30, lightness: 20 });
    expectPerPixel(out, input, (r, g, b) => {
      const lit = [r, g, b].map((c) => c + (255 - c) * 0.2) as Rgb;
      const [h, s, l] = refHsl(...lit);
      return refRgb(h + 45, Math.min(1, s / 0.7), l).map((c) => 255 * c) as Rgb;
    });
  });

  it('lowers saturation by (1 + s) and darkens toward black', () => {
    const input = gradient();
    const out = hueSaturation(input, { hue: -30, saturation: -40, lightness: -20 });
    expectPerPixel(out, input, (r, g, b) => {
      const [h, s, l] = refHsl(r, g, b);
      return refRgb(h - 30, s * 0.6, l).map((c) => 255 * c * 0.8) as Rgb;
    });
  });

  it('shifts a colour range only where the hue lies in it, ramping linearly across its edges', () => {
    // Reds: full from 345° to 15°, ramping over 315–345° and 15–45°; hue +60°.
    const reds = { hues: [315, 345, 15, 45] as const, hue: 60, saturation: 0, lightness: 0 };
    // [input, expected]: red (0°) turns yellow; blue (240°) lies outside; orange (30°) is half way
    // down the ramp, so moves +30° to yellow too; grey has no hue to move.
    // prettier-ignore
    const swatches: [Rgb, Rgb][] = [
      [[255, 0, 0], [255, 255, 0]], [[0, 0, 255], [0, 0, 255]],
      [[255, 128, 0], [255, 255, 0]], [[128, 128, 128], [128, 128, 128]],
    ];
    const data = new Uint8ClampedArray(swatches.flatMap(([rgb]) => [...rgb, 255]));
    const out = hueSaturation(
      { width: 4, height: 1, data },
      { hue: 0, saturation: 0, lightness: 0, ranges: [reds] },
    );
    const drawn = swatches.map((_, i) => Array.from(out.data.subarray(i * 4, i * 4 + 3)));
    drawn.forEach((rgb, i) =>
      rgb.forEach((v, c) => expect(Math.abs(v - swatches[i]![1][c]!)).toBeLessThanOrEqual(1)),
    );
  });

  it('colorizes with the given hue and saturation, moving the HSL lightness toward black below 0', () => {
    const input = gradient();
    const out = hueSaturation(input, { hue: 200, saturation: 60, lightness: -25, colorize: true });
    expectPerPixel(out, input, (r, g, b) => {
      const l = refHsl(r, g, b)[2];
      return refRgb(200, 0.6, l * 0.75).map((c) => 255 * c) as Rgb;
    });
  });

  it('colorizes toward white above 0', () => {
    const input = gradient();
    const out = hueSaturation(input, { hue: 30, saturation: 100, lightness: 40, colorize: true });
    expectPerPixel(out, input, (r, g, b) => {
      const l = refHsl(r, g, b)[2];
      return refRgb(30, 1, l * 0.6 + 0.4).map((c) => 255 * c) as Rgb;
    });
  });
});

describe('color balance', () => {
  const params = {
    shadows: [30, 0, -20] as const,
    midtones: [-40, 25, 10] as const,
    highlights: [0, -15, 50] as const,
  };
  function reference(r: number, g: number, b: number, preserve: boolean): Rgb {
    const l = refHsl(r, g, b)[2];
    const w = (v: number): number => clamp(v, 0, 1);
    const shadowWeight = w((l - 0.333) / -0.25 + 0.5) * 0.7;
    const highWeight = w((l + 0.333 - 1) / 0.25 + 0.5) * 0.7;
    const out = [r, g, b].map((c, i) =>
      w(
        Math.pow(c / 255, Math.pow(2, -params.midtones[i]! / 100)) +
          (params.shadows[i]! / 100) * shadowWeight +
          (params.highlights[i]! / 100) * highWeight,
      ),
    );
    if (!preserve) return out.map((c) => c * 255) as Rgb;
    const [h, s] = refHsl(out[0]! * 255, out[1]! * 255, out[2]! * 255);
    return refRgb(h, s, l).map((c) => c * 255) as Rgb;
  }

  it('shifts each tonal range by its weight', () => {
    const input = gradient();
    const out = colorBalance(input, { ...params, preserve_luminosity: false });
    expectPerPixel(out, input, (r, g, b) => reference(r, g, b, false));
  });

  it('keeps the HSL lightness with preserve luminosity', () => {
    const input = gradient();
    const out = colorBalance(input, { ...params, preserve_luminosity: true });
    expectPerPixel(out, input, (r, g, b) => reference(r, g, b, true));
  });
});

describe('vibrance', () => {
  it('pulls the lesser channels toward the largest, then scales saturation about luma', () => {
    const input = gradient();
    const out = vibrance(input, { vibrance: 50, saturation: -20 });
    expectPerPixel(out, input, (r, g, b) => {
      const max = Math.max(r, g, b);
      const amount = ((Math.abs(max - (r + g + b) / 3) * 2) / 255) * -0.5;
      const v = [r, g, b].map((c) => (c === max ? c : c + (max - c) * amount));
      const y = 0.299 * v[0]! + 0.587 * v[1]! + 0.114 * v[2]!;
      return v.map((c) => y + (c - y) * 0.8) as Rgb;
    });
  });
});

describe('black & white', () => {
  const defaults = { reds: 40, yellows: 60, greens: 40, cyans: 60, blues: 20, magentas: 80 };

  it('gives Photoshop’s default greys for the primaries and secondaries', () => {
    const swatches: [Rgb, number][] = [
      [[255, 0, 0], 102],
      [[255, 255, 0], 153],
      [[0, 255, 0], 102],
      [[0, 255, 255], 153],
      [[0, 0, 255], 51],
      [[255, 0, 255], 204],
      [[255, 255, 255], 255],
    ];
    const data = new Uint8ClampedArray(swatches.flatMap(([rgb]) => [...rgb, 255]));
    const out = blackWhite({ width: swatches.length, height: 1, data }, defaults);
    expect(Array.from({ length: swatches.length }, (_, i) => out.data[i * 4])).toEqual(
      swatches.map(([, grey]) => grey),
    );
  });

  it('colours the grey with a tint at the grey’s luminosity, keeping black and white', () => {
    const tint = [225, 211, 179] as const;
    const data = new Uint8ClampedArray([0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 255]);
    const out = blackWhite({ width: 3, height: 1, data }, { ...defaults, tint });
    expect(Array.from(out.data.subarray(0, 8))).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
    // Pure red is grey 102 untinted: the tinted pixel keeps that luminosity, warmer than grey.
    const [r, g, b] = Array.from(out.data.subarray(8, 11)) as [number, number, number];
    expect(Math.abs(0.3 * r + 0.59 * g + 0.11 * b - 102)).toBeLessThanOrEqual(1);
    expect(r).toBeGreaterThan(g);
    expect(g).toBeGreaterThan(b);
    // The tint's own channel spread (225 − 179 = 46) is kept at this lightness.
    expect(r - b).toBeGreaterThanOrEqual(45);
    expect(r - b).toBeLessThanOrEqual(47);
  });

  it('weights min, mid − min and max − mid by the secondary and primary colour', () => {
    const weights = { reds: 70, yellows: 10, greens: 120, cyans: -30, blues: 5, magentas: 50 };
    const input = gradient();
    expectPerPixel(blackWhite(input, weights), input, (r, g, b) => {
      const sorted = [
        ['r', r],
        ['g', g],
        ['b', b],
      ].sort((a, c) => (c[1] as number) - (a[1] as number)) as [string, number][];
      const [[top, max], [second, mid], [, min]] = sorted as [
        [string, number],
        [string, number],
        [string, number],
      ];
      const primary = { r: weights.reds, g: weights.greens, b: weights.blues }[top]!;
      const pair = [top, second].sort().join('');
      const secondary = { gr: weights.yellows, bg: weights.cyans, br: weights.magentas }[pair]!;
      const grey = clamp(min + ((mid - min) * secondary) / 100 + ((max - mid) * primary) / 100);
      return [grey, grey, grey];
    });
  });
});

describe('photo filter', () => {
  const color: Rgb = [236, 138, 0];

  const lin = (v: number): number => (v / 255) ** 2.2;
  const enc = (v: number): number => clamp(v, 0, 1) ** (1 / 2.2) * 255;

  it('multiplies linear light by the filter colour at the given density', () => {
    const input = gradient();
    expectPerPixel(
      photoFilter(input, { color, density: 40, preserve_luminosity: false }),
      input,
      (r, g, b) => [r, g, b].map((c, i) => enc(lin(c) * (0.6 + lin(color[i]!) * 0.4))) as Rgb,
    );
  });

  it('keeps each pixel’s linear luma with preserve luminosity', () => {
    const input = gradient();
    const out = photoFilter(input, { color, density: 60, preserve_luminosity: true });
    expectPerPixel(out, input, (r, g, b) => {
      const filtered = [r, g, b].map((c, i) => lin(c) * (0.4 + lin(color[i]!) * 0.6));
      const luma = (v: number[]): number => 0.299 * v[0]! + 0.587 * v[1]! + 0.114 * v[2]!;
      const shift = luma([r, g, b].map(lin)) - luma(filtered);
      return filtered.map((c) => enc(c + shift)) as Rgb;
    });
    // And the cast is still there: warm filter raises red against blue on a grey pixel.
    const grey = photoFilter(
      { width: 1, height: 1, data: new Uint8ClampedArray([128, 128, 128, 255]) },
      {
        color,
        density: 60,
        preserve_luminosity: true,
      },
    );
    expect(grey.data[0]! - grey.data[2]!).toBeGreaterThan(20);
  });
});

describe('gaussian blur', () => {
  // Direct 2-D convolution with weights exp(−(dx² + dy²) / 2σ²), 3σ cut, clamped edges, premultiplied.
  function reference(image: RgbaImage, sigma: number): number[] {
    const { width, height, data } = image;
    const half = Math.ceil(sigma * 3);
    const out: number[] = [];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const acc = [0, 0, 0, 0];
        let total = 0;
        for (let dy = -half; dy <= half; dy++) {
          for (let dx = -half; dx <= half; dx++) {
            const w = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
            const sx = clamp(x + dx, 0, width - 1);
            const sy = clamp(y + dy, 0, height - 1);
            const j = (sy * width + sx) * 4;
            const a = data[j + 3]!;
            for (let c = 0; c < 3; c++) acc[c]! += ((data[j + c]! * a) / 255) * w;
            acc[3]! += a * w;
            total += w;
          }
        }
        const a = acc[3]! / total;
        out.push(...[0, 1, 2].map((c) => (a > 0 ? (acc[c]! / total) * (255 / a) : 0)), a);
      }
    }
    return out.map(Math.round);
  }

  it('matches a direct 2-D gaussian with sigma = radius, alpha weighted', () => {
    const input = gradient();
    const out = gaussianBlur(input, { radius: 1.5 });
    const want = reference(input, 1.5);
    const worst = want.reduce((m, v, i) => Math.max(m, Math.abs(v - out.data[i]!)), 0);
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('does not bleed the colour of transparent pixels into an edge', () => {
    const data = new Uint8ClampedArray([255, 0, 0, 0, 0, 0, 255, 255, 0, 0, 255, 255, 0, 0, 255, 255]);
    const out = gaussianBlur({ width: 4, height: 1, data }, { radius: 1 });
    for (let x = 0; x < 4; x++) expect(out.data[x * 4]).toBe(0);
    expect(out.data[3]).toBeGreaterThan(0);
  });
});
