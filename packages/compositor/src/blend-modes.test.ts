import type { Writable } from './blend-modes.js';
import { applyMask, blendFunction, compositeClipped, compositeOnto, multiplyColor } from './blend-modes.js';
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
];

describe('blend modes', () => {
  it.each(cases)('%s matches its formula on opaque pixels', (mode, first, second) => {
    const a = pixel(153, 153, 153);
    compositeOnto(a, layer(51, 51, 51), mode, 1);
    const b = pixel(51, 51, 51);
    compositeOnto(b, layer(204, 204, 204), mode, 1);
    expect([a.data[0], b.data[0]]).toEqual([first, second]);
    expect([a.data[3], b.data[3]]).toEqual([255, 255]);
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
});
