// The kernels sharp does not have: perspective (homography) and mesh warps of straight RGBA
// artwork into a canvas region, optionally displaced by a grey map. Sampling is on premultiplied
// alpha (no dark fringes): bicubic where the artwork is enlarged (as Photoshop resamples
// transforms), bilinear where it is not (the fast path; through a mesh, a 2 × 2 supersample of each
// pixel's footprint, as warps squeeze unevenly), and the artwork's border is antialiased
// from each pixel's distance to it. The kernels work one row span at a time, so a render can warp, mask,
// shade and blend a row while it is in cache, without a region-sized intermediate image.
import type { Writable } from './blend-modes.js';
import { greyAt } from './blend-modes.js';
import type { Matrix3 } from './homography.js';
import type { MeshField } from './mesh-field.js';
import type { PlacedGrey, PlacedRgba, Region, RgbaImage } from './raster.js';
import type { Quad } from './template-model.js';

// Local aliases: these loops also run in vm contexts (jest), where global lookups are slow.
const { abs, ceil, floor, fround, max, min, sqrt } = Math;

// The samplers and row loops below are unrolled by hand (taps, channels and the homography written
// out; the interior, edge and bicubic cases in separate functions) because they are the render's
// hottest code: in the render benchmark's profile (infra/bench/render, `run.mjs --profile`;
// infra/bench/RESULTS.md, "Render (compositor)", "Profile: Platen only") this file is 39–58 % of the
// kernel thread's busy time, perspectiveInteriorRow, perspectiveRow, meshRow and sampleInteriorPixel
// its top functions. Profile again before folding one of them into a generic loop.

/** Shifts where each destination pixel samples: 128 is neutral, 0 / 255 shift by ∓/± `strength` px. */
export interface DisplacementMap {
  map: PlacedGrey;
  strength: number;
}

type Premultiplied = Uint8Array | Uint8ClampedArray | Float32Array;

/** The artwork ready for sampling: premultiplied once per render (not per row). */
export interface WarpSource {
  pm: Premultiplied;
  /** No transparency: the sampler skips the unpremultiply. */
  opaque: boolean;
  /** 4: RGBA; 3: RGB, opaque artwork decoded without an alpha channel. */
  channels: 3 | 4;
  width: number;
  height: number;
}

/** Artwork as the warps take it: straight RGBA, or RGB (`channels: 3`, always opaque). */
export type Artwork = RgbaImage & { opaque?: boolean; channels?: 3 | 4 };

export function warpSource(src: Artwork): WarpSource {
  const channels = src.channels ?? 4;
  const pm = src.opaque || channels === 3 ? src.data : premultiply(src);
  return { pm, opaque: pm === src.data, channels, width: src.width, height: src.height };
}

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

// Keys' cubic convolution with a = −0.75 (the sharpness of Photoshop's "Bicubic", and OpenCV's):
// the weights of the four samples around a point t ∈ [0, 1) past the second one.
const KEYS_A = -0.75;
const keysOuter = (d: number) => ((KEYS_A * d - 5 * KEYS_A) * d + 8 * KEYS_A) * d - 4 * KEYS_A;
const keysInner = (d: number) => ((KEYS_A + 2) * d - (KEYS_A + 3)) * d * d + 1;

/**
 * Source pixels per canvas pixel below which a pixel is resampled bicubically: the artwork is enlarged
 * there by more than 1.25×. Slighter enlargements (a perspective's near edge) look the same bilinear
 * and bicubic (the benchmark's tablet: mean difference 0.12 levels) but cost it 15 ms of compose a
 * render (infra/bench/RESULTS.md, "Render (compositor)", 2026-12-07).
 */
const BICUBIC_BELOW = 0.8;
const BICUBIC_BELOW_SQUARED = BICUBIC_BELOW * BICUBIC_BELOW;

/**
 * Bicubic sample of the artwork at (u, v) (pixel edges on integers), neighbours beyond the border
 * clamped to it. Writes the straight colour into out[o..o+2] and returns the alpha (0–255); the
 * caller writes the alpha where it wants it. For enlarged artwork only: it does not prefilter.
 */
function sampleBicubic(
  out: Uint8ClampedArray,
  o: number,
  pm: Premultiplied,
  sc: number,
  opaque: boolean,
  width: number,
  height: number,
  u: number,
  v: number,
): number {
  const fx = u - 0.5;
  const fy = v - 0.5;
  const x1 = floor(fx);
  const y1 = floor(fy);
  const tx = fx - x1;
  const ty = fy - y1;
  const wx0 = keysOuter(tx + 1);
  const wx1 = keysInner(tx);
  const wx2 = keysInner(1 - tx);
  const wx3 = keysOuter(2 - tx);
  const lastX = width - 1;
  const lastY = height - 1;
  // Column offsets of the four taps (clamped at the border), in array elements.
  const c0 = (x1 < 1 ? 0 : x1 - 1 > lastX ? lastX : x1 - 1) * sc;
  const c1 = (x1 < 0 ? 0 : x1 > lastX ? lastX : x1) * sc;
  const c2 = (x1 + 1 < 0 ? 0 : x1 + 1 > lastX ? lastX : x1 + 1) * sc;
  const c3 = (x1 + 2 < 0 ? 0 : x1 + 2 > lastX ? lastX : x1 + 2) * sc;
  let r = 0;
  let g = 0;
  let b = 0;
  let a = 0;
  for (let j = -1; j <= 2; j++) {
    const d = ty - j;
    const wy = j === 0 || j === 1 ? keysInner(d < 0 ? -d : d) : keysOuter(d < 0 ? -d : d);
    let yy = y1 + j;
    yy = yy < 0 ? 0 : yy > lastY ? lastY : yy;
    const k = yy * width * sc;
    const w0 = wx0 * wy;
    const w1 = wx1 * wy;
    const w2 = wx2 * wy;
    const w3 = wx3 * wy;
    r += pm[k + c0]! * w0 + pm[k + c1]! * w1 + pm[k + c2]! * w2 + pm[k + c3]! * w3;
    g += pm[k + c0 + 1]! * w0 + pm[k + c1 + 1]! * w1 + pm[k + c2 + 1]! * w2 + pm[k + c3 + 1]! * w3;
    b += pm[k + c0 + 2]! * w0 + pm[k + c1 + 2]! * w1 + pm[k + c2 + 2]! * w2 + pm[k + c3 + 2]! * w3;
    if (!opaque)
      a += pm[k + c0 + 3]! * w0 + pm[k + c1 + 3]! * w1 + pm[k + c2 + 3]! * w2 + pm[k + c3 + 3]! * w3;
  }
  if (opaque) {
    out[o] = r;
    out[o + 1] = g;
    out[o + 2] = b;
    return 255;
  }
  // The cubic overshoots: keep alpha in range and colour within it (premultiplied).
  a = a <= 0 ? 0 : a >= 255 ? 255 : a;
  if (a === 0) return 0;
  const unpremultiply = 255 / a;
  out[o] = min(r, a) * unpremultiply;
  out[o + 1] = min(g, a) * unpremultiply;
  out[o + 2] = min(b, a) * unpremultiply;
  return a;
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
  sc: number,
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
  const i00 = (y0 * width + x0) * sc;
  const i10 = (y0 * width + x1) * sc;
  const i01 = (y1 * width + x0) * sc;
  const i11 = (y1 * width + x1) * sc;
  const w00 = (1 - tx) * (1 - ty);
  const w10 = tx * (1 - ty);
  const w01 = (1 - tx) * ty;
  const w11 = tx * ty;
  const a =
    sc === 4
      ? pm[i00 + 3]! * w00 + pm[i10 + 3]! * w10 + pm[i01 + 3]! * w01 + pm[i11 + 3]! * w11
      : 255 * w00 + 255 * w10 + 255 * w01 + 255 * w11;
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
  sc: number,
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
  const i00 = (y0 * width + x0) * sc;
  const i10 = i00 + sc;
  const i01 = i00 + width * sc;
  const i11 = i01 + sc;
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

/**
 * A mesh pixel as the mean of four bilinear samples at the centres of its quarters (a 2 × 2
 * supersample of the pixel's footprint; qux…qvy are a quarter pixel's step in u and v along x and
 * y), averaged premultiplied. A warp stretches and squeezes the artwork unevenly, so one tap per
 * pixel aliases where it squeezes: with the artwork decoded 1.5× finer (template-renderer's
 * MESH_WORK_SCALE), this matches Photoshop's warp on Aspose.PSD_Twist.psd at 1.88 instead of 2.20
 * (inflate 1.51 → 1.46, squeeze vertical 1.31 → 1.28, squeeze 1.54 → 1.55; MAD in levels, artwork
 * downscaled with Mitchell). Neighbours beyond the border are clamped.
 */
function sampleFootprint(
  out: Uint8ClampedArray,
  o: number,
  pm: Premultiplied,
  sc: number,
  width: number,
  height: number,
  u: number,
  v: number,
  qux: number,
  quy: number,
  qvx: number,
  qvy: number,
): void {
  const lastX = width - 1;
  const lastY = height - 1;
  let r = 0;
  let g = 0;
  let b = 0;
  let a = 0;
  for (let tap = 0; tap < 4; tap++) {
    const sx = tap & 1 ? 1 : -1;
    const sy = tap & 2 ? 1 : -1;
    const fx = u + sx * qux + sy * quy - 0.5;
    const fy = v + sx * qvx + sy * qvy - 0.5;
    const fx0 = floor(fx);
    const fy0 = floor(fy);
    const tx = fx - fx0;
    const ty = fy - fy0;
    const x0 = fx0 < 0 ? 0 : fx0 > lastX ? lastX : fx0;
    const x1 = fx0 + 1 < 0 ? 0 : fx0 + 1 > lastX ? lastX : fx0 + 1;
    const y0 = fy0 < 0 ? 0 : fy0 > lastY ? lastY : fy0;
    const y1 = fy0 + 1 < 0 ? 0 : fy0 + 1 > lastY ? lastY : fy0 + 1;
    const i00 = (y0 * width + x0) * sc;
    const i10 = (y0 * width + x1) * sc;
    const i01 = (y1 * width + x0) * sc;
    const i11 = (y1 * width + x1) * sc;
    const w00 = (1 - tx) * (1 - ty);
    const w10 = tx * (1 - ty);
    const w01 = (1 - tx) * ty;
    const w11 = tx * ty;
    r += pm[i00]! * w00 + pm[i10]! * w10 + pm[i01]! * w01 + pm[i11]! * w11;
    g += pm[i00 + 1]! * w00 + pm[i10 + 1]! * w10 + pm[i01 + 1]! * w01 + pm[i11 + 1]! * w11;
    b += pm[i00 + 2]! * w00 + pm[i10 + 2]! * w10 + pm[i01 + 2]! * w01 + pm[i11 + 2]! * w11;
    a += sc === 4 ? pm[i00 + 3]! * w00 + pm[i10 + 3]! * w10 + pm[i01 + 3]! * w01 + pm[i11 + 3]! * w11 : 255;
  }
  if (a <= 0) return;
  const unpremultiply = 255 / a;
  out[o] = r * unpremultiply;
  out[o + 1] = g * unpremultiply;
  out[o + 2] = b * unpremultiply;
  out[o + 3] = a / 4;
}

/**
 * The canvas columns [from, to) whose pixel centres lie within `margin` pixels of the quad's part
 * of the horizontal band yc ± margin, or null if the band misses the quad. Exact for any simple
 * polygon: the band's extreme points lie on the quad's edges clipped to the band.
 */
export function quadSpan(quad: Quad, yc: number, margin: number): [number, number] | null {
  const ya = yc - margin;
  const yb = yc + margin;
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < 4; k++) {
    const [px, py] = quad[k]!;
    const [qx, qy] = quad[(k + 1) % 4]!;
    if ((py < ya && qy < ya) || (py > yb && qy > yb)) continue;
    let xa = px;
    let xb = qx;
    if (py !== qy) {
      const ta = clamp01((ya - py) / (qy - py));
      const tb = clamp01((yb - py) / (qy - py));
      xa = px + (qx - px) * ta;
      xb = px + (qx - px) * tb;
    }
    lo = min(lo, xa, xb);
    hi = max(hi, xa, xb);
  }
  if (!(lo <= hi)) return null;
  return [floor(lo - margin), ceil(hi + margin)];
}

/** The displacement of canvas pixel (x, y) in canvas pixels (float32, as the kernels always kept it). */
function shiftAt(displacement: DisplacementMap, scale: number, x: number, y: number): number {
  return fround((greyAt(displacement.map, x, y, 127.5) - 127.5) * scale);
}

/**
 * Perspective warp of canvas pixels x0 ≤ x < x1 of row y into `out` from byte offset o (RGBA;
 * pixels the artwork does not reach are left alone). `inverse` maps canvas coordinates to artwork
 * pixel coordinates (the inverse of the artwork → quad homography).
 */
export function perspectiveRow(
  out: Uint8ClampedArray,
  o: number,
  src: WarpSource,
  inverse: Matrix3,
  y: number,
  x0: number,
  x1: number,
  displacement?: DisplacementMap,
): void {
  const { pm, opaque, channels: sc, width, height } = src;
  const [h0, h1, h2, h3, h4, h5, h6, h7, h8] = inverse;
  const scale = displacement ? displacement.strength / 127.5 : 0;
  const yc = y + 0.5;
  for (let x = x0; x < x1; x++, o += 4) {
    const shift = displacement === undefined ? 0 : shiftAt(displacement, scale, x, y);
    const px = x + 0.5 + shift;
    const py = yc + shift;
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
    if (du > 0 && dv > 0 && du * du >= gu2 && dv * dv >= gv2) {
      if (gu2 < BICUBIC_BELOW_SQUARED || gv2 < BICUBIC_BELOW_SQUARED) {
        out[o + 3] = sampleBicubic(out, o, pm, sc, opaque, width, height, u, v);
        continue;
      }
      const fx = u - 0.5;
      const fy = v - 0.5;
      if (opaque && fx >= 0 && fy >= 0 && fx < width - 1 && fy < height - 1) {
        // sampleInteriorPixel's opaque case, inlined: most pixels of a render take it.
        const x0 = fx | 0;
        const y0 = fy | 0;
        const tx = fx - x0;
        const ty = fy - y0;
        const i00 = (y0 * width + x0) * sc;
        const i10 = i00 + sc;
        const i01 = i00 + width * sc;
        const i11 = i01 + sc;
        const w00 = (1 - tx) * (1 - ty);
        const w10 = tx * (1 - ty);
        const w01 = (1 - tx) * ty;
        const w11 = tx * ty;
        out[o] = pm[i00]! * w00 + pm[i10]! * w10 + pm[i01]! * w01 + pm[i11]! * w11;
        out[o + 1] = pm[i00 + 1]! * w00 + pm[i10 + 1]! * w10 + pm[i01 + 1]! * w01 + pm[i11 + 1]! * w11;
        out[o + 2] = pm[i00 + 2]! * w00 + pm[i10 + 2]! * w10 + pm[i01 + 2]! * w01 + pm[i11 + 2]! * w11;
        out[o + 3] = 255;
        continue;
      }
      if (sampleInteriorPixel(out, o, pm, sc, opaque, width, height, u, v)) continue;
    }
    sampleEdgePixel(out, o, pm, sc, width, height, u, v, sqrt(gu2), sqrt(gv2));
  }
}

/**
 * Perspective warp of canvas pixels x0 ≤ x < x1 of row y that all lie at least two canvas pixels
 * inside the quad (after displacement), for opaque artwork drawn with normal blending at full
 * opacity: such a pixel is fully covered and opaque, so it is written straight onto `dst` (pixels
 * `stride` bytes apart from byte offset d; stride 4 gets alpha 255), with no gradient and no blend.
 * The rare pixel that samples within half a source pixel of the artwork's border (magnified
 * artwork) goes through the edge sampler into `edge` (RGBA, indexed from x0) for the caller to
 * composite. Returns whether it wrote any pixel into `edge`.
 */
export function perspectiveInteriorRow(
  dst: Uint8ClampedArray,
  stride: number,
  d: number,
  src: WarpSource,
  inverse: Matrix3,
  y: number,
  x0: number,
  x1: number,
  edge: Uint8ClampedArray,
  displacement?: DisplacementMap,
): boolean {
  const { pm, channels: sc, width, height } = src;
  const [h0, h1, h2, h3, h4, h5, h6, h7, h8] = inverse;
  const scale = displacement ? displacement.strength / 127.5 : 0;
  const yc = y + 0.5;
  const mayEnlarge = displacement !== undefined || rowMayEnlarge(inverse, yc, x0 + 0.5, x1 - 0.5);
  let deferred = false;
  for (let x = x0; x < x1; x++, d += stride) {
    const shift = displacement === undefined ? 0 : shiftAt(displacement, scale, x, y);
    const px = x + 0.5 + shift;
    const py = yc + shift;
    const iw = 1 / (h6 * px + h7 * py + h8);
    const u = (h0 * px + h1 * py + h2) * iw;
    const v = (h3 * px + h4 * py + h5) * iw;
    const fx = u - 0.5;
    const fy = v - 0.5;
    if (!(fx >= 0 && fy >= 0 && fx < width - 1 && fy < height - 1)) {
      perspectiveRow(edge, (x - x0) * 4, src, inverse, y, x, x + 1, displacement);
      deferred = true;
      continue;
    }
    // Enlarged here (the same test as perspectiveRow's, so both give the same bytes): bicubic.
    if (mayEnlarge && enlargedAt(h0, h1, h3, h4, h6, h7, u, v, iw)) {
      sampleBicubic(dst, d, pm, sc, true, width, height, u, v);
      if (stride === 4) dst[d + 3] = 255;
      continue;
    }
    const ix = fx | 0;
    const iy = fy | 0;
    const tx = fx - ix;
    const ty = fy - iy;
    const i00 = (iy * width + ix) * sc;
    const i10 = i00 + sc;
    const i01 = i00 + width * sc;
    const i11 = i01 + sc;
    const w00 = (1 - tx) * (1 - ty);
    const w10 = tx * (1 - ty);
    const w01 = (1 - tx) * ty;
    const w11 = tx * ty;
    dst[d] = pm[i00]! * w00 + pm[i10]! * w10 + pm[i01]! * w01 + pm[i11]! * w11;
    dst[d + 1] = pm[i00 + 1]! * w00 + pm[i10 + 1]! * w10 + pm[i01 + 1]! * w01 + pm[i11 + 1]! * w11;
    dst[d + 2] = pm[i00 + 2]! * w00 + pm[i10 + 2]! * w10 + pm[i01 + 2]! * w01 + pm[i11 + 2]! * w11;
    if (stride === 4) dst[d + 3] = 255;
  }
  return deferred;
}

/** perspectiveRow's bicubic test for one pixel: |∇u| or |∇v| below BICUBIC_BELOW. */
function enlargedAt(
  h0: number,
  h1: number,
  h3: number,
  h4: number,
  h6: number,
  h7: number,
  u: number,
  v: number,
  iw: number,
): boolean {
  const ax = h0 - u * h6;
  const ay = h1 - u * h7;
  const bx = h3 - v * h6;
  const by = h4 - v * h7;
  return (
    (ax * ax + ay * ay) * iw * iw < BICUBIC_BELOW_SQUARED ||
    (bx * bx + by * by) * iw * iw < BICUBIC_BELOW_SQUARED
  );
}

/**
 * Whether any pixel centre from px0 to px1 on row centre yc can pass enlargedAt; when none can,
 * perspectiveInteriorRow skips the test (most rows of a render whose artwork is not enlarged).
 * With U and w the homography's numerator and denominator, ∂u/∂x = (h0·w − h6·U) / w² is a
 * constant over w² on a row and ∂u/∂y = (h1·w − h7·U) / w² a linear function of x over w² (likewise
 * for v), and w is linear in x: so |∇u|² is at least (the constant² + the linear part's least
 * square) over w⁴ at whichever end it is largest. The margin keeps this bound clear of the
 * per-pixel test's rounding: where it says no, enlargedAt says no.
 */
function rowMayEnlarge(inverse: Matrix3, yc: number, px0: number, px1: number): boolean {
  const [h0, h1, h2, h3, h4, h5, h6, h7, h8] = inverse;
  const w0 = h6 * px0 + h7 * yc + h8;
  const w1 = h6 * px1 + h7 * yc + h8;
  const u0 = h0 * px0 + h1 * yc + h2;
  const u1 = h0 * px1 + h1 * yc + h2;
  const v0 = h3 * px0 + h4 * yc + h5;
  const v1 = h3 * px1 + h4 * yc + h5;
  const w = max(abs(w0), abs(w1));
  const bound = BICUBIC_BELOW_SQUARED * w * w * w * w * (1 + 1e-6);
  const gu =
    leastSquare(h0 * w0 - h6 * u0, h0 * w1 - h6 * u1) + leastSquare(h1 * w0 - h7 * u0, h1 * w1 - h7 * u1);
  const gv =
    leastSquare(h3 * w0 - h6 * v0, h3 * w1 - h6 * v1) + leastSquare(h4 * w0 - h7 * v0, h4 * w1 - h7 * v1);
  return !(gu > bound && gv > bound);
}

/** The least square of a linear function between its values at the ends of an interval. */
function leastSquare(a: number, b: number): number {
  return (a > 0 && b < 0) || (a < 0 && b > 0) ? 0 : min(a * a, b * b);
}

/**
 * The canvas columns [from, to) whose pixel centres on row centre yc lie at least `inset` canvas
 * pixels inside every edge of the quad, or null. Conservative for any simple quad: the points
 * inside every edge's half-plane lie inside the quad.
 */
export function quadInterior(quad: Quad, yc: number, inset: number): [number, number] | null {
  let area = 0;
  for (let k = 0; k < 4; k++) {
    const [px, py] = quad[k]!;
    const [qx, qy] = quad[(k + 1) % 4]!;
    area += px * qy - qx * py;
  }
  if (area === 0) return null;
  const orientation = area > 0 ? 1 : -1;
  let lo = -Infinity;
  let hi = Infinity;
  for (let k = 0; k < 4; k++) {
    const [px, py] = quad[k]!;
    const [qx, qy] = quad[(k + 1) % 4]!;
    const length = Math.hypot(qx - px, qy - py);
    if (length === 0) return null;
    // Inward unit normal (y grows downwards): distance = n · (p − a), positive inside.
    const nx = (-(qy - py) * orientation) / length;
    const ny = ((qx - px) * orientation) / length;
    const rest = inset - ny * (yc - py);
    if (nx > 0) lo = max(lo, px + rest / nx);
    else if (nx < 0) hi = min(hi, px + rest / nx);
    else if (rest > 0) return null;
  }
  // Pixel x has its centre at x + 0.5.
  const from = ceil(lo - 0.5);
  const to = floor(hi - 0.5) + 1;
  return from < to ? [from, to] : null;
}

/**
 * Mesh warp of canvas pixels x0 ≤ x < x1 of row y (inside the field's region) into `out` from byte
 * offset o. `supersample` takes sampleFootprint's four taps per interior pixel (Photoshop's warps)
 * instead of one bilinear tap (about 2.4× the kernel time).
 */
export function meshRow(
  out: Uint8ClampedArray,
  o: number,
  src: WarpSource,
  field: MeshField,
  y: number,
  x0: number,
  x1: number,
  supersample: boolean,
  displacement?: DisplacementMap,
): void {
  const { region, triangle, coefficients: c } = field;
  const { pm, opaque, channels: sc, width, height } = src;
  const scale = displacement ? displacement.strength / 127.5 : 0;
  const row = (y - region.y) * region.width - region.x;
  for (let x = x0; x < x1; x++, o += 4) {
    const shift = displacement === undefined ? 0 : shiftAt(displacement, scale, x, y);
    const px = x + 0.5 + shift;
    const py = y + 0.5 + shift;
    // The triangle under the displaced position, else the pixel's own (affine maps extrapolate).
    let t = triangle[row + x]!;
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
    const interior = min(u, width - u) >= gu && min(v, height - v) >= gv;
    if (interior && (gu < BICUBIC_BELOW || gv < BICUBIC_BELOW)) {
      out[o + 3] = sampleBicubic(out, o, pm, sc, opaque, width, height, u, v);
      continue;
    }
    if (interior && !supersample && sampleInteriorPixel(out, o, pm, sc, opaque, width, height, u, v))
      continue;
    if (interior && supersample) {
      const qux = 0.25 * c[k]! * width;
      const quy = 0.25 * c[k + 1]! * width;
      const qvx = 0.25 * c[k + 3]! * height;
      const qvy = 0.25 * c[k + 4]! * height;
      sampleFootprint(out, o, pm, sc, width, height, u, v, qux, quy, qvx, qvy);
      continue;
    }
    sampleEdgePixel(out, o, pm, sc, width, height, u, v, gu, gv);
  }
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
  const source = warpSource(src);
  for (let ry = 0; ry < region.height; ry++) {
    const o = ry * region.width * 4;
    perspectiveRow(out, o, source, inverse, region.y + ry, region.x, region.x + region.width, displacement);
  }
  return { ...region, data: out };
}

/** Mesh warp through a field from `buildMeshField`; the artwork spans the whole grid. */
export function warpMesh(
  src: RgbaImage,
  field: MeshField,
  { supersample = false, displacement }: { supersample?: boolean; displacement?: DisplacementMap } = {},
): Writable<PlacedRgba> {
  const { region } = field;
  const out = new Uint8ClampedArray(region.width * region.height * 4);
  const source = warpSource(src);
  for (let ry = 0; ry < region.height; ry++) {
    const o = ry * region.width * 4;
    meshRow(
      out,
      o,
      source,
      field,
      region.y + ry,
      region.x,
      region.x + region.width,
      supersample,
      displacement,
    );
  }
  return { ...region, data: out };
}
