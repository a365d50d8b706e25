// Photoshop-style blend modes as the W3C Compositing spec defines them (the same formulas libvips
// uses), and the source-over compositing of straight-alpha RGBA that every layer goes through:
//   Cs' = (1 − αb)·Cs + αb·B(Cb, Cs),  αo = αs + αb(1 − αs),  Co = (αs·Cs' + (1 − αs)·αb·Cb) / αo
import type { PlacedGrey, PlacedRgba, RgbaImage } from './raster.js';

import { intersect } from './raster.js';
import type { BlendMode } from './template-model.js';

// Local aliases: these loops also run in vm contexts (jest), where global lookups are slow.
const { abs, max, min, sqrt } = Math;

/** Images written to are clamped arrays: stores round and saturate instead of wrapping. */
export type Writable<T extends RgbaImage> = T & { data: Uint8ClampedArray };

/** B(Cb, Cs) per channel, both in [0, 1]. */
export type BlendFunction = (backdrop: number, source: number) => number;

const screen: BlendFunction = (cb, cs) => cb + cs - cb * cs;
const hardLight: BlendFunction = (cb, cs) => (cs <= 0.5 ? cb * 2 * cs : screen(cb, 2 * cs - 1));

const functions: Record<BlendMode, BlendFunction> = {
  normal: (_cb, cs) => cs,
  multiply: (cb, cs) => cb * cs,
  screen,
  overlay: (cb, cs) => hardLight(cs, cb),
  darken: (cb, cs) => min(cb, cs),
  lighten: (cb, cs) => max(cb, cs),
  'color-dodge': (cb, cs) => (cb === 0 ? 0 : cs >= 1 ? 1 : min(1, cb / (1 - cs))),
  'color-burn': (cb, cs) => (cb >= 1 ? 1 : cs <= 0 ? 0 : 1 - min(1, (1 - cb) / cs)),
  'hard-light': hardLight,
  'soft-light': (cb, cs) => {
    if (cs <= 0.5) return cb - (1 - 2 * cs) * cb * (1 - cb);
    const d = cb <= 0.25 ? ((16 * cb - 12) * cb + 4) * cb : sqrt(cb);
    return cb + (2 * cs - 1) * (d - cb);
  },
  difference: (cb, cs) => abs(cb - cs),
  exclusion: (cb, cs) => cb + cs - 2 * cb * cs,
  'linear-dodge': (cb, cs) => min(1, cb + cs),
  'linear-burn': (cb, cs) => max(0, cb + cs - 1),
};

export function blendFunction(mode: BlendMode): BlendFunction {
  return functions[mode];
}

const INV = 1 / 255;

/**
 * Composites one source pixel (straight 0–255 colour, alpha αs in [0, 1]) onto the straight
 * RGBA pixel of `dst` at byte offset `i`; `blend` null means normal.
 */
export function blendPixel(
  dst: Uint8ClampedArray,
  i: number,
  r: number,
  g: number,
  b: number,
  as: number,
  blend: BlendFunction | null,
): void {
  if (as <= 0) return;
  const backdropAlpha = dst[i + 3]!;
  if (backdropAlpha === 255) {
    // Opaque backdrop (every photo template): αo = 1 and Cs' = B(Cb, Cs), so no division.
    if (blend === null) {
      if (as >= 1) {
        dst[i] = r;
        dst[i + 1] = g;
        dst[i + 2] = b;
        return;
      }
      const keep = 1 - as;
      dst[i] = r * as + dst[i]! * keep;
      dst[i + 1] = g * as + dst[i + 1]! * keep;
      dst[i + 2] = b * as + dst[i + 2]! * keep;
      return;
    }
    const cr = dst[i]! * INV;
    const cg = dst[i + 1]! * INV;
    const cb = dst[i + 2]! * INV;
    const keep = 1 - as;
    dst[i] = (as * blend(cr, r * INV) + keep * cr) * 255;
    dst[i + 1] = (as * blend(cg, g * INV) + keep * cg) * 255;
    dst[i + 2] = (as * blend(cb, b * INV) + keep * cb) * 255;
    return;
  }
  const ab = backdropAlpha * INV;
  const ao = as + ab * (1 - as);
  const keep = (1 - as) * ab;
  let sr = r * INV;
  let sg = g * INV;
  let sb = b * INV;
  const cr = dst[i]! * INV;
  const cg = dst[i + 1]! * INV;
  const cb = dst[i + 2]! * INV;
  if (blend !== null && ab > 0) {
    sr = (1 - ab) * sr + ab * blend(cr, sr);
    sg = (1 - ab) * sg + ab * blend(cg, sg);
    sb = (1 - ab) * sb + ab * blend(cb, sb);
  }
  const scale = 255 / ao;
  dst[i] = (as * sr + keep * cr) * scale;
  dst[i + 1] = (as * sg + keep * cg) * scale;
  dst[i + 2] = (as * sb + keep * cb) * scale;
  dst[i + 3] = ao * 255;
}

/** Reads a placed grey map at canvas (x, y); `outside` where it has no pixel. */
export function greyAt(map: PlacedGrey, x: number, y: number, outside: number): number {
  const mx = x - map.x;
  const my = y - map.y;
  if (mx < 0 || my < 0 || mx >= map.width || my >= map.height) return outside;
  return map.data[my * map.width + mx]!;
}

/**
 * Composites a placed layer onto the canvas (both straight RGBA) with a blend mode, an opacity
 * and an optional mask (hidden where the mask has no pixel). Touches only the overlap.
 */
export function compositeOnto(
  canvas: Writable<RgbaImage>,
  layer: PlacedRgba,
  mode: BlendMode,
  opacity: number,
  mask?: PlacedGrey,
): void {
  const area = intersect({ x: 0, y: 0, width: canvas.width, height: canvas.height }, layer);
  if (!area || opacity <= 0) return;
  const blend = mode === 'normal' ? null : blendFunction(mode);
  const dst = canvas.data;
  const src = layer.data;
  const scale = opacity * INV;
  for (let y = area.y; y < area.y + area.height; y++) {
    const srcRow = (y - layer.y) * layer.width - layer.x;
    const dstRow = y * canvas.width;
    const maskRow = mask ? (y - mask.y) * mask.width - mask.x : 0;
    const maskRowInside = mask ? y >= mask.y && y < mask.y + mask.height : false;
    for (let x = area.x; x < area.x + area.width; x++) {
      const s = (srcRow + x) * 4;
      const alpha = src[s + 3]!;
      if (alpha === 0) continue;
      let as = alpha * scale;
      if (mask) {
        if (!maskRowInside || x < mask.x || x >= mask.x + mask.width) continue;
        as *= mask.data[maskRow + x]! * INV;
      }
      blendPixel(dst, (dstRow + x) * 4, src[s]!, src[s + 1]!, src[s + 2]!, as, blend);
    }
  }
}

/**
 * Blends a placed layer onto `target` as a clipping layer: colours change where `target` has
 * pixels, its alpha stays. This is how shading is re-applied over the artwork only.
 */
export function compositeClipped(
  target: Writable<PlacedRgba>,
  layer: PlacedRgba,
  mode: BlendMode,
  opacity: number,
): void {
  const area = intersect(target, layer);
  if (!area || opacity <= 0) return;
  const blend = blendFunction(mode);
  const dst = target.data;
  const src = layer.data;
  for (let y = area.y; y < area.y + area.height; y++) {
    for (let x = area.x; x < area.x + area.width; x++) {
      const d = ((y - target.y) * target.width + (x - target.x)) * 4;
      if (dst[d + 3] === 0) continue;
      const s = ((y - layer.y) * layer.width + (x - layer.x)) * 4;
      const as = src[s + 3]! * INV * opacity;
      if (as === 0) continue;
      for (let c = 0; c < 3; c++) {
        const cb = dst[d + c]! * INV;
        dst[d + c] = ((1 - as) * cb + as * blend(cb, src[s + c]! * INV)) * 255;
      }
    }
  }
}

/** Multiplies a solid colour onto the canvas where `mask` is set (a product's fabric colour). */
export function multiplyColor(
  canvas: Writable<RgbaImage>,
  rgb: readonly [number, number, number],
  mask: PlacedGrey,
): void {
  const area = intersect({ x: 0, y: 0, width: canvas.width, height: canvas.height }, mask);
  if (!area) return;
  const multiply = functions.multiply;
  const dst = canvas.data;
  for (let y = area.y; y < area.y + area.height; y++) {
    for (let x = area.x; x < area.x + area.width; x++) {
      const m = mask.data[(y - mask.y) * mask.width + (x - mask.x)]!;
      if (m === 0) continue;
      blendPixel(dst, (y * canvas.width + x) * 4, rgb[0], rgb[1], rgb[2], m * INV, multiply);
    }
  }
}

/** Multiplies the alpha of a placed image by a mask (hidden where the mask has no pixel). */
export function applyMask(image: Writable<PlacedRgba>, mask: PlacedGrey): void {
  const data = image.data;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const a = (y * image.width + x) * 4 + 3;
      if (data[a] === 0) continue;
      data[a] = (data[a]! * greyAt(mask, image.x + x, image.y + y, 0)) / 255;
    }
  }
}
