// Projective maps of the plane as 3×3 matrices (row-major, 9 numbers): solved from four point
// pairs, inverted and applied. Pure math; the warp kernels evaluate the inverse per pixel.
import type { Point } from './template-model.js';

export type Matrix3 = readonly [number, number, number, number, number, number, number, number, number];
export type FourPoints = readonly [Point, Point, Point, Point];

/** The homography H with H·from[i] = to[i] (up to scale) for the four pairs; h22 is normalised to 1. */
export function solveHomography(from: FourPoints, to: FourPoints): Matrix3 {
  assertGeneralPosition(from);
  assertGeneralPosition(to);
  // Eight equations in h00..h21: x' (h20 x + h21 y + 1) = h00 x + h01 y + h02, same for y'.
  const rows: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i]!;
    const [u, v] = to[i]!;
    rows.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    rows.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  const h = solveLinear(rows);
  return [h[0]!, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!, h[6]!, h[7]!, 1];
}

/** A projective map needs four points with no three on one line. */
function assertGeneralPosition(points: FourPoints): void {
  const extent = Math.max(1, ...points.flat().map(Math.abs));
  for (let skip = 0; skip < 4; skip++) {
    const [a, b, c] = points.filter((_, i) => i !== skip) as [Point, Point, Point];
    const cross = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
    if (!(Math.abs(cross) > extent * extent * 1e-12)) {
      throw new RangeError('degenerate points: three of them are collinear or two coincide');
    }
  }
}

/** Gauss-Jordan elimination with partial pivoting on an augmented n × (n+1) matrix. */
function solveLinear(augmented: number[][]): number[] {
  const n = augmented.length;
  const m = augmented.map((row) => row.slice());
  const scale = Math.max(1, ...m.flat().map(Math.abs));
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) {
      if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    }
    if (Math.abs(m[pivot]![col]!) < scale * 1e-12) {
      throw new RangeError('degenerate points: three of them are collinear or two coincide');
    }
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const pivotRow = m[col]!;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const row = m[r]!;
      const factor = row[col]! / pivotRow[col]!;
      if (factor === 0) continue;
      for (let c = col; c <= n; c++) row[c]! -= factor * pivotRow[c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

export function invertMatrix3(m: Matrix3): Matrix3 {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (det === 0 || !Number.isFinite(det)) throw new RangeError('matrix is not invertible');
  const inv = [
    A,
    -(b * i - c * h),
    b * f - c * e,
    B,
    a * i - c * g,
    -(a * f - c * d),
    C,
    -(a * h - b * g),
    a * e - b * d,
  ].map((value) => value / det);
  // Normalise so |h22| = 1 where possible: keeps the per-pixel numbers well scaled. Never flip the
  // sign: the exact inverse gives w = 1 / w' > 0 wherever the forward map has w' > 0 (all of a
  // rectToQuad rectangle), and the kernels skip points with w ≤ 0 as beyond the horizon. Dividing
  // by a negative h22 (a quad whose horizon passes between it and the canvas origin) made them skip
  // the whole quad.
  const norm = inv[8] !== 0 ? Math.abs(inv[8]!) : 1;
  return inv.map((value) => value / norm) as unknown as Matrix3;
}

export function applyHomography(m: Matrix3, [x, y]: Point): Point {
  const w = m[6] * x + m[7] * y + m[8];
  return [(m[0] * x + m[1] * y + m[2]) / w, (m[3] * x + m[4] * y + m[5]) / w];
}

/** The homography taking the rectangle [0,width]×[0,height] onto the quad (TL, TR, BR, BL). */
export function rectToQuad(width: number, height: number, quad: FourPoints): Matrix3 {
  return solveHomography(
    [
      [0, 0],
      [width, 0],
      [width, height],
      [0, height],
    ],
    quad,
  );
}
