import type { Writable } from './blend-modes.js';
import { applyMask, compositeClipped, compositeOnto } from './blend-modes.js';
import { invertMatrix3, rectToQuad } from './homography.js';
import type { PlacedGrey, RgbaImage } from './raster.js';
import type { SmartObjectDraw } from './smart-object-kernel.js';
import { drawSmartObject } from './smart-object-kernel.js';
import type { Quad } from './template-model.js';
import { quadInterior, quadSpan, warpPerspective } from './warp-kernels.js';

function noise(width: number, height: number, seed: number, alpha = 255): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i++)
    data[i] = i % 4 === 3 ? alpha : (i * 97 + seed * 13 + ((i * i) % 29)) % 256;
  return { width, height, data };
}

function grey(x: number, y: number, width: number, height: number, at: (i: number) => number): PlacedGrey {
  return { x, y, width, height, data: new Uint8Array(width * height).map((_, i) => at(i)) };
}

const W = 96;
const H = 80;

/** The reference: warp the whole region, mask, shade, then composite — the kernels' old order. */
function reference(
  canvas: Writable<RgbaImage>,
  step: SmartObjectDraw & { mapping: { type: 'perspective' } },
): void {
  const warped = warpPerspective(step.art, step.mapping.inverse, step.region, step.displacement);
  if (step.mask) applyMask(warped, step.mask);
  if (step.shading) compositeClipped(warped, step.shading.image, step.shading.blend, step.shading.opacity);
  compositeOnto(canvas, warped, step.blend, step.opacity);
}

const quads: [string, Quad][] = [
  [
    'an upright rectangle',
    [
      [10.5, 8.25],
      [80.5, 8.25],
      [80.5, 70.75],
      [10.5, 70.75],
    ],
  ],
  [
    'a rotated quad',
    [
      [40, 3],
      [90, 30],
      [60, 77],
      [8, 48],
    ],
  ],
  [
    'strong perspective',
    [
      [30, 5],
      [62, 9],
      [93, 76],
      [2, 70],
    ],
  ],
  [
    'a thin sliver',
    [
      [5, 40],
      [90, 42],
      [90, 44.5],
      [5, 42],
    ],
  ],
];

describe('drawing a smart object row by row', () => {
  it.each(quads)('gives the bytes of warp-then-composite for %s (opaque art, direct interior)', (_, quad) => {
    const art = { ...noise(40, 30, 1), opaque: true };
    const region = { x: 0, y: 0, width: W, height: H };
    const inverse = invertMatrix3(rectToQuad(art.width, art.height, quad));
    for (const channels of [4, 3] as const) {
      const base = noise(W, H, 2);
      const expected = { ...base, data: new Uint8ClampedArray(base.data) };
      reference(expected, {
        art,
        region,
        mapping: { type: 'perspective', inverse },
        blend: 'normal',
        opacity: 1,
      });
      const data =
        channels === 4
          ? new Uint8ClampedArray(base.data)
          : new Uint8ClampedArray(W * H * 3).map((_, i) => base.data[Math.floor(i / 3) * 4 + (i % 3)]!);
      drawSmartObject(
        { width: W, height: H, channels, data },
        { art, region, mapping: { type: 'perspective', inverse, quad }, blend: 'normal', opacity: 1 },
      );
      const want =
        channels === 4 ? Array.from(expected.data) : Array.from(expected.data).filter((_, i) => i % 4 !== 3);
      expect(Array.from(data)).toEqual(want);
    }
  });

  it.each(quads)(
    'gives the same bytes with mask, displacement, shading and a blend mode for %s',
    (_, quad) => {
      const art = noise(40, 30, 3, 200);
      const region = { x: 0, y: 0, width: W, height: H };
      const step = {
        art,
        region,
        mapping: {
          type: 'perspective' as const,
          inverse: invertMatrix3(rectToQuad(art.width, art.height, quad)),
        },
        blend: 'multiply' as const,
        opacity: 0.9,
        mask: grey(0, 0, W, H, (i) => (i * 7) % 256),
        displacement: { map: grey(0, 0, W, H, (i) => (i * 13) % 256), strength: 3 },
        shading: {
          image: { x: 0, y: 0, ...noise(W, H, 4, 180) },
          blend: 'soft-light' as const,
          opacity: 0.7,
        },
      };
      const expected = noise(W, H, 5) as Writable<RgbaImage>;
      const canvas = { ...expected, data: new Uint8ClampedArray(expected.data) };
      reference(expected, step);
      drawSmartObject(canvas, { ...step, mapping: { ...step.mapping, quad } });
      expect(Array.from(canvas.data)).toEqual(Array.from(expected.data));
    },
  );

  it('touches nothing outside the canvas clip', () => {
    const art = { ...noise(40, 30, 1), opaque: true };
    const quad: Quad = [
      [0, 0],
      [W, 0],
      [W, H],
      [0, H],
    ];
    const data = new Uint8ClampedArray(W * H * 4);
    drawSmartObject(
      { width: W, height: H, clip: { x: 10, y: 20, width: 30, height: 5 }, data },
      {
        art,
        region: { x: 0, y: 0, width: W, height: H },
        mapping: { type: 'perspective', inverse: invertMatrix3(rectToQuad(40, 30, quad)), quad },
        blend: 'normal',
        opacity: 1,
      },
    );
    const written = [];
    for (let p = 0; p < W * H; p++) if (data[p * 4 + 3] !== 0) written.push(p);
    expect(written.length).toBe(30 * 5);
    expect(
      written.every((p) => p % W >= 10 && p % W < 40 && Math.floor(p / W) >= 20 && Math.floor(p / W) < 25),
    ).toBe(true);
  });
});

describe('quad row spans', () => {
  const quad: Quad = [
    [10, 10],
    [50, 20],
    [40, 60],
    [5, 40],
  ];

  it('quadSpan covers every pixel near the quad on that row, and nothing on a row far from it', () => {
    // Band 28.5–32.5 meets the left edge at x 6.25–6.92 and the right one at 46.88–47.88.
    expect(quadSpan(quad, 30.5, 2)).toEqual([4, 50]);
    expect(quadSpan(quad, 80.5, 2)).toBeNull();
  });

  it('quadInterior keeps only pixel centres at least `inset` inside every edge', () => {
    const [from, to] = quadInterior(quad, 30.5, 2)!;
    expect(from).toBeGreaterThanOrEqual(8);
    expect(to).toBeLessThanOrEqual(46);
    expect(to - from).toBeGreaterThan(30);
    expect(quadInterior(quad, 11, 2)).toBeNull();
    // The same quad listed clockwise or anticlockwise.
    expect(quadInterior([...quad].reverse() as Quad, 30.5, 2)).toEqual([from, to]);
  });
});
