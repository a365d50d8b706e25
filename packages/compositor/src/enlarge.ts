// Enlarges artwork the way Photoshop's default resampling ("Bicubic Automatic", which picks
// "Bicubic Smoother" when enlarging) does: a smooth cubic from the Mitchell–Netravali family, on
// premultiplied alpha. libvips enlarges with Catmull-Rom whatever kernel sharp is given, which is
// visibly sharper: on ag-psd_smart-object-png.psd (32 px pixel art enlarged 1.69×, Photoshop's
// stored layer as reference) the mean difference in the layer's box is 4.4 with Catmull-Rom, 2.7
// with Mitchell (B = C = 1/3) and 2.1 with B = 0.4, C = 0.6, the best of a grid over B and C.
import type { RgbaImage } from './raster.js';

const B = 0.4;
const C = 0.6;

/** The cubic's weight at distance d (in source pixels) from a sample. */
export function smootherWeight(d: number): number {
  const x = d < 0 ? -d : d;
  if (x < 1) return ((12 - 9 * B - 6 * C) * x * x * x + (-18 + 12 * B + 6 * C) * x * x + (6 - 2 * B)) / 6;
  if (x < 2)
    return (
      ((-B - 6 * C) * x * x * x + (6 * B + 30 * C) * x * x + (-12 * B - 48 * C) * x + (8 * B + 24 * C)) / 6
    );
  return 0;
}

interface Taps {
  first: Int32Array;
  weights: Float64Array;
}

/** For each of `to` output positions: the first of its 4 source taps (clamped later) and weights. */
function tapsFor(from: number, to: number): Taps {
  const first = new Int32Array(to);
  const weights = new Float64Array(to * 4);
  for (let i = 0; i < to; i++) {
    const centre = ((i + 0.5) * from) / to - 0.5;
    const start = Math.floor(centre) - 1;
    first[i] = start;
    let sum = 0;
    for (let k = 0; k < 4; k++) sum += weights[i * 4 + k] = smootherWeight(centre - (start + k));
    for (let k = 0; k < 4; k++) weights[i * 4 + k]! /= sum;
  }
  return { first, weights };
}

/** Straight RGBA `src` resampled to width × height (meant for enlarging), straight RGBA out. */
export function enlargeRgba(src: RgbaImage, width: number, height: number): RgbaImage {
  const { data, width: sw, height: sh } = src;
  const cols = tapsFor(sw, width);
  const rows = tapsFor(sh, height);
  // Horizontal pass on premultiplied values into a float buffer sw… wide → width wide.
  const mid = new Float32Array(width * sh * 4);
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let k = 0; k < 4; k++) {
        const sx = Math.min(sw - 1, Math.max(0, cols.first[x]! + k));
        const i = (y * sw + sx) * 4;
        const w = cols.weights[x * 4 + k]!;
        const alpha = data[i + 3]!;
        const wa = (w * alpha) / 255;
        r += data[i]! * wa;
        g += data[i + 1]! * wa;
        b += data[i + 2]! * wa;
        a += alpha * w;
      }
      const o = (y * width + x) * 4;
      mid[o] = r;
      mid[o + 1] = g;
      mid[o + 2] = b;
      mid[o + 3] = a;
    }
  }
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let k = 0; k < 4; k++) {
        const sy = Math.min(sh - 1, Math.max(0, rows.first[y]! + k));
        const i = (sy * width + x) * 4;
        const w = rows.weights[y * 4 + k]!;
        r += mid[i]! * w;
        g += mid[i + 1]! * w;
        b += mid[i + 2]! * w;
        a += mid[i + 3]! * w;
      }
      const o = (y * width + x) * 4;
      // A negative lobe can push values out of range: clamp alpha, and colour to within it.
      a = a <= 0 ? 0 : a >= 255 ? 255 : a;
      if (a === 0) continue;
      const unpremultiply = 255 / a;
      out[o] = Math.min(r, a) * unpremultiply;
      out[o + 1] = Math.min(g, a) * unpremultiply;
      out[o + 2] = Math.min(b, a) * unpremultiply;
      out[o + 3] = a;
    }
  }
  return { data: out, width, height };
}
