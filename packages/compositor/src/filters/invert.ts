// Invert: each colour channel becomes 255 − value; alpha is kept.
import type { RgbaImage } from '../raster.js';
import { applyLuts, lutOf } from './channel-lut.js';

export function invert(image: RgbaImage): RgbaImage {
  const lut = lutOf((v) => 255 - v);
  return applyLuts(image, lut, lut, lut);
}
