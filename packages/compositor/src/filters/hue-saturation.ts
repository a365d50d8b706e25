// Hue/Saturation (master range), GIMP's Photoshop-modelled formula: hue rotates the HSL hue,
// saturation scales HSL saturation by (1 + saturation / 100), lightness then moves RGB toward
// white (> 0) or black (< 0). Colorize replaces hue and saturation with the given ones.
import type { RgbaImage } from '../raster.js';
import { mapPixels } from './channel-lut.js';
import { hslToRgb, rgbToHsl } from './hsl.js';

export interface HueSaturationParams {
  /** Degrees, -180 … 180 (0 … 360 with colorize). */
  hue: number;
  /** -100 … 100 (0 … 100 with colorize). */
  saturation: number;
  /** -100 … 100 */
  lightness: number;
  colorize?: boolean;
}

const hsl = new Float64Array(3);

export function hueSaturationPixel(
  r: number,
  g: number,
  b: number,
  p: HueSaturationParams,
  out: Float64Array,
): void {
  rgbToHsl(r / 255, g / 255, b / 255, hsl);
  const l = hsl[2]!;
  if (p.colorize) {
    hslToRgb((((p.hue / 360) % 1) + 1) % 1, Math.min(1, Math.max(0, p.saturation / 100)), l, out);
  } else {
    const hue = (((hsl[0]! + p.hue / 360) % 1) + 1) % 1;
    hslToRgb(hue, Math.min(1, Math.max(0, hsl[1]! * (1 + p.saturation / 100))), l, out);
  }
  const k = p.lightness / 100;
  for (let c = 0; c < 3; c++) {
    const v = out[c]!;
    out[c] = 255 * (k >= 0 ? v + (1 - v) * k : v * (1 + k));
  }
}

export function hueSaturation(image: RgbaImage, params: HueSaturationParams): RgbaImage {
  return mapPixels(image, (r, g, b, out) => hueSaturationPixel(r, g, b, params, out));
}
