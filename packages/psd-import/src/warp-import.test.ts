// Warped placed layers, written with ag-psd's writer the way Photoshop stores them, imported and
// rendered: a custom warp under a rotated, scaled transform and a 3×3 split warp must land where a
// straightforward per-pixel reference (the Bézier surface evaluated here, then the content's
// transform) puts them; the preset styles must bend, keep their symmetry, vanish at bend 0, and
// say that their curve is approximated.
import { randomUUID } from 'node:crypto';
import {
  createCompositor,
  createKernelPool,
  applyHomography,
  solveHomography,
  smartObjectsOf,
  templateManifestSchema,
  type Compositor,
  type Mesh,
  type Quad,
} from '@platen/compositor';
import type { Warp } from 'ag-psd';
import sharp from 'sharp';
import { importPsd, type ImportedPsd } from './psd-importer.js';
import { makeTestPsd, type TestPsdOptions } from './test-psd.js';
import { PRESET_STYLES, evaluateGrid, presetEnvelope, type PresetStyle } from './warp-envelope.js';
import { warpMesh } from './placed-geometry.js';

// Each test imports a document and renders it: seconds each on a loaded two-core CI machine.
jest.setTimeout(30_000);

const W = 320;
const H = 240;
const BG: [number, number, number] = [200, 200, 200];
const CONTENT = { width: 200, height: 100 };
const uuid = randomUUID();
const options = { smartObjectUuid: () => uuid };

let compositor: Compositor;
let artwork: Buffer;

beforeAll(async () => {
  compositor = createCompositor({ pool: createKernelPool({ threads: 0 }), cacheBytes: 64 * 1024 * 1024 });
  // Left half red, right half blue: orientation and placement both show.
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200"><rect width="200" height="200" fill="#ff0000"/><rect x="200" width="200" height="200" fill="#0000ff"/></svg>`;
  artwork = await sharp(Buffer.from(svg)).png().toBuffer();
});

const imported = async (psd: TestPsdOptions): Promise<ImportedPsd> =>
  importPsd(await makeTestPsd(psd), options);

async function render(result: ImportedPsd): Promise<{ data: Buffer; width: number }> {
  const manifest = templateManifestSchema.parse(result.manifest);
  const prepared = await compositor.prepare({ id: randomUUID(), version: 1, manifest }, result.assets);
  const inputs = smartObjectsOf(manifest).map((so) => ({
    uuid: so.uuid,
    asset: artwork,
    fit: 'fill' as const,
    rotate: 0,
  }));
  const { data } = await compositor.render(prepared, inputs, { format: 'png' });
  const raw = await sharp(data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: raw.data, width: raw.info.width };
}

type P = [number, number];

/** Cubic Bézier by de Casteljau (deliberately not the importer's Bernstein sums). */
function casteljau(points: P[], t: number): P {
  let level = points;
  while (level.length > 1) {
    level = level
      .slice(1)
      .map((p, k) => [level[k]![0] + (p[0] - level[k]![0]) * t, level[k]![1] + (p[1] - level[k]![1]) * t]);
  }
  return level[0]!;
}

/** A (3n+1)×(3m+1) control grid with patch boundaries at `sx`/`sy` (content px), evaluated at (x, y). */
function surface(grid: P[], cols: number, sx: number[], sy: number[], x: number, y: number): P {
  const find = (s: number[], v: number) => {
    let k = 0;
    while (k < s.length - 2 && v >= s[k + 1]!) k++;
    return [k, (v - s[k]!) / (s[k + 1]! - s[k]!)] as const;
  };
  const [px, u] = find(sx, x);
  const [py, v] = find(sy, y);
  const rows = [0, 1, 2, 3].map((j) =>
    casteljau(
      [0, 1, 2, 3].map((i) => grid[(py * 3 + j) * cols + px * 3 + i]!),
      u,
    ),
  );
  return casteljau(rows, v);
}

/**
 * The per-pixel reference: every content position (a fine grid of them) through the warp and then
 * the content's affine transform (TL, TR, BL corners of the content rectangle), splatted onto the
 * canvas with its colour. Pixels whose whole 3×3 neighbourhood got only one colour are "solid".
 */
function reference(warpAt: (x: number, y: number) => P, tl: P, tr: P, bl: P): Map<number, 'red' | 'blue'> {
  const hits = new Map<number, Set<string>>();
  const step = 0.2;
  for (let y = step / 2; y < CONTENT.height; y += step) {
    for (let x = step / 2; x < CONTENT.width; x += step) {
      const [wx, wy] = warpAt(x, y);
      const cx = tl[0] + (wx / CONTENT.width) * (tr[0] - tl[0]) + (wy / CONTENT.height) * (bl[0] - tl[0]);
      const cy = tl[1] + (wx / CONTENT.width) * (tr[1] - tl[1]) + (wy / CONTENT.height) * (bl[1] - tl[1]);
      const key = Math.floor(cy) * W + Math.floor(cx);
      if (!hits.has(key)) hits.set(key, new Set());
      hits.get(key)!.add(x < CONTENT.width / 2 ? 'red' : 'blue');
    }
  }
  const solid = new Map<number, 'red' | 'blue'>();
  for (const [key, colours] of hits) {
    if (colours.size !== 1) continue;
    const colour = [...colours][0] as 'red' | 'blue';
    let all = true;
    for (let dy = -1; dy <= 1 && all; dy++) {
      for (let dx = -1; dx <= 1 && all; dx++) {
        const near = hits.get(key + dy * W + dx);
        all = near !== undefined && near.size === 1 && near.has(colour);
      }
    }
    if (all) solid.set(key, colour);
  }
  return solid;
}

/** Share of the reference's solid pixels, and of the pixels well clear of it, that the render gets wrong. */
function mismatch(
  raw: { data: Buffer },
  solid: Map<number, 'red' | 'blue'>,
  clearOf: (key: number) => boolean,
) {
  const expected = { red: [255, 0, 0], blue: [0, 0, 255], background: BG };
  let checked = 0;
  let wrong = 0;
  for (let key = 0; key < W * H; key++) {
    const want = solid.get(key) ?? (clearOf(key) ? 'background' : undefined);
    if (!want) continue;
    checked++;
    const got = [...raw.data.subarray(key * 3, key * 3 + 3)];
    if (got.some((value, c) => Math.abs(value - expected[want][c]!) > 40)) wrong++;
  }
  return { checked, wrong: wrong / checked };
}

/** Canvas pixels within 3 px of any point the reference covers count as neither inside nor outside. */
function clearOfSplat(warpAt: (x: number, y: number) => P, tl: P, tr: P, bl: P): (key: number) => boolean {
  const near = new Set<number>();
  for (let y = 0; y <= CONTENT.height; y += 0.5) {
    for (let x = 0; x <= CONTENT.width; x += 0.5) {
      const [wx, wy] = warpAt(x, y);
      const cx = tl[0] + (wx / CONTENT.width) * (tr[0] - tl[0]) + (wy / CONTENT.height) * (bl[0] - tl[0]);
      const cy = tl[1] + (wx / CONTENT.width) * (tr[1] - tl[1]) + (wy / CONTENT.height) * (bl[1] - tl[1]);
      for (let dy = -3; dy <= 3; dy++)
        for (let dx = -3; dx <= 3; dx++) near.add((Math.floor(cy) + dy) * W + Math.floor(cx) + dx);
    }
  }
  return (key) => !near.has(key);
}

// A rotated (20°), scaled (0.8×) placement: content rectangle corners on the canvas.
const angle = (20 * Math.PI) / 180;
const TL: P = [100, 50];
const TR: P = [TL[0] + 160 * Math.cos(angle), TL[1] + 160 * Math.sin(angle)];
const BL: P = [TL[0] - 80 * Math.sin(angle), TL[1] + 80 * Math.cos(angle)];
const BR: P = [TR[0] + BL[0] - TL[0], TR[1] + BL[1] - TL[1]];

const evenGrid = (cols: number, rows: number): P[] =>
  Array.from({ length: cols * rows }, (_, k) => [
    ((k % cols) * CONTENT.width) / (cols - 1),
    (Math.floor(k / cols) * CONTENT.height) / (rows - 1),
  ]);

describe('importPsd: custom and split warps', () => {
  it('places a heavily warped layer where its Bézier envelope under the transform lands, with no warning', async () => {
    // Control points reaching well outside the content (left, up, right, down): Photoshop's
    // transform corners are then those of the control points' bounding box, not the content's.
    const grid = evenGrid(4, 4).map(([x, y], k): P => {
      const moves: Record<number, P> = {
        0: [-40, -30],
        5: [-20, 40],
        6: [30, -45],
        11: [50, 20],
        15: [30, 35],
        12: [0, 20],
      };
      const [dx, dy] = moves[k] ?? [0, 0];
      return [x + dx, y + dy];
    });
    const result = await imported({
      width: W,
      height: H,
      background: BG,
      smartObjects: [
        {
          name: 'Art',
          ...CONTENT,
          x: 0,
          y: 0,
          corners: [TL, TR, BR, BL],
          warp: grid.map(([x, y]) => ({ x, y })),
        },
      ],
    });
    expect(result.warnings).toEqual([]);
    const [so] = smartObjectsOf(templateManifestSchema.parse(result.manifest));
    expect(so!.mesh).toBeDefined();
    // A Photoshop warp is drawn as Photoshop draws it, not on the built-in samples' fast path.
    expect(so!.warp_resampling).toBe('photoshop');

    const warpAt = (x: number, y: number) => surface(grid, 4, [0, 200], [0, 100], x, y);
    const solid = reference(warpAt, TL, TR, BL);
    expect(solid.size).toBeGreaterThan(5000);
    const result2 = mismatch(await render(result), solid, clearOfSplat(warpAt, TL, TR, BL));
    expect(result2.checked).toBeGreaterThan(40_000);
    expect(result2.wrong).toBeLessThan(0.003);
  });

  it('takes a warped layer through its perspective too: control-point box → transform → nonAffineTransform', async () => {
    const grid = evenGrid(4, 4).map(([x, y], k): P =>
      k === 5 || k === 6 ? [x, y - 145 / 3] : k === 0 ? [x - 20, y] : [x, y],
    );
    // The layer sits upright at 1:1 at (40, 60); its transform corners then go into this perspective.
    const nonAffine: [P, P, P, P] = [
      [30, 40],
      [250, 70],
      [230, 190],
      [10, 160],
    ];
    const result = await imported({
      width: W,
      height: H,
      background: BG,
      smartObjects: [
        { name: 'Art', ...CONTENT, x: 40, y: 60, warp: grid.map(([x, y]) => ({ x, y })), nonAffine },
      ],
    });
    expect(result.warnings).toEqual([]);
    const mesh = smartObjectsOf(templateManifestSchema.parse(result.manifest))[0]!.mesh!;
    // The control points' box (x −20..200, y −15..100) is what the writer stores as `transform`.
    const [x0, x1] = [Math.min(...grid.map((p) => p[0])), Math.max(...grid.map((p) => p[0]))];
    const [y0, y1] = [Math.min(...grid.map((p) => p[1])), Math.max(...grid.map((p) => p[1]))];
    expect([x0, x1, y0, y1]).toEqual([-20, 200, expect.closeTo(-15, 9), 100]);
    const box: [P, P, P, P] = [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
    ];
    const written = box.map(([x, y]): P => [x + 40, y + 60]);
    const perspective = solveHomography(written as [P, P, P, P], nonAffine);
    for (const [c, r] of [
      [0, 0],
      [8, 8],
      [16, 0],
      [5, 11],
      [16, 16],
    ] as const) {
      const [wx, wy] = surface(grid, 4, [0, 200], [0, 100], (200 * c) / 16, (100 * r) / 16);
      const [ex, ey] = applyHomography(perspective, [wx + 40, wy + 60]);
      const [mx, my] = mesh.points[r * 17 + c]!;
      expect(mx).toBeCloseTo(ex, 6);
      expect(my).toBeCloseTo(ey, 6);
    }
  });

  it('draws a 3×3 split warp patch by patch, with its uneven slices, where the reference puts it', async () => {
    const cols = 10;
    const sx = [0, 50, 120, 200];
    const sy = [0, 30, 60, 100];
    // The even grid over uneven slices: each patch's control points a third of its own width apart.
    const grid: P[] = [];
    for (let j = 0; j < cols; j++) {
      for (let i = 0; i < cols; i++) {
        const px = Math.min(2, Math.floor(i / 3));
        const py = Math.min(2, Math.floor(j / 3));
        const x = sx[px]! + ((i - px * 3) / 3) * (sx[px + 1]! - sx[px]!);
        const y = sy[py]! + ((j - py * 3) / 3) * (sy[py + 1]! - sy[py]!);
        grid.push([x, y]);
      }
    }
    // Bend the middle patch's inner points and one shared boundary row: only a patchwise reading matches.
    const bent = grid.map(([x, y], k): P => {
      const i = k % cols;
      const j = Math.floor(k / cols);
      if ((i === 4 || i === 5) && (j === 4 || j === 5)) return [x + 15, y - 25];
      if (j === 6 && i >= 3 && i <= 6) return [x, y + 18];
      return [x, y];
    });
    const agWarp: Warp = {
      style: 'custom',
      value: 0,
      bounds: {
        top: { value: 0, units: 'Pixels' },
        left: { value: 0, units: 'Pixels' },
        bottom: { value: 100, units: 'Pixels' },
        right: { value: 200, units: 'Pixels' },
      },
      uOrder: 4,
      vOrder: 4,
      deformNumRows: cols,
      deformNumCols: cols,
      customEnvelopeWarp: {
        quiltSliceX: [-0.6, 50, 120, 200.6],
        quiltSliceY: [-0.6, 30, 60, 100.6],
        meshPoints: bent.map(([x, y]) => ({ x, y })),
      },
    };
    const result = await imported({
      width: W,
      height: H,
      background: BG,
      smartObjects: [{ name: 'Art', ...CONTENT, x: 0, y: 0, corners: [TL, TR, BR, BL], agWarp }],
    });
    expect(result.warnings).toEqual([]);
    const warpAt = (x: number, y: number) => surface(bent, cols, sx, sy, x, y);
    const solid = reference(warpAt, TL, TR, BL);
    const outcome = mismatch(await render(result), solid, clearOfSplat(warpAt, TL, TR, BL));
    expect(outcome.checked).toBeGreaterThan(40_000);
    expect(outcome.wrong).toBeLessThan(0.003);

    // The same grid left even is no warp at all.
    const flat = await imported({
      width: W,
      height: H,
      background: BG,
      smartObjects: [
        {
          name: 'Art',
          ...CONTENT,
          x: 0,
          y: 0,
          agWarp: {
            ...agWarp,
            customEnvelopeWarp: {
              quiltSliceX: [-0.6, 200 / 3, 400 / 3, 200.6],
              quiltSliceY: [-0.6, 100 / 3, 200 / 3, 100.6],
              meshPoints: evenGrid(cols, cols).map(([x, y]) => ({ x, y })),
            },
          },
        },
      ],
    });
    expect(flat.warnings).toEqual([]);
    expect(smartObjectsOf(templateManifestSchema.parse(flat.manifest))[0]!.mesh).toBeUndefined();
  });

  it('warns, naming the problem, for a split warp whose grid does not match its point count', async () => {
    const result = await imported({
      width: W,
      height: H,
      background: BG,
      smartObjects: [
        {
          name: 'Art',
          ...CONTENT,
          x: 20,
          y: 20,
          agWarp: {
            style: 'custom',
            deformNumRows: 7,
            deformNumCols: 7,
            customEnvelopeWarp: {
              quiltSliceX: [0, 100, 200],
              quiltSliceY: [0, 50, 100],
              meshPoints: evenGrid(4, 4).map(([x, y]) => ({ x, y })),
            },
          },
        },
      ],
    });
    expect(result.warnings.map(({ layer, code }) => [layer, code])).toEqual([['Art', 'WARP_APPROXIMATED']]);
    expect(result.warnings[0]!.message).toContain('cannot be read');
    expect(smartObjectsOf(templateManifestSchema.parse(result.manifest))[0]!.mesh).toBeUndefined();
  });
});

const MIRROR_X: PresetStyle[] = [
  'arc',
  'arcLower',
  'arcUpper',
  'arch',
  'bulge',
  'shellLower',
  'shellUpper',
  'fisheye',
  'inflate',
  'squeeze',
];
/** The presets driven by one bend; the cylinder has handles instead (tested on its own below). */
const BEND_PRESETS = PRESET_STYLES.filter((style) => style !== 'cylinder');
const MIRROR_Y: PresetStyle[] = ['bulge', 'fish', 'fisheye', 'inflate', 'squeeze'];
const POINT: PresetStyle[] = ['flag', 'rise', 'wave', 'twist'];
/** Presets reproduced as Photoshop draws them (checked on its pixels in infra/test). */
const MEASURED: PresetStyle[] = ['twist', 'inflate', 'squeeze'];

function presetWarp(style: string, value: number, extra: Partial<Warp> = {}): Warp {
  return {
    style: style as Warp['style'],
    value,
    rotate: 'horizontal',
    bounds: {
      top: { value: 0, units: 'Pixels' },
      left: { value: 0, units: 'Pixels' },
      bottom: { value: 100, units: 'Pixels' },
      right: { value: 100, units: 'Pixels' },
    },
    uOrder: 4,
    vOrder: 4,
    ...extra,
  };
}

async function presetMesh(
  warp: Warp,
): Promise<{ mesh: Mesh | undefined; resampling: string | undefined; result: ImportedPsd }> {
  const result = await imported({
    width: W,
    height: H,
    background: BG,
    smartObjects: [{ name: 'Art', width: 100, height: 100, x: 100, y: 60, agWarp: warp }],
  });
  const [so] = smartObjectsOf(templateManifestSchema.parse(result.manifest));
  return { mesh: so!.mesh, resampling: so!.warp_resampling, result };
}

/** Largest distance of a mesh point from where the unwarped, bilinear square would put it. */
function bendOf(mesh: Mesh): number {
  const at = (c: number, r: number) => mesh.points[r * (mesh.cols + 1) + c]!;
  const [tl, tr, br, bl] = [at(0, 0), at(mesh.cols, 0), at(mesh.cols, mesh.rows), at(0, mesh.rows)];
  let most = 0;
  mesh.points.forEach(([x, y], k) => {
    const u = (k % (mesh.cols + 1)) / mesh.cols;
    const v = Math.floor(k / (mesh.cols + 1)) / mesh.rows;
    const bx = (1 - v) * ((1 - u) * tl[0] + u * tr[0]) + v * ((1 - u) * bl[0] + u * br[0]);
    const by = (1 - v) * ((1 - u) * tl[1] + u * tr[1]) + v * ((1 - u) * bl[1] + u * br[1]);
    most = Math.max(most, Math.hypot(x - bx, y - by));
  });
  return most;
}

describe('importPsd: preset warps', () => {
  it.each(BEND_PRESETS.flatMap((style) => [[style, 50] as const, [style, -100] as const]))(
    'bends "%s" at %i %%, keeps its symmetry and says whether the curve is approximated',
    async (style, bend) => {
      const { mesh, resampling, result } = await presetMesh(presetWarp(style, bend));
      expect(resampling).toBe('photoshop');
      if (MEASURED.includes(style)) {
        expect(result.warnings).toEqual([]);
      } else {
        expect(result.warnings.map(({ code }) => code)).toEqual(['WARP_APPROXIMATED']);
        expect(result.warnings[0]!.message).toContain(`"${style}" warp preset`);
      }
      expect(mesh).toBeDefined();
      expect(bendOf(mesh!)).toBeGreaterThan(3);
      const n = mesh!.cols;
      const at = (c: number, r: number) => mesh!.points[r * (n + 1) + c]!;
      const corners = [at(0, 0), at(n, 0), at(n, n), at(0, n)];
      const centre = [0, 1].map((axis) => corners.reduce((sum, p) => sum + p[axis]!, 0) / 4);
      for (let r = 0; r <= n; r++) {
        for (let c = 0; c <= n; c++) {
          const [x, y] = at(c, r);
          if (MIRROR_X.includes(style)) {
            expect(at(n - c, r)[0]).toBeCloseTo(2 * centre[0]! - x, 6);
            expect(at(n - c, r)[1]).toBeCloseTo(y, 6);
          }
          if (MIRROR_Y.includes(style)) {
            expect(at(c, n - r)[0]).toBeCloseTo(x, 6);
            expect(at(c, n - r)[1]).toBeCloseTo(2 * centre[1]! - y, 6);
          }
          if (POINT.includes(style)) {
            expect(at(n - c, n - r)[0]).toBeCloseTo(2 * centre[0]! - x, 6);
            expect(at(n - c, n - r)[1]).toBeCloseTo(2 * centre[1]! - y, 6);
          }
        }
      }
    },
  );

  it.each(BEND_PRESETS)(
    'leaves "%s" at bend 0 with no distortion as no warp and no warning',
    async (style) => {
      const { mesh, resampling, result } = await presetMesh(presetWarp(style, 0));
      expect(result.warnings).toEqual([]);
      expect(mesh).toBeUndefined();
      expect(resampling).toBeUndefined();
    },
  );

  it('bends the other way for a negative bend, and a vertical preset is the horizontal one turned', async () => {
    const up = (await presetMesh(presetWarp('arch', 60))).mesh!;
    const down = (await presetMesh(presetWarp('arch', -60))).mesh!;
    const n = up.cols;
    const mid = (m: Mesh) => m.points[(n / 2) * (n + 1) + n / 2]!;
    // On a square content at bend ±60 %, the middle of an arched square rises above / sinks below its sides' middle.
    const sideMiddle = (m: Mesh) => m.points[(n / 2) * (n + 1)]!;
    expect(mid(up)[1]).toBeLessThan(sideMiddle(up)[1] - 5);
    expect(mid(down)[1]).toBeGreaterThan(sideMiddle(down)[1] + 5);

    const vertical = (await presetMesh(presetWarp('flag', 60, { rotate: 'vertical' }))).mesh!;
    const horizontal = (await presetMesh(presetWarp('flag', 60))).mesh!;
    const origin = horizontal.points[0]!;
    for (let r = 0; r <= n; r++) {
      for (let c = 0; c <= n; c++) {
        const h = horizontal.points[r * (n + 1) + c]!;
        const v = vertical.points[c * (n + 1) + r]!;
        expect(v[0] - origin[0]).toBeCloseTo(h[1] - origin[1], 6);
        expect(v[1] - origin[1]).toBeCloseTo(h[0] - origin[0], 6);
      }
    }
  });

  it.each(['flag', 'rise', 'wave'] as const)(
    'mirrors "%s" upside down for a negative bend, never folding it, and turns it for a vertical one',
    (style) => {
      const aspect = 1.8;
      const down = presetEnvelope(style, 0.8, 0, 0, false, aspect);
      const up = presetEnvelope(style, -0.8, 0, 0, false, aspect);
      for (let j = 0; j < 4; j++) {
        for (let i = 0; i < 4; i++) {
          const [x, y] = down[j * 4 + i]!;
          // Row j of the negative bend is row 3 − j of the positive one, flipped about y = ½.
          expect(up[(3 - j) * 4 + i]![0]).toBeCloseTo(x, 9);
          expect(up[(3 - j) * 4 + i]![1]).toBeCloseTo(1 - y, 9);
          // The columns stay upright at their thirds, so the envelope cannot fold.
          expect(x).toBeCloseTo(i / 3, 9);
        }
      }
      const turned = presetEnvelope(style, 0.8, 0, 0, true, 1 / aspect);
      for (let j = 0; j < 4; j++) {
        for (let i = 0; i < 4; i++) {
          expect(turned[i * 4 + j]![0]).toBeCloseTo(down[j * 4 + i]![1], 9);
          expect(turned[i * 4 + j]![1]).toBeCloseTo(down[j * 4 + i]![0], 9);
        }
      }
    },
  );

  /** The smallest Jacobian determinant of a unit-square preset envelope's surface: ≤ 0 where it folds. */
  function leastJacobian(points: P[]): number {
    const grid = { cols: 4, rows: 4, points, slicesX: [0, 1], slicesY: [0, 1] };
    const h = 1e-4;
    let least = Infinity;
    for (let v = 0; v <= 1 - h; v += 1 / 40) {
      for (let u = 0; u <= 1 - h; u += 1 / 40) {
        const [x, y] = evaluateGrid(grid, u, v);
        const [xu, yu] = evaluateGrid(grid, u + h, v);
        const [xv, yv] = evaluateGrid(grid, u, v + h);
        least = Math.min(least, ((xu - x) * (yv - y) - (xv - x) * (yu - y)) / (h * h));
      }
    }
    return least;
  }

  it('turns "fish" the other way round for a negative bend, never folding it, and turns it for a vertical one', () => {
    const aspect = 1.9;
    for (const bend of [0.25, 0.5, 0.75, 0.9, 1]) {
      const right = presetEnvelope('fish', bend, 0, 0, false, aspect);
      const left = presetEnvelope('fish', -bend, 0, 0, false, aspect);
      for (let j = 0; j < 4; j++) {
        for (let i = 0; i < 4; i++) {
          const [x, y] = right[j * 4 + i]!;
          // Point i of the negative bend is point 3 − i of the positive one, flipped about x = ½.
          expect(left[j * 4 + 3 - i]![0]).toBeCloseTo(1 - x, 9);
          expect(left[j * 4 + 3 - i]![1]).toBeCloseTo(y, 9);
          expect(x).toBeCloseTo(i / 3, 9);
        }
      }
      // The tail pinches but its top and bottom never cross.
      expect(leastJacobian(right)).toBeGreaterThan(0);
      expect(leastJacobian(left)).toBeGreaterThan(0);
    }
    const down = presetEnvelope('fish', 0.5, 0, 0, false, aspect);
    const turned = presetEnvelope('fish', 0.5, 0, 0, true, 1 / aspect);
    for (let j = 0; j < 4; j++) {
      for (let i = 0; i < 4; i++) {
        expect(turned[i * 4 + j]![0]).toBeCloseTo(down[j * 4 + i]![1], 9);
        expect(turned[i * 4 + j]![1]).toBeCloseTo(down[j * 4 + i]![0], 9);
      }
    }
  });

  it('never folds "wave" or "fisheye", whatever the bend, and turns "fisheye" for a vertical one', () => {
    for (const bend of [-1, -0.5, 0.5, 1]) {
      expect(leastJacobian(presetEnvelope('wave', bend, 0, 0, false, 4))).toBeGreaterThan(0);
    }
    for (const bend of [-1, -0.5, 0.5, 0.75, 0.9, 1]) {
      expect(leastJacobian(presetEnvelope('fisheye', bend, 0, 0, false, 3.5))).toBeGreaterThan(0);
    }
    const fisheye = presetEnvelope('fisheye', 0.5, 0, 0, false);
    const turned = presetEnvelope('fisheye', 0.5, 0, 0, true);
    for (let k = 0; k < 16; k++) {
      const [i, j] = [k % 4, Math.floor(k / 4)];
      expect(turned[i * 4 + j]![0]).toBeCloseTo(fisheye[j * 4 + i]![1], 9);
      expect(turned[i * 4 + j]![1]).toBeCloseTo(fisheye[j * 4 + i]![0], 9);
    }
  });

  it('twists as Photoshop does: the edges stay, each inner point slides by the bend along its grid line', async () => {
    const { mesh, result } = await presetMesh(presetWarp('twist', 50));
    expect(result.warnings).toEqual([]);
    // The 100×100 content at (100, 60); the surface at (⅓, ⅓) is the Bernstein mix of the 4×4 grid
    // whose inner point (1, 1) moved right by 50 px, (2, 1) down, (2, 2) left and (1, 2) up.
    const n = mesh!.cols;
    const grid: P[] = [];
    for (let j = 0; j < 4; j++) for (let i = 0; i < 4; i++) grid.push([(100 * i) / 3, (100 * j) / 3]);
    grid[5] = [100 / 3 + 50, 100 / 3];
    grid[6] = [200 / 3, 100 / 3 + 50];
    grid[10] = [200 / 3 - 50, 200 / 3];
    grid[9] = [100 / 3, 200 / 3 - 50];
    for (const [c, r] of [
      [0, 0],
      [n / 2, 0],
      [n / 4, n / 4],
      [n / 2, n / 2],
      [(3 * n) / 4, n / 4],
    ] as const) {
      const [x, y] = surface(grid, 4, [0, 100], [0, 100], (100 * c) / n, (100 * r) / n);
      const point = mesh!.points[r * (n + 1) + c]!;
      expect(point[0]).toBeCloseTo(100 + x, 6);
      expect(point[1]).toBeCloseTo(60 + y, 6);
    }
    // The outline is the content's square: Photoshop's twist turns the inside only.
    expect(mesh!.points[n / 2]![0]).toBeCloseTo(150, 6);
    expect(mesh!.points[n / 2]![1]).toBeCloseTo(60, 6);

    const distorted = await presetMesh(presetWarp('twist', 50, { perspective: 30 }));
    expect(distorted.result.warnings.map(({ code }) => code)).toEqual(['WARP_APPROXIMATED']);
    expect(distorted.result.warnings[0]!.message).toContain('with a distortion');
  });

  it('places an inflated layer inside its transform as Photoshop does: the frame reaches past the control points', () => {
    // Photoshop's transform for the layer: the 100 px box at (100, 60).
    const transform: Quad = [
      [100, 60],
      [200, 60],
      [200, 160],
      [100, 160],
    ];
    const meshOf = (bend: number) => {
      const outcome = warpMesh(presetWarp('inflate', bend), { width: 100, height: 100 }, { transform });
      if (outcome.kind !== 'mesh') throw new Error(`no mesh: ${outcome.kind}`);
      return outcome.mesh;
    };
    // Bend 50 % on the 100×100 content: the edges' inner points swell 16⅔ px out, but the frame the
    // transform stands for reaches 25 px (half the bend) beyond the content each side, so the
    // content's corner lands 25 / 150 of the way into the box.
    const mesh = meshOf(50);
    const n = mesh.cols;
    const inset = (100 * 25) / 150;
    expect(mesh.points[0]![0]).toBeCloseTo(100 + inset, 6);
    expect(mesh.points[0]![1]).toBeCloseTo(60 + inset, 6);
    expect(mesh.points[n * (n + 1) + n]![0]).toBeCloseTo(200 - inset, 6);
    // A deflating (negative) bend was never measured: its frame is the control points' own box,
    // which the envelope fills.
    const xs = meshOf(-50).points.map(([x]) => x);
    expect(Math.min(...xs)).toBeCloseTo(100, 0);
    expect(Math.max(...xs)).toBeCloseTo(200, 0);
  });

  it('tapers with the horizontal distortion alone: the right side taller than the left', async () => {
    const { mesh, result } = await presetMesh(presetWarp('arc', 0, { perspective: 50 }));
    expect(result.warnings).toHaveLength(1);
    const n = mesh!.cols;
    const height = (c: number) => mesh!.points[n * (n + 1) + c]![1] - mesh!.points[c]![1];
    expect(height(n)).toBeGreaterThan(height(0) * 1.3);
  });
});

/** The cylinder as Photoshop 2021+ stores it: bounds (left, bottom, right, top), then its 3 handles. */
function cylinderWarp(handles: number[], extra: Partial<Warp> = {}): Warp {
  return { ...presetWarp('cylinder', 0), values: [0, 100, 100, 0, ...handles], ...extra };
}
const DEFAULT_HANDLES = [0.5, 0.5, 0.5708295036764706];

describe('importPsd: the cylinder preset', () => {
  it('wraps the content round a cylinder as Photoshop does, and reproduces it without a warning', async () => {
    const { mesh, resampling, result } = await presetMesh(cylinderWarp(DEFAULT_HANDLES));
    expect(result.warnings).toEqual([]);
    expect(resampling).toBe('photoshop');
    // Column u of the 100×100 content at (100, 60) goes round the cylinder: x = (1 − cos πu)/2 of the
    // width, dropping by 25·sin πu (the rim a quarter of the width deep), centred on the content so
    // the corners start 12.5 px above it. Photoshop draws it as one cubic per half whose arms follow
    // the curve's tangents: left half (0, 0), (0, π/6), (½ − π/12, 1), (½, 1) in (x, drop) units.
    const cubic = (t: number, a: number, b: number, c: number, d: number) =>
      (1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t ** 2 * c + t ** 3 * d;
    const reference = (u: number): [number, number] => {
      const t = 2 * Math.min(u, 1 - u);
      const x = cubic(t, 0, 0, 0.5 - Math.PI / 12, 0.5);
      const drop = cubic(t, 0, Math.PI / 6, 1, 1);
      return [u <= 0.5 ? x : 1 - x, drop];
    };
    const { cols, rows, points } = mesh!;
    for (let c = 0; c <= cols; c++) {
      const u = c / cols;
      const [x, drop] = reference(u);
      const top = points[c]!;
      const bottom = points[rows * (cols + 1) + c]!;
      expect(top[0]).toBeCloseTo(100 + 100 * x, 6);
      expect(top[1]).toBeCloseTo(60 - 12.5 + 25 * drop, 6);
      expect(bottom[1] - top[1]).toBeCloseTo(100, 6);
      // ... which strays from the true cylinder by under 3 % of the rim's depth (Photoshop's own
      // top edge lies the same 1–2 px above a true ellipse near its ends).
      expect(Math.abs(top[0] - (100 + 50 * (1 - Math.cos(Math.PI * u))))).toBeLessThan(0.03 * 25);
      expect(Math.abs(top[1] - (47.5 + 25 * Math.sin(Math.PI * u)))).toBeLessThan(0.03 * 25);
    }
  });

  it('warns when its handles are off the shape Photoshop was seen to draw, and still wraps', async () => {
    const { mesh, result } = await presetMesh(cylinderWarp([0.3, 0.5, 0.5708295036764706]));
    expect(result.warnings.map(({ layer, code }) => [layer, code])).toEqual([['Art', 'WARP_APPROXIMATED']]);
    expect(result.warnings[0]!.message).toContain('"cylinder" warp preset');
    expect(result.warnings[0]!.message).toContain('handles moved');
    expect(bendOf(mesh!)).toBeGreaterThan(3);
  });

  it('warns when the stored handles cannot be read (an older or foreign writer)', async () => {
    const { result } = await presetMesh({ ...cylinderWarp([]), values: [60] });
    expect(result.warnings.map(({ code }) => code)).toEqual(['WARP_APPROXIMATED']);
    expect(result.warnings[0]!.message).toContain('handles unreadable');
  });

  it('turns a vertical cylinder, the horizontal one with x and y exchanged, and says so', async () => {
    const horizontal = (await presetMesh(cylinderWarp(DEFAULT_HANDLES))).mesh!;
    const { mesh: vertical, result } = await presetMesh(
      cylinderWarp(DEFAULT_HANDLES, { rotate: 'vertical' }),
    );
    expect(result.warnings[0]!.message).toContain('vertical axis');
    expect([vertical!.cols, vertical!.rows]).toEqual([horizontal.rows, horizontal.cols]);
    const [hx, hy] = horizontal.points[0]!;
    const [vx, vy] = vertical!.points[0]!;
    for (let r = 0; r <= horizontal.rows; r++) {
      for (let c = 0; c <= horizontal.cols; c++) {
        const h = horizontal.points[r * (horizontal.cols + 1) + c]!;
        const v = vertical!.points[c * (vertical!.cols + 1) + r]!;
        expect(v[0] - vx).toBeCloseTo(h[1] - hy, 6);
        expect(v[1] - vy).toBeCloseTo(h[0] - hx, 6);
      }
    }
  });

  it('tapers with a distortion and says the curve is then approximated', async () => {
    const { mesh, result } = await presetMesh(cylinderWarp(DEFAULT_HANDLES, { perspective: 50 }));
    expect(result.warnings[0]!.message).toContain('a distortion');
    const { cols, rows, points } = mesh!;
    const height = (c: number) => points[rows * (cols + 1) + c]![1] - points[c]![1];
    expect(height(cols)).toBeGreaterThan(height(0) * 1.3);
  });
});
