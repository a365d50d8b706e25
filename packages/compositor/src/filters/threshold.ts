// Threshold: white where a pixel's luminosity reaches `level`, black elsewhere (checked against
// Photoshop's composite of psd-tools' threshold_rgb.psd).
import type { RgbaImage } from '../raster.js';
import { mapPixels } from './channel-lut.js';
import { luminosityLevel } from './luminosity.js';

export interface ThresholdParams {
  /** 1 … 255 */
  level: number;
}

export function threshold(image: RgbaImage, params: ThresholdParams): RgbaImage {
  return mapPixels(image, (r, g, b, out) => {
    const v = luminosityLevel(r, g, b) >= params.level ? 255 : 0;
    out[0] = v;
    out[1] = v;
    out[2] = v;
  });
}
