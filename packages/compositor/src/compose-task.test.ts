import type { ComposeStep, ComposeTask } from './compose-task.js';
import { runComposeTask } from './compose-task.js';
import { invertMatrix3, rectToQuad } from './homography.js';
import type { PlacedRgba } from './raster.js';
import { dropAlpha } from './raster.js';

const W = 48;
const H = 40;

function layer(x: number, y: number, width: number, height: number, seed: number): PlacedRgba {
  const data = new Uint8Array(width * height * 4).map((_, i) => (i * 53 + seed * 17 + ((i * i) % 23)) % 256);
  return { x, y, width, height, data };
}

const below = layer(0, 0, W, H, 1).data.map((v, i) => (i % 4 === 3 ? 255 : v));
const art = { ...layer(0, 0, 16, 12, 2), opaque: false };
const quad = [
  [12, 8],
  [34, 11],
  [31, 30],
  [10, 27],
] as const;
const smart: Extract<ComposeStep, { kind: 'smart' }> = {
  kind: 'smart',
  art,
  region: { x: 8, y: 6, width: 29, height: 27 },
  mapping: { type: 'perspective', inverse: invertMatrix3(rectToQuad(16, 12, quad as never)) },
  blend: 'screen',
  opacity: 0.9,
};
const colour: ComposeStep = {
  kind: 'color',
  rgb: [200, 40, 90],
  mask: { x: 4, y: 4, width: 30, height: 30, data: new Uint8Array(900).map((_, i) => (i * 11) % 256) },
};
const above: ComposeStep[] = [
  { kind: 'layer', image: layer(0, 0, W, H, 3), blend: 'multiply', opacity: 0.5 },
  { kind: 'layer', image: layer(20, 15, 28, 25, 4), blend: 'normal', opacity: 1 },
];
const steps = [colour, smart, ...above];

/** Everything composed over the whole canvas: the reference. */
const full = (channels: 3 | 4) =>
  runComposeTask({
    width: W,
    height: H,
    channels,
    base: null,
    start: { x: 0, y: 0, width: W, height: H, channels: 4, data: below },
    steps,
  });

/** The static canvas (no artwork), then only the smart object's region recomposed over it. */
function byRegion(channels: 3 | 4, extra: Partial<ComposeTask> = {}): Uint8Array {
  const start = {
    x: 0,
    y: 0,
    width: W,
    height: H,
    channels,
    data: channels === 4 ? below : dropAlpha(below),
  };
  const staticCanvas = runComposeTask({
    width: W,
    height: H,
    channels,
    base: null,
    start,
    steps: [colour, ...above],
  });
  return runComposeTask({
    width: W,
    height: H,
    channels,
    base: staticCanvas,
    region: smart.region,
    start,
    steps,
    ...extra,
  });
}

describe('compose task', () => {
  it.each([4, 3] as const)(
    'recomposing only the smart objects region gives the full composite (%i channels)',
    (channels) => {
      expect(Array.from(byRegion(channels))).toEqual(Array.from(full(channels)));
    },
  );

  it('an RGB result is the RGBA result without its alpha', () => {
    expect(Array.from(full(3))).toEqual(Array.from(dropAlpha(full(4))));
  });

  it('writes into `out`, restoring only the dirty region a reused buffer asks for', () => {
    const expected = full(3);
    const out = new Uint8Array(expected);
    const dirty = { x: 0, y: 20, width: 10, height: 10 };
    for (let y = dirty.y; y < dirty.y + dirty.height; y++) out.fill(7, y * W * 3, (y * W + dirty.width) * 3);
    for (let y = 6; y < 33; y++) out.fill(9, (y * W + 8) * 3, (y * W + 37) * 3);
    const result = byRegion(3, { out, dirty });
    expect(result).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(expected));
  });

  it('refuses an out or base buffer that does not fit the canvas', () => {
    expect(() => byRegion(3, { out: new Uint8Array(10) })).toThrow(RangeError);
    expect(() => runComposeTask({ width: W, height: H, base: new Uint8Array(10), steps: [] })).toThrow(
      RangeError,
    );
  });
});
