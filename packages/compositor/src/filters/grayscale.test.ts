// The grey conversion against its formula written out per pixel, and its fixed points.
import type { RgbaImage } from '../raster.js';
import { grayscale } from './grayscale.js';

const srgbToLinear = (v: number): number =>
  v / 255 <= 0.04045 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4;

describe('grayscale', () => {
  it('writes 255·Y^(1/2.2) to every channel, Y the D50 sRGB luminance, and keeps alpha', () => {
    const pixels: number[][] = [];
    for (let r = 0; r < 256; r += 51) {
      for (let g = 0; g < 256; g += 51) {
        for (let b = 0; b < 256; b += 51) pixels.push([r, g, b, (r + g) % 256]);
      }
    }
    const input: RgbaImage = { width: pixels.length, height: 1, data: new Uint8ClampedArray(pixels.flat()) };
    const out = grayscale(input);
    pixels.forEach(([r, g, b, a], i) => {
      const y = 0.2225 * srgbToLinear(r!) + 0.7169 * srgbToLinear(g!) + 0.0606 * srgbToLinear(b!);
      const grey = Math.round(255 * y ** (1 / 2.2));
      expect(Array.from(out.data.slice(i * 4, i * 4 + 4))).toEqual([grey, grey, grey, a]);
    });
  });

  it('keeps black and white, and darkens pure blue far more than pure green', () => {
    const input: RgbaImage = {
      width: 4,
      height: 1,
      data: new Uint8ClampedArray([0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 255, 255, 0, 255, 0, 255]),
    };
    const out = Array.from(grayscale(input).data);
    expect(out.slice(0, 8)).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
    // Blue: 255·0.0606^(1/2.2) = 71.3; green: 255·0.7169^(1/2.2) = 219.2.
    expect(out.slice(8, 11)).toEqual([71, 71, 71]);
    expect(out.slice(12, 15)).toEqual([219, 219, 219]);
  });
});
