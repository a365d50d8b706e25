// The Liquify mesh layout as read from Photoshop's own file (ag-psd's smart-filters-2 test document,
// test/fixtures/psd/ag-psd-filters): the header it documents, and bytes of any other layout refused.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPsd, type Filter } from 'ag-psd';
import { setUpAgPsd } from './ag-psd-setup.js';
import { decodeLiquifyMesh, documentDisplacement, liquifyOnDesign } from './liquify-mesh.js';

const FIXTURE = join(__dirname, '../../../test/fixtures/psd/ag-psd-filters/smart-filters-2.psd');

function photoshopMeshBytes(): Uint8Array {
  setUpAgPsd();
  const psd = readPsd(readFileSync(FIXTURE), { skipLayerImageData: true, skipCompositeImageData: true });
  const filter = psd.children!.find((layer) => layer.placedLayer)!.placedLayer!.filter!.list[0] as Filter;
  if (filter.type !== 'liquify') throw new Error(`expected Liquify, got ${filter.type}`);
  return filter.filter.liquifyMesh;
}

describe('decodeLiquifyMesh', () => {
  it("reads Photoshop's mesh: 64 × 64 vertices over the 256 × 256 document, displacements in cells", () => {
    const bytes = photoshopMeshBytes();
    expect(bytes.length).toBe(64 + 64 * (8 + 64 * 8));
    const mesh = decodeLiquifyMesh(bytes)!;
    expect(mesh).toMatchObject({ cols: 64, rows: 64, extent: [0, 0, 256, 256] });
    // The top-left vertex: the first pair after the first row's 8-byte header.
    expect(mesh.vectors[0]).toBeCloseTo(1.1152, 4);
    expect(mesh.vectors[1]).toBeCloseTo(-0.4619, 4);
    // In document pixels a cell is 4 wide: the whole layer moved about 7 px left, as Photoshop drew it.
    const [dx, dy] = documentDisplacement(mesh, 128, 200);
    expect(dx).toBeGreaterThan(6.5);
    expect(dx).toBeLessThan(8.5);
    expect(dy).toBeLessThan(-2);
  });

  it('refuses bytes of another layout: truncated, another version, a row of another length', () => {
    const bytes = photoshopMeshBytes();
    expect(decodeLiquifyMesh(bytes.subarray(0, bytes.length - 8))).toBeUndefined();
    const version3 = bytes.slice();
    version3[12] = 3;
    expect(decodeLiquifyMesh(version3)).toBeUndefined();
    const badRow = bytes.slice();
    badRow[64 + 4] = 63;
    expect(decodeLiquifyMesh(badRow)).toBeUndefined();
    expect(decodeLiquifyMesh(new Uint8Array(10))).toBeUndefined();
  });
});

describe('liquifyOnDesign', () => {
  it('carries a document displacement onto the design canvas through the placement', () => {
    const bytes = photoshopMeshBytes().slice();
    const view = new DataView(bytes.buffer);
    // Every vertex displaced one cell (4 document pixels) right.
    for (let j = 0; j < 64; j++) {
      for (let i = 0; i < 64; i++) {
        const at = 64 + j * (8 + 64 * 8) + 8 + i * 8;
        view.setFloat32(at, 1, true);
        view.setFloat32(at + 4, 0, true);
      }
    }
    const mesh = decodeLiquifyMesh(bytes)!;
    // A 100 × 50 canvas shown at half size: 4 document pixels are 8 design pixels, 8 % of the width.
    const onDesign = liquifyOnDesign(mesh, { width: 100, height: 50 }, [
      [10, 10],
      [60, 10],
      [60, 35],
      [10, 35],
    ]);
    expect(onDesign.cols).toBe(64);
    expect(onDesign.displacement).toHaveLength(64 * 64 * 2);
    const xs = onDesign.displacement.filter((_, k) => k % 2 === 0);
    const ys = onDesign.displacement.filter((_, k) => k % 2 === 1);
    expect(Math.max(...xs.map((dx) => Math.abs(dx - 0.08)))).toBeLessThan(1e-5);
    expect(Math.max(...ys.map(Math.abs))).toBeLessThan(1e-5);
  });
});
