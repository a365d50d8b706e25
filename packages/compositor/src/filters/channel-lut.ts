// Per-channel 256-entry lookup tables: the tone adjustments (curves, levels, brightness/contrast,
// exposure, invert) are each a function of one channel value, so they run as table look-ups.
import type { RgbaImage } from '../raster.js';

export type Lut = Uint8Array;

/** A table from a function of a 0–255 value (rounded and clamped to 0–255). */
export function lutOf(fn: (value: number) => number): Lut {
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.min(255, Math.max(0, Math.round(fn(v))));
  return lut;
}

/** `second` applied after `first`. */
export function chainLuts(first: Lut, second: Lut): Lut {
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = second[first[v]!]!;
  return lut;
}

/** A copy of `image` with red, green and blue looked up in their tables; alpha is kept. */
export function applyLuts(image: RgbaImage, red: Lut, green: Lut, blue: Lut): RgbaImage {
  const src = image.data;
  const out = new Uint8ClampedArray(src.length);
  for (let i = 0; i < src.length; i += 4) {
    out[i] = red[src[i]!]!;
    out[i + 1] = green[src[i + 1]!]!;
    out[i + 2] = blue[src[i + 2]!]!;
    out[i + 3] = src[i + 3]!;
  }
  return { width: image.width, height: image.height, data: out };
}

/** Writes a pixel's new RGB (0–255 floats) into `out`: no allocation per pixel. */
export type PixelFunction = (r: number, g: number, b: number, out: Float64Array) => void;

/**
 * A copy of `image` with each pixel's RGB replaced by `fn`'s; alpha is kept. A pixel equal to the
 * one before it (flat artwork areas) reuses its result.
 */
export function mapPixels(image: RgbaImage, fn: PixelFunction): RgbaImage {
  const src = image.data;
  const out = new Uint8ClampedArray(src.length);
  const rgb = new Float64Array(3);
  let pr = -1;
  let pg = -1;
  let pb = -1;
  for (let i = 0; i < src.length; i += 4) {
    const r = src[i]!;
    const g = src[i + 1]!;
    const b = src[i + 2]!;
    if (r !== pr || g !== pg || b !== pb) {
      fn(r, g, b, rgb);
      pr = r;
      pg = g;
      pb = b;
    }
    out[i] = Math.round(rgb[0]!);
    out[i + 1] = Math.round(rgb[1]!);
    out[i + 2] = Math.round(rgb[2]!);
    out[i + 3] = src[i + 3]!;
  }
  return { width: image.width, height: image.height, data: out };
}
