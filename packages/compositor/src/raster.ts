// Raw pixel buffers as the kernels see them: straight (not premultiplied) 8-bit RGBA images and
// one-channel grey maps, optionally placed on the canvas at (x, y). Views may sit on a
// SharedArrayBuffer so kernel threads read cached template layers without copying them.
// Local aliases: these loops also run in vm contexts (jest), where global lookups are slow.
const { max, min } = Math;

export interface RgbaImage {
  width: number;
  height: number;
  /** width × height × 4 bytes, straight RGBA. */
  data: Uint8Array | Uint8ClampedArray;
}

export interface PlacedRgba extends RgbaImage {
  x: number;
  y: number;
  /** If known, per row the columns (canvas coordinates) holding every non-transparent pixel. */
  rows?: RowSpans;
}

/** A one-channel map (mask, displacement) placed on the canvas; outside it reads as `outside`. */
export interface PlacedGrey {
  x: number;
  y: number;
  width: number;
  height: number;
  /** width × height bytes. */
  data: Uint8Array;
}

export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Per canvas row from `y` on, the columns [from[i], to[i]) of row y + i; rows beyond have none. */
export interface RowSpans {
  y: number;
  from: Int32Array;
  to: Int32Array;
}

/** Columns [x0, x1) of row y narrowed to `spans` (empty when the result's start ≥ its end). */
export function spanOfRow(spans: RowSpans, y: number, x0: number, x1: number): [number, number] {
  const i = y - spans.y;
  if (i < 0 || i >= spans.from.length) return [x0, x0];
  return [max(x0, spans.from[i]!), min(x1, spans.to[i]!)];
}

/** One span per row covering both (the gap between two spans of a row included). */
export function unionRows(a: RowSpans, b: RowSpans): RowSpans {
  const y = min(a.y, b.y);
  const end = max(a.y + a.from.length, b.y + b.from.length);
  const from = new Int32Array(end - y).fill(0x7fffffff);
  const to = new Int32Array(end - y).fill(-0x80000000);
  for (const spans of [a, b]) {
    for (let i = 0; i < spans.from.length; i++) {
      if (spans.from[i]! >= spans.to[i]!) continue;
      const r = spans.y + i - y;
      from[r] = min(from[r]!, spans.from[i]!);
      to[r] = max(to[r]!, spans.to[i]!);
    }
  }
  return { y, from, to };
}

/** A placed raster of 4 channels (straight RGBA) or 3 (RGB: an opaque canvas without its alpha). */
export interface PixelRaster extends Region {
  channels: 3 | 4;
  data: Uint8Array | Uint8ClampedArray;
}

/** Copies bytes into memory that worker threads share instead of copy. */
export function sharedCopy(bytes: Uint8Array | Uint8ClampedArray): Uint8Array {
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  shared.set(bytes);
  return shared;
}

export function intersect(a: Region, b: Region): Region | null {
  const x = max(a.x, b.x);
  const y = max(a.y, b.y);
  const right = min(a.x + a.width, b.x + b.width);
  const bottom = min(a.y + a.height, b.y + b.height);
  return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : null;
}

export function union(a: Region, b: Region): Region {
  const x = min(a.x, b.x);
  const y = min(a.y, b.y);
  return {
    x,
    y,
    width: max(a.x + a.width, b.x + b.width) - x,
    height: max(a.y + a.height, b.y + b.height) - y,
  };
}

/** Per row of a placed image, the columns from its first to its last non-transparent pixel. */
export function contentRows(image: PlacedRgba): RowSpans {
  const { width, height, data } = image;
  const from = new Int32Array(height).fill(image.x);
  const to = new Int32Array(height).fill(image.x);
  for (let y = 0; y < height; y++) {
    const row = y * width * 4;
    let first = -1;
    let last = -1;
    for (let x = 0; x < width; x++) {
      if (data[row + x * 4 + 3] === 0) continue;
      if (first < 0) first = x;
      last = x;
    }
    if (first >= 0) [from[y], to[y]] = [image.x + first, image.x + last + 1];
  }
  return { y: image.y, from, to };
}

/** The smallest placed image holding every non-transparent pixel, or null if all are transparent. */
export function cropToContent(image: PlacedRgba): PlacedRgba | null {
  const { width, height, data } = image;
  let left = width;
  let right = -1;
  let top = height;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width * 4;
    for (let x = 0; x < width; x++) {
      if (data[row + x * 4 + 3] !== 0) {
        if (x < left) left = x;
        if (x > right) right = x;
        if (y < top) top = y;
        bottom = y;
      }
    }
  }
  if (right < 0) return null;
  if (left === 0 && top === 0 && right === width - 1 && bottom === height - 1) return image;
  return cropRgba(image, {
    x: image.x + left,
    y: image.y + top,
    width: right - left + 1,
    height: bottom - top + 1,
  });
}

/** The part of a placed image inside `region` (canvas coordinates), copied. */
export function cropRgba(image: PlacedRgba, region: Region): PlacedRgba {
  const data = new Uint8Array(region.width * region.height * 4);
  for (let y = 0; y < region.height; y++) {
    const sy = region.y - image.y + y;
    if (sy < 0 || sy >= image.height) continue;
    for (let x = 0; x < region.width; x++) {
      const sx = region.x - image.x + x;
      if (sx < 0 || sx >= image.width) continue;
      const s = (sy * image.width + sx) * 4;
      const d = (y * region.width + x) * 4;
      data[d] = image.data[s]!;
      data[d + 1] = image.data[s + 1]!;
      data[d + 2] = image.data[s + 2]!;
      data[d + 3] = image.data[s + 3]!;
    }
  }
  return { ...region, data };
}

/** The smallest part of a grey map holding every non-zero pixel (a copy), or null if all are zero. */
export function cropGreyToContent(map: PlacedGrey): PlacedGrey | null {
  const { width, height, data } = map;
  let left = width;
  let right = -1;
  let top = height;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (data[row + x] !== 0) {
        if (x < left) left = x;
        if (x > right) right = x;
        if (y < top) top = y;
        bottom = y;
      }
    }
  }
  if (right < 0) return null;
  return cropGrey(
    map,
    { x: map.x + left, y: map.y + top, width: right - left + 1, height: bottom - top + 1 },
    0,
  );
}

/** The part of a grey map inside `region`, copied; pixels the map does not cover get `outside`. */
export function cropGrey(map: PlacedGrey, region: Region, outside: number): PlacedGrey {
  const data = new Uint8Array(region.width * region.height).fill(outside);
  for (let y = 0; y < region.height; y++) {
    const sy = region.y - map.y + y;
    if (sy < 0 || sy >= map.height) continue;
    const x0 = max(0, map.x - region.x);
    const x1 = min(region.width, map.x + map.width - region.x);
    if (x1 <= x0) continue;
    const from = sy * map.width + (region.x + x0 - map.x);
    data.set(map.data.subarray(from, from + (x1 - x0)), y * region.width + x0);
  }
  return { ...region, data };
}

/**
 * Copies the pixels of `source` that lie inside `target` (and inside `within`, if given) into it,
 * converting between RGB and RGBA (RGB → alpha 255; RGBA → RGB drops the alpha: only for opaque
 * pixels).
 */
export function copyPixels(target: PixelRaster, source: PixelRaster, within?: Region, rows?: RowSpans): void {
  let area = intersect(target, source);
  if (area && within) area = intersect(area, within);
  if (!area) return;
  const dst = target.data;
  const src = source.data;
  const tc = target.channels;
  const sc = source.channels;
  for (let y = area.y; y < area.y + area.height; y++) {
    const [x0, x1] = rows ? spanOfRow(rows, y, area.x, area.x + area.width) : [area.x, area.x + area.width];
    if (x0 >= x1) continue;
    let d = ((y - target.y) * target.width + (x0 - target.x)) * tc;
    let s = ((y - source.y) * source.width + (x0 - source.x)) * sc;
    const width = x1 - x0;
    if (tc === sc) {
      dst.set(src.subarray(s, s + width * sc), d);
    } else if (tc === 4) {
      for (const end = d + width * 4; d < end; d += 4, s += 3) {
        dst[d] = src[s]!;
        dst[d + 1] = src[s + 1]!;
        dst[d + 2] = src[s + 2]!;
        dst[d + 3] = 255;
      }
    } else {
      for (const end = s + width * 4; s < end; s += 4, d += 3) {
        dst[d] = src[s]!;
        dst[d + 1] = src[s + 1]!;
        dst[d + 2] = src[s + 2]!;
      }
    }
  }
}

/** Straight RGBA → RGB, for an opaque canvas. */
export function dropAlpha(rgba: Uint8Array | Uint8ClampedArray): Uint8Array {
  const rgb = new Uint8Array((rgba.length / 4) * 3);
  for (let s = 0, d = 0; s < rgba.length; s += 4, d += 3) {
    rgb[d] = rgba[s]!;
    rgb[d + 1] = rgba[s + 1]!;
    rgb[d + 2] = rgba[s + 2]!;
  }
  return rgb;
}

/** Whether every pixel is fully opaque. */
export function isOpaque(data: Uint8Array | Uint8ClampedArray): boolean {
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 255) return false;
  return true;
}
