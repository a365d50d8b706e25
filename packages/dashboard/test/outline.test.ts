import { labelAnchor, outlineCorners, svgPoints } from '../web/lib/outline.js';

const position = { x: 100, y: 50, width: 200, height: 300 };

describe('outlineCorners', () => {
  it('uses the perspective quad when the smart object has one', () => {
    const quad: [number, number][] = [
      [110, 60],
      [290, 70],
      [300, 340],
      [100, 350],
    ];
    expect(outlineCorners({ position, quad: quad as never })).toEqual(quad);
  });

  it('falls back to the position rectangle, clockwise from the top left', () => {
    expect(outlineCorners({ position, quad: null })).toEqual([
      [100, 50],
      [300, 50],
      [300, 350],
      [100, 350],
    ]);
  });

  it('ignores a quad with missing or non-finite points', () => {
    const broken = [
      [0, 0],
      [1, Number.NaN],
      [2, 2],
      [0, 2],
    ];
    expect(outlineCorners({ position, quad: broken as never })[0]).toEqual([100, 50]);
  });
});

describe('svgPoints and labelAnchor', () => {
  it('writes rounded SVG points', () => {
    expect(
      svgPoints([
        [1.234, 5.678],
        [10, 20],
      ]),
    ).toBe('1.2,5.7 10,20');
  });

  it('anchors the label at the top-most, then left-most corner', () => {
    expect(
      labelAnchor([
        [300, 40],
        [100, 40],
        [120, 300],
      ]),
    ).toEqual([100, 40]);
    expect(labelAnchor([])).toEqual([0, 0]);
  });
});
