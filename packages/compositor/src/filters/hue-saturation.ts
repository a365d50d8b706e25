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

export function hueSaturationPixel(
  r: number,
  g: number,
  b: number,
  p: HueSaturationParams,
): [number, number, number] {
  const [h, s, l] = rgbToHsl(r / 255, g / 255, b / 255);
  let rgb: [number, number, number];
  if (p.colorize) {
    rgb = hslToRgb((((p.hue / 360) % 1) + 1) % 1, Math.min(1, Math.max(0, p.saturation / 100)), l);
  } else {
    const hue = (((h + p.hue / 360) % 1) + 1) % 1;
    rgb = hslToRgb(hue, Math.min(1, Math.max(0, s * (1 + p.saturation / 100))), l);
  }
  const k = p.lightness / 100;
  return rgb.map((c) => 255 * (k >= 0 ? c + (1 - c) * k : c * (1 + k))) as [number, number, number];
}

export function hueSaturation(image: RgbaImage, params: HueSaturationParams): RgbaImage {
  return mapPixels(image, (r, g, b) => hueSaturationPixel(r, g, b, params));
}
