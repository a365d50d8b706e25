// One render's pixel work as a plain, structured-cloneable task (so it can run on a kernel thread):
// start from the pre-flattened base and apply each step in layer order. The task only reads its
// inputs (cached layers are shared between renders) and returns a new canvas.
import type { Writable } from './blend-modes.js';
import { applyMask, compositeClipped, compositeOnto, multiplyColor } from './blend-modes.js';
import type { Matrix3 } from './homography.js';
import type { MeshField } from './mesh-field.js';
import type { PlacedGrey, PlacedRgba, Region, RgbaImage } from './raster.js';
import type { BlendMode } from './template-model.js';
import type { DisplacementMap } from './warp-kernels.js';
import { warpMesh, warpPerspective } from './warp-kernels.js';

export type ComposeStep =
  | { kind: 'layer'; image: PlacedRgba; blend: BlendMode; opacity: number; mask?: PlacedGrey }
  | { kind: 'color'; rgb: [number, number, number]; mask: PlacedGrey }
  | {
      kind: 'smart';
      art: RgbaImage;
      region: Region;
      /** perspective: canvas → artwork pixel coordinates; mesh: a field over `region`. */
      mapping: { type: 'perspective'; inverse: Matrix3 } | { type: 'mesh'; field: MeshField };
      blend: BlendMode;
      opacity: number;
      mask?: PlacedGrey;
      displacement?: DisplacementMap;
      shading?: { image: PlacedRgba; blend: BlendMode; opacity: number };
    };

export interface ComposeTask {
  width: number;
  height: number;
  /** Straight RGBA of width × height, or null for a transparent start. */
  base: Uint8Array | Uint8ClampedArray | null;
  steps: ComposeStep[];
}

export function runComposeTask(task: ComposeTask): Uint8ClampedArray {
  const data = new Uint8ClampedArray(task.width * task.height * 4);
  if (task.base) data.set(task.base);
  const canvas: Writable<RgbaImage> = { width: task.width, height: task.height, data };
  for (const step of task.steps) {
    if (step.kind === 'layer') {
      compositeOnto(canvas, step.image, step.blend, step.opacity, step.mask);
    } else if (step.kind === 'color') {
      multiplyColor(canvas, step.rgb, step.mask);
    } else {
      const warped =
        step.mapping.type === 'perspective'
          ? warpPerspective(step.art, step.mapping.inverse, step.region, step.displacement)
          : warpMesh(step.art, step.mapping.field, step.displacement);
      if (step.mask) applyMask(warped, step.mask);
      if (step.shading)
        compositeClipped(warped, step.shading.image, step.shading.blend, step.shading.opacity);
      compositeOnto(canvas, warped, step.blend, step.opacity);
    }
  }
  return data;
}
