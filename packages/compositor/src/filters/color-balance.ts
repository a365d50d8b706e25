// Color Balance. Midtones as Photoshop draws them: each channel through a gamma curve,
// v' = v^(2^(-shift/100)) (matched to a level against a Photoshop composite of cyan–red -33,
// magenta–green -23, yellow–blue +38). Shadows and highlights keep GIMP's model
// (app/operations/gimpoperationcolorbalance.c): the shift weighted by how much the pixel's HSL
// lightness lies in that range; preserve luminosity then restores the pixel's HSL lightness.
import type { RgbaImage } from '../raster.js';
import { mapPixels } from './channel-lut.js';
import { hslToRgb, rgbToHsl } from './hsl.js';

export type ColorShift = readonly [number, number, number];

export interface ColorBalanceParams {
  shadows: ColorShift;
  midtones: ColorShift;
  highlights: ColorShift;
  preserve_luminosity: boolean;
}

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

function balanceChannel(value: number, l: number, sh: number, mid: number, hi: number): number {
  const a = 0.25;
  const b = 0.333;
  const scale = 0.7;
  const s = sh * clamp01((l - b) / -a + 0.5) * scale;
  const h = hi * clamp01((l + b - 1) / a + 0.5) * scale;
  return clamp01(value ** (2 ** -mid) + s + h);
}

const hsl = new Float64Array(3);

export function colorBalancePixel(
  r: number,
  g: number,
  b: number,
  p: ColorBalanceParams,
  out: Float64Array,
): void {
  rgbToHsl(r / 255, g / 255, b / 255, hsl);
  const l = hsl[2]!;
  out[0] = balanceChannel(r / 255, l, p.shadows[0] / 100, p.midtones[0] / 100, p.highlights[0] / 100);
  out[1] = balanceChannel(g / 255, l, p.shadows[1] / 100, p.midtones[1] / 100, p.highlights[1] / 100);
  out[2] = balanceChannel(b / 255, l, p.shadows[2] / 100, p.midtones[2] / 100, p.highlights[2] / 100);
  if (p.preserve_luminosity) {
    rgbToHsl(out[0], out[1], out[2], hsl);
    hslToRgb(hsl[0]!, hsl[1]!, l, out);
  }
  out[0] = out[0] * 255;
  out[1] = out[1] * 255;
  out[2] = out[2] * 255;
}

export function colorBalance(image: RgbaImage, params: ColorBalanceParams): RgbaImage {
  return mapPixels(image, (r, g, b, out) => colorBalancePixel(r, g, b, params, out));
}
