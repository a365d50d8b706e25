// Cloth as a height field lit by a soft studio light: folds drawn as tapered strokes (ridges up,
// creases down), blurred into smooth relief, then shaded from the field's normals. The same field
// drives the fabric in the photo, the shading over the print and the print's displacement, so the
// print bends and darkens exactly where the cloth does.
import { drawSvg } from './sample-canvas.js';

// Local aliases: these loops also run in vm contexts (jest), where global lookups are slow.
const { max, min, round, sqrt } = Math;

/** One fold along a quadratic curve; it fades in and out along its length. */
export interface Fold {
  /** Start, control and end points: [x0, y0, cx, cy, x1, y1]. */
  curve: readonly [number, number, number, number, number, number];
  /** Stroke width before the blur, in canvas pixels. */
  width: number;
  /** Height in canvas pixels: positive for a ridge, negative for a crease. */
  height: number;
}

/**
 * Height of a set of folds, width × height row-major, in canvas pixels. Strokes are drawn on a
 * neutral grey (ridges lighter, creases darker) and blurred by `sigma` in floating point (an 8-bit
 * blur would leave terraces that the lighting turns into contour lines).
 */
export async function foldHeights(
  width: number,
  height: number,
  folds: readonly Fold[],
  sigma: number,
): Promise<Float32Array> {
  const peak = max(...folds.map((fold) => Math.abs(fold.height)));
  const defs: string[] = [];
  const paths: string[] = [];
  folds.forEach((fold, k) => {
    const [x0, y0, cx, cy, x1, y1] = fold.curve;
    const color = fold.height > 0 ? '#fff' : '#000';
    // Tapered ends: a gradient from one end to the other, opaque only in the middle.
    defs.push(
      `<linearGradient id="f${k}" gradientUnits="userSpaceOnUse" x1="${x0}" y1="${y0}" x2="${x1}" y2="${y1}">` +
        `<stop offset="0" stop-color="${color}" stop-opacity="0"/><stop offset="0.3" stop-color="${color}"/>` +
        `<stop offset="0.7" stop-color="${color}"/><stop offset="1" stop-color="${color}" stop-opacity="0"/></linearGradient>`,
    );
    paths.push(
      `<path d="M${x0},${y0} Q${cx},${cy} ${x1},${y1}" fill="none" stroke="url(#f${k})" stroke-width="${fold.width}" ` +
        `stroke-linecap="round" opacity="${Math.abs(fold.height) / peak}"/>`,
    );
  });
  const drawn = await drawSvg(
    width,
    height,
    `<defs>${defs.join('')}</defs><rect width="${width}" height="${height}" fill="#808080"/>${paths.join('')}`,
  );
  const out = new Float32Array(width * height);
  const scale = peak / 127;
  for (let i = 0; i < out.length; i++) out[i] = (drawn.data[i * 4]! - 128) * scale;
  return blurField(out, width, height, sigma);
}

/** Gaussian blur of a float field (three box passes each way), in place; returns the field. */
export function blurField(field: Float32Array, width: number, height: number, sigma: number): Float32Array {
  // Box width for three passes whose variance adds up to sigma².
  const radius = max(1, round((sqrt((12 * sigma * sigma) / 3 + 1) - 1) / 2));
  const scale = 1 / (2 * radius + 1);
  const line = new Float32Array(width);
  const copy = new Float32Array(field.length);
  const sums = new Float32Array(width);
  for (let pass = 0; pass < 3; pass++) {
    // Along rows: a running sum per row (edges repeat the end values).
    for (let y = 0; y < height; y++) {
      const start = y * width;
      line.set(field.subarray(start, start + width));
      let sum = 0;
      for (let k = -radius; k <= radius; k++) sum += line[min(width - 1, max(0, k))]!;
      for (let x = 0; x < width; x++) {
        field[start + x] = sum * scale;
        sum += line[min(width - 1, x + radius + 1)]! - line[max(0, x - radius)]!;
      }
    }
    // Along columns: running sums for all columns at once, so memory is read row by row.
    copy.set(field);
    sums.fill(0);
    for (let k = -radius; k <= radius; k++) {
      const row = min(height - 1, max(0, k)) * width;
      for (let x = 0; x < width; x++) sums[x]! += copy[row + x]!;
    }
    for (let y = 0; y < height; y++) {
      const out = y * width;
      const enter = min(height - 1, y + radius + 1) * width;
      const leave = max(0, y - radius) * width;
      for (let x = 0; x < width; x++) {
        field[out + x] = sums[x]! * scale;
        sums[x]! += copy[enter + x]! - copy[leave + x]!;
      }
    }
  }
  return field;
}

export interface StudioLight {
  /** Direction towards the light (need not be normalised); z points at the camera. */
  direction: readonly [number, number, number];
  /** Wrap-around of the diffuse term (0 = Lambert): soft boxes light the far side of a fold too. */
  wrap: number;
  /** Strength of the cotton's faint sheen on slopes facing the light. */
  sheen: number;
}

export interface LitRelief {
  /** Diffuse light relative to a flat patch of cloth (1 = flat; below in shadow, above lit). */
  diffuse: Float32Array;
  /** Sheen in [0, 1], zero on flat cloth. */
  sheen: Float32Array;
}

/** Lights a height field (canvas pixels) from its normals; flat cloth gets diffuse 1 and no sheen. */
export function lightRelief(
  relief: Float32Array,
  width: number,
  height: number,
  light: StudioLight,
): LitRelief {
  const [dx, dy, dz] = light.direction;
  const length = sqrt(dx * dx + dy * dy + dz * dz);
  const lx = dx / length;
  const ly = dy / length;
  const lz = dz / length;
  // Half-vector between the light and the camera (0, 0, 1), for the sheen.
  const hl = sqrt(lx * lx + ly * ly + (lz + 1) ** 2);
  const hx = lx / hl;
  const hy = ly / hl;
  const hz = (lz + 1) / hl;
  const { wrap } = light;
  const flat = (lz + wrap) / (1 + wrap);
  const diffuse = new Float32Array(width * height);
  const sheen = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const up = y > 0 ? -width : 0;
    const down = y < height - 1 ? width : 0;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const gx = (relief[i + (x < width - 1 ? 1 : 0)]! - relief[i - (x > 0 ? 1 : 0)]!) * 0.5;
      const gy = (relief[i + down]! - relief[i + up]!) * 0.5;
      const norm = 1 / sqrt(gx * gx + gy * gy + 1);
      const nx = -gx * norm;
      const ny = -gy * norm;
      const nz = norm;
      diffuse[i] = max(0, (nx * lx + ny * ly + nz * lz + wrap) / (1 + wrap)) / flat;
      const facing = (nx * hx + ny * hy + nz * hz - hz) / (1 - hz);
      sheen[i] = facing > 0 ? min(1, facing * facing * light.sheen) : 0;
    }
  }
  return { diffuse, sheen };
}
