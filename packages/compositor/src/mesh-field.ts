// Rasterises a mesh grid into a per-pixel triangle index over a canvas region, once per template:
// each grid cell is two triangles with an affine map back to the artwork, so the mesh kernel
// only evaluates one affine map per pixel. Pixels within 1 px outside the mesh keep the nearest
// border triangle so the kernel can antialias the outer edge.
import type { Region } from './raster.js';
import type { Mesh, Point } from './template-model.js';

// Local aliases: these loops also run in vm contexts (jest), where global lookups are slow.
const { abs, ceil, floor, max, min, sign, sqrt } = Math;

export interface MeshField {
  region: Region;
  /** Per region pixel (row-major): the triangle whose affine map applies, or −1. */
  triangle: Int32Array;
  /** Six numbers per triangle: u = c0·x + c1·y + c2, v = c3·x + c4·y + c5, from canvas
   * coordinates to the artwork normalised to [0, 1]². */
  coefficients: Float64Array;
}

interface Triangle {
  corners: [Point, Point, Point];
  uv: [Point, Point, Point];
}

function trianglesOf(mesh: Mesh): Triangle[] {
  const { cols, rows, points } = mesh;
  const at = (i: number, j: number): Point => points[j * (cols + 1) + i]!;
  const uv = (i: number, j: number): Point => [i / cols, j / rows];
  const triangles: Triangle[] = [];
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < cols; i++) {
      triangles.push({
        corners: [at(i, j), at(i + 1, j), at(i + 1, j + 1)],
        uv: [uv(i, j), uv(i + 1, j), uv(i + 1, j + 1)],
      });
      triangles.push({
        corners: [at(i, j), at(i + 1, j + 1), at(i, j + 1)],
        uv: [uv(i, j), uv(i + 1, j + 1), uv(i, j + 1)],
      });
    }
  }
  return triangles;
}

/** Affine map taking the triangle's canvas corners to its artwork corners, or null if degenerate. */
function affineOf({ corners, uv }: Triangle): number[] | null {
  const [[x1, y1], [x2, y2], [x3, y3]] = corners;
  const det = x1 * (y2 - y3) - y1 * (x2 - x3) + (x2 * y3 - x3 * y2);
  if (abs(det) < 1e-9) return null;
  const solve = (f1: number, f2: number, f3: number): [number, number, number] => [
    (f1 * (y2 - y3) - y1 * (f2 - f3) + (f2 * y3 - f3 * y2)) / det,
    (x1 * (f2 - f3) - f1 * (x2 - x3) + (x2 * f3 - x3 * f2)) / det,
    (x1 * (y2 * f3 - y3 * f2) - y1 * (x2 * f3 - x3 * f2) + f1 * (x2 * y3 - x3 * y2)) / det,
  ];
  return [...solve(uv[0][0], uv[1][0], uv[2][0]), ...solve(uv[0][1], uv[1][1], uv[2][1])];
}

/** Each edge as a point and its unit inward normal: distance = (p − a) · n, positive inside. */
function edgesOf(corners: [Point, Point, Point], orientation: number): Float64Array {
  const edges = new Float64Array(12);
  for (let k = 0; k < 3; k++) {
    const [ax, ay] = corners[k]!;
    const [bx, by] = corners[(k + 1) % 3]!;
    const length = sqrt((bx - ax) * (bx - ax) + (by - ay) * (by - ay));
    edges.set([ax, ay, (-(by - ay) * orientation) / length, ((bx - ax) * orientation) / length], k * 4);
  }
  return edges;
}

/** The smallest signed distance from (px, py) to the three edge lines. */
function insideDistance(e: Float64Array, px: number, py: number): number {
  const d0 = (px - e[0]!) * e[2]! + (py - e[1]!) * e[3]!;
  const d1 = (px - e[4]!) * e[6]! + (py - e[5]!) * e[7]!;
  const d2 = (px - e[8]!) * e[10]! + (py - e[9]!) * e[11]!;
  return min(d0, d1, d2);
}

export function buildMeshField(mesh: Mesh, region: Region): MeshField {
  const triangles = trianglesOf(mesh);
  const triangle = new Int32Array(region.width * region.height).fill(-1);
  const coefficients = new Float64Array(triangles.length * 6);
  const usable: { index: number; tri: Triangle; edges: Float64Array }[] = [];
  triangles.forEach((tri, index) => {
    const affine = affineOf(tri);
    if (!affine) return;
    coefficients.set(affine, index * 6);
    const [[x1, y1], [x2, y2], [x3, y3]] = tri.corners;
    usable.push({
      index,
      tri,
      edges: edgesOf(tri.corners, sign((x2 - x1) * (y3 - y1) - (y2 - y1) * (x3 - x1))),
    });
  });

  // Pass 0 fills pixels whose centre is inside a triangle; pass 1 grows the outer border by 1 px.
  for (const [pass, threshold] of [
    [0, -1e-7],
    [1, -1],
  ] as const) {
    for (const { index, tri, edges } of usable) {
      const xs = tri.corners.map((p) => p[0]);
      const ys = tri.corners.map((p) => p[1]);
      const grow = pass === 0 ? 0 : 1;
      const x0 = max(region.x, floor(min(...xs)) - grow);
      const x1 = min(region.x + region.width - 1, ceil(max(...xs)) + grow);
      const y0 = max(region.y, floor(min(...ys)) - grow);
      const y1 = min(region.y + region.height - 1, ceil(max(...ys)) + grow);
      for (let y = y0; y <= y1; y++) {
        for (let x = x0; x <= x1; x++) {
          const cell = (y - region.y) * region.width + (x - region.x);
          if (triangle[cell] !== -1) continue;
          if (insideDistance(edges, x + 0.5, y + 0.5) >= threshold) triangle[cell] = index;
        }
      }
    }
  }
  return { region, triangle, coefficients };
}

/** Bounding box of the mesh points. */
export function meshBounds(mesh: Mesh): { minX: number; minY: number; maxX: number; maxY: number } {
  const xs = mesh.points.map((p) => p[0]);
  const ys = mesh.points.map((p) => p[1]);
  return { minX: min(...xs), minY: min(...ys), maxX: max(...xs), maxY: max(...ys) };
}
