import type { FourPoints, Matrix3 } from './homography.js';
import { applyHomography, invertMatrix3, rectToQuad } from './homography.js';
import { buildMeshField } from './mesh-field.js';
import type { RgbaImage } from './raster.js';
import type { Mesh, Point } from './template-model.js';
import {
  perspectiveInteriorRow,
  perspectiveRow,
  warpMesh,
  warpPerspective,
  warpSource,
} from './warp-kernels.js';

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

  it('draws a quad whose horizon passes between it and the origin, edges covered by their area share', () => {
    // ag-psd_werps.psd's "distort" placement, a tenth of its size: the inverse homography's h22
    // came out negative, and every pixel the edge sampler handles was dropped as beyond the horizon.
    const quad: FourPoints = [
      [33.54, 67.97],
      [55.37, 67.97],
      [62.7, 95.71],
      [33.54, 89.8],
    ];
    const blue = image(20, 20, () => [0, 0, 100, 255]);
    const region = { x: 30, y: 64, width: 36, height: 36 };
    const out = warpPerspective(blue, inverseFor(blue, quad), region);
    // The share of each pixel inside the quad, by 32 × 32 point samples (the quad is convex).
    const inside = (x: number, y: number) =>
      quad.every(([ax, ay], k) => {
        const [bx, by] = quad[(k + 1) % 4]!;
        return (bx - ax) * (y - ay) - (by - ay) * (x - ax) >= 0;
      });
    let edgePixels = 0;
    let totalError = 0;
    for (let y = 0; y < region.height; y++) {
      for (let x = 0; x < region.width; x++) {
        let hits = 0;
        for (let j = 0; j < 32; j++)
          for (let i = 0; i < 32; i++)
            if (inside(region.x + x + (i + 0.5) / 32, region.y + y + (j + 0.5) / 32)) hits++;
        const want = (hits / 1024) * 255;
        const got = px(out, x, y);
        expect(Math.abs(got[3]! - want)).toBeLessThanOrEqual(40);
        if (got[3]! > 0) expect(got.slice(0, 3)).toEqual([0, 0, 100]);
        if (want > 0 && want < 255) {
          edgePixels++;
          totalError += Math.abs(got[3]! - want);
        }
      }
    }
    expect(edgePixels).toBeGreaterThan(80);
    expect(totalError / edgePixels).toBeLessThan(8);
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

  // One-pixel black and white stripes squeezed 1.5× across: one sample per pixel lands between
  // two stripes in a pattern that drifts, swinging a quarter of the way to black or white (64
  // levels) every other pixel; averaging the pixel's footprint keeps it near mid-grey.
  const stripes = () => image(48, 8, (x) => (x % 2 === 0 ? [255, 255, 255, 255] : [0, 0, 0, 255]));
  const squeezed = grid(3, 1, (u, v) => [32 * u, 8 * v]);
  /** The largest distance from mid-grey over the squeezed stripes' interior row 4. */
  function swing(out: ReturnType<typeof warpMesh>): number {
    let most = 0;
    for (let x = 2; x < 30; x++) {
      const [r, g, b, a] = px(out, x, 4);
      expect([g, b, a]).toEqual([r, r, 255]);
      most = Math.max(most, Math.abs(r! - 127.5));
    }
    return most;
  }

  it("with warp_resampling 'photoshop' (supersample), draws fine stripes a warp squeezes as their mean grey", () => {
    const field = buildMeshField(squeezed, { x: 0, y: 0, width: 32, height: 8 });
    expect(swing(warpMesh(stripes(), field, { supersample: true }))).toBeLessThan(40);
  });

  it('on the fast path (one bilinear tap), draws them as the beat pattern Photoshop does not', () => {
    const field = buildMeshField(squeezed, { x: 0, y: 0, width: 32, height: 8 });
    const fast = warpMesh(stripes(), field);
    expect(swing(fast)).toBeGreaterThanOrEqual(60);
    expect(fast.data).not.toEqual(warpMesh(stripes(), field, { supersample: true }).data);
  });
});

describe('resampling filter', () => {
  // Keys' cubic convolution with a = −0.75, written out from its definition (not the kernels' form).
  const keys = (d: number) => {
    const a = -0.75;
    const x = Math.abs(d);
    if (x <= 1) return (a + 2) * x ** 3 - (a + 3) * x ** 2 + 1;
    if (x < 2) return a * x ** 3 - 5 * a * x ** 2 + 8 * a * x - 4 * a;
    return 0;
  };
  const clampTo = (value: number, last: number) => Math.max(0, Math.min(last, value));

  /** The artwork at (u, v) (pixel edges on integers) by a 4×4 bicubic on premultiplied RGBA. */
  function bicubicAt(src: RgbaImage, u: number, v: number): number[] {
    const fx = u - 0.5;
    const fy = v - 0.5;
    const sum = [0, 0, 0, 0];
    for (let j = Math.floor(fy) - 1; j <= Math.floor(fy) + 2; j++) {
      for (let i = Math.floor(fx) - 1; i <= Math.floor(fx) + 2; i++) {
        const w = keys(fx - i) * keys(fy - j);
        const [r, g, b, a] = px(src, clampTo(i, src.width - 1), clampTo(j, src.height - 1));
        sum[0]! += (r! * a! * w) / 255;
        sum[1]! += (g! * a! * w) / 255;
        sum[2]! += (b! * a! * w) / 255;
        sum[3]! += a! * w;
      }
    }
    const alpha = Math.max(0, Math.min(255, sum[3]!));
    if (alpha === 0) return [0, 0, 0, 0];
    return [
      ...sum.slice(0, 3).map((c) => Math.max(0, Math.min(255, (Math.min(c, alpha) * 255) / alpha))),
      alpha,
    ];
  }

  function bilinearAt(src: RgbaImage, u: number, v: number): number[] {
    const fx = u - 0.5;
    const fy = v - 0.5;
    const x0 = Math.floor(fx);
    const y0 = Math.floor(fy);
    const tx = fx - x0;
    const ty = fy - y0;
    const at = (i: number, j: number) => px(src, clampTo(i, src.width - 1), clampTo(j, src.height - 1));
    return [0, 1, 2, 3].map(
      (c) =>
        at(x0, y0)[c]! * (1 - tx) * (1 - ty) +
        at(x0 + 1, y0)[c]! * tx * (1 - ty) +
        at(x0, y0 + 1)[c]! * (1 - tx) * ty +
        at(x0 + 1, y0 + 1)[c]! * tx * ty,
    );
  }

  const sharpEdges = (alpha: (x: number, y: number) => number) =>
    image(8, 6, (x, y) => [x < 4 ? 250 : 10, (x * 37 + y * 71) % 256, y < 3 ? 30 : 220, alpha(x, y)]);

  /** The largest channel difference over the pixels well inside the warped artwork. */
  function worst(
    src: RgbaImage,
    scale: number,
    expected: (src: RgbaImage, u: number, v: number) => number[],
  ) {
    const [ox, oy] = [3.25, 2.5];
    const quad = rect(ox, oy, ox + src.width * scale, oy + src.height * scale);
    const region = {
      x: 0,
      y: 0,
      width: Math.ceil(ox + src.width * scale) + 3,
      height: Math.ceil(oy + src.height * scale) + 3,
    };
    const out = warpPerspective(src, inverseFor(src, quad), region);
    let most = 0;
    let checked = 0;
    for (let y = Math.ceil(oy) + 2; y < oy + src.height * scale - 2; y++) {
      for (let x = Math.ceil(ox) + 2; x < ox + src.width * scale - 2; x++) {
        const want = expected(src, (x + 0.5 - ox) / scale, (y + 0.5 - oy) / scale);
        const got = px(out, x, y);
        for (let c = 0; c < 4; c++) most = Math.max(most, Math.abs(got[c]! - want[c]!));
        checked++;
      }
    }
    return { most, checked };
  }

  it('enlarges opaque artwork bicubically: within 2 of a bicubic computed here, and unlike bilinear', () => {
    const src = sharpEdges(() => 255);
    const cubic = worst(src, 5, bicubicAt);
    expect(cubic.checked).toBeGreaterThan(600);
    expect(cubic.most).toBeLessThanOrEqual(2);
    // The cubic's overshoot at the sharp edges is what makes enlarged content crisper than bilinear.
    expect(worst(src, 5, bilinearAt).most).toBeGreaterThan(10);
  });

  it('enlarges transparent artwork bicubically on premultiplied alpha, alpha kept in range', () => {
    const src = sharpEdges((x, y) => ((x + y) % 3 === 0 ? 0 : x < 4 ? 255 : 120));
    const cubic = worst(src, 3.5, bicubicAt);
    expect(cubic.most).toBeLessThanOrEqual(2);
  });

  it('keeps the bilinear fast path when the artwork is shrunk', () => {
    const big = image(64, 48, (x, y) => [(x * 29 + y * 7) % 256, (x * 5 + y * 61) % 256, (x * y) % 256, 255]);
    const shrunk = worst(big, 0.6, bilinearAt);
    expect(shrunk.checked).toBeGreaterThan(500);
    expect(shrunk.most).toBeLessThanOrEqual(1);
  });

  it('enlarges through a mesh bicubically too', () => {
    const src = sharpEdges(() => 255);
    const scale = 4;
    const mesh: Mesh = {
      cols: 2,
      rows: 2,
      points: [0, 1, 2].flatMap((j) =>
        [0, 1, 2].map((i): Point => [2 + (i * src.width * scale) / 2, 1 + (j * src.height * scale) / 2]),
      ),
    };
    const region = { x: 0, y: 0, width: 2 + src.width * scale + 2, height: 1 + src.height * scale + 2 };
    const out = warpMesh(src, buildMeshField(mesh, region));
    let most = 0;
    for (let y = 3; y < 1 + src.height * scale - 2; y++) {
      for (let x = 4; x < 2 + src.width * scale - 2; x++) {
        const want = bicubicAt(src, (x + 0.5 - 2) / scale, (y + 0.5 - 1) / scale);
        const got = px(out, x, y);
        for (let c = 0; c < 4; c++) most = Math.max(most, Math.abs(got[c]! - want[c]!));
      }
    }
    expect(most).toBeLessThanOrEqual(2);
  });

  it('writes the same bytes on the fast interior path as on the full one, enlarged and shrunk parts alike', () => {
    // A steep, rotated perspective: the near side enlarges the artwork about 3×, the far side
    // shrinks it, so some rows hold both samplers and others only the bilinear one.
    const src = image(40, 30, (x, y) => [(x * 29 + y * 7) % 256, (x * 5 + y * 61) % 256, (x * y) % 256, 255]);
    const quad: FourPoints = [
      [20, 4],
      [70, 16],
      [118, 150],
      [2, 110],
    ];
    const source = warpSource(src);
    const inverse = inverseFor(src, quad);
    let compared = 0;
    let cubic = 0;
    for (let y = 0; y < 160; y++) {
      const full = new Uint8ClampedArray(130 * 4);
      perspectiveRow(full, 0, source, inverse, y, 0, 130);
      const fast = new Uint8ClampedArray(130 * 4);
      const edge = new Uint8ClampedArray(130 * 4);
      perspectiveInteriorRow(fast, 4, 0, source, inverse, y, 0, 130, edge);
      for (let x = 0; x < 130; x++) {
        // Near the artwork's border the two paths antialias differently by design: compare inside.
        const [u, v] = uvAt(inverse, x, y);
        if (Math.min(u, v, src.width - u, src.height - v) < 3) continue;
        const bilinear = bilinearAt(src, u, v);
        const got = [...full.subarray(x * 4, x * 4 + 3)];
        if (got.some((c, i) => Math.abs(c - bilinear[i]!) > 1)) cubic++;
        expect([...fast.subarray(x * 4, x * 4 + 4)]).toEqual([...full.subarray(x * 4, x * 4 + 4)]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(3000);
    expect(cubic).toBeGreaterThan(100);
  });
});

function uvAt(inverse: Matrix3, x: number, y: number): [number, number] {
  const [u, v] = applyHomography(inverse, [x + 0.5, y + 0.5]);
  return [u, v];
}
