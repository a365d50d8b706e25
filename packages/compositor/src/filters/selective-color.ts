// Selective Color: cyan, magenta, yellow and black added to or taken from the pixels of nine
// colour ranges. Photoshop's formula is not published; this is FFmpeg's published model of it
// (libavfilter/vf_selectivecolor.c). A pixel belongs to reds / greens / blues when that channel is
// its largest (weight max − mid), to cyans / magentas / yellows when red / green / blue is its
// smallest (weight mid − min), to whites when every channel is above 128 (weight 2·min − 255), to
// blacks when every one is below 128 (weight 255 − 2·max), to neutrals unless pure black or white
// (weight 255 − (|2·max − 255| + |2·min − 255|) / 2). For each range, channel value v (0–1) and
// its ink adjustment a with black k (both −1 … 1): Δ = (−1 − a)·k − a, times (1 − v) when relative,
// clipped to [−v, 1 − v], times the weight (levels); the ranges' changes add up.
import type { RgbaImage } from '../raster.js';
import { mapPixels } from './channel-lut.js';

/** [cyan %, magenta %, yellow %, black %], each −100 … 100. */
export type InkShift = readonly [number, number, number, number];

export const SELECTIVE_COLOR_RANGES = [
  'reds',
  'yellows',
  'greens',
  'cyans',
  'blues',
  'magentas',
  'whites',
  'neutrals',
  'blacks',
] as const;
export type SelectiveColorRange = (typeof SELECTIVE_COLOR_RANGES)[number];

export type SelectiveColorParams = { method: 'relative' | 'absolute' } & Partial<
  Record<SelectiveColorRange, InkShift>
>;

function inkChange(value: number, ink: number, black: number, relative: boolean): number {
  let change = (-1 - ink) * black - ink;
  if (relative) change *= 1 - value;
  return Math.min(1 - value, Math.max(-value, change));
}

/** How much of `range` the pixel holds (0–255 levels; 0 when it is not in the range). */
function weightOf(range: SelectiveColorRange, r: number, g: number, b: number): number {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const mid = r + g + b - max - min;
  switch (range) {
    case 'reds':
      return r === max ? max - mid : 0;
    case 'greens':
      return g === max ? max - mid : 0;
    case 'blues':
      return b === max ? max - mid : 0;
    case 'cyans':
      return r === min ? mid - min : 0;
    case 'magentas':
      return g === min ? mid - min : 0;
    case 'yellows':
      return b === min ? mid - min : 0;
    case 'whites':
      return r > 128 && g > 128 && b > 128 ? 2 * min - 255 : 0;
    case 'blacks':
      return r < 128 && g < 128 && b < 128 ? 255 - 2 * max : 0;
    case 'neutrals':
      return max > 0 && min < 255 ? 255 - (Math.abs(2 * max - 255) + Math.abs(2 * min - 255)) / 2 : 0;
  }
}

export function selectiveColorPixel(
  r: number,
  g: number,
  b: number,
  p: SelectiveColorParams,
  out: Float64Array,
): void {
  const relative = p.method === 'relative';
  const value = [r / 255, g / 255, b / 255];
  let dr = 0;
  let dg = 0;
  let db = 0;
  for (const range of SELECTIVE_COLOR_RANGES) {
    const shift = p[range];
    if (!shift) continue;
    const weight = weightOf(range, r, g, b);
    if (weight <= 0) continue;
    const black = shift[3] / 100;
    dr += Math.round(inkChange(value[0]!, shift[0] / 100, black, relative) * weight);
    dg += Math.round(inkChange(value[1]!, shift[1] / 100, black, relative) * weight);
    db += Math.round(inkChange(value[2]!, shift[2] / 100, black, relative) * weight);
  }
  out[0] = Math.min(255, Math.max(0, r + dr));
  out[1] = Math.min(255, Math.max(0, g + dg));
  out[2] = Math.min(255, Math.max(0, b + db));
}

export function selectiveColor(image: RgbaImage, params: SelectiveColorParams): RgbaImage {
  return mapPixels(image, (r, g, b, out) => selectiveColorPixel(r, g, b, params, out));
}
