// Posterize: each channel falls into one of `levels` equal bands of 0–255 and takes that band's
// tone, spread evenly from 0 to 255 and cut to a level: floor(floor(v · levels / 256) · 255 /
// (levels − 1)), as Photoshop (checked against its composite of psd-tools' posterize_rgb.psd,
// where rounding instead of cutting leaves a seventh of the pixels one level too light).
import type { RgbaImage } from '../raster.js';
import { applyLuts, lutOf } from './channel-lut.js';

export interface PosterizeParams {
  /** 2 … 255 */
  levels: number;
}

export function posterizeValue(value: number, levels: number): number {
  return Math.floor((Math.floor((value * levels) / 256) * 255) / (levels - 1));
}

export function posterize(image: RgbaImage, params: PosterizeParams): RgbaImage {
  const lut = lutOf((v) => posterizeValue(v, params.levels));
  return applyLuts(image, lut, lut, lut);
}
