// Liquify against its definition on tiny images: each pixel takes the colour at itself plus the
// grid's displacement (fractions of the artwork), bilinear between vertices, transparent outside.
import type { RgbaImage } from '../raster.js';
import { smartFilterSchema } from './filter-model.js';
import { applySmartFilters } from './filter-stack.js';
import { liquify } from './liquify.js';

const row = (pixels: number[][]): RgbaImage => ({
  width: pixels.length,
  height: 1,
  data: new Uint8ClampedArray(pixels.flat()),
});
const pixelsOf = (out: RgbaImage): number[][] =>
  Array.from({ length: out.width * out.height }, (_, i) => Array.from(out.data.slice(i * 4, i * 4 + 4)));
/** A 2 × 2 grid with the same [dx, dy] at every vertex. */
const uniform = (dx: number, dy: number) => ({
  cols: 2,
  rows: 2,
  displacement: Array(4).fill([dx, dy]).flat(),
});

const input = row([
  [10, 20, 30, 255],
  [40, 50, 60, 255],
  [70, 80, 90, 255],
  [100, 110, 120, 255],
]);

describe('liquify', () => {
  it('leaves the artwork as it is where nothing is displaced', () => {
    expect(pixelsOf(liquify(input, uniform(0, 0)))).toEqual(pixelsOf(input));
  });

  it('draws each pixel from one pixel to its right, the last one from outside: transparent', () => {
    expect(pixelsOf(liquify(input, uniform(1 / 4, 0)))).toEqual([
      [40, 50, 60, 255],
      [70, 80, 90, 255],
      [100, 110, 120, 255],
      [0, 0, 0, 0],
    ]);
  });

  it('samples between pixels bilinearly, weighting colours by alpha', () => {
    const half = row([
      [200, 0, 0, 255],
      [0, 200, 0, 0],
      [0, 0, 200, 255],
      [0, 0, 200, 255],
    ]);
    // Half a pixel to the right: pixel 0 mixes red with a transparent green that counts for nothing.
    expect(pixelsOf(liquify(half, uniform(1 / 8, 0)))[0]).toEqual([200, 0, 0, 128]);
  });

  it('interpolates the displacement between vertices: the left edge still, the right edge moved', () => {
    // dx 0 at the left vertices, one pixel (1/4) at the right ones: pixel centres (at 1/8 … 7/8 of
    // the width) move 1/8 … 7/8 of a pixel; the last one reads one eighth of its own colour.
    const out = liquify(input, { cols: 2, rows: 2, displacement: [0, 0, 0.25, 0, 0, 0, 0.25, 0] });
    expect(pixelsOf(out).map(([red, , , alpha]) => [red, alpha])).toEqual([
      [14, 255],
      [51, 255],
      [89, 255],
      [100, 32],
    ]);
  });

  it('is a smart filter whose grid must hold cols × rows pairs', () => {
    expect(
      smartFilterSchema.safeParse({ kind: 'liquify', params: { cols: 2, rows: 2, displacement: [0, 0] } })
        .success,
    ).toBe(false);
    const filter = smartFilterSchema.parse({ kind: 'liquify', params: uniform(1 / 4, 0) });
    expect(pixelsOf(applySmartFilters(input, [filter], 1))[0]).toEqual([40, 50, 60, 255]);
  });
});
