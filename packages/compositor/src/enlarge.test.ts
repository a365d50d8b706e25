import { readFileSync } from 'node:fs';
import path from 'node:path';
import { initializeCanvas, readPsd } from 'ag-psd';
import sharp from 'sharp';
import { enlargeRgba } from './enlarge.js';
import type { RgbaImage } from './raster.js';
import { createSharpMedia } from './sharp-media.js';

const corpus = path.join(__dirname, '../../../test/fixtures/psd/corpus');

/** The Mitchell–Netravali cubic with parameters B, C, written out from its definition. */
function cubic(B: number, C: number, d: number): number {
  const x = Math.abs(d);
  if (x < 1) return ((12 - 9 * B - 6 * C) * x ** 3 + (-18 + 12 * B + 6 * C) * x ** 2 + (6 - 2 * B)) / 6;
  if (x < 2)
    return (
      ((-B - 6 * C) * x ** 3 + (6 * B + 30 * C) * x ** 2 + (-12 * B - 48 * C) * x + (8 * B + 24 * C)) / 6
    );
  return 0;
}

/** Resamples straight RGBA to width × height by a 4 × 4 cubic on premultiplied alpha, per pixel. */
function resampled(src: RgbaImage, width: number, height: number, B: number, C: number): Float64Array {
  const out = new Float64Array(width * height * 4);
  const at = (i: number, j: number) =>
    (Math.min(src.height - 1, Math.max(0, j)) * src.width + Math.min(src.width - 1, Math.max(0, i))) * 4;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = ((x + 0.5) * src.width) / width - 0.5;
      const v = ((y + 0.5) * src.height) / height - 0.5;
      const sum = [0, 0, 0, 0];
      for (let j = Math.floor(v) - 1; j <= Math.floor(v) + 2; j++) {
        for (let i = Math.floor(u) - 1; i <= Math.floor(u) + 2; i++) {
          const w = cubic(B, C, u - i) * cubic(B, C, v - j);
          const o = at(i, j);
          const a = src.data[o + 3]!;
          for (let c = 0; c < 3; c++) sum[c]! += ((src.data[o + c]! * a) / 255) * w;
          sum[3]! += a * w;
        }
      }
      const a = Math.max(0, Math.min(255, sum[3]!));
      for (let c = 0; c < 3; c++)
        out[(y * width + x) * 4 + c] = a > 0 ? (Math.min(Math.max(sum[c]!, 0), a) * 255) / a : 0;
      out[(y * width + x) * 4 + 3] = a;
    }
  }
  return out;
}

describe('enlarging artwork', () => {
  it('matches a cubic with B = 0.4, C = 0.6 computed pixel by pixel, alpha premultiplied', () => {
    const src: RgbaImage = {
      width: 5,
      height: 4,
      data: new Uint8ClampedArray(
        Array.from({ length: 20 }, (_, p) => [
          (p * 53) % 256,
          (p * 97) % 256,
          (p * 31) % 256,
          p % 3 === 0 ? 0 : 90 + p * 8,
        ]).flat(),
      ),
    };
    const got = enlargeRgba(src, 13, 9);
    const want = resampled(src, 13, 9, 0.4, 0.6);
    let most = 0;
    for (let p = 0; p < 13 * 9; p++) {
      const a = want[p * 4 + 3]!;
      most = Math.max(most, Math.abs(got.data[p * 4 + 3]! - a));
      // Colour only counts where there is alpha to show it.
      if (a >= 8)
        for (let c = 0; c < 3; c++) most = Math.max(most, Math.abs(got.data[p * 4 + c]! - want[p * 4 + c]!));
    }
    expect(most).toBeLessThanOrEqual(1);
  });

  it('draws enlarged pixel art as Photoshop stored it (ag-psd_smart-object-png.psd): closer than Catmull-Rom', async () => {
    // ag-psd wants an ImageData constructor in Node (as packages/psd-import sets it up).
    initializeCanvas(
      () => {
        throw new Error('no canvas in Node');
      },
      (width, height) => ({
        width,
        height,
        data: new Uint8ClampedArray(width * height * 4),
        colorSpace: 'srgb',
      }),
    );
    const psd = readPsd(readFileSync(path.join(corpus, 'ag-psd_smart-object-png.psd')), {
      useImageData: true,
      skipThumbnail: true,
      skipCompositeImageData: true,
    });
    const layer = psd.children!.find((child) => child.placedLayer)!;
    const reference = layer.imageData!;
    const file = psd.linkedFiles!.find((linked) => linked.id === layer.placedLayer!.id)!;
    const { data, info } = await sharp(Buffer.from(file.data!))
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const art: RgbaImage = { data: new Uint8ClampedArray(data), width: info.width, height: info.height };
    // The placement is an axis-aligned 54 × 54 box on whole pixels: the layer's stored pixels.
    const [x0, y0, x1, , , y2] = layer.placedLayer!.transform.map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    expect([x0, y0, x1 - x0, y2 - y0, layer.left, layer.top]).toEqual([29, 28, 54, 54, 29, 28]);
    expect([reference.width, reference.height]).toEqual([54, 54]);
    /** Mean difference per channel against Photoshop's pixels, both over white. */
    const difference = (pixel: (p: number, c: number) => number, alpha: (p: number) => number) => {
      let sum = 0;
      for (let p = 0; p < 54 * 54; p++) {
        const a = alpha(p) / 255;
        const ra = reference.data[p * 4 + 3]! / 255;
        for (let c = 0; c < 3; c++)
          sum += Math.abs(
            pixel(p, c) * a + 255 * (1 - a) - (reference.data[p * 4 + c]! * ra + 255 * (1 - ra)),
          );
      }
      return sum / (54 * 54 * 3);
    };
    const ours = enlargeRgba(art, 54, 54);
    const mine = difference(
      (p, c) => ours.data[p * 4 + c]!,
      (p) => ours.data[p * 4 + 3]!,
    );
    const catmullRom = resampled(art, 54, 54, 0, 0.5);
    const sharper = difference(
      (p, c) => catmullRom[p * 4 + c]!,
      (p) => catmullRom[p * 4 + 3]!,
    );
    expect(mine).toBeLessThan(2.3);
    expect(sharper).toBeGreaterThan(4);
  });

  it('is what a render decodes artwork the fit enlarges with (fill, contain)', async () => {
    const media = createSharpMedia({ limitInputPixels: 1e6 });
    const pixels = Array.from({ length: 12 }, (_, p) => [
      (p * 83) % 256,
      (p * 29) % 256,
      p % 2 ? 250 : 5,
      255,
    ]);
    const src: RgbaImage = { width: 4, height: 3, data: new Uint8ClampedArray(pixels.flat()) };
    const png = await sharp(Buffer.from(src.data), { raw: { width: 4, height: 3, channels: 4 } })
      .png()
      .toBuffer();
    const largest = (
      got: ArrayLike<number>,
      channels: number,
      want: Float64Array,
      width: number,
      x0: number,
    ) => {
      let most = 0;
      for (let y = 0; y < 9; y++)
        for (let x = 0; x < width; x++)
          for (let c = 0; c < 3; c++)
            most = Math.max(
              most,
              Math.abs(got[(y * 12 + x0 + x) * channels + c]! - want[(y * width + x) * 4 + c]!),
            );
      return most;
    };
    const box = { left: 0, top: 0, width: 12, height: 9 };
    const fill = await media.decodeArtwork(png, {
      fit: 'fill',
      rotate: 0,
      box,
      canvas: { width: 12, height: 9 },
    });
    expect(largest(fill.data, fill.channels, resampled(src, 12, 9, 0.4, 0.6), 12, 0)).toBeLessThanOrEqual(1);
    // contain: 3× to 12 × 9 exactly; a 9-wide box would pad.
    const contain = await media.decodeArtwork(png, {
      fit: 'contain',
      rotate: 0,
      box,
      canvas: { width: 12, height: 9 },
    });
    expect(
      largest(contain.data, contain.channels, resampled(src, 12, 9, 0.4, 0.6), 12, 0),
    ).toBeLessThanOrEqual(1);
    const tall = { left: 0, top: 0, width: 12, height: 12 };
    const padded = await media.decodeArtwork(png, {
      fit: 'contain',
      rotate: 0,
      box: tall,
      canvas: { width: 12, height: 12 },
    });
    expect(padded.data[3]).toBe(0);
    expect(padded.data[(6 * 12 + 6) * 4 + 3]).toBe(255);
  });
});
