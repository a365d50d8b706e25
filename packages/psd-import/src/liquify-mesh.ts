// Photoshop's Liquify mesh (the `LqMe` bytes of a Liquify smart filter), decoded, and turned into the
// compositor's `liquify` filter on the smart object's design canvas. Photoshop does not publish the
// format; this layout was read from a Photoshop 2023 document (ag-psd's smart-filters-2 test file)
// and checked against the pixels Photoshop drew for it (smart-filter-fixtures.test.ts):
//
//   u32 BE 4, 'yfqL' 'hseM' (LqfyMesh, byte-swapped), then little-endian:
//   u32 version (2), u32 cols, u32 rows, u32 0, u32 1 (meaning unknown),
//   i32 top, left, bottom, right: the layer's bounds in the document before Liquify,
//   i32 top, left, bottom, right: the mesh's extent (the document's canvas),
//   rows × { u32 0, u32 cols, cols × { f32 dx, f32 dy } }, the top row first.
//
// The vertices spread evenly over the extent, corners on its corners. A document pixel takes the
// colour found at itself plus the displacement there (bilinear between vertices), a displacement
// being in mesh cells (extent / cols). The mesh lives in the document, after the placed layer's
// transform: Photoshop runs smart filters on the transformed layer.
import {
  applyHomography,
  LIQUIFY_GRID_MAX,
  solveHomography,
  type Matrix3,
  type Quad,
} from '@platen/compositor';

export interface LiquifyMesh {
  cols: number;
  rows: number;
  /** The mesh's extent in the document: [left, top, right, bottom]. */
  extent: [number, number, number, number];
  /** cols × rows pairs [dx, dy] in mesh cells, row by row from the top left. */
  vectors: Float32Array;
}

const MAGIC = 'yfqLhseM';
const HEADER_BYTES = 64;
const VERSION = 2;
/** Displacements past this many cells are not a mesh Photoshop made. */
const CELLS_MAX = 1000;

/** The mesh, or undefined when the bytes are not a Liquify mesh of the known layout. */
export function decodeLiquifyMesh(bytes: Uint8Array): LiquifyMesh | undefined {
  if (bytes.length < HEADER_BYTES) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(4, 12));
  if (view.getUint32(0, false) !== 4 || magic !== MAGIC) return undefined;
  const u32 = (at: number) => view.getUint32(at, true);
  const i32 = (at: number) => view.getInt32(at, true);
  const cols = u32(16);
  const rows = u32(20);
  if (u32(12) !== VERSION || cols < 2 || rows < 2 || cols > LIQUIFY_GRID_MAX || rows > LIQUIFY_GRID_MAX) {
    return undefined;
  }
  const [top, left, bottom, right] = [i32(48), i32(52), i32(56), i32(60)];
  if (!(right > left && bottom > top)) return undefined;
  const rowBytes = 8 + cols * 8;
  if (bytes.length !== HEADER_BYTES + rows * rowBytes) return undefined;
  const vectors = new Float32Array(cols * rows * 2);
  for (let j = 0; j < rows; j++) {
    const at = HEADER_BYTES + j * rowBytes;
    if (u32(at) !== 0 || u32(at + 4) !== cols) return undefined;
    for (let k = 0; k < cols * 2; k++) {
      const value = view.getFloat32(at + 8 + k * 4, true);
      if (!(Math.abs(value) <= CELLS_MAX)) return undefined;
      vectors[j * cols * 2 + k] = value;
    }
  }
  return { cols, rows, extent: [left, top, right, bottom], vectors };
}

/** The displacement in document pixels at document point (x, y), the mesh held at its edges. */
export function documentDisplacement(mesh: LiquifyMesh, x: number, y: number): [number, number] {
  const { cols, rows, vectors } = mesh;
  const [left, top, right, bottom] = mesh.extent;
  const gx = Math.min(Math.max(((x - left) / (right - left)) * (cols - 1), 0), cols - 1);
  const gy = Math.min(Math.max(((y - top) / (bottom - top)) * (rows - 1), 0), rows - 1);
  const i = Math.min(Math.floor(gx), cols - 2);
  const j = Math.min(Math.floor(gy), rows - 2);
  const fx = gx - i;
  const fy = gy - j;
  const at = (ii: number, jj: number, c: number) => vectors[(jj * cols + ii) * 2 + c]!;
  const lerp = (c: number) =>
    (1 - fy) * ((1 - fx) * at(i, j, c) + fx * at(i + 1, j, c)) +
    fy * ((1 - fx) * at(i, j + 1, c) + fx * at(i + 1, j + 1, c));
  return [lerp(0) * ((right - left) / cols), lerp(1) * ((bottom - top) / rows)];
}

export interface LiquifyOnDesign {
  cols: number;
  rows: number;
  displacement: number[];
}

/**
 * The mesh carried onto the design canvas (`size`) placed at `corners` in the document: a grid of
 * the mesh's resolution over the canvas, each vertex displaced to where its document point samples,
 * taken back through the placement; in fractions of the canvas, rounded to 1/100 000.
 */
export function liquifyOnDesign(
  mesh: LiquifyMesh,
  size: { width: number; height: number },
  corners: Quad,
): LiquifyOnDesign {
  const { width, height } = size;
  const canvas: Quad = [
    [0, 0],
    [width, 0],
    [width, height],
    [0, height],
  ];
  const toDocument: Matrix3 = solveHomography(canvas, corners);
  const toDesign: Matrix3 = solveHomography(corners, canvas);
  const { cols, rows } = mesh;
  const displacement: number[] = [];
  const round = (value: number) => Math.round(Math.min(1, Math.max(-1, value)) * 1e5) / 1e5;
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < cols; i++) {
      const design: [number, number] = [(i / (cols - 1)) * width, (j / (rows - 1)) * height];
      const [x, y] = applyHomography(toDocument, design);
      const [dx, dy] = documentDisplacement(mesh, x, y);
      const [sx, sy] = applyHomography(toDesign, [x + dx, y + dy]);
      displacement.push(round((sx - design[0]) / width), round((sy - design[1]) / height));
    }
  }
  return { cols, rows, displacement };
}
