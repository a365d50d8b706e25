// Average against Photoshop's rule worked out by hand: the colour channels' plain mean over the box
// of covered pixels (alpha ignored), white for the rest of the document, alpha kept. Checked against
// Photoshop's own pixels in psd-import's smart-filter-fixtures.test.ts.
import type { RgbaImage } from '../raster.js';
import { average } from './average.js';
import { applySmartFilters } from './filter-stack.js';
import { smartFilterSchema } from './filter-model.js';

function image(pixels: number[][], width = pixels.length): RgbaImage {
  return { width, height: pixels.length / width, data: new Uint8ClampedArray(pixels.flat()) };
}

const pixelsOf = (out: RgbaImage): number[][] =>
  Array.from({ length: out.width * out.height }, (_, i) => Array.from(out.data.slice(i * 4, i * 4 + 4)));

describe('average', () => {
  it('fills every pixel with the plain mean of the covered box, whatever each alpha, and keeps each alpha', () => {
    // red: (200 + 100) / 2; a half-covered pixel counts as much as an opaque one.
    const input = image([
      [200, 0, 90, 255],
      [100, 60, 91, 51],
    ]);
    expect(pixelsOf(average(input))).toEqual([
      [150, 30, 91, 255],
      [150, 30, 91, 51],
    ]);
  });

  it('counts the colour a transparent pixel holds inside the box, as Photoshop does', () => {
    const input = image([
      [10, 20, 30, 255],
      [0, 0, 0, 0],
      [50, 60, 70, 255],
    ]);
    // (10 + 0 + 50) / 3 = 20, (20 + 0 + 60) / 3 = 26.7, (30 + 0 + 70) / 3 = 33.3.
    expect(pixelsOf(average(input))).toEqual([
      [20, 27, 33, 255],
      [20, 27, 33, 0],
      [20, 27, 33, 255],
    ]);
  });

  it('leaves transparent pixels outside the box out, and counts the document beyond it as white', () => {
    const input = image(
      [
        [0, 0, 0, 0],
        [40, 80, 120, 255],
        [255, 0, 0, 0],
        [0, 0, 0, 0],
      ],
      4,
    );
    expect(pixelsOf(average(input))[1]).toEqual([40, 80, 120, 255]);
    // A document of 4 pixels: one covered, three white: (40 + 3 · 255) / 4 = 201.25.
    expect(pixelsOf(average(input, 4))[1]).toEqual([201, 211, 221, 255]);
  });

  it("does not let a resampler's faint spread (alpha below 16) widen the box", () => {
    const input = image(
      [
        [0, 0, 0, 15],
        [40, 80, 120, 255],
      ],
      2,
    );
    expect(pixelsOf(average(input, 2))[1]).toEqual([148, 168, 188, 255]);
  });

  it('leaves a fully transparent artwork unchanged and never writes its input', () => {
    const input = image([
      [1, 2, 3, 0],
      [4, 5, 6, 0],
    ]);
    const before = Array.from(input.data);
    expect(pixelsOf(average(input, 10))).toEqual([
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

  it("scales the document's area from design pixels to the artwork's", () => {
    // 2 design px² at 2 artwork px per design px: 8 artwork pixels, 2 of them covered.
    const filter = smartFilterSchema.parse({ kind: 'average', params: { document_area: 2 } });
    const input = image(
      [
        [0, 0, 0, 255],
        [0, 0, 0, 255],
      ],
      2,
    );
    // (0 · 2 + 255 · 6) / 8 = 191.25.
    expect(pixelsOf(applySmartFilters(input, [filter], 2))[0]).toEqual([191, 191, 191, 255]);
  });

  it('refuses a document area that is not a positive number', () => {
    expect(() => smartFilterSchema.parse({ kind: 'average', params: { document_area: 0 } })).toThrow();
    expect(() => smartFilterSchema.parse({ kind: 'average', params: { document_area: -5 } })).toThrow();
  });
});
