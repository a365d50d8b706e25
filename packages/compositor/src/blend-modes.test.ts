import type { Writable } from './blend-modes.js';
import {
  applyMask,
  blendFunction,
  compositeClipped,
  compositeOnto,
  isSeparable,
  multiplyColor,
} from './blend-modes.js';
import { contentRows } from './raster.js';
import { BLEND_MODES } from './template-model.js';
import type { PlacedRgba, RgbaImage } from './raster.js';
import type { BlendMode } from './template-model.js';

function pixel(r: number, g: number, b: number, a = 255): Writable<RgbaImage> {
  return { width: 1, height: 1, data: new Uint8ClampedArray([r, g, b, a]) };
}
function layer(r: number, g: number, b: number, a = 255): PlacedRgba {
  return { x: 0, y: 0, width: 1, height: 1, data: new Uint8ClampedArray([r, g, b, a]) };
}

// Backdrop 153 (0.6) with source 51 (0.2), and backdrop 51 (0.2) with source 204 (0.8): the
// expected bytes are worked out by hand from the W3C / Photoshop formulas (×255, rounded).
const cases: [BlendMode, number, number][] = [
  ['normal', 51, 204],
  ['multiply', 31, 41], // .12, .16
  ['screen', 173, 214], // .68, .84
  ['overlay', 92, 82], // screen(.2, 2·.6−1) = .36; 2·.2·.8 = .32
  ['darken', 51, 51],
  ['lighten', 153, 204],
  ['color-dodge', 191, 255], // .6/.8 = .75; .2/.2 → 1
  ['color-burn', 0, 0], // 1 − .4/.2 → 0; 1 − .8/.8 = 0
  ['hard-light', 61, 173], // .6·.4 = .24; screen(.2, .6) = .68
  ['soft-light', 116, 89], // .6 − .6·.6·.4 = .456; .2 + .6·(.448 − .2) = .3488
  ['difference', 102, 153],
  ['exclusion', 143, 173], // .56, .68
  ['linear-dodge', 204, 255],
  ['linear-burn', 0, 0],
  ['subtract', 102, 0], // .4; max(0, −.6)
  ['divide', 255, 64], // .6/.2 → 1; .2/.8 = .25
  ['vivid-light', 0, 128], // burn(.6, .4) = 0; dodge(.2, .6) = .5
  ['linear-light', 0, 204], // .6 + .4 − 1; .2 + 1.6 − 1
  ['pin-light', 102, 153], // min(.6, .4); max(.2, .6)
  ['hard-mix', 0, 0], // .6 + .2 < 1; .2 + .8 = 1 is not > 1
  // Grey on grey: hue, saturation and color keep the backdrop's grey, luminosity takes the source's.
  ['hue', 153, 51],
  ['saturation', 153, 51],
  ['color', 153, 51],
  ['luminosity', 51, 204],
  ['darker-color', 51, 51],
  ['lighter-color', 153, 204],
  ['dissolve', 51, 204], // opaque source: every pixel is the source
];

describe('blend modes', () => {
  it('has a hand-worked case for every mode', () => {
    expect(cases.map(([mode]) => mode).sort()).toEqual([...BLEND_MODES].sort());
  });

  it.each(cases)('%s matches its formula on opaque pixels', (mode, first, second) => {
    const a = pixel(153, 153, 153);
    compositeOnto(a, layer(51, 51, 51), mode, 1);
    const b = pixel(51, 51, 51);
    compositeOnto(b, layer(204, 204, 204), mode, 1);
    expect([a.data[0], b.data[0]]).toEqual([first, second]);
    expect([a.data[3], b.data[3]]).toEqual([255, 255]);
  });

  // The pairs (backdrop, source) in bytes and Photoshop's result, read off the composite it saved in
  // test/fixtures/psd/corpus/psd-tools_rgb-blend-modes.psd (opaque pixels of the blended layer).
  it.each([
    ['vivid-light', 255, 0, 0], // a black source burns even white
    ['vivid-light', 0, 255, 255], // a white source dodges even black
    ['hard-mix', 44, 211, 0], // b + s = 1: not above, so 0
    ['hard-mix', 44, 212, 255],
    ['hard-mix', 255, 0, 255], // a white backdrop stays white
    ['hard-mix', 0, 255, 0], // a black one stays black
  ] as const)('%s of backdrop %d and source %d is %d, as in Photoshop', (mode, backdrop, source, result) => {
    const canvas = pixel(backdrop, backdrop, backdrop);
    compositeOnto(canvas, layer(source, source, source), mode, 1);
    expect(canvas.data[0]).toBe(result);
  });

  it('keeps the W3C soft-light curve (sqrt branch for light sources)', () => {
    const softLight = blendFunction('soft-light');
    expect(softLight(0.6, 0.8)).toBeCloseTo(0.6 + 0.6 * (Math.sqrt(0.6) - 0.6), 12);
    expect(softLight(0.2, 0.2)).toBeCloseTo(0.2 - 0.6 * 0.2 * 0.8, 12);
  });

  it('mixes by opacity and keeps the backdrop where the source is transparent', () => {
    const canvas = pixel(0, 0, 0);
    compositeOnto(canvas, layer(200, 100, 50), 'normal', 0.5);
    expect(Array.from(canvas.data)).toEqual([100, 50, 25, 255]);
    const untouched = pixel(10, 20, 30);
    compositeOnto(untouched, layer(255, 255, 255, 0), 'screen', 1);
    expect(Array.from(untouched.data)).toEqual([10, 20, 30, 255]);
  });

  it('composites over a transparent canvas without darkening the colour', () => {
    const canvas = pixel(0, 0, 0, 0);
    compositeOnto(canvas, layer(200, 100, 50, 128), 'multiply', 1);
    expect(Array.from(canvas.data)).toEqual([200, 100, 50, 128]);
  });

  it('dissolves the pixel alpha but not the mask, which blends the shown pixels (as Photoshop)', () => {
    // An opaque source through a half mask: every pixel shows, mixed half and half.
    const canvas: Writable<RgbaImage> = { width: 64, height: 1, data: new Uint8ClampedArray(64 * 4) };
    for (let i = 3; i < canvas.data.length; i += 4) canvas.data[i] = 255;
    const red: PlacedRgba = { x: 0, y: 0, width: 64, height: 1, data: new Uint8ClampedArray(64 * 4) };
    for (let i = 0; i < red.data.length; i += 4) red.data.set([255, 0, 0, 255], i);
    const half = { x: 0, y: 0, width: 64, height: 1, data: new Uint8Array(64).fill(128) };
    compositeOnto(canvas, red, 'dissolve', 1, half);
    const reds = new Set<number>();
    for (let i = 0; i < canvas.data.length; i += 4) reds.add(canvas.data[i]!);
    expect([...reds]).toEqual([128]);
  });

  it('clips a layer to the mask: hidden where the mask is black or absent', () => {
    const canvas: Writable<RgbaImage> = { width: 3, height: 1, data: new Uint8ClampedArray(12).fill(0) };
    for (let i = 3; i < 12; i += 4) canvas.data[i] = 255;
    const red: PlacedRgba = {
      x: 0,
      y: 0,
      width: 3,
      height: 1,
      data: new Uint8ClampedArray([255, 0, 0, 255, 255, 0, 0, 255, 255, 0, 0, 255]),
    };
    compositeOnto(canvas, red, 'normal', 1, {
      x: 0,
      y: 0,
      width: 2,
      height: 1,
      data: new Uint8Array([255, 0]),
    });
    expect(Array.from(canvas.data.slice(0, 4))).toEqual([255, 0, 0, 255]);
    expect(Array.from(canvas.data.slice(4, 8))).toEqual([0, 0, 0, 255]);
    expect(Array.from(canvas.data.slice(8, 12))).toEqual([0, 0, 0, 255]);
  });

  it('applyMask scales alpha by the mask', () => {
    const image: Writable<PlacedRgba> = {
      x: 5,
      y: 5,
      width: 1,
      height: 1,
      data: new Uint8ClampedArray([9, 9, 9, 200]),
    };
    applyMask(image, { x: 5, y: 5, width: 1, height: 1, data: new Uint8Array([128]) });
    expect(image.data[3]).toBe(100);
  });

  it('multiplies a product colour only under its mask', () => {
    const canvas: Writable<RgbaImage> = {
      width: 2,
      height: 1,
      data: new Uint8ClampedArray([200, 200, 200, 255, 200, 200, 200, 255]),
    };
    multiplyColor(canvas, [255, 128, 0], { x: 0, y: 0, width: 2, height: 1, data: new Uint8Array([255, 0]) });
    expect(Array.from(canvas.data)).toEqual([200, 100, 0, 255, 200, 200, 200, 255]);
  });

  it('re-applies shading only where the target has pixels, keeping its alpha', () => {
    const target: Writable<PlacedRgba> = {
      x: 0,
      y: 0,
      width: 2,
      height: 1,
      data: new Uint8ClampedArray([200, 200, 200, 255, 200, 200, 200, 0]),
    };
    compositeClipped(
      target,
      {
        x: 0,
        y: 0,
        width: 2,
        height: 1,
        data: new Uint8ClampedArray([128, 128, 128, 255, 128, 128, 128, 255]),
      },
      'multiply',
      1,
    );
    expect(Array.from(target.data)).toEqual([100, 100, 100, 255, 200, 200, 200, 0]);
  });

  /** Deterministic bytes that cover dark, light and mid values. */
  const bytes = (length: number, seed: number, alpha?: number) =>
    new Uint8ClampedArray(length).map((_, i) =>
      alpha !== undefined && i % 4 === 3 ? alpha : (i * 73 + seed * 31 + ((i * i) % 17)) % 256,
    );

  it.each(BLEND_MODES)('%s gives the same bytes on an RGB canvas as on an opaque RGBA one', (mode) => {
    const rgba: Writable<RgbaImage> = { width: 8, height: 4, data: bytes(128, 1, 255) };
    const rgb = {
      width: 8,
      height: 4,
      channels: 3 as const,
      data: new Uint8ClampedArray(96).map((_, i) => rgba.data[Math.floor(i / 3) * 4 + (i % 3)]!),
    };
    const source: PlacedRgba = { x: 1, y: 0, width: 6, height: 4, data: bytes(96, 2) };
    const mask = { x: 0, y: 1, width: 8, height: 3, data: new Uint8Array(24).map((_, i) => (i * 45) % 256) };
    compositeOnto(rgba, source, mode, 0.8, mask);
    compositeOnto(rgb, source, mode, 0.8, mask);
    expect(Array.from(rgb.data)).toEqual(Array.from(rgba.data).filter((_, i) => i % 4 !== 3));
  });

  it.each(BLEND_MODES.filter(isSeparable))(
    '%s as clipped shading mixes its formula by the shading alpha',
    (mode) => {
      const target: Writable<PlacedRgba> = { x: 0, y: 0, width: 8, height: 2, data: bytes(64, 3) };
      const shading: PlacedRgba = { x: 0, y: 0, width: 8, height: 2, data: bytes(64, 4) };
      const expected = Array.from(target.data);
      const blend = blendFunction(mode);
      for (let d = 0; d < 64; d += 4) {
        const as = (shading.data[d + 3]! / 255) * 0.6;
        if (expected[d + 3] === 0 || as === 0) continue;
        for (let c = 0; c < 3; c++) {
          const cb = expected[d + c]! / 255;
          const value = ((1 - as) * cb + as * blend(cb, shading.data[d + c]! / 255)) * 255;
          expected[d + c] = Math.min(255, Math.max(0, Math.round(value)));
        }
      }
      compositeClipped(target, shading, mode, 0.6);
      const worst = Array.from(target.data).reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i]!)), 0);
      expect(worst).toBeLessThanOrEqual(1);
    },
  );

  it('writes only inside the canvas clip', () => {
    const canvas = {
      width: 4,
      height: 1,
      clip: { x: 1, y: 0, width: 2, height: 1 },
      data: bytes(16, 5, 255),
    };
    const before = Array.from(canvas.data);
    compositeOnto(
      canvas,
      { x: 0, y: 0, width: 4, height: 1, data: new Uint8ClampedArray(16).fill(255) },
      'normal',
      1,
    );
    multiplyColor(canvas, [0, 0, 0], { x: 0, y: 0, width: 4, height: 1, data: new Uint8Array(4).fill(255) });
    expect(Array.from(canvas.data.slice(0, 4))).toEqual(before.slice(0, 4));
    expect(Array.from(canvas.data.slice(4, 12))).toEqual([0, 0, 0, 255, 0, 0, 0, 255]);
    expect(Array.from(canvas.data.slice(12))).toEqual(before.slice(12));
  });

  it("skips a layer's transparent stretches (contentRows) without changing a byte", () => {
    const data = bytes(10 * 6 * 4, 6);
    // Transparent except columns 3–6 of rows 1–4.
    for (let p = 0; p < 60; p++) {
      const [x, y] = [p % 10, Math.floor(p / 10)];
      if (x < 3 || x > 6 || y < 1 || y > 4) data[p * 4 + 3] = 0;
    }
    const layer: PlacedRgba = { x: 2, y: 1, width: 10, height: 6, data };
    const rows = contentRows(layer);
    expect([rows.y, Array.from(rows.from), Array.from(rows.to)]).toEqual([
      1,
      [2, 5, 5, 5, 5, 2],
      [2, 9, 9, 9, 9, 2],
    ]);
    for (const mode of ['normal', 'multiply', 'screen', 'soft-light', 'hue', 'dissolve'] as const) {
      const plain: Writable<RgbaImage> = { width: 14, height: 9, data: bytes(14 * 9 * 4, 7, 255) };
      const skipping: Writable<RgbaImage> = { ...plain, data: new Uint8ClampedArray(plain.data) };
      compositeOnto(plain, layer, mode, 0.7);
      compositeOnto(skipping, { ...layer, rows }, mode, 0.7);
      expect(Array.from(skipping.data)).toEqual(Array.from(plain.data));
    }
  });
});
