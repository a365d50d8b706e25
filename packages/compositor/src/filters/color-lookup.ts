// Color Lookup: each pixel through a 3D table (a .cube or .3dl grid), trilinearly interpolated
// between the eight grid points around it. On Photoshop's composite of Aspose's AllAdjustments.psd
// (a 21-point .cube) every channel is within a level (MAD 0.25; Photoshop dithers the result).
import type { RgbaImage } from '../raster.js';
import { mapPixels } from './channel-lut.js';

export interface ColorLookupParams {
  /** Grid points along each axis. */
  size: number;
  /** size³ RGB triples, 0–1, red varying fastest, then green, then blue (the .cube order). */
  table: readonly number[];
}

export function colorLookupPixel(
  r: number,
  g: number,
  b: number,
  { size, table }: ColorLookupParams,
  out: Float64Array,
): void {
  // Grid cell and position within it along each axis (no allocation: this runs per pixel).
  const last = size - 1;
  const pr = (r / 255) * last;
  const pg = (g / 255) * last;
  const pb = (b / 255) * last;
  const ri = Math.min(last - 1, Math.floor(pr));
  const gi = Math.min(last - 1, Math.floor(pg));
  const bi = Math.min(last - 1, Math.floor(pb));
  const rf = pr - ri;
  const gf = pg - gi;
  const bf = pb - bi;
  out[0] = 0;
  out[1] = 0;
  out[2] = 0;
  for (let corner = 0; corner < 8; corner++) {
    const dr = corner & 1;
    const dg = (corner >> 1) & 1;
    const db = corner >> 2;
    const w = (dr ? rf : 1 - rf) * (dg ? gf : 1 - gf) * (db ? bf : 1 - bf);
    if (w === 0) continue;
    const at = (ri + dr + size * (gi + dg + size * (bi + db))) * 3;
    out[0] += w * table[at]!;
    out[1] += w * table[at + 1]!;
    out[2] += w * table[at + 2]!;
  }
  for (let c = 0; c < 3; c++) out[c] = Math.min(255, Math.max(0, out[c]! * 255));
}

export function colorLookup(image: RgbaImage, params: ColorLookupParams): RgbaImage {
  return mapPixels(image, (r, g, b, out) => colorLookupPixel(r, g, b, params, out));
}
