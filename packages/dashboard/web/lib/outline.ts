// Where a smart object sits on a mockup's thumbnail. Smart objects are described in template pixels
// (width × height of the mockup); the outline is drawn in an SVG laid over the thumbnail whose viewBox
// is the template size, so the browser scales it with the image and it lines up at any displayed size.
import type { Point, SmartObject } from './api-types.js';

/** The smart object's corners in template pixels: its quad when it has one, else its position rectangle. */
export function outlineCorners(object: Pick<SmartObject, 'quad' | 'position'>): Point[] {
  const quad = object.quad;
  if (quad && quad.length === 4 && quad.every((point) => point.every(Number.isFinite))) {
    return quad.map(([x, y]) => [x, y] as Point);
  }
  const { x, y, width, height } = object.position;
  return [
    [x, y],
    [x + width, y],
    [x + width, y + height],
    [x, y + height],
  ];
}

/** An SVG `points` attribute, rounded to 0.1 px. */
export function svgPoints(points: Point[]): string {
  const round = (value: number) => Math.round(value * 10) / 10;
  return points.map(([x, y]) => `${round(x)},${round(y)}`).join(' ');
}

/** Where to put the smart object's label: its top-most corner, left-most on ties. */
export function labelAnchor(points: Point[]): Point {
  let best: Point = points[0] ?? [0, 0];
  for (const point of points) {
    if (point[1] < best[1] || (point[1] === best[1] && point[0] < best[0])) best = point;
  }
  return best;
}
