// Gradient Map: each pixel's luminosity (0–255, unrounded) picks a colour along the gradient,
// dark → the first stop, light → the last (the other way round when reversed). Between two stops
// the position is first bent so the pair's midpoint gets the half-way mix. At 0 % smoothness the
// colour is mixed linearly in RGB; at 100 % each channel follows a cubic Hermite curve whose slope
// is half the linear one at the end stops, zero at a stop where the channel turns back, and the
// harmonic mean of its neighbours' slopes elsewhere (in between, the two mixed by smoothness).
// Photoshop does not publish its interpolation: fitted to its composites (a two-stop gradient to
// MAD 0.01; a five-stop one MAD 2.3, up to 16 levels off), so the importer still warns.
import type { RgbaImage } from '../raster.js';
import { mapPixels } from './channel-lut.js';
import { luminosity } from './luminosity.js';

export interface GradientStop {
  /** 0 … 1 along the gradient. */
  location: number;
  /** 0 … 1 between this stop and the next: where their colours mix half and half. */
  midpoint: number;
  color: readonly [number, number, number];
}

export interface GradientMapParams {
  /** Sorted by location (the schema checks it). */
  stops: readonly GradientStop[];
  reverse: boolean;
  /** 0 … 100: how far each step bends into Photoshop's smooth curve. */
  smoothness?: number;
}

/** Each stop's slope per channel (colour levels per unit of location) for the smooth curve. */
function smoothSlopes(stops: readonly GradientStop[]): Float64Array {
  const n = stops.length;
  const slopes = new Float64Array(n * 3);
  for (let c = 0; c < 3; c++) {
    const step = (k: number): number => {
      const span = stops[k + 1]!.location - stops[k]!.location;
      return span > 0 ? (stops[k + 1]!.color[c]! - stops[k]!.color[c]!) / span : 0;
    };
    slopes[c] = 0.5 * step(0);
    slopes[(n - 1) * 3 + c] = 0.5 * step(n - 2);
    for (let k = 1; k < n - 1; k++) {
      const before = step(k - 1);
      const after = step(k);
      slopes[k * 3 + c] = before * after > 0 ? 2 / (1 / before + 1 / after) : 0;
    }
  }
  return slopes;
}

/** The gradient's colour at `t` (0–1) into `out` (0–255 floats). */
export function gradientColor(
  stops: readonly GradientStop[],
  t: number,
  out: Float64Array,
  smooth = 0,
  slopes: Float64Array = smoothSlopes(stops),
): void {
  const first = stops[0]!;
  const last = stops[stops.length - 1]!;
  if (t <= first.location || t >= last.location) {
    out.set((t <= first.location ? first : last).color);
    return;
  }
  let k = 1;
  while (stops[k]!.location < t) k++;
  const from = stops[k - 1]!;
  const to = stops[k]!;
  const span = to.location - from.location;
  let f = span > 0 ? (t - from.location) / span : 0;
  const m = Math.min(0.99, Math.max(0.01, from.midpoint));
  f = f < m ? (0.5 * f) / m : 0.5 + (0.5 * (f - m)) / (1 - m);
  const h00 = 2 * f ** 3 - 3 * f ** 2 + 1;
  const h10 = f ** 3 - 2 * f ** 2 + f;
  const h11 = f ** 3 - f ** 2;
  for (let c = 0; c < 3; c++) {
    const a = from.color[c]!;
    const b = to.color[c]!;
    const linear = a + (b - a) * f;
    const curved =
      a * h00 + b * (1 - h00) + span * (slopes[(k - 1) * 3 + c]! * h10 + slopes[k * 3 + c]! * h11);
    out[c] = linear + (curved - linear) * smooth;
  }
}

export function gradientMap(image: RgbaImage, params: GradientMapParams): RgbaImage {
  const smooth = Math.min(1, Math.max(0, (params.smoothness ?? 0) / 100));
  const slopes = smoothSlopes(params.stops);
  // One colour per 1/16 grey level: the luminosity is read unrounded.
  const steps = 255 * 16;
  const table = new Float64Array((steps + 1) * 3);
  const rgb = new Float64Array(3);
  for (let v = 0; v <= steps; v++) {
    gradientColor(params.stops, params.reverse ? 1 - v / steps : v / steps, rgb, smooth, slopes);
    table.set(rgb, v * 3);
  }
  return mapPixels(image, (r, g, b, out) => {
    const i = Math.round(luminosity(r, g, b) * 16) * 3;
    out[0] = table[i]!;
    out[1] = table[i + 1]!;
    out[2] = table[i + 2]!;
  });
}
