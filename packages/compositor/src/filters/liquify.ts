// Liquify (Photoshop's Filter › Liquify as a smart filter): every artwork pixel takes the colour found
// at itself plus a displacement, the displacement interpolated bilinearly between the vertices of a
// grid spread evenly over the artwork (corner vertices on its corners), and the colour sampled
// bilinearly with alpha premultiplied, transparent outside the artwork. Displacements are fractions
// of the artwork's width and height, so one grid serves every artwork resolution.
import type { RgbaImage } from '../raster.js';

export interface LiquifyParams {
  cols: number;
  rows: number;
  /** cols × rows pairs [dx, dy], row by row from the top left. */
  displacement: readonly number[];
}

export function liquify(image: RgbaImage, params: LiquifyParams): RgbaImage {
  const { width, height, data } = image;
  const { cols, rows, displacement } = params;
  const out = new Uint8ClampedArray(data.length);
  const cellX = (cols - 1) / width;
  const cellY = (rows - 1) / height;
  for (let y = 0; y < height; y++) {
    const gy = Math.min((y + 0.5) * cellY, rows - 1);
    const j = Math.min(Math.floor(gy), rows - 2);
    const fy = gy - j;
    for (let x = 0; x < width; x++) {
      const gx = Math.min((x + 0.5) * cellX, cols - 1);
      const i = Math.min(Math.floor(gx), cols - 2);
      const fx = gx - i;
      const a = (j * cols + i) * 2;
      const b = a + 2;
      const c = a + cols * 2;
      const d = c + 2;
      const w00 = (1 - fx) * (1 - fy);
      const w10 = fx * (1 - fy);
      const w01 = (1 - fx) * fy;
      const w11 = fx * fy;
      const dx =
        w00 * displacement[a]! + w10 * displacement[b]! + w01 * displacement[c]! + w11 * displacement[d]!;
      const dy =
        w00 * displacement[a + 1]! +
        w10 * displacement[b + 1]! +
        w01 * displacement[c + 1]! +
        w11 * displacement[d + 1]!;
      sampleInto(image, x + 0.5 + dx * width, y + 0.5 + dy * height, out, (y * width + x) * 4);
    }
  }
  return { width, height, data: out };
}

/** Bilinear sample at (sx, sy) (pixel centres at .5), premultiplied, into out[at…at+3]. */
function sampleInto(image: RgbaImage, sx: number, sy: number, out: Uint8ClampedArray, at: number): void {
  const { width, height, data } = image;
  const px = sx - 0.5;
  const py = sy - 0.5;
  const x0 = Math.floor(px);
  const y0 = Math.floor(py);
  const fx = px - x0;
  const fy = py - y0;
  let r = 0;
  let g = 0;
  let b = 0;
  let alpha = 0;
  for (let k = 0; k < 4; k++) {
    const x = x0 + (k & 1);
    const y = y0 + (k >> 1);
    if (x < 0 || y < 0 || x >= width || y >= height) continue;
    const weight = (k & 1 ? fx : 1 - fx) * (k >> 1 ? fy : 1 - fy);
    const i = (y * width + x) * 4;
    const wa = weight * data[i + 3]!;
    r += wa * data[i]!;
    g += wa * data[i + 1]!;
    b += wa * data[i + 2]!;
    alpha += wa;
  }
  if (alpha <= 0) return;
  out[at] = Math.round(r / alpha);
  out[at + 1] = Math.round(g / alpha);
  out[at + 2] = Math.round(b / alpha);
  out[at + 3] = Math.round(alpha);
}
