// Exposure, in linear light as Photoshop's Exposure adjustment works: the value is linearised,
// scaled by 2^exposure, shifted by offset, raised to 1 / gamma, and encoded back. Photoshop
// linearises with a plain 2.2 gamma, not the sRGB curve: matched to Photoshop's composites within
// a level (the sRGB curve was up to 6 levels off in the mid-tones, 19 in psd-tools' exposure_rgb).
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

const DISPLAY_GAMMA = 2.2;

export function exposureValue(value: number, p: ExposureParams): number {
  const linear = Math.pow(value / 255, DISPLAY_GAMMA) * Math.pow(2, p.exposure) + p.offset;
  const corrected = Math.pow(Math.min(1, Math.max(0, linear)), 1 / p.gamma);
  return Math.pow(corrected, 1 / DISPLAY_GAMMA) * 255;
}

export function exposure(image: RgbaImage, params: ExposureParams): RgbaImage {
  const lut = lutOf((v) => exposureValue(v, params));
  return applyLuts(image, lut, lut, lut);
}
