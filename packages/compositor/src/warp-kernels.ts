// The kernels sharp does not have: perspective (homography) and mesh warps of straight RGBA
// artwork into a canvas region, optionally displaced by a grey map. Sampling is bilinear on
// premultiplied alpha (no dark fringes), and the artwork's border is antialiased from each
// pixel's distance to it. Only pixels of the destination region are visited.
import type { Writable } from './blend-modes.js';
import { greyAt } from './blend-modes.js';
import type { Matrix3 } from './homography.js';
import type { MeshField } from './mesh-field.js';
import type { PlacedGrey, PlacedRgba, Region, RgbaImage } from './raster.js';

// Local aliases: these loops also run in vm contexts (jest), where global lookups are slow.
const { floor, min, sqrt } = Math;

/** Shifts where each destination pixel samples: 128 is neutral, 0 / 255 shift by ∓/± `strength` px. */
export interface DisplacementMap {
  map: PlacedGrey;
  strength: number;
}

type Premultiplied = Uint8Array | Uint8ClampedArray | Float32Array;

/** Premultiplied copy of the artwork (the artwork itself when it is opaque). */
export function premultiply(src: RgbaImage): Premultiplied {
  const data = src.data;
  let opaque = true;
  for (let i = 3; i < data.length; i += 4) {
    if (data[i] !== 255) {
      opaque = false;
      break;
    }
  }
  if (opaque) return data;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i += 4) {
    const a = data[i + 3]! / 255;
    out[i] = data[i]! * a;
    out[i + 1] = data[i + 1]! * a;
    out[i + 2] = data[i + 2]! * a;
    out[i + 3] = data[i + 3]!;
  }
  return out;
}

function clamp01(value: number): number {
  return value <= 0 ? 0 : value >= 1 ? 1 : value;
}

/**
 * Writes the artwork as seen at source position (u, v) (pixel edges on integers) into `out` at
 * byte offset o, for pixels near the artwork's border. gu and gv are |∇u| and |∇v| (source px per
 * canvas px), which turn the distance to the border into canvas pixels for the edge coverage.
 */
function sampleEdgePixel(
  out: Uint8ClampedArray,
  o: number,
  pm: Premultiplied,
  width: number,
  height: number,
  u: number,
  v: number,
  gu: number,
  gv: number,
): void {
  const coverage = clamp01(0.5 + min(u, width - u) / gu) * clamp01(0.5 + min(v, height - v) / gv);
  if (!(coverage > 0)) return;
  const fx = u - 0.5;
  const fy = v - 0.5;
  let x0 = floor(fx);
  let y0 = floor(fy);
  const tx = fx - x0;
  const ty = fy - y0;
  let x1 = x0 + 1;
  let y1 = y0 + 1;
  x0 = x0 < 0 ? 0 : x0 > width - 1 ? width - 1 : x0;
  x1 = x1 < 0 ? 0 : x1 > width - 1 ? width - 1 : x1;
  y0 = y0 < 0 ? 0 : y0 > height - 1 ? height - 1 : y0;
  y1 = y1 < 0 ? 0 : y1 > height - 1 ? height - 1 : y1;
  const i00 = (y0 * width + x0) * 4;
  const i10 = (y0 * width + x1) * 4;
  const i01 = (y1 * width + x0) * 4;
  const i11 = (y1 * width + x1) * 4;
  const w00 = (1 - tx) * (1 - ty);
  const w10 = tx * (1 - ty);
  const w01 = (1 - tx) * ty;
  const w11 = tx * ty;
  const a = pm[i00 + 3]! * w00 + pm[i10 + 3]! * w10 + pm[i01 + 3]! * w01 + pm[i11 + 3]! * w11;
  if (a <= 0) return;
  const unpremultiply = 255 / a;
  out[o] = (pm[i00]! * w00 + pm[i10]! * w10 + pm[i01]! * w01 + pm[i11]! * w11) * unpremultiply;
  out[o + 1] =
    (pm[i00 + 1]! * w00 + pm[i10 + 1]! * w10 + pm[i01 + 1]! * w01 + pm[i11 + 1]! * w11) * unpremultiply;
  out[o + 2] =
    (pm[i00 + 2]! * w00 + pm[i10 + 2]! * w10 + pm[i01 + 2]! * w01 + pm[i11 + 2]! * w11) * unpremultiply;
  out[o + 3] = a * coverage;
}

/**
 * The common case, kept in one small function the JIT inlines: a pixel at least one canvas pixel
 * inside the border, whose four source neighbours all exist. Returns false if it is not one.
 */
function sampleInteriorPixel(
  out: Uint8ClampedArray,
  o: number,
  pm: Premultiplied,
  opaque: boolean,
  width: number,
  height: number,
  u: number,
  v: number,
): boolean {
  const fx = u - 0.5;
  const fy = v - 0.5;
  if (!(fx >= 0 && fy >= 0 && fx < width - 1 && fy < height - 1)) return false;
  const x0 = fx | 0;
  const y0 = fy | 0;
  const tx = fx - x0;
  const ty = fy - y0;
  const i00 = (y0 * width + x0) * 4;
  const i10 = i00 + 4;
  const i01 = i00 + width * 4;
  const i11 = i01 + 4;
  const w00 = (1 - tx) * (1 - ty);
  const w10 = tx * (1 - ty);
  const w01 = (1 - tx) * ty;
  const w11 = tx * ty;
  if (opaque) {
    out[o] = pm[i00]! * w00 + pm[i10]! * w10 + pm[i01]! * w01 + pm[i11]! * w11;
    out[o + 1] = pm[i00 + 1]! * w00 + pm[i10 + 1]! * w10 + pm[i01 + 1]! * w01 + pm[i11 + 1]! * w11;
    out[o + 2] = pm[i00 + 2]! * w00 + pm[i10 + 2]! * w10 + pm[i01 + 2]! * w01 + pm[i11 + 2]! * w11;
    out[o + 3] = 255;
    return true;
  }
  const a = pm[i00 + 3]! * w00 + pm[i10 + 3]! * w10 + pm[i01 + 3]! * w01 + pm[i11 + 3]! * w11;
  if (a <= 0) return true;
  const unpremultiply = 255 / a;
  out[o] = (pm[i00]! * w00 + pm[i10]! * w10 + pm[i01]! * w01 + pm[i11]! * w11) * unpremultiply;
  out[o + 1] =
    (pm[i00 + 1]! * w00 + pm[i10 + 1]! * w10 + pm[i01 + 1]! * w01 + pm[i11 + 1]! * w11) * unpremultiply;
  out[o + 2] =
    (pm[i00 + 2]! * w00 + pm[i10 + 2]! * w10 + pm[i01 + 2]! * w01 + pm[i11 + 2]! * w11) * unpremultiply;
  out[o + 3] = a;
  return true;
}

/** Canvas-pixel shift of each destination pixel's sampling position, or null without a map. */
function shiftsOf(displacement: DisplacementMap | undefined, region: Region): Float32Array | null {
  if (!displacement) return null;
  const shifts = new Float32Array(region.width * region.height);
  const scale = displacement.strength / 127.5;
  for (let ry = 0; ry < region.height; ry++) {
    for (let rx = 0; rx < region.width; rx++) {
      shifts[ry * region.width + rx] =
        (greyAt(displacement.map, region.x + rx, region.y + ry, 127.5) - 127.5) * scale;
    }
  }
  return shifts;
}

/**
 * Perspective warp: `inverse` maps canvas coordinates to artwork pixel coordinates (the inverse of
 * the artwork → quad homography). Returns the warped artwork over `region` (transparent outside).
 */
export function warpPerspective(
  src: RgbaImage,
  inverse: Matrix3,
  region: Region,
  displacement?: DisplacementMap,
): Writable<PlacedRgba> {
  const out = new Uint8ClampedArray(region.width * region.height * 4);
  const pm = premultiply(src);
  const opaque = pm === src.data;
  const shifts = shiftsOf(displacement, region);
  const [h0, h1, h2, h3, h4, h5, h6, h7, h8] = inverse;
  const { width, height } = src;
  for (let ry = 0; ry < region.height; ry++) {
    const y = region.y + ry + 0.5;
    for (let rx = 0; rx < region.width; rx++) {
      const cell = ry * region.width + rx;
      const shift = shifts === null ? 0 : shifts[cell]!;
      const px = region.x + rx + 0.5 + shift;
      const py = y + shift;
      const w = h6 * px + h7 * py + h8;
      if (!(w > 0)) continue;
      const iw = 1 / w;
      const u = (h0 * px + h1 * py + h2) * iw;
      const v = (h3 * px + h4 * py + h5) * iw;
      // |∇u|² and |∇v|²: a pixel farther than one canvas pixel from the border is fully covered.
      const ax = h0 - u * h6;
      const ay = h1 - u * h7;
      const bx = h3 - v * h6;
      const by = h4 - v * h7;
      const gu2 = (ax * ax + ay * ay) * iw * iw;
      const gv2 = (bx * bx + by * by) * iw * iw;
      const du = u < width - u ? u : width - u;
      const dv = v < height - v ? v : height - v;
      const o = cell * 4;
      if (
        du > 0 &&
        dv > 0 &&
        du * du >= gu2 &&
        dv * dv >= gv2 &&
        sampleInteriorPixel(out, o, pm, opaque, width, height, u, v)
      ) {
        continue;
      }
      sampleEdgePixel(out, o, pm, width, height, u, v, sqrt(gu2), sqrt(gv2));
    }
  }
  return { ...region, data: out };
}

/** Mesh warp through a field from `buildMeshField`; the artwork spans the whole grid. */
export function warpMesh(
  src: RgbaImage,
  field: MeshField,
  displacement?: DisplacementMap,
): Writable<PlacedRgba> {
  const { region, triangle, coefficients: c } = field;
  const out = new Uint8ClampedArray(region.width * region.height * 4);
  const pm = premultiply(src);
  const opaque = pm === src.data;
  const shifts = shiftsOf(displacement, region);
  const { width, height } = src;
  for (let ry = 0; ry < region.height; ry++) {
    for (let rx = 0; rx < region.width; rx++) {
      const cell = ry * region.width + rx;
      const shift = shifts === null ? 0 : shifts[cell]!;
      const px = region.x + rx + 0.5 + shift;
      const py = region.y + ry + 0.5 + shift;
      // The triangle under the displaced position, else the pixel's own (affine maps extrapolate).
      let t = triangle[cell]!;
      if (shift !== 0) {
        const dx = floor(px) - region.x;
        const dy = floor(py) - region.y;
        const moved =
          dx >= 0 && dy >= 0 && dx < region.width && dy < region.height
            ? triangle[dy * region.width + dx]!
            : -1;
        if (moved >= 0) t = moved;
      }
      if (t < 0) continue;
      const k = t * 6;
      const u = (c[k]! * px + c[k + 1]! * py + c[k + 2]!) * width;
      const v = (c[k + 3]! * px + c[k + 4]! * py + c[k + 5]!) * height;
      const gu = sqrt(c[k]! * c[k]! + c[k + 1]! * c[k + 1]!) * width;
      const gv = sqrt(c[k + 3]! * c[k + 3]! + c[k + 4]! * c[k + 4]!) * height;
      const o = cell * 4;
      const interior = min(u, width - u) >= gu && min(v, height - v) >= gv;
      if (interior && sampleInteriorPixel(out, o, pm, opaque, width, height, u, v)) continue;
      sampleEdgePixel(out, o, pm, width, height, u, v, gu, gv);
    }
  }
  return { ...region, data: out };
}
