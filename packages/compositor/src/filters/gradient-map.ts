// Gradient Map: each pixel's luminosity (0–255) picks a colour along the gradient, dark → the
// first stop, light → the last (the other way round when reversed). Between two stops the colour
// is mixed linearly in RGB, reaching the half-way mix at the pair's midpoint. Photoshop's own
// interpolation (its "smoothness", perceptual and linear methods) is not published: this is the
// model of its classic gradient at 0 % smoothness, so the importer warns where it is used.
import type { RgbaImage } from '../raster.js';
import { mapPixels } from './channel-lut.js';
import { luminosityLevel } from './luminosity.js';

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
}

/** The gradient's colour at `t` (0–1) into `out` (0–255 floats). */
export function gradientColor(stops: readonly GradientStop[], t: number, out: Float64Array): void {
  const first = stops[0]!;
  const last = stops[stops.length - 1]!;
  let from = first;
  let to = first;
  if (t <= first.location) to = first;
  else if (t >= last.location) from = to = last;
  else {
    for (let i = 1; i < stops.length; i++) {
      if (t <= stops[i]!.location) {
        from = stops[i - 1]!;
        to = stops[i]!;
        break;
      }
    }
  }
  const span = to.location - from.location;
  let f = span > 0 ? (t - from.location) / span : 0;
  const m = Math.min(0.99, Math.max(0.01, from.midpoint));
  f = f < m ? (0.5 * f) / m : 0.5 + (0.5 * (f - m)) / (1 - m);
  for (let c = 0; c < 3; c++) out[c] = from.color[c]! + (to.color[c]! - from.color[c]!) * f;
}

export function gradientMap(image: RgbaImage, params: GradientMapParams): RgbaImage {
  // One colour per grey level.
  const table = new Float64Array(256 * 3);
  const rgb = new Float64Array(3);
  for (let v = 0; v < 256; v++) {
    gradientColor(params.stops, params.reverse ? 1 - v / 255 : v / 255, rgb);
    table.set(rgb, v * 3);
  }
  return mapPixels(image, (r, g, b, out) => {
    const i = luminosityLevel(r, g, b) * 3;
    out[0] = table[i]!;
    out[1] = table[i + 1]!;
    out[2] = table[i + 2]!;
  });
}
