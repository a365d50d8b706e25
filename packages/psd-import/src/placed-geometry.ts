// Where a placed layer's content lands on the canvas. Photoshop keeps the content's own rectangle
// (its size), the four canvas corners of its affine transform (`transform`) and, when the transform
// has perspective, the corners those become (`nonAffineTransform`), and optionally a warp (see
// warp-envelope.ts). With a warp, the affine corners are where the bounding box of the warp's
// control points lands (for inflate and squeeze a wider frame), not the content's rectangle: the
// warped content is mapped box → transform → non-affine corners (a heavily warped layer's control
// points reach well outside the content).
import {
  applyHomography,
  solveHomography,
  type Matrix3,
  type Mesh,
  type Point,
  type Quad,
} from '@platen/compositor';
import { envelopeOf, evaluateGrid, type WarpInput } from './warp-envelope.js';

export type { WarpInput } from './warp-envelope.js';

/** Mesh cells per Bézier patch each way, and the most a mesh may have each way. */
export const WARP_MESH_CELLS = 16;
const MAX_MESH_CELLS = 64;

export function cornersOf(transform: number[] | undefined): Quad | undefined {
  if (!transform || transform.length !== 8 || transform.some((value) => !Number.isFinite(value)))
    return undefined;
  const [x0, y0, x1, y1, x2, y2, x3, y3] = transform as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return [
    [x0, y0],
    [x1, y1],
    [x2, y2],
    [x3, y3],
  ];
}

/** The placed layer's transform: affine corners, and the perspective corners when they differ. */
export interface Placement {
  transform: Quad;
  nonAffine?: Quad;
}

export type WarpOutcome =
  | { kind: 'none' }
  | { kind: 'mesh'; mesh: Mesh; approximation?: string }
  | { kind: 'unsupported'; reason: string };

const rectQuad = (x0: number, y0: number, x1: number, y1: number): Quad => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];

/** The warp as a mesh of canvas points, none when it leaves the content as it is. */
export function warpMesh(
  warp: WarpInput | undefined,
  size: { width: number; height: number },
  placement: Placement,
): WarpOutcome {
  const envelope = envelopeOf(warp, size);
  if (envelope.kind !== 'grid') return envelope;
  const { grid } = envelope;
  const xs = grid.points.map((p) => p[0]);
  const ys = grid.points.map((p) => p[1]);
  const { frame } = grid;
  const box = frame
    ? rectQuad(frame.left, frame.top, frame.left + frame.width, frame.top + frame.height)
    : rectQuad(Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys));
  if (box[0][0] === box[1][0] || box[0][1] === box[2][1]) {
    return { kind: 'unsupported', reason: 'the warp folds the artwork onto a line' };
  }
  let toTransform: Matrix3;
  let toCanvas: Matrix3 | undefined;
  try {
    toTransform = solveHomography(box, placement.transform);
    if (placement.nonAffine) toCanvas = solveHomography(placement.transform, placement.nonAffine);
  } catch {
    return { kind: 'unsupported', reason: "the warp's transform cannot be followed" };
  }

  const patchesX = (grid.cols - 1) / 3;
  const patchesY = (grid.rows - 1) / 3;
  const cols = Math.min(MAX_MESH_CELLS, WARP_MESH_CELLS * patchesX);
  const rows = Math.min(MAX_MESH_CELLS, WARP_MESH_CELLS * patchesY);
  const [left, right] = [grid.slicesX[0]!, grid.slicesX.at(-1)!];
  const [top, bottom] = [grid.slicesY[0]!, grid.slicesY.at(-1)!];
  const points: Point[] = [];
  for (let row = 0; row <= rows; row++) {
    const y = top + ((bottom - top) * row) / rows;
    for (let col = 0; col <= cols; col++) {
      const x = left + ((right - left) * col) / cols;
      const placed = applyHomography(toTransform, evaluateGrid(grid, x, y));
      points.push(toCanvas ? applyHomography(toCanvas, placed) : placed);
    }
  }
  if (points.some((p) => !Number.isFinite(p[0]) || !Number.isFinite(p[1]))) {
    return { kind: 'unsupported', reason: "the warp's transform cannot be followed" };
  }
  return {
    kind: 'mesh',
    mesh: { cols, rows, points },
    ...(envelope.approximation ? { approximation: envelope.approximation } : {}),
  };
}

/** The integer canvas box around some points (at least 1×1). */
export function boxAround(points: readonly Point[]): { x: number; y: number; width: number; height: number } {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const x = Math.floor(Math.min(...xs));
  const y = Math.floor(Math.min(...ys));
  return {
    x,
    y,
    width: Math.max(1, Math.ceil(Math.max(...xs)) - x),
    height: Math.max(1, Math.ceil(Math.max(...ys)) - y),
  };
}
