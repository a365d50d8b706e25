// Vibrance: saturation that favours muted colours (CamanJS's published vibrance formula: each
// channel moves toward the maximum channel by an amount proportional to how far the maximum is from
// the mean), followed by a plain saturation scale about the Rec. 601 luma (Photoshop's Vibrance
// dialog carries both sliders, -100 … 100).
import type { RgbaImage } from '../raster.js';
import { mapPixels } from './channel-lut.js';

export interface VibranceParams {
  vibrance: number;
  saturation: number;
}

export function vibrancePixel(r: number, g: number, b: number, p: VibranceParams, out: Float64Array): void {
  const max = Math.max(r, g, b);
  const avg = (r + g + b) / 3;
  const amount = (((Math.abs(max - avg) * 2) / 255) * -p.vibrance) / 100;
  const vr = r !== max ? r + (max - r) * amount : r;
  const vg = g !== max ? g + (max - g) * amount : g;
  const vb = b !== max ? b + (max - b) * amount : b;
  const luma = 0.299 * vr + 0.587 * vg + 0.114 * vb;
  const k = 1 + p.saturation / 100;
  out[0] = Math.min(255, Math.max(0, luma + (vr - luma) * k));
  out[1] = Math.min(255, Math.max(0, luma + (vg - luma) * k));
  out[2] = Math.min(255, Math.max(0, luma + (vb - luma) * k));
}

export function vibrance(image: RgbaImage, params: VibranceParams): RgbaImage {
  return mapPixels(image, (r, g, b, out) => vibrancePixel(r, g, b, params, out));
}
