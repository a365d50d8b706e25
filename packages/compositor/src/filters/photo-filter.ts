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
): [number, number, number] {
  const d = p.density / 100;
  let out = [r, g, b].map((c, i) => c * (1 - d) + ((c * p.color[i]!) / 255) * d);
  if (p.preserve_luminosity) {
    const shift = luma(r, g, b) - luma(out[0]!, out[1]!, out[2]!);
    out = out.map((c) => c + shift);
    // Clip into gamut keeping the luma, as the W3C ClipColor step does.
    const l = luma(out[0]!, out[1]!, out[2]!);
    const n = Math.min(...out);
    const x = Math.max(...out);
    if (n < 0) out = out.map((c) => l + ((c - l) * l) / (l - n));
    if (x > 255) out = out.map((c) => l + ((c - l) * (255 - l)) / (x - l));
  }
  return out.map((c) => Math.min(255, Math.max(0, c))) as [number, number, number];
}

export function photoFilter(image: RgbaImage, params: PhotoFilterParams): RgbaImage {
  return mapPixels(image, (r, g, b) => photoFilterPixel(r, g, b, params));
}
