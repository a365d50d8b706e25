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

/** Whether every pixel is fully opaque. */
export function isOpaque(data: Uint8Array | Uint8ClampedArray): boolean {
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 255) return false;
  return true;
}
