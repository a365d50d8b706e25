import type { FourPoints } from './homography.js';
import { applyHomography, invertMatrix3, rectToQuad, solveHomography } from './homography.js';

const square: FourPoints = [
  [0, 0],
  [1, 0],
  [1, 1],
  [0, 1],
];
const tilted: FourPoints = [
  [103.5, 41.25],
  [611, 88],
  [590.75, 702.5],
  [87, 655],
];

describe('homography', () => {
  it('maps each of the four source corners exactly onto its target corner', () => {
    const h = solveHomography(square, tilted);
    square.forEach((corner, i) => {
      const [x, y] = applyHomography(h, corner);
      expect(x).toBeCloseTo(tilted[i]![0], 9);
      expect(y).toBeCloseTo(tilted[i]![1], 9);
    });
  });

  it('maps a rectangle of any size onto the quad (rectToQuad)', () => {
    const h = rectToQuad(1800, 2400, tilted);
    expect(applyHomography(h, [1800, 2400])[0]).toBeCloseTo(590.75, 9);
    expect(applyHomography(h, [1800, 2400])[1]).toBeCloseTo(702.5, 9);
  });

  it('inverts: the inverse takes every mapped point back where it came from', () => {
    const h = solveHomography(square, tilted);
    const inverse = invertMatrix3(h);
    for (const point of [...tilted, [350, 380] as [number, number]]) {
      const [u, v] = applyHomography(inverse, point);
      const [x, y] = applyHomography(h, [u, v]);
      expect(x).toBeCloseTo(point[0], 8);
      expect(y).toBeCloseTo(point[1], 8);
    }
    const [u, v] = applyHomography(inverse, tilted[2]);
    expect(u).toBeCloseTo(1, 9);
    expect(v).toBeCloseTo(1, 9);
  });

  it('keeps straight lines straight (the centre of the square lands on the quad diagonals)', () => {
    const h = solveHomography(square, tilted);
    const [cx, cy] = applyHomography(h, [0.5, 0.5]);
    const onLine = (a: readonly number[], b: readonly number[]) =>
      (b[0]! - a[0]!) * (cy - a[1]!) - (b[1]! - a[1]!) * (cx - a[0]!);
    expect(onLine(tilted[0], tilted[2]) / 1000).toBeCloseTo(0, 6);
    expect(onLine(tilted[1], tilted[3]) / 1000).toBeCloseTo(0, 6);
  });

  it('refuses degenerate corners (three on one line)', () => {
    expect(() =>
      solveHomography(square, [
        [0, 0],
        [1, 1],
        [2, 2],
        [0, 5],
      ]),
    ).toThrow(/degenerate/);
  });
});
