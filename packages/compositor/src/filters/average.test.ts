// Average against its definition worked out by hand: Σ a·v / Σ a per channel, alpha kept.
import type { RgbaImage } from '../raster.js';
import { average } from './average.js';
import { applySmartFilters } from './filter-stack.js';
import { smartFilterSchema } from './filter-model.js';

function image(pixels: number[][]): RgbaImage {
  return { width: pixels.length, height: 1, data: new Uint8ClampedArray(pixels.flat()) };
}

const pixelsOf = (out: RgbaImage): number[][] =>
  Array.from({ length: out.width * out.height }, (_, i) => Array.from(out.data.slice(i * 4, i * 4 + 4)));

describe('average', () => {
  it('fills every pixel with the alpha-weighted mean colour and keeps each alpha', () => {
    // red: (200·255 + 100·51) / 306 = 183.33; green: (0·255 + 60·51) / 306 = 10; blue: 90 / 1.
    const input = image([
      [200, 0, 90, 255],
      [100, 60, 90, 51],
    ]);
    expect(pixelsOf(average(input))).toEqual([
      [183, 10, 90, 255],
      [183, 10, 90, 51],
    ]);
  });

  it('gives transparent pixels no weight, whatever colour they hold', () => {
    const input = image([
      [10, 20, 30, 255],
      [255, 255, 255, 0],
      [50, 60, 70, 255],
    ]);
    expect(pixelsOf(average(input))).toEqual([
      [30, 40, 50, 255],
      [30, 40, 50, 0],
      [30, 40, 50, 255],
    ]);
  });

  it('leaves a fully transparent artwork unchanged and never writes its input', () => {
    const input = image([
      [1, 2, 3, 0],
      [4, 5, 6, 0],
    ]);
    const before = Array.from(input.data);
    expect(pixelsOf(average(input))).toEqual([
      [1, 2, 3, 0],
      [4, 5, 6, 0],
    ]);
    expect(Array.from(input.data)).toEqual(before);
  });

  it('is a smart filter kind the stack runs, blended with its opacity', () => {
    const filter = smartFilterSchema.parse({ kind: 'average', params: {}, opacity: 0.5 });
    const input = image([
      [0, 0, 0, 255],
      [200, 100, 50, 255],
    ]);
    // mean (100, 50, 25), mixed half and half with each pixel.
    expect(pixelsOf(applySmartFilters(input, [filter], 1))).toEqual([
      [50, 25, 13, 255],
      [150, 75, 38, 255],
    ]);
  });
});
