// Curves: per-channel curves, then the composite (RGB) curve, as Photoshop applies them. The curve
// through the points is a natural cubic spline (second derivative 0 at both ends) — the
// interpolation Photoshop's Curves dialog draws — flat beyond the first and last point and clamped to 0–255.
import type { RgbaImage } from '../raster.js';
import { applyLuts, chainLuts, lutOf, type Lut } from './channel-lut.js';

/** [input, output] pairs, 0–255. */
export type CurvePoints = readonly (readonly [number, number])[];

export interface CurvesParams {
  composite?: CurvePoints;
  red?: CurvePoints;
  green?: CurvePoints;
  blue?: CurvePoints;
}

/** The natural cubic spline through `points` as a function of x (points need ≥ 2 distinct inputs). */
export function naturalSpline(points: CurvePoints): (x: number) => number {
  const sorted = [...points].sort((a, b) => a[0] - b[0]);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [x, y] of sorted) {
    if (xs.length > 0 && x === xs[xs.length - 1]) ys[ys.length - 1] = y;
    else {
      xs.push(x);
      ys.push(y);
    }
  }
  const n = xs.length;
  if (n === 0) return (x) => x;
  if (n === 1) return () => ys[0]!;
  // Second derivatives m[i] from the tridiagonal system with m[0] = m[n-1] = 0 (Thomas algorithm).
  const m = new Float64Array(n);
  const c = new Float64Array(n);
  const d = new Float64Array(n);
  for (let i = 1; i < n - 1; i++) {
    const h0 = xs[i]! - xs[i - 1]!;
    const h1 = xs[i + 1]! - xs[i]!;
    const a = h0;
    const b = 2 * (h0 + h1);
    const cc = h1;
    const rhs = 6 * ((ys[i + 1]! - ys[i]!) / h1 - (ys[i]! - ys[i - 1]!) / h0);
    const denom = b - a * c[i - 1]!;
    c[i] = cc / denom;
    d[i] = (rhs - a * d[i - 1]!) / denom;
  }
  for (let i = n - 2; i >= 1; i--) m[i] = d[i]! - c[i]! * m[i + 1]!;
  return (x) => {
    if (x <= xs[0]!) return ys[0]!;
    if (x >= xs[n - 1]!) return ys[n - 1]!;
    let k = 0;
    while (x > xs[k + 1]!) k++;
    const h = xs[k + 1]! - xs[k]!;
    const t = (x - xs[k]!) / h;
    const a = 1 - t;
    return (
      a * ys[k]! + t * ys[k + 1]! + ((a * a * a - a) * m[k]! + (t * t * t - t) * m[k + 1]!) * ((h * h) / 6)
    );
  };
}

function curveLut(points: CurvePoints | undefined): Lut {
  return points ? lutOf(naturalSpline(points)) : lutOf((v) => v);
}

export function curves(image: RgbaImage, params: CurvesParams): RgbaImage {
  const composite = curveLut(params.composite);
  return applyLuts(
    image,
    chainLuts(curveLut(params.red), composite),
    chainLuts(curveLut(params.green), composite),
    chainLuts(curveLut(params.blue), composite),
  );
}
