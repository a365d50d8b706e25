import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { adjustmentFilters, layOutArtwork } from './artwork-layout.js';
import { brightnessContrast } from './filters/brightness-contrast.js';
import { gaussianBlur } from './filters/gaussian-blur.js';
import { hueSaturation } from './filters/hue-saturation.js';
import { vibrance } from './filters/vibrance.js';
import type { RgbaImage } from './raster.js';

/** A small image whose every pixel differs, with varied alpha. */
function piece(
  width: number,
  height: number,
  alpha: (x: number, y: number) => number = () => 255,
): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data.set([(x * 53 + 17) % 256, (y * 71 + 29) % 256, (x * y * 13 + 101) % 256, alpha(x, y)], i);
    }
  }
  return { width, height, data };
}

function raw(image: Sharp): Promise<Buffer> {
  return image.ensureAlpha().raw().toBuffer();
}

function rgbaInput({ width, height, data }: RgbaImage) {
  return { input: Buffer.from(data), raw: { width, height, channels: 4 as const } };
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe('layOutArtwork', () => {
  it('draws the artwork at its place over the background colour, as sharp composites it', async () => {
    const art = piece(7, 5, (x, y) => (x + y) * 20);
    const laid = layOutArtwork(art, {
      canvas: { width: 16, height: 12 },
      region: { x: 6, y: 4, width: 7, height: 5 },
      origin: { x: 6, y: 4 },
      background: [10, 200, 90],
    });
    const expected = await raw(
      sharp({
        create: { width: 16, height: 12, channels: 4, background: { r: 10, g: 200, b: 90, alpha: 1 } },
      }).composite([{ ...rgbaInput(art), left: 6, top: 4 }]),
    );
    expect(laid.opaque).toBe(true);
    expect(maxDifference(laid.data, expected)).toBeLessThanOrEqual(1);
  });

  it('leaves the rest transparent and keeps the artwork’s alpha without a background', () => {
    const art = piece(3, 2, (x) => 60 * x + 10);
    const laid = layOutArtwork(art, {
      canvas: { width: 5, height: 4 },
      region: { x: 1, y: 1, width: 3, height: 2 },
      origin: { x: 1, y: 1 },
    });
    expect(laid.opaque).toBe(false);
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 5; x++) {
        const inside = x >= 1 && x < 4 && y >= 1 && y < 3;
        const at = (y * 5 + x) * 4;
        const from = ((y - 1) * 3 + (x - 1)) * 4;
        const want = inside ? [...art.data.subarray(from, from + 4)] : [0, 0, 0, 0];
        expect([...laid.data.subarray(at, at + 4)]).toEqual(want);
      }
    }
  });

  it('repeats a tile from the frame’s corner across the frame only, like a tiled sharp composite', async () => {
    const tile = piece(4, 3);
    // The frame starts off the canvas (-3, -2) and ends at x 14: the canvas is 18 wide.
    const laid = layOutArtwork(tile, {
      canvas: { width: 18, height: 10 },
      region: { x: 0, y: 0, width: 14, height: 10 },
      origin: { x: -3, y: -2 },
      background: [255, 255, 255],
    });
    // sharp extracts before it composites: the tiled canvas is materialised first.
    const whole = await raw(
      sharp({ create: { width: 21, height: 12, channels: 4, background: '#ffffff' } }).composite([
        { ...rgbaInput(tile), tile: true, gravity: 'northwest' },
      ]),
    );
    const tiled = await raw(
      sharp(whole, { raw: { width: 21, height: 12, channels: 4 } }).extract({
        left: 3,
        top: 2,
        width: 14,
        height: 10,
      }),
    );
    const expected = await raw(
      sharp({ create: { width: 18, height: 10, channels: 4, background: '#ffffff' } }).composite([
        { input: tiled, raw: { width: 14, height: 10, channels: 4 }, left: 0, top: 0 },
      ]),
    );
    expect(maxDifference(laid.data, expected)).toBe(0);
  });

  it('multiplies the artwork’s alpha by the opacity before laying it over the background', () => {
    const art = piece(4, 4, (x, y) => 40 + 50 * x + 10 * y);
    const bg = [200, 30, 60];
    const laid = layOutArtwork(art, {
      canvas: { width: 4, height: 4 },
      region: { x: 0, y: 0, width: 4, height: 4 },
      origin: { x: 0, y: 0 },
      background: bg as [number, number, number],
      adjust: { filters: [], opacity: 0.4, scale: 1 },
    });
    for (let i = 0; i < art.data.length; i += 4) {
      const a = Math.round(art.data[i + 3]! * 0.4) / 255;
      for (let c = 0; c < 3; c++) {
        expect(Math.abs(laid.data[i + c]! - (art.data[i + c]! * a + bg[c]! * (1 - a)))).toBeLessThanOrEqual(
          0.5,
        );
      }
      expect(laid.data[i + 3]).toBe(255);
    }
    // The caller's pixels are never written.
    expect(art.data[3]).toBe(40);
  });

  it('runs brightness, contrast, hue, saturation, vibrance and blur with the filter kernels, in that order', () => {
    const art = piece(9, 7);
    const adjustments = { brightness: 40, contrast: -20, hue: 30, saturation: -50, vibrance: 60, blur: 2 };
    const laid = layOutArtwork(art, {
      canvas: { width: 9, height: 7 },
      region: { x: 0, y: 0, width: 9, height: 7 },
      origin: { x: 0, y: 0 },
      adjust: { filters: adjustmentFilters(adjustments), opacity: 1, scale: 0.5 },
    });
    let expected = brightnessContrast(art, { brightness: 40, contrast: -20 });
    expected = hueSaturation(expected, { hue: 30, saturation: -50, lightness: 0, colorize: false });
    expected = vibrance(expected, { vibrance: 60, saturation: 0 });
    // The blur radius is in design pixels: half of it in these work pixels.
    expected = gaussianBlur(expected, { radius: 1 });
    expect(maxDifference(laid.data, expected.data)).toBe(0);
    expect(maxDifference(laid.data, art.data)).toBeGreaterThan(10);
  });

  it('turns zero adjustments into no filter at all', () => {
    expect(
      adjustmentFilters({ brightness: 0, contrast: 0, hue: 0, saturation: 0, vibrance: 0, blur: 0 }),
    ).toEqual([]);
  });
});
