// One render's pixel work as a plain, structured-cloneable task (so it can run on a kernel thread):
// start from the cached static canvas, and replay the layer steps only where smart objects can
// change it. The task only reads its inputs (cached layers are shared between renders) and writes
// the result into `out` (shared memory, reused between renders) or a new array.
import type { Canvas } from './blend-modes.js';
import { compositeOnto, multiplyColor } from './blend-modes.js';
import type { PixelRaster, PlacedGrey, PlacedRgba, Region, RowSpans } from './raster.js';
import { copyPixels, intersect } from './raster.js';
import type { ArtworkLayout } from './artwork-layout.js';
import { layOutArtwork } from './artwork-layout.js';
import type { AdjustmentDraw, GroupDraw } from './layer-stack-kernels.js';
import { adjustCanvas, composeGroup } from './layer-stack-kernels.js';
import type { SmartObjectDraw } from './smart-object-kernel.js';
import { drawSmartObject } from './smart-object-kernel.js';
import type { BlendMode } from './template-model.js';
import type { Artwork } from './warp-kernels.js';

export type ComposeStep =
  | { kind: 'layer'; image: PlacedRgba; blend: BlendMode; opacity: number; mask?: PlacedGrey }
  | { kind: 'color'; rgb: [number, number, number]; mask: PlacedGrey }
  | ({ kind: 'smart' } & SmartObjectDraw)
  | ({ kind: 'adjust' } & AdjustmentDraw)
  | ({ kind: 'group' } & GroupDraw<ComposeStep>)
  /** A print file: the artwork laid out over the whole (RGBA, fresh) canvas, nothing under it. */
  | { kind: 'layout'; art: Artwork; layout: ArtworkLayout };

export interface ComposeTask {
  width: number;
  height: number;
  /** Channels of the result: 4 (straight RGBA, the default) or 3 (RGB, for an opaque canvas). */
  channels?: 3 | 4;
  /** The canvas before the steps: width × height × channels, or null for a transparent start. */
  base: Uint8Array | Uint8ClampedArray | null;
  /** Where the steps run (default: the whole canvas); outside it the result is `base`. */
  region?: Region;
  /** Within `region`, per row, the only columns where the steps run. */
  rows?: RowSpans;
  /** The pixels the steps start from inside `region` when they are not `base`'s (e.g. `base`
   * already holds the static layers above the smart objects, `start` only those below). */
  start?: PixelRaster;
  /** Written instead of a new array: width × height × channels bytes, usually shared memory. */
  out?: Uint8Array;
  /** `out` already holds `base` except inside this region: only that part is copied. */
  dirty?: Region | null;
  steps: ComposeStep[];
}

export function runComposeTask(task: ComposeTask): Uint8Array {
  const { width, height } = task;
  const channels = task.channels ?? 4;
  const size = width * height * channels;
  if (task.out && task.out.length !== size) throw new RangeError('out does not fit the canvas');
  const out = task.out ?? new Uint8Array(size);
  const whole = { x: 0, y: 0, width, height };
  const target: PixelRaster = { ...whole, channels, data: out };
  if (task.base) {
    const base: PixelRaster = { ...whole, channels, data: task.base };
    if (base.data.length !== size) throw new RangeError('base does not fit the canvas');
    if (task.dirty === undefined) out.set(task.base);
    else if (task.dirty) copyPixels(target, base, task.dirty);
  }
  const region = intersect(whole, task.region ?? whole);
  if (!region || task.steps.length === 0) return out;
  if (task.start) copyPixels(target, task.start, region, task.rows);

  // Stores into a clamped view round and saturate, as the kernels expect.
  const canvas: Canvas = {
    ...whole,
    channels,
    clip: region,
    ...(task.rows ? { clipRows: task.rows } : {}),
    data: new Uint8ClampedArray(out.buffer, out.byteOffset, size),
  };
  runSteps(canvas, task.steps);
  return out;
}

function runSteps(canvas: Canvas, steps: ComposeStep[]): void {
  for (const step of steps) {
    if (step.kind === 'layer') compositeOnto(canvas, step.image, step.blend, step.opacity, step.mask);
    else if (step.kind === 'color') multiplyColor(canvas, step.rgb, step.mask);
    else if (step.kind === 'adjust') adjustCanvas(canvas, step);
    else if (step.kind === 'group') composeGroup(canvas, step, runSteps);
    else if (step.kind === 'layout') layOutArtwork(step.art, step.layout, canvas.data);
    else drawSmartObject(canvas, step);
  }
}
