import type { FourPoints } from './homography.js';
import { applyHomography, invertMatrix3, rectToQuad } from './homography.js';
import { buildMeshField } from './mesh-field.js';
import type { RgbaImage } from './raster.js';
import type { Mesh, Point } from './template-model.js';
import { warpMesh, warpPerspective } from './warp-kernels.js';

function image(
  width: number,
  height: number,
  at: (x: number, y: number) => [number, number, number, number],
): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(at(x, y), (y * width + x) * 4);
  return { width, height, data };
}

function px(img: { width: number; data: ArrayLike<number> }, x: number, y: number): number[] {
  const i = (y * img.width + x) * 4;
  return [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!, img.data[i + 3]!];
}

const rect = (x0: number, y0: number, x1: number, y1: number): FourPoints => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];

const inverseFor = (src: RgbaImage, quad: FourPoints) =>
  invertMatrix3(rectToQuad(src.width, src.height, quad));

describe('perspective warp', () => {
  const noise = image(6, 4, (x, y) => [
    (x * 47 + y * 13) % 256,
    (x * 7 + y * 91) % 256,
    (x * 151 + y * 3) % 256,
    255,
  ]);

  it('reproduces the artwork exactly when the quad is the same-size rectangle', () => {
    const out = warpPerspective(noise, inverseFor(noise, rect(10, 20, 16, 24)), {
      x: 10,
      y: 20,
      width: 6,
      height: 4,
    });
    expect(Array.from(out.data)).toEqual(Array.from(noise.data));
  });

  it('puts every checkerboard cell where the homography sends its centre', () => {
    const board = image(64, 64, (x, y) =>
      (Math.floor(x / 8) + Math.floor(y / 8)) % 2 === 0 ? [255, 255, 255, 255] : [0, 0, 0, 255],
    );
    const quad: FourPoints = [
      [5, 3],
      [70, 12],
      [64, 62],
      [2, 70],
    ];
    const forward = rectToQuad(64, 64, quad);
    const out = warpPerspective(board, invertMatrix3(forward), { x: 0, y: 0, width: 75, height: 75 });
    for (let j = 0; j < 8; j++) {
      for (let i = 0; i < 8; i++) {
        const [x, y] = applyHomography(forward, [8 * i + 4, 8 * j + 4]);
        const expected = (i + j) % 2 === 0 ? 255 : 0;
        const [r, , , a] = px(out, Math.floor(x), Math.floor(y));
        expect(Math.abs(r! - expected)).toBeLessThanOrEqual(12);
        expect(a).toBe(255);
      }
    }
  });

  it('leaves pixels outside the quad transparent', () => {
    const out = warpPerspective(noise, inverseFor(noise, rect(2, 2, 8, 6)), {
      x: 0,
      y: 0,
      width: 10,
      height: 8,
    });
    expect(px(out, 0, 0)[3]).toBe(0);
    expect(px(out, 9, 7)[3]).toBe(0);
    expect(px(out, 1, 3)[3]).toBe(0);
  });

  it('antialiases a border crossing a pixel by its coverage, without changing its colour', () => {
    const red = image(4, 4, () => [255, 0, 0, 255]);
    const out = warpPerspective(red, inverseFor(red, rect(2, 0, 5.5, 4)), {
      x: 0,
      y: 0,
      width: 8,
      height: 4,
    });
    expect(px(out, 4, 1)).toEqual([255, 0, 0, 255]);
    expect(px(out, 5, 1)).toEqual([255, 0, 0, 128]);
    expect(px(out, 6, 1)[3]).toBe(0);
  });

  it('samples on premultiplied alpha: no colour bleeds in from transparent pixels', () => {
    const src = image(2, 1, (x) => (x === 0 ? [255, 0, 0, 255] : [0, 255, 0, 0]));
    const out = warpPerspective(src, inverseFor(src, rect(0, 0, 4, 1)), { x: 0, y: 0, width: 4, height: 1 });
    expect(px(out, 1, 0)).toEqual([255, 0, 0, 191]);
    expect(px(out, 2, 0)).toEqual([255, 0, 0, 64]);
  });

  it('displacement shifts where the artwork is sampled by strength × (grey − 128) / 128', () => {
    const stripe = image(8, 8, (x) => (x === 3 ? [255, 255, 255, 255] : [0, 0, 0, 255]));
    const inverse = inverseFor(stripe, rect(0, 0, 8, 8));
    const region = { x: 0, y: 0, width: 8, height: 8 };
    const full = { x: 0, y: 0, width: 8, height: 8, data: new Uint8Array(64).fill(255) };
    const shifted = warpPerspective(stripe, inverse, region, { map: full, strength: 2 });
    expect(px(shifted, 1, 2)[0]).toBe(255);
    expect(px(shifted, 3, 2)[0]).toBe(0);
    const neutral = warpPerspective(stripe, inverse, region, {
      map: { ...full, data: new Uint8Array(64).fill(128) },
      strength: 2,
    });
    expect(px(neutral, 3, 2)[0]).toBeGreaterThanOrEqual(250);
  });
});

describe('mesh warp', () => {
  function grid(cols: number, rows: number, at: (u: number, v: number) => Point): Mesh {
    const points: Point[] = [];
    for (let j = 0; j <= rows; j++) for (let i = 0; i <= cols; i++) points.push(at(i / cols, j / rows));
    return { cols, rows, points };
  }

  it('reproduces the artwork exactly on an undistorted grid', () => {
    const src = image(6, 4, (x, y) => [x * 40, y * 60, 100, 255]);
    const mesh = grid(2, 2, (u, v) => [10 + 6 * u, 20 + 4 * v]);
    const region = { x: 9, y: 19, width: 8, height: 6 };
    const out = warpMesh(src, buildMeshField(mesh, region));
    for (let y = 0; y < 4; y++)
      for (let x = 0; x < 6; x++) expect(px(out, x + 1, y + 1)).toEqual(px(src, x, y));
    expect(px(out, 0, 0)[3]).toBe(0);
  });

  it('matches the perspective kernel where the map is affine (a sheared grid)', () => {
    const src = image(32, 32, (x, y) => [(x * 8) % 256, (y * 8) % 256, ((x + y) * 4) % 256, 255]);
    const corner = (u: number, v: number): Point => [4 + 40 * u + 10 * v, 3 + 6 * u + 36 * v];
    const quad: FourPoints = [corner(0, 0), corner(1, 0), corner(1, 1), corner(0, 1)];
    const region = { x: 0, y: 0, width: 60, height: 48 };
    const viaMesh = warpMesh(src, buildMeshField(grid(4, 3, corner), region));
    const viaHomography = warpPerspective(src, inverseFor(src, quad), region);
    let worst = 0;
    for (let i = 0; i < viaMesh.data.length; i++)
      worst = Math.max(worst, Math.abs(viaMesh.data[i]! - viaHomography.data[i]!));
    expect(worst).toBeLessThanOrEqual(2);
  });
});
