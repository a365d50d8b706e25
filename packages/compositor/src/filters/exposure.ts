// Exposure, in linear light as Photoshop's Exposure adjustment works: the sRGB value is linearised,
// scaled by 2^exposure, shifted by offset, raised to 1 / gamma, and encoded back to sRGB.
import type { RgbaImage } from '../raster.js';
import { applyLuts, lutOf } from './channel-lut.js';

export interface ExposureParams {
  /** Stops, -20 … 20. */
  exposure: number;
  /** -0.5 … 0.5, in linear 0–1 units. */
  offset: number;
  /** 0.01 … 9.99 */
  gamma: number;
}

export function srgbToLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
}

export function linearToSrgb(c: number): number {
  return c <= 0.0031308 ? c * 12.92 : 1.055 * Math.pow(c, 1 / 2.4) - 0.055;
}

export function exposureValue(value: number, p: ExposureParams): number {
  const linear = srgbToLinear(value / 255) * Math.pow(2, p.exposure) + p.offset;
  const corrected = Math.pow(Math.min(1, Math.max(0, linear)), 1 / p.gamma);
  return linearToSrgb(corrected) * 255;
}

export function exposure(image: RgbaImage, params: ExposureParams): RgbaImage {
  const lut = lutOf((v) => exposureValue(v, params));
  return applyLuts(image, lut, lut, lut);
}
