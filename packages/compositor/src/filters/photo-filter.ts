// Photo Filter: the image seen through a coloured lens filter — a multiply by the filter colour,
// mixed in by density; preserve luminosity then restores each pixel's Rec. 601 luma (the
// set-luminosity step of the non-separable blend modes), so only the colour cast remains.
import type { RgbaImage } from '../raster.js';
import { mapPixels } from './channel-lut.js';

export interface PhotoFilterParams {
  /** RGB, 0–255. */
  color: readonly [number, number, number];
  /** 0 … 100 */
  density: number;
  preserve_luminosity: boolean;
}

const luma = (r: number, g: number, b: number): number => 0.299 * r + 0.587 * g + 0.114 * b;

export function photoFilterPixel(
  r: number,
  g: number,
  b: number,
  p: PhotoFilterParams,
  out: Float64Array,
): void {
  const d = p.density / 100;
  out[0] = r * (1 - d) + ((r * p.color[0]) / 255) * d;
  out[1] = g * (1 - d) + ((g * p.color[1]) / 255) * d;
  out[2] = b * (1 - d) + ((b * p.color[2]) / 255) * d;
  if (p.preserve_luminosity) {
    const shift = luma(r, g, b) - luma(out[0], out[1], out[2]);
    for (let c = 0; c < 3; c++) out[c] = out[c]! + shift;
    // Clip into gamut keeping the luma, as the W3C ClipColor step does.
    const l = luma(out[0], out[1], out[2]);
    const n = Math.min(out[0], out[1], out[2]);
    const x = Math.max(out[0], out[1], out[2]);
    if (n < 0) for (let c = 0; c < 3; c++) out[c] = l + ((out[c]! - l) * l) / (l - n);
    if (x > 255) for (let c = 0; c < 3; c++) out[c] = l + ((out[c]! - l) * (255 - l)) / (x - l);
  }
  for (let c = 0; c < 3; c++) out[c] = Math.min(255, Math.max(0, out[c]!));
}

export function photoFilter(image: RgbaImage, params: PhotoFilterParams): RgbaImage {
  return mapPixels(image, (r, g, b, out) => photoFilterPixel(r, g, b, params, out));
}
