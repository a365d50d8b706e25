// Hue/Saturation (master range): hue rotates the HSL hue; saturation scales HSL saturation by
// (1 + s) when lowered and by 1 / (1 − s) when raised (s = saturation / 100; GIMP's (1 + s) both
// ways was up to 6 levels off Photoshop's composite at +30, this is within 3, MAD 0.42). Lightness
// moves RGB toward white (> 0) or black (< 0) first, as psd-tools reads it: on psd-tools'
// huesaturation_rgb.psd (hue +122, saturation +100, lightness −37) MAD 1.3 where after gave 10.7. Colorize sets the given hue and saturation and moves the HSL lightness
// itself toward 1 or 0 (psd-tools' reading of it; on Photoshop's composite of psd-tools'
// huesaturation_colorize_rgb.psd MAD 0.47, at most 3 levels, where moving RGB after gave 9.2).
// Colour ranges (hue-ranges.ts) weigh their shifts by the pixel's hue after the master lightness:
// their lightness moves the HSV value and saturation, their hue adds to the master's, their
// saturation scales after the master's.
import type { RgbaImage } from '../raster.js';
import { mapPixels } from './channel-lut.js';
import { hslToRgb, rgbToHsl } from './hsl.js';
import { rangeShifts, type HueRange } from './hue-ranges.js';

export interface HueSaturationParams {
  /** Degrees, -180 … 180 (0 … 360 with colorize). */
  hue: number;
  /** -100 … 100 (0 … 100 with colorize). */
  saturation: number;
  /** -100 … 100 */
  lightness: number;
  colorize?: boolean;
  /** Colour ranges with a shift (ignored with colorize). */
  ranges?: readonly HueRange[] | undefined;
}

const hsl = new Float64Array(3);
const shifts = new Float64Array(3);

/** HSL saturation and lightness after a range lightness `k` (−1 … 1) moved the HSV value, into hsl. */
function rangeLit(k: number): void {
  const s = hsl[1]!;
  const l = hsl[2]!;
  const v = l + s * Math.min(l, 1 - l);
  const sv = v === 0 ? 0 : 2 * (1 - l / v);
  // Raised: the HSV saturation falls toward white; lowered: the value falls, more for vivid colours.
  const value = k >= 0 ? v : Math.min(1, Math.max(0, v * (1 + k * sv)));
  const inverse = 1 / (sv + 1e-3);
  const sat = Math.min(1, Math.max(0, k >= 0 ? sv * (1 - k) : 1 + (inverse - 1) / (-k - inverse + 1e-3)));
  const lit = value * (1 - sat / 2);
  hsl[1] = lit === 0 || lit === 1 ? 0 : (value - lit) / Math.min(lit, 1 - lit);
  hsl[2] = lit;
}

function saturated(saturation: number, s: number): number {
  if (s <= 0) return saturation * (1 + s);
  if (s >= 1) return saturation > 0 ? 1 : 0;
  return Math.min(1, saturation / (1 - s));
}

export function hueSaturationPixel(
  r: number,
  g: number,
  b: number,
  p: HueSaturationParams,
  out: Float64Array,
): void {
  if (p.colorize) {
    rgbToHsl(r / 255, g / 255, b / 255, hsl);
    const l = hsl[2]!;
    const k = p.lightness / 100;
    const lit = k >= 0 ? l * (1 - k) + k : l * (1 + k);
    hslToRgb((((p.hue / 360) % 1) + 1) % 1, Math.min(1, Math.max(0, p.saturation / 100)), lit, out);
    for (let c = 0; c < 3; c++) out[c] = out[c]! * 255;
    return;
  }
  const k = p.lightness / 100;
  const lit = (v: number): number => (k >= 0 ? v + (1 - v) * k : v * (1 + k));
  rgbToHsl(lit(r / 255), lit(g / 255), lit(b / 255), hsl);
  if (p.ranges && p.ranges.length > 0) rangeShifts(hsl[0]!, p.ranges, shifts);
  else shifts.fill(0);
  if (shifts[2] !== 0) rangeLit(shifts[2]!);
  const hue = (((hsl[0]! + p.hue / 360 + shifts[0]!) % 1) + 1) % 1;
  const saturation = saturated(hsl[1]!, p.saturation / 100);
  hslToRgb(hue, shifts[1] !== 0 ? saturated(saturation, shifts[1]!) : saturation, hsl[2]!, out);
  for (let c = 0; c < 3; c++) out[c] = out[c]! * 255;
}

export function hueSaturation(image: RgbaImage, params: HueSaturationParams): RgbaImage {
  return mapPixels(image, (r, g, b, out) => hueSaturationPixel(r, g, b, params, out));
}
