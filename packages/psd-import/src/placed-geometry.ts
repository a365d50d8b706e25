// Where a placed layer's content lands on the canvas. Photoshop keeps the content's own rectangle
// (its size), the four canvas corners it is transformed onto (`nonAffineTransform` when the transform
// has perspective, else `transform`), and optionally a warp: a cubic Bézier patch of 4×4 control
// points in the content's own coordinates, applied before the corner transform.
import { applyHomography, rectToQuad, type Mesh, type Point, type Quad } from '@platen/compositor';

export interface WarpInput {
  style?: string;
  value?: number;
  bounds?: {
    top: { value: number };
    left: { value: number };
    bottom: { value: number };
    right: { value: number };
  };
  customEnvelopeWarp?: {
    meshPoints: { x: number; y: number }[];
    quiltSliceX?: number[];
    quiltSliceY?: number[];
  };
}

/** Canvas points of the mesh that stands for a warp: this many patches each way. */
export const WARP_MESH_CELLS = 16;

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

const bernstein = (t: number): [number, number, number, number] => {
  const s = 1 - t;
  return [s * s * s, 3 * s * s * t, 3 * s * t * t, t * t * t];
};

export type WarpOutcome =
  { kind: 'none' } | { kind: 'mesh'; mesh: Mesh } | { kind: 'unsupported'; reason: string };

/** The warp as a mesh of canvas points, none when it leaves the content as it is. */
export function warpMesh(
  warp: WarpInput | undefined,
  size: { width: number; height: number },
  quad: Quad,
): WarpOutcome {
  if (!warp || warp.style === 'none' || warp.style === undefined) return { kind: 'none' };
  const points = warp.customEnvelopeWarp?.meshPoints;
  if (warp.style !== 'custom' || !points) {
    if (!warp.value) return { kind: 'none' };
    return { kind: 'unsupported', reason: `the "${warp.style}" warp preset is not reproduced` };
  }
  if (points.length !== 16 || (warp.customEnvelopeWarp?.quiltSliceX?.length ?? 0) > 2) {
    return { kind: 'unsupported', reason: 'a warp split into several patches is not reproduced' };
  }
  const left = warp.bounds?.left.value ?? 0;
  const top = warp.bounds?.top.value ?? 0;
  const width = (warp.bounds?.right.value ?? size.width) - left || size.width;
  const height = (warp.bounds?.bottom.value ?? size.height) - top || size.height;
  const identity = points.every(
    (p, i) =>
      Math.abs(p.x - (left + (width * (i % 4)) / 3)) < 0.01 &&
      Math.abs(p.y - (top + (height * Math.floor(i / 4)) / 3)) < 0.01,
  );
  if (identity) return { kind: 'none' };

  const toCanvas = rectToQuad(1, 1, quad);
  const cells = WARP_MESH_CELLS;
  const meshPoints: Point[] = [];
  for (let row = 0; row <= cells; row++) {
    const bv = bernstein(row / cells);
    for (let col = 0; col <= cells; col++) {
      const bu = bernstein(col / cells);
      let x = 0;
      let y = 0;
      for (let j = 0; j < 4; j++) {
        for (let i = 0; i < 4; i++) {
          const weight = bu[i]! * bv[j]!;
          x += weight * points[j * 4 + i]!.x;
          y += weight * points[j * 4 + i]!.y;
        }
      }
      meshPoints.push(applyHomography(toCanvas, [(x - left) / width, (y - top) / height]));
    }
  }
  return { kind: 'mesh', mesh: { cols: cells, rows: cells, points: meshPoints } };
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
