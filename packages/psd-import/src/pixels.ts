// Layer pixels from ag-psd (RGBA bytes) to the PNG assets of a template manifest.
import sharp from 'sharp';

export interface Rgba {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function encodeRgba(pixels: Rgba): Promise<Buffer> {
  const data = Buffer.from(pixels.data.buffer, pixels.data.byteOffset, pixels.width * pixels.height * 4);
  return sharp(data, { raw: { width: pixels.width, height: pixels.height, channels: 4 } })
    .png({ compressionLevel: 6 })
    .toBuffer();
}

/** True when no pixel is even slightly opaque (an empty layer draws nothing). */
export function fullyTransparent(pixels: Rgba): boolean {
  for (let i = 3; i < pixels.data.length; i += 4) if (pixels.data[i] !== 0) return false;
  return true;
}

/** A one-channel mask over a canvas box (0 hides, 255 shows); everything outside it is hidden. */
export interface GreyMask {
  x: number;
  y: number;
  width: number;
  height: number;
  grey: Uint8Array;
}

/**
 * A layer mask as a grey plane covering `cover` too: Photoshop's mask has its own box and a default
 * colour outside it (0 hides, 255 shows), while the compositor's mask hides everything outside it.
 */
export function maskGrey(
  /** The grey is the first of every `channels` bytes (4 unless given). */
  mask: { box: Box; grey: (Rgba & { channels?: 1 | 4 }) | undefined; defaultColor: number },
  cover: Box,
  /** A vector mask's coverage (0..1) the grey is multiplied by; it hides everything outside its box. */
  vector?: { box: Box; alpha: Float32Array },
): GreyMask {
  const x = Math.min(mask.box.x, cover.x);
  const y = Math.min(mask.box.y, cover.y);
  const width = Math.max(mask.box.x + mask.box.width, cover.x + cover.width) - x;
  const height = Math.max(mask.box.y + mask.box.height, cover.y + cover.height) - y;
  const grey = Buffer.alloc(width * height, mask.defaultColor);
  const source = mask.grey;
  if (source) {
    const stride = source.channels ?? 4;
    for (let row = 0; row < source.height; row++) {
      const to = (row + mask.box.y - y) * width + (mask.box.x - x);
      for (let col = 0; col < source.width; col++)
        grey[to + col] = source.data[(row * source.width + col) * stride]!;
    }
  }
  if (vector) {
    for (let row = 0; row < height; row++) {
      for (let col = 0; col < width; col++) {
        const vx = col + x - vector.box.x;
        const vy = row + y - vector.box.y;
        const inside = vx >= 0 && vy >= 0 && vx < vector.box.width && vy < vector.box.height;
        const i = row * width + col;
        grey[i] = Math.round(grey[i]! * (inside ? vector.alpha[vy * vector.box.width + vx]! : 0));
      }
    }
  }
  return { x, y, width, height, grey };
}

export async function encodeGrey(mask: GreyMask): Promise<{ png: Buffer; x: number; y: number }> {
  const png = await sharp(mask.grey, { raw: { width: mask.width, height: mask.height, channels: 1 } })
    .png()
    .toBuffer();
  return { png, x: mask.x, y: mask.y };
}

/** A layer mask as a grey PNG covering `cover` too (see maskGrey). */
export function maskPng(
  mask: { box: Box; grey: Rgba | undefined; defaultColor: number },
  cover: Box,
  vector?: { box: Box; alpha: Float32Array },
): Promise<{ png: Buffer; x: number; y: number }> {
  return encodeGrey(maskGrey(mask, cover, vector));
}

/** The pixels with their alpha multiplied by the mask at the same canvas position (a new image). */
export function masked<T extends Rgba & { box: Box }>(pixels: T, mask: GreyMask): T {
  const data = new Uint8ClampedArray(pixels.data);
  for (let row = 0; row < pixels.height; row++) {
    const my = pixels.box.y + row - mask.y;
    for (let col = 0; col < pixels.width; col++) {
      const mx = pixels.box.x + col - mask.x;
      const inside = my >= 0 && mx >= 0 && my < mask.height && mx < mask.width;
      const i = (row * pixels.width + col) * 4 + 3;
      data[i] = inside ? Math.round((data[i]! * mask.grey[my * mask.width + mx]!) / 255) : 0;
    }
  }
  return { ...pixels, data };
}

/** `over` drawn onto `base` only where `base` is (Photoshop's clipping for a normal layer), in place. */
export function clipOnto(base: Rgba & { box: Box }, over: Rgba & { box: Box }, opacity: number): void {
  for (let row = 0; row < over.height; row++) {
    const by = over.box.y + row - base.box.y;
    if (by < 0 || by >= base.height) continue;
    for (let col = 0; col < over.width; col++) {
      const bx = over.box.x + col - base.box.x;
      if (bx < 0 || bx >= base.width) continue;
      const o = (row * over.width + col) * 4;
      const b = (by * base.width + bx) * 4;
      const alpha = (over.data[o + 3]! / 255) * opacity;
      for (let c = 0; c < 3; c++) {
        base.data[b + c] = Math.round(over.data[o + c]! * alpha + base.data[b + c]! * (1 - alpha));
      }
    }
  }
}

export function intersect(a: Box, b: Box): Box | undefined {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const width = Math.min(a.x + a.width, b.x + b.width) - x;
  const height = Math.min(a.y + a.height, b.y + b.height) - y;
  return width > 0 && height > 0 ? { x, y, width, height } : undefined;
}

export const growBox = (box: Box, by: number): Box => ({
  x: box.x - by,
  y: box.y - by,
  width: box.width + 2 * by,
  height: box.height + 2 * by,
});
