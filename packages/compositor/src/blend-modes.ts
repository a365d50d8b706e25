// Photoshop's 27 blend modes: the separable ones per channel as the W3C Compositing spec defines
// them (the same formulas libvips uses) plus Photoshop's published ones (subtract … hard mix), the
// RGB ones (hue … lighter color) in rgb-blend-modes.ts, and dissolve; and the source-over
// compositing of straight-alpha RGBA that every layer goes through:
//   Cs' = (1 − αb)·Cs + αb·B(Cb, Cs),  αo = αs + αb(1 − αs),  Co = (αs·Cs' + (1 − αs)·αb·Cb) / αo
import { dissolveThreshold } from './dissolve-noise.js';
import type { PlacedGrey, PlacedRgba, Region, RgbaImage, RowSpans } from './raster.js';

import { intersect, spanOfRow } from './raster.js';
import { RGB_BLEND_FUNCTIONS, type RgbBlendFunction, type RgbBlendMode } from './rgb-blend-modes.js';
import type { BlendMode } from './template-model.js';

// Local aliases: these loops also run in vm contexts (jest), where global lookups are slow.
const { abs, max, min, sqrt } = Math;

/** Images written to are clamped arrays: stores round and saturate instead of wrapping. */
export type Writable<T extends RgbaImage> = T & { data: Uint8ClampedArray };

/**
 * A canvas written to: the whole canvas (at 0, 0) or a patch of it placed at (x, y), in straight
 * RGBA or (`channels: 3`) RGB, which is always opaque.
 */
export type Canvas = Writable<RgbaImage> &
  Partial<Pick<Region, 'x' | 'y'>> & {
    channels?: 3 | 4;
    /** Only pixels inside this region (canvas coordinates) are written… */
    clip?: Region;
    /** …and, per row, only inside these spans. */
    clipRows?: RowSpans;
  };

/** Columns [x0, x1) of canvas row y that a kernel may write (empty when start ≥ end). */
export function writableRow(canvas: Canvas, y: number, x0: number, x1: number): [number, number] {
  return canvas.clipRows ? spanOfRow(canvas.clipRows, y, x0, x1) : [x0, x1];
}

/** The canvas pixels a kernel may write: the canvas's bounds, within its clip. */
export function writableArea(canvas: Canvas): Region | null {
  const bounds = { x: canvas.x ?? 0, y: canvas.y ?? 0, width: canvas.width, height: canvas.height };
  return canvas.clip ? intersect(bounds, canvas.clip) : bounds;
}

/** B(Cb, Cs) per channel, both in [0, 1]. */
export type BlendFunction = (backdrop: number, source: number) => number;

const screen: BlendFunction = (cb, cs) => cb + cs - cb * cs;
const hardLight: BlendFunction = (cb, cs) => (cs <= 0.5 ? cb * 2 * cs : screen(cb, 2 * cs - 1));

const colorDodge: BlendFunction = (cb, cs) => (cb === 0 ? 0 : cs >= 1 ? 1 : min(1, cb / (1 - cs)));
const colorBurn: BlendFunction = (cb, cs) => (cb >= 1 ? 1 : cs <= 0 ? 0 : 1 - min(1, (1 - cb) / cs));
// Vivid light and hard mix as Photoshop draws them (measured on its composites, see
// photoshop-blend-fixtures.test.ts in psd-import): vivid light tests the source's ends first, so a
// black source turns even white black and a white one turns even black white; hard mix is 1 where
// b + s > 1 strictly (b + s = 1 gives 0), except that a white backdrop stays white and a black one
// black. HARD_MIX_EDGE is b + s > 1 on the 8-bit grid, where byte fractions summing to 1 may add up
// to 1 ± ε in floats.
const vividLight: BlendFunction = (cb, cs) => {
  if (cs <= 0) return 0;
  if (cs >= 1) return 1;
  return cs <= 0.5 ? colorBurn(cb, 2 * cs) : colorDodge(cb, 2 * (cs - 0.5));
};
const HARD_MIX_EDGE = 1 + 0.5 / 255;
const hardMix: BlendFunction = (cb, cs) => (cb >= 1 ? 1 : cb <= 0 ? 0 : cb + cs > HARD_MIX_EDGE ? 1 : 0);

/** The modes blended channel by channel. */
export type SeparableBlendMode = Exclude<BlendMode, RgbBlendMode | 'dissolve'>;

const functions: Record<SeparableBlendMode, BlendFunction> = {
  normal: (_cb, cs) => cs,
  multiply: (cb, cs) => cb * cs,
  screen,
  overlay: (cb, cs) => hardLight(cs, cb),
  darken: (cb, cs) => min(cb, cs),
  lighten: (cb, cs) => max(cb, cs),
  'color-dodge': colorDodge,
  'color-burn': colorBurn,
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
  subtract: (cb, cs) => max(0, cb - cs),
  divide: (cb, cs) => (cs <= 0 ? (cb <= 0 ? 0 : 1) : min(1, cb / cs)),
  'vivid-light': vividLight,
  'linear-light': (cb, cs) => min(1, max(0, cb + 2 * cs - 1)),
  'pin-light': (cb, cs) => (cs <= 0.5 ? min(cb, 2 * cs) : max(cb, 2 * cs - 1)),
  'hard-mix': hardMix,
};

export function isSeparable(mode: BlendMode): mode is SeparableBlendMode {
  return Object.hasOwn(functions, mode);
}

export function blendFunction(mode: SeparableBlendMode): BlendFunction {
  return functions[mode];
}

const INV = 1 / 255;
const multiply = functions.multiply;

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

/** B(Cb, Cs) of the RGB modes; one per thread, each pixel reads it right after writing it. */
const rgbOut = new Float64Array(3);

/**
 * blendPixel for the modes that need the whole RGB triple, with the same compositing arithmetic;
 * `backdropAlpha` is 255 on an RGB canvas.
 */
export function blendRgbPixel(
  dst: Uint8ClampedArray,
  i: number,
  backdropAlpha: number,
  r: number,
  g: number,
  b: number,
  as: number,
  blend: RgbBlendFunction,
): void {
  if (as <= 0) return;
  const cr = dst[i]! * INV;
  const cg = dst[i + 1]! * INV;
  const cb = dst[i + 2]! * INV;
  let sr = r * INV;
  let sg = g * INV;
  let sb = b * INV;
  if (backdropAlpha === 255) {
    blend(cr, cg, cb, sr, sg, sb, rgbOut);
    const keep = 1 - as;
    dst[i] = (as * rgbOut[0]! + keep * cr) * 255;
    dst[i + 1] = (as * rgbOut[1]! + keep * cg) * 255;
    dst[i + 2] = (as * rgbOut[2]! + keep * cb) * 255;
    return;
  }
  const ab = backdropAlpha * INV;
  const ao = as + ab * (1 - as);
  const keep = (1 - as) * ab;
  if (ab > 0) {
    blend(cr, cg, cb, sr, sg, sb, rgbOut);
    sr = (1 - ab) * sr + ab * rgbOut[0]!;
    sg = (1 - ab) * sg + ab * rgbOut[1]!;
    sb = (1 - ab) * sb + ab * rgbOut[2]!;
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

type Pixels = Uint8Array | Uint8ClampedArray;

/**
 * Composites `count` source pixels (RGBA) from byte offset s onto dst from byte offset d, whose
 * pixels are `stride` bytes apart (4: RGBA; 3: RGB, opaque). `scale` turns a source alpha byte
 * into αs (opacity / 255); `mask` (from index m) scales αs further. One loop per common blend
 * mode, so the formula is inlined: in the render benchmark's profile (infra/bench/render,
 * `run.mjs --profile`; infra/bench/RESULTS.md, "Render (compositor)", "Profile: Platen only") this
 * file is 25–36 % of the kernel thread's busy time and spanScreen, spanNormal and clippedMultiply
 * its top functions; profile again before folding a span into spanGeneric. Every variant
 * computes exactly what blendPixel does, in the same order (same bytes out). (x, y) is the
 * canvas position of the first pixel (for dissolve).
 */
type Span = (
  dst: Uint8ClampedArray,
  stride: number,
  d: number,
  src: Pixels,
  s: number,
  count: number,
  scale: number,
  mask: Uint8Array | null,
  m: number,
  blend: BlendFunction | null,
  x: number,
  y: number,
) => void;

const spanNormal: Span = (dst, stride, d, src, s, count, scale, mask, m) => {
  for (let k = 0; k < count; k++, d += stride, s += 4) {
    const alpha = src[s + 3]!;
    if (alpha === 0) continue;
    let as = alpha * scale;
    if (mask !== null) as *= mask[m + k]! * INV;
    if (as <= 0) continue;
    if (stride === 4 && dst[d + 3] !== 255) {
      blendPixel(dst, d, src[s]!, src[s + 1]!, src[s + 2]!, as, null);
    } else if (as >= 1) {
      dst[d] = src[s]!;
      dst[d + 1] = src[s + 1]!;
      dst[d + 2] = src[s + 2]!;
    } else {
      const keep = 1 - as;
      dst[d] = src[s]! * as + dst[d]! * keep;
      dst[d + 1] = src[s + 1]! * as + dst[d + 1]! * keep;
      dst[d + 2] = src[s + 2]! * as + dst[d + 2]! * keep;
    }
  }
};

const spanMultiply: Span = (dst, stride, d, src, s, count, scale, mask, m) => {
  for (let k = 0; k < count; k++, d += stride, s += 4) {
    const alpha = src[s + 3]!;
    if (alpha === 0) continue;
    let as = alpha * scale;
    if (mask !== null) as *= mask[m + k]! * INV;
    if (as <= 0) continue;
    if (stride === 4 && dst[d + 3] !== 255) {
      blendPixel(dst, d, src[s]!, src[s + 1]!, src[s + 2]!, as, multiply);
      continue;
    }
    const cr = dst[d]! * INV;
    const cg = dst[d + 1]! * INV;
    const cb = dst[d + 2]! * INV;
    const keep = 1 - as;
    dst[d] = (as * (cr * (src[s]! * INV)) + keep * cr) * 255;
    dst[d + 1] = (as * (cg * (src[s + 1]! * INV)) + keep * cg) * 255;
    dst[d + 2] = (as * (cb * (src[s + 2]! * INV)) + keep * cb) * 255;
  }
};

const spanScreen: Span = (dst, stride, d, src, s, count, scale, mask, m) => {
  for (let k = 0; k < count; k++, d += stride, s += 4) {
    const alpha = src[s + 3]!;
    if (alpha === 0) continue;
    let as = alpha * scale;
    if (mask !== null) as *= mask[m + k]! * INV;
    if (as <= 0) continue;
    if (stride === 4 && dst[d + 3] !== 255) {
      blendPixel(dst, d, src[s]!, src[s + 1]!, src[s + 2]!, as, screen);
      continue;
    }
    const cr = dst[d]! * INV;
    const cg = dst[d + 1]! * INV;
    const cb = dst[d + 2]! * INV;
    const sr = src[s]! * INV;
    const sg = src[s + 1]! * INV;
    const sb = src[s + 2]! * INV;
    const keep = 1 - as;
    dst[d] = (as * (cr + sr - cr * sr) + keep * cr) * 255;
    dst[d + 1] = (as * (cg + sg - cg * sg) + keep * cg) * 255;
    dst[d + 2] = (as * (cb + sb - cb * sb) + keep * cb) * 255;
  }
};

const spanGeneric: Span = (dst, stride, d, src, s, count, scale, mask, m, blend) => {
  for (let k = 0; k < count; k++, d += stride, s += 4) {
    const alpha = src[s + 3]!;
    if (alpha === 0) continue;
    let as = alpha * scale;
    if (mask !== null) as *= mask[m + k]! * INV;
    if (stride === 4) {
      blendPixel(dst, d, src[s]!, src[s + 1]!, src[s + 2]!, as, blend);
    } else if (as > 0) {
      // blendPixel's opaque-backdrop path.
      const cr = dst[d]! * INV;
      const cg = dst[d + 1]! * INV;
      const cb = dst[d + 2]! * INV;
      const keep = 1 - as;
      if (blend === null) {
        if (as >= 1) {
          dst[d] = src[s]!;
          dst[d + 1] = src[s + 1]!;
          dst[d + 2] = src[s + 2]!;
        } else {
          dst[d] = src[s]! * as + dst[d]! * keep;
          dst[d + 1] = src[s + 1]! * as + dst[d + 1]! * keep;
          dst[d + 2] = src[s + 2]! * as + dst[d + 2]! * keep;
        }
      } else {
        dst[d] = (as * blend(cr, src[s]! * INV) + keep * cr) * 255;
        dst[d + 1] = (as * blend(cg, src[s + 1]! * INV) + keep * cg) * 255;
        dst[d + 2] = (as * blend(cb, src[s + 2]! * INV) + keep * cb) * 255;
      }
    }
  }
};

function rgbSpan(blend: RgbBlendFunction): Span {
  return (dst, stride, d, src, s, count, scale, mask, m) => {
    for (let k = 0; k < count; k++, d += stride, s += 4) {
      const alpha = src[s + 3]!;
      if (alpha === 0) continue;
      let as = alpha * scale;
      if (mask !== null) as *= mask[m + k]! * INV;
      const backdropAlpha = stride === 4 ? dst[d + 3]! : 255;
      blendRgbPixel(dst, d, backdropAlpha, src[s]!, src[s + 1]!, src[s + 2]!, as, blend);
    }
  };
}

const rgbSpans = Object.fromEntries(
  Object.entries(RGB_BLEND_FUNCTIONS).map(([mode, blend]) => [mode, rgbSpan(blend)]),
) as Record<RgbBlendMode, Span>;

/**
 * Dissolve, as Photoshop does it: the pixel's alpha × opacity dissolves (a pixel shows, opaque,
 * where its threshold is below that), but a mask does not: where a pixel shows it is composited
 * normally through the mask, so a soft mask edge (as a shape's vector mask) stays soft.
 */
const spanDissolve: Span = (dst, stride, d, src, s, count, scale, mask, m, _blend, x, y) => {
  for (let k = 0; k < count; k++, d += stride, s += 4) {
    const alpha = src[s + 3]!;
    if (alpha === 0 || dissolveThreshold(x + k, y) >= alpha * scale) continue;
    const as = mask === null ? 1 : mask[m + k]! * INV;
    if (as <= 0) continue;
    if (stride === 4) {
      blendPixel(dst, d, src[s]!, src[s + 1]!, src[s + 2]!, as, null);
      continue;
    }
    const keep = 1 - as;
    dst[d] = src[s]! * as + dst[d]! * keep;
    dst[d + 1] = src[s + 1]! * as + dst[d + 1]! * keep;
    dst[d + 2] = src[s + 2]! * as + dst[d + 2]! * keep;
  }
};

function spanOf(mode: BlendMode): Span {
  if (mode === 'normal') return spanNormal;
  if (mode === 'multiply') return spanMultiply;
  if (mode === 'screen') return spanScreen;
  if (mode === 'dissolve') return spanDissolve;
  if (!isSeparable(mode)) return rgbSpans[mode];
  return spanGeneric;
}

/**
 * Composites a placed layer onto the canvas (both straight RGBA) with a blend mode, an opacity
 * and an optional mask (hidden where the mask has no pixel). Touches only the overlap.
 */
export function compositeOnto(
  canvas: Canvas,
  layer: PlacedRgba,
  mode: BlendMode,
  opacity: number,
  mask?: PlacedGrey,
): void {
  const cx = canvas.x ?? 0;
  const cy = canvas.y ?? 0;
  const writable = writableArea(canvas);
  let area = writable && intersect(writable, layer);
  if (area && mask) area = intersect(area, mask);
  if (!area || opacity <= 0) return;
  const span = spanOf(mode);
  const blend = mode === 'normal' || !isSeparable(mode) ? null : blendFunction(mode);
  const scale = opacity * INV;
  const stride = canvas.channels ?? 4;
  for (let y = area.y; y < area.y + area.height; y++) {
    let [x0, x1] = writableRow(canvas, y, area.x, area.x + area.width);
    // Transparent stretches of the layer change nothing: skip them when the layer knows them.
    if (layer.rows) [x0, x1] = spanOfRow(layer.rows, y, x0, x1);
    if (x0 >= x1) continue;
    span(
      canvas.data,
      stride,
      ((y - cy) * canvas.width + (x0 - cx)) * stride,
      layer.data,
      ((y - layer.y) * layer.width + (x0 - layer.x)) * 4,
      x1 - x0,
      scale,
      mask ? mask.data : null,
      mask ? (y - mask.y) * mask.width + (x0 - mask.x) : 0,
      blend,
      x0,
      y,
    );
  }
}

/**
 * Blends `count` source pixels (RGBA, from byte offset s) as a clipping layer onto RGBA pixels
 * from byte offset d: colours change where dst has alpha, its alpha stays. One loop per mode
 * shading layers use (so the blend function is inlined, for the reason given at Span), the same
 * arithmetic as the generic one.
 * (x, y) is the canvas position of the first pixel (for dissolve).
 */
type ClippedSpan = (
  dst: Uint8ClampedArray,
  d: number,
  src: Pixels,
  s: number,
  count: number,
  opacity: number,
  blend: BlendFunction,
  x: number,
  y: number,
) => void;

const softLight = functions['soft-light'];
const overlay = functions.overlay;

const clippedMultiply: ClippedSpan = (dst, d, src, s, count, opacity) => {
  for (let k = 0; k < count; k++, d += 4, s += 4) {
    if (dst[d + 3] === 0) continue;
    const as = src[s + 3]! * INV * opacity;
    if (as === 0) continue;
    for (let c = 0; c < 3; c++) {
      const cb = dst[d + c]! * INV;
      dst[d + c] = ((1 - as) * cb + as * multiply(cb, src[s + c]! * INV)) * 255;
    }
  }
};

const clippedScreen: ClippedSpan = (dst, d, src, s, count, opacity) => {
  for (let k = 0; k < count; k++, d += 4, s += 4) {
    if (dst[d + 3] === 0) continue;
    const as = src[s + 3]! * INV * opacity;
    if (as === 0) continue;
    for (let c = 0; c < 3; c++) {
      const cb = dst[d + c]! * INV;
      dst[d + c] = ((1 - as) * cb + as * screen(cb, src[s + c]! * INV)) * 255;
    }
  }
};

const clippedOverlay: ClippedSpan = (dst, d, src, s, count, opacity) => {
  for (let k = 0; k < count; k++, d += 4, s += 4) {
    if (dst[d + 3] === 0) continue;
    const as = src[s + 3]! * INV * opacity;
    if (as === 0) continue;
    for (let c = 0; c < 3; c++) {
      const cb = dst[d + c]! * INV;
      dst[d + c] = ((1 - as) * cb + as * overlay(cb, src[s + c]! * INV)) * 255;
    }
  }
};

const clippedHardLight: ClippedSpan = (dst, d, src, s, count, opacity) => {
  for (let k = 0; k < count; k++, d += 4, s += 4) {
    if (dst[d + 3] === 0) continue;
    const as = src[s + 3]! * INV * opacity;
    if (as === 0) continue;
    for (let c = 0; c < 3; c++) {
      const cb = dst[d + c]! * INV;
      dst[d + c] = ((1 - as) * cb + as * hardLight(cb, src[s + c]! * INV)) * 255;
    }
  }
};

const clippedSoftLight: ClippedSpan = (dst, d, src, s, count, opacity) => {
  for (let k = 0; k < count; k++, d += 4, s += 4) {
    if (dst[d + 3] === 0) continue;
    const as = src[s + 3]! * INV * opacity;
    if (as === 0) continue;
    for (let c = 0; c < 3; c++) {
      const cb = dst[d + c]! * INV;
      dst[d + c] = ((1 - as) * cb + as * softLight(cb, src[s + c]! * INV)) * 255;
    }
  }
};

const clippedGeneric: ClippedSpan = (dst, d, src, s, count, opacity, blend) => {
  for (let k = 0; k < count; k++, d += 4, s += 4) {
    if (dst[d + 3] === 0) continue;
    const as = src[s + 3]! * INV * opacity;
    if (as === 0) continue;
    for (let c = 0; c < 3; c++) {
      const cb = dst[d + c]! * INV;
      dst[d + c] = ((1 - as) * cb + as * blend(cb, src[s + c]! * INV)) * 255;
    }
  }
};

function clippedRgbSpan(blend: RgbBlendFunction): ClippedSpan {
  return (dst, d, src, s, count, opacity) => {
    for (let k = 0; k < count; k++, d += 4, s += 4) {
      if (dst[d + 3] === 0) continue;
      const as = src[s + 3]! * INV * opacity;
      if (as === 0) continue;
      const cr = dst[d]! * INV;
      const cg = dst[d + 1]! * INV;
      const cb = dst[d + 2]! * INV;
      blend(cr, cg, cb, src[s]! * INV, src[s + 1]! * INV, src[s + 2]! * INV, rgbOut);
      dst[d] = ((1 - as) * cr + as * rgbOut[0]!) * 255;
      dst[d + 1] = ((1 - as) * cg + as * rgbOut[1]!) * 255;
      dst[d + 2] = ((1 - as) * cb + as * rgbOut[2]!) * 255;
    }
  };
}

const clippedDissolve: ClippedSpan = (dst, d, src, s, count, opacity, _blend, x, y) => {
  for (let k = 0; k < count; k++, d += 4, s += 4) {
    if (dst[d + 3] === 0) continue;
    const as = src[s + 3]! * INV * opacity;
    if (as === 0 || dissolveThreshold(x + k, y) >= as) continue;
    dst[d] = src[s]!;
    dst[d + 1] = src[s + 1]!;
    dst[d + 2] = src[s + 2]!;
  }
};

const clippedSpans: Partial<Record<BlendMode, ClippedSpan>> = {
  multiply: clippedMultiply,
  screen: clippedScreen,
  overlay: clippedOverlay,
  'hard-light': clippedHardLight,
  'soft-light': clippedSoftLight,
  dissolve: clippedDissolve,
  ...Object.fromEntries(
    Object.entries(RGB_BLEND_FUNCTIONS).map(([mode, blend]) => [mode, clippedRgbSpan(blend)]),
  ),
};

const normalBlend = functions.normal;

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
  const span = clippedSpans[mode] ?? clippedGeneric;
  const blend = isSeparable(mode) ? blendFunction(mode) : normalBlend;
  for (let y = area.y; y < area.y + area.height; y++) {
    span(
      target.data,
      ((y - target.y) * target.width + (area.x - target.x)) * 4,
      layer.data,
      ((y - layer.y) * layer.width + (area.x - layer.x)) * 4,
      area.width,
      opacity,
      blend,
      area.x,
      y,
    );
  }
}

/** Multiplies a solid colour onto the canvas where `mask` is set (a product's fabric colour). */
export function multiplyColor(
  canvas: Canvas,
  rgb: readonly [number, number, number],
  mask: PlacedGrey,
): void {
  const cx = canvas.x ?? 0;
  const cy = canvas.y ?? 0;
  const writable = writableArea(canvas);
  const area = writable && intersect(writable, mask);
  if (!area) return;
  const dst = canvas.data;
  const [r, g, b] = rgb;
  const sr = r * INV;
  const sg = g * INV;
  const sb = b * INV;
  const stride = canvas.channels ?? 4;
  for (let y = area.y; y < area.y + area.height; y++) {
    const [x0, x1] = writableRow(canvas, y, area.x, area.x + area.width);
    let d = ((y - cy) * canvas.width + (x0 - cx)) * stride;
    let m = (y - mask.y) * mask.width + (x0 - mask.x);
    for (let k = 0; k < x1 - x0; k++, d += stride, m++) {
      const grey = mask.data[m]!;
      if (grey === 0) continue;
      const as = grey * INV;
      if (stride === 4 && dst[d + 3] !== 255) {
        blendPixel(dst, d, r, g, b, as, multiply);
        continue;
      }
      // blendPixel's opaque path with multiply inlined.
      const cr = dst[d]! * INV;
      const cg = dst[d + 1]! * INV;
      const cb = dst[d + 2]! * INV;
      const keep = 1 - as;
      dst[d] = (as * (cr * sr) + keep * cr) * 255;
      dst[d + 1] = (as * (cg * sg) + keep * cg) * 255;
      dst[d + 2] = (as * (cb * sb) + keep * cb) * 255;
    }
  }
}

/** Multiplies the alpha of a placed image by a mask (hidden where the mask has no pixel). */
export function applyMask(image: Writable<PlacedRgba>, mask: PlacedGrey): void {
  const data = image.data;
  for (let y = image.y; y < image.y + image.height; y++) {
    const row = (y - image.y) * image.width;
    const inside = y >= mask.y && y < mask.y + mask.height;
    const maskRow = (y - mask.y) * mask.width - mask.x;
    for (let x = image.x; x < image.x + image.width; x++) {
      const a = (row + x - image.x) * 4 + 3;
      if (data[a] === 0) continue;
      const grey = inside && x >= mask.x && x < mask.x + mask.width ? mask.data[maskRow + x]! : 0;
      data[a] = (data[a]! * grey) / 255;
    }
  }
}
