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

export function vibrancePixel(r: number, g: number, b: number, p: VibranceParams): [number, number, number] {
  const max = Math.max(r, g, b);
  const avg = (r + g + b) / 3;
  const amount = (((Math.abs(max - avg) * 2) / 255) * -p.vibrance) / 100;
  const rgb = [r, g, b].map((c) => (c !== max ? c + (max - c) * amount : c));
  const luma = 0.299 * rgb[0]! + 0.587 * rgb[1]! + 0.114 * rgb[2]!;
  const k = 1 + p.saturation / 100;
  return rgb.map((c) => Math.min(255, Math.max(0, luma + (c - luma) * k))) as [number, number, number];
}

export function vibrance(image: RgbaImage, params: VibranceParams): RgbaImage {
  return mapPixels(image, (r, g, b) => vibrancePixel(r, g, b, params));
}
