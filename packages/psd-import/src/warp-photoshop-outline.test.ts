// The preset warps against Photoshop's own drawing of them, from numbers only. Photoshop warps text
// with the same presets; these are text layers Photoshop saved with one preset each: the text's box
// (`bounds`, what the warp spans), its unwarped ink box (`boundingBox`), its position, and the ink
// box of the pixels Photoshop drew after the warp (alpha > 0). Sources (the files are not copied):
// signal-slot/qtpsd @ 465e6f50d571a5d057513c089470903bd4ec4882,
// tests/auto/psdwriter/qpsdwriter/round-trip/text_warp/<name>.psd (Photoshop 27.3; LGPLv3/GPLv2/
// GPLv3, so numbers only). Measured 2026-12-07. Arc at +50 % ("Warped Arc") is left out: its ink box
// corners hold no ink, so its outline says little (un-warping its pixels puts all the ink back in
// the box, edges within 0.4 px); arch is checked on Photoshop's pixels: warp-text-pixels.test.ts.
import type { Point } from '@platen/compositor';
import { envelopeOf, evaluateGrid, type PresetStyle } from './warp-envelope.js';

type Box = [left: number, top: number, right: number, bottom: number];
interface Drawn {
  file: string;
  style: PresetStyle;
  bend: number;
  horizontal?: number;
  vertical?: number;
  bounds: Box;
  ink: Box;
  at: Point;
  photoshop: Box;
}

const UNIT_BOX: Box = [0, -30.796875, 0, 9.755859375];
const at50: Point = [50, 120];
const text = (right: number): Box => [UNIT_BOX[0], UNIT_BOX[1], right, UNIT_BOX[3]];

const MEASURED: Drawn[] = [
  {
    file: 'twist',
    style: 'twist',
    bend: 50,
    bounds: text(108.228515625),
    ink: [0.71875, -25.953125, 108.224609375, 0.34375],
    at: at50,
    photoshop: [51, 94, 159, 121],
  },
  {
    file: 'inflate',
    style: 'inflate',
    bend: 50,
    bounds: text(140.16796875),
    ink: [2.625, -25.59375, 139.37109375, 0],
    at: at50,
    photoshop: [35, 90, 206, 123],
  },
  {
    file: 'squeeze',
    style: 'squeeze',
    bend: 50,
    bounds: text(153.263671875),
    ink: [1.234375, -25.953125, 152.466796875, 4.5625],
    at: at50,
    photoshop: [64, 90, 194, 128],
  },
];

const SHAPE_MATCHED: Drawn[] = [
  {
    file: 'negative',
    style: 'arc',
    bend: -50,
    bounds: text(168.908203125),
    ink: [2.28125, -25.96875, 168.111328125, 0.34375],
    at: at50,
    photoshop: [30, 93, 240, 155],
  },
  {
    file: 'arclower',
    style: 'arcLower',
    bend: 50,
    bounds: text(188.736328125),
    ink: [0.140625, -25.96875, 187.99609375, 0.34375],
    at: at50,
    photoshop: [50, 95, 239, 151],
  },
  {
    file: 'arcupper',
    style: 'arcUpper',
    bend: 50,
    bounds: text(184.18359375),
    ink: [0.140625, -25.96875, 183.443359375, 0.34375],
    at: at50,
    photoshop: [50, 61, 234, 120],
  },
  {
    file: 'bulge',
    style: 'bulge',
    bend: 50,
    bounds: text(109.810546875),
    ink: [2.28125, -25.96875, 109.013671875, 0.34375],
    at: at50,
    photoshop: [51, 77, 160, 132],
  },
  {
    file: 'flag',
    style: 'flag',
    bend: 50,
    bounds: [0, -41.0625, 91.265625, 13.0078125],
    ink: [3.96875, -36, 87.984375, 10],
    at: [100, 150],
    photoshop: [103, 100, 188, 176],
  },
  {
    file: 'rise',
    style: 'rise',
    bend: 50,
    bounds: text(75.8671875),
    ink: [2.28125, -25.953125, 75.0703125, 0.34375],
    at: at50,
    photoshop: [52, 94, 126, 161],
  },
];

const OFF: Drawn[] = [
  {
    file: 'shelllower',
    style: 'shellLower',
    bend: 50,
    bounds: text(224.771484375),
    ink: [1.234375, -25.953125, 224.03125, 0.34375],
    at: at50,
    photoshop: [35, 93, 295, 140],
  },
  {
    file: 'shellupper',
    style: 'shellUpper',
    bend: 50,
    bounds: text(219.796875),
    ink: [1.234375, -25.953125, 219.056640625, 0.34375],
    at: at50,
    photoshop: [31, 64, 289, 122],
  },
];

/** Our warp of the drawing's ink box outline, as a box in document pixels. */
function warpedInkBox(drawn: Drawn) {
  const [left, top, right, bottom] = drawn.bounds;
  const envelope = envelopeOf(
    {
      style: drawn.style,
      value: drawn.bend,
      perspective: drawn.horizontal ?? 0,
      perspectiveOther: drawn.vertical ?? 0,
      rotate: 'horizontal',
      bounds: {
        left: { value: left },
        top: { value: top },
        right: { value: right },
        bottom: { value: bottom },
      },
    },
    { width: right - left, height: bottom - top },
  );
  if (envelope.kind !== 'grid') throw new Error(`${drawn.file}: no grid`);
  const [il, it, ir, ib] = drawn.ink;
  const box: Box = [Infinity, Infinity, -Infinity, -Infinity];
  for (let k = 0; k <= 400; k++) {
    const s = k / 400;
    const edge: Point[] = [
      [il + s * (ir - il), it],
      [il + s * (ir - il), ib],
      [il, it + s * (ib - it)],
      [ir, it + s * (ib - it)],
    ];
    for (const [x, y] of edge) {
      const [u, v] = evaluateGrid(envelope.grid, x, y);
      box[0] = Math.min(box[0], u + drawn.at[0]);
      box[1] = Math.min(box[1], v + drawn.at[1]);
      box[2] = Math.max(box[2], u + drawn.at[0]);
      box[3] = Math.max(box[3], v + drawn.at[1]);
    }
  }
  const miss = Math.max(...box.map((value, side) => Math.abs(value - drawn.photoshop[side]!)));
  return { miss, approximation: envelope.approximation };
}

describe("the preset warps against Photoshop's drawing of them (text warps, numbers only)", () => {
  // Letters are not their ink box's rectangle (a round S misses a corner by a few pixels), so the
  // presets measured on placed layers are the yardstick: they land within 5 px.
  it.each(MEASURED.map((drawn) => [drawn.file, drawn] as const))(
    'lands %s, a preset measured on placed layers, on the outline Photoshop drew (within 5 px)',
    (_file, drawn) => {
      const { miss, approximation } = warpedInkBox(drawn);
      expect(miss).toBeLessThanOrEqual(5);
      expect(approximation).toBeUndefined();
    },
  );

  it.each(SHAPE_MATCHED.map((drawn) => [drawn.file, drawn.style, drawn] as const))(
    "lands %s (%s), refitted on Photoshop's drawing, on the outline Photoshop drew (within 5 px)",
    (_file, style, drawn) => {
      const { miss, approximation } = warpedInkBox(drawn);
      expect(miss).toBeLessThanOrEqual(5);
      // The shape is Photoshop's; where a smart object's transform puts it is not yet checked.
      expect(approximation).toContain(`"${style}" warp preset has the shape Photoshop draws`);
    },
  );

  // When one of these is refitted and lands within 5 px, move it up and change its warning.
  it.each(OFF.map((drawn) => [drawn.file, drawn.style, drawn] as const))(
    'says %s (%s) differs from Photoshop: its outline lands more than 8 px off',
    (_file, style, drawn) => {
      const { miss, approximation } = warpedInkBox(drawn);
      expect(miss).toBeGreaterThan(8);
      expect(approximation).toContain(`"${style}" warp preset`);
      expect(approximation).toContain("differs from Photoshop's drawing");
    },
  );
});
