// Lays a request's artwork out on its smart object's design canvas (at work size), the way the
// artwork would sit inside the smart object before Photoshop warps it: adjusted, drawn at its frame
// (or repeated as tiles from the frame's corner), over an optional background colour. Pure pixels;
// runs on the kernel thread before the smart filters and the warp.
import type { SmartFilter } from './filters/filter-model.js';
import { applySmartFilters, rgbToRgba } from './filters/filter-stack.js';
import type { RgbaImage, Region } from './raster.js';
import { intersect } from './raster.js';
import type { ArtworkAdjustments } from './template-model.js';
import type { Artwork } from './warp-kernels.js';

export interface ArtworkLayout {
  canvas: { width: number; height: number };
  /** The canvas pixels the artwork covers (clipped to the canvas by the caller or here). */
  region: Region;
  /** The canvas position of the artwork's pixel (0, 0); beyond its size it repeats (tiles). */
  origin: { x: number; y: number };
  background?: [number, number, number];
  /** Filters standing for the adjustments; `opacity` (0–1) multiplies alpha after them. */
  adjust?: { filters: readonly SmartFilter[]; opacity: number; scale: number };
}

/** The adjustments as the filter kernels that implement them, in order; opacity is separate. */
export function adjustmentFilters(adjustments: ArtworkAdjustments): SmartFilter[] {
  const blending = { opacity: 1, blend_mode: 'normal' } as const;
  const filters: SmartFilter[] = [];
  const { brightness = 0, contrast = 0, hue = 0, saturation = 0, vibrance = 0, blur = 0 } = adjustments;
  if (brightness !== 0 || contrast !== 0) {
    filters.push({ kind: 'brightness_contrast', params: { brightness, contrast }, ...blending });
  }
  if (hue !== 0 || saturation !== 0) {
    filters.push({
      kind: 'hue_saturation',
      params: { hue, saturation, lightness: 0, colorize: false },
      ...blending,
    });
  }
  if (vibrance !== 0) filters.push({ kind: 'vibrance', params: { vibrance, saturation: 0 }, ...blending });
  if (blur > 0) filters.push({ kind: 'gaussian_blur', params: { radius: blur }, ...blending });
  return filters;
}

/** `into`: written instead of a new array (width × height × 4 bytes, all 0 unless a background fills it). */
export function layOutArtwork(art: Artwork, layout: ArtworkLayout, into?: Uint8ClampedArray): Artwork {
  const { width, height } = layout.canvas;
  let piece: RgbaImage = (art.channels ?? 4) === 4 ? art : { ...art, data: rgbToRgba(art.data) };
  if (layout.adjust) piece = adjusted(piece, layout.adjust);
  if (into && into.length !== width * height * 4) throw new RangeError('into does not fit the canvas');
  const out = into ?? new Uint8ClampedArray(width * height * 4);
  const bg = layout.background;
  if (bg) {
    for (let i = 0; i < out.length; i += 4) {
      out[i] = bg[0];
      out[i + 1] = bg[1];
      out[i + 2] = bg[2];
      out[i + 3] = 255;
    }
  }
  const region = intersect({ x: 0, y: 0, width, height }, layout.region);
  if (region) drawRepeated(out, width, piece, region, layout.origin, bg !== undefined);
  return { width, height, data: out, channels: 4, opaque: bg !== undefined };
}

function adjusted(
  image: RgbaImage,
  { filters, opacity, scale }: NonNullable<ArtworkLayout['adjust']>,
): RgbaImage {
  const filtered = applySmartFilters(image, filters, scale);
  if (opacity >= 1) return filtered;
  // The filters return a new image unless there were none: never write the caller's pixels.
  const data = filtered === image ? new Uint8ClampedArray(image.data) : filtered.data;
  for (let i = 3; i < data.length; i += 4) data[i] = Math.round(data[i]! * opacity);
  return { ...filtered, data };
}

/** `piece` over the canvas in `region`, pixel (x, y) reading the piece at (x − origin) modulo its size. */
function drawRepeated(
  out: Uint8ClampedArray,
  stride: number,
  piece: RgbaImage,
  region: Region,
  origin: { x: number; y: number },
  over: boolean,
): void {
  const { width: pw, height: ph, data: src } = piece;
  for (let y = region.y; y < region.y + region.height; y++) {
    const py = mod(y - origin.y, ph);
    let px = mod(region.x - origin.x, pw);
    let d = (y * stride + region.x) * 4;
    for (let x = 0; x < region.width; x++, d += 4) {
      const s = (py * pw + px) * 4;
      if (++px === pw) px = 0;
      const a = src[s + 3]!;
      if (!over || a === 255) {
        out[d] = src[s]!;
        out[d + 1] = src[s + 1]!;
        out[d + 2] = src[s + 2]!;
        out[d + 3] = over ? 255 : a;
        continue;
      }
      // Straight alpha over an opaque background.
      const k = a / 255;
      for (let c = 0; c < 3; c++) out[d + c] = src[s + c]! * k + out[d + c]! * (1 - k);
    }
  }
}

function mod(value: number, size: number): number {
  const r = value % size;
  return r < 0 ? r + size : r;
}
