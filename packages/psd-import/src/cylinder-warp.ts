// Photoshop's cylinder warp preset (Photoshop 2021+) as a grid of cubic Bézier patches. Photoshop
// wraps the content round the front half of an upright cylinder seen from slightly above: content
// column u ∈ [0, 1] sits at angle πu round it, so it lands at (1 − cos πu) / 2 of the width (the
// sides foreshorten) and drops by e · sin πu, where e is how deep the rim's ellipse looks (both as
// two Bézier patches, below); every column keeps the content's height, so the envelope is e taller
// than the content, centred on it.
// Measured on Photoshop's own composite (ag-psd's cylinder test file), the default rim is a quarter
// of the width deep (e = W/4), the ellipse's minor axis half its major one.
import type { Point } from '@platen/compositor';
import type { ControlGrid, Rect } from './warp-envelope.js';

/**
 * Patches across. Photoshop's own drawing is two patches, one per half, each the cubic Hermite of
 * its half of the curve: on its composite that is closer (MAD 0.75 inside the layer) than a finer
 * grid that follows the true curve more closely (8 patches: 1.19), so Photoshop's is reproduced.
 */
export const CYLINDER_PATCHES = 2;

/**
 * Photoshop 2021+ stores the cylinder as `warpValues`: the warp's bounds (left, bottom, right, top),
 * then three handle positions; the file Photoshop drew for us has them at these defaults.
 */
const DEFAULT_HANDLES = [0.5, 0.5, 0.5708295036764706] as const;

export interface CylinderParameters {
  /** The rim ellipse's minor axis over its major one (the rim is `ratio · width / 2` deep). */
  ratio: number;
  /** Photoshop's default handles (reproduced), moved ones or none readable (both extrapolated). */
  handles: 'default' | 'moved' | 'unread';
}

/** The cylinder's parameters from Photoshop's `warpValues`, the defaults when they are absent. */
export function cylinderParameters(values: readonly number[] | undefined): CylinderParameters {
  const handles = values?.slice(4, 7);
  if (!handles || handles.length !== 3 || handles.some((v) => !Number.isFinite(v))) {
    return { ratio: DEFAULT_HANDLES[0], handles: 'unread' };
  }
  const atDefault = handles.every((v, k) => Math.abs(v - DEFAULT_HANDLES[k]!) < 1e-3);
  return { ratio: Math.max(0, Math.min(1, handles[0]!)), handles: atDefault ? 'default' : 'moved' };
}

/** The cylinder's control grid over `rect`: CYLINDER_PATCHES patches across, one down. */
export function cylinderGrid(rect: Rect, ratio: number): ControlGrid {
  const n = CYLINDER_PATCHES;
  const depth = (ratio * rect.width) / 2;
  const curve = (u: number): Point => [(1 - Math.cos(Math.PI * u)) / 2, Math.sin(Math.PI * u)];
  const slope = (u: number): Point => [
    (Math.PI / 2) * Math.sin(Math.PI * u),
    Math.PI * Math.cos(Math.PI * u),
  ];
  // Per patch, the cubic Hermite of the curve: f(u0), f(u0) + f'(u0)·Δ/3, f(u1) − f'(u1)·Δ/3, f(u1).
  const along: Point[] = [curve(0)];
  for (let k = 0; k < n; k++) {
    const [u0, u1] = [k / n, (k + 1) / n];
    const third = 1 / (3 * n);
    const [a, da, b, db] = [curve(u0), slope(u0), curve(u1), slope(u1)];
    along.push([a[0] + da[0] * third, a[1] + da[1] * third], [b[0] - db[0] * third, b[1] - db[1] * third], b);
  }
  const points: Point[] = [];
  for (let j = 0; j < 4; j++) {
    for (const [x, drop] of along) {
      points.push([rect.left + x * rect.width, rect.top - depth / 2 + (j / 3) * rect.height + drop * depth]);
    }
  }
  return {
    cols: 3 * n + 1,
    rows: 4,
    points,
    slicesX: Array.from({ length: n + 1 }, (_, k) => rect.left + (rect.width * k) / n),
    slicesY: [rect.top, rect.top + rect.height],
  };
}
