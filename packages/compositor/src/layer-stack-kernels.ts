// Adjustment layers and isolated groups on a canvas (or a patch of it). An adjustment recolours
// what is under it: its filters' result is blended over those colours with the layer's mode,
// opacity and mask, and the alpha stays. A group composes its steps over transparency, then the
// result is blended onto the canvas as one layer. Both only touch the canvas's writable area, so
// replaying them inside a smart object's region gives the same pixels as the whole canvas would.
import type { Canvas } from './blend-modes.js';
import {
  blendFunction,
  blendPixel,
  blendRgbPixel,
  compositeOnto,
  greyAt,
  isSeparable,
  writableArea,
  writableRow,
} from './blend-modes.js';
import type { AdjustmentFilter } from './filters/filter-model.js';
import { applySmartFilters } from './filters/filter-stack.js';
import type { PlacedGrey, Region } from './raster.js';
import { intersect } from './raster.js';
import { RGB_BLEND_FUNCTIONS } from './rgb-blend-modes.js';
import type { BlendMode } from './template-model.js';

export interface AdjustmentDraw {
  filters: AdjustmentFilter[];
  blend: BlendMode;
  opacity: number;
  /** Hidden where the mask has no pixel. */
  mask?: PlacedGrey;
}

export function adjustCanvas(canvas: Canvas, step: AdjustmentDraw): void {
  let area = writableArea(canvas);
  if (area && step.mask) area = intersect(area, step.mask);
  if (!area || step.opacity <= 0) return;
  const cx = canvas.x ?? 0;
  const cy = canvas.y ?? 0;
  const stride = canvas.channels ?? 4;
  const dst = canvas.data;
  const { width, height } = area;
  const before = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (
      let x = 0, d = ((area.y + y - cy) * canvas.width + (area.x - cx)) * stride, p = y * width * 4;
      x < width;
      x++, d += stride, p += 4
    ) {
      before[p] = dst[d]!;
      before[p + 1] = dst[d + 1]!;
      before[p + 2] = dst[d + 2]!;
      before[p + 3] = stride === 4 ? dst[d + 3]! : 255;
    }
  }
  const after = applySmartFilters({ width, height, data: before }, step.filters, 1).data;
  const rgb = (RGB_BLEND_FUNCTIONS as Partial<Record<BlendMode, (typeof RGB_BLEND_FUNCTIONS)['hue']>>)[
    step.blend
  ];
  const separable =
    !rgb && isSeparable(step.blend) && step.blend !== 'normal' ? blendFunction(step.blend) : null;
  // The blend runs on an opaque copy of the pixel: the adjusted colour replaces the old one in
  // proportion to opacity × mask whatever the pixel's alpha, which stays.
  const pixel = new Uint8ClampedArray(4);
  for (let y = area.y; y < area.y + height; y++) {
    const [x0, x1] = writableRow(canvas, y, area.x, area.x + width);
    for (let x = x0; x < x1; x++) {
      const d = ((y - cy) * canvas.width + (x - cx)) * stride;
      if (stride === 4 && dst[d + 3] === 0) continue;
      const as = step.mask ? (step.opacity * greyAt(step.mask, x, y, 0)) / 255 : step.opacity;
      if (as <= 0) continue;
      const p = ((y - area.y) * width + (x - area.x)) * 4;
      pixel[0] = dst[d]!;
      pixel[1] = dst[d + 1]!;
      pixel[2] = dst[d + 2]!;
      pixel[3] = 255;
      if (rgb) blendRgbPixel(pixel, 0, 255, after[p]!, after[p + 1]!, after[p + 2]!, as, rgb);
      else blendPixel(pixel, 0, after[p]!, after[p + 1]!, after[p + 2]!, as, separable);
      dst[d] = pixel[0];
      dst[d + 1] = pixel[1];
      dst[d + 2] = pixel[2];
    }
  }
}

export interface GroupDraw<Step> {
  steps: Step[];
  blend: BlendMode;
  /** Composed over the canvas, then faded in by opacity × mask (blend unused). */
  passThrough?: boolean;
  opacity: number;
  mask?: PlacedGrey;
}

/**
 * Composes the group's steps (with `run`) over transparency inside the writable area, then blends
 * the result; a pass-through group's over a copy of the canvas, then mixed back in.
 */
export function composeGroup<Step>(
  canvas: Canvas,
  group: GroupDraw<Step>,
  run: (target: Canvas, steps: Step[]) => void,
): void {
  let area = writableArea(canvas);
  if (area && group.mask) area = intersect(area, group.mask);
  if (!area || group.opacity <= 0) return;
  if (group.passThrough) {
    composePassThrough(canvas, area, group, run);
    return;
  }
  const layer: Canvas = {
    ...area,
    channels: 4,
    clip: area,
    ...(canvas.clipRows ? { clipRows: canvas.clipRows } : {}),
    data: new Uint8ClampedArray(area.width * area.height * 4),
  };
  run(layer, group.steps);
  compositeOnto(
    canvas,
    { x: area.x, y: area.y, width: area.width, height: area.height, data: layer.data },
    group.blend,
    group.opacity,
    group.mask,
  );
}

function composePassThrough<Step>(
  canvas: Canvas,
  area: Region,
  group: GroupDraw<Step>,
  run: (target: Canvas, steps: Step[]) => void,
): void {
  const cx = canvas.x ?? 0;
  const cy = canvas.y ?? 0;
  const stride = canvas.channels ?? 4;
  const dst = canvas.data;
  const inner: Canvas = {
    ...area,
    channels: stride,
    clip: area,
    ...(canvas.clipRows ? { clipRows: canvas.clipRows } : {}),
    data: new Uint8ClampedArray(area.width * area.height * stride),
  };
  for (let y = 0; y < area.height; y++) {
    const from = ((area.y + y - cy) * canvas.width + (area.x - cx)) * stride;
    inner.data.set(dst.subarray(from, from + area.width * stride), y * area.width * stride);
  }
  run(inner, group.steps);
  // Mixed with premultiplied colours: a pixel the group made transparent fades like an opaque one.
  for (let y = area.y; y < area.y + area.height; y++) {
    const [x0, x1] = writableRow(canvas, y, area.x, area.x + area.width);
    for (let x = x0; x < x1; x++) {
      const t = group.mask ? (group.opacity * greyAt(group.mask, x, y, 0)) / 255 : group.opacity;
      if (t <= 0) continue;
      const d = ((y - cy) * canvas.width + (x - cx)) * stride;
      const s = ((y - area.y) * area.width + (x - area.x)) * stride;
      const src = inner.data;
      if (stride === 3) {
        for (let c = 0; c < 3; c++) dst[d + c] = dst[d + c]! + (src[s + c]! - dst[d + c]!) * t;
        continue;
      }
      const ab = dst[d + 3]! / 255;
      const ag = src[s + 3]! / 255;
      const ao = ab + (ag - ab) * t;
      for (let c = 0; c < 3; c++) {
        const premultiplied = dst[d + c]! * ab + (src[s + c]! * ag - dst[d + c]! * ab) * t;
        dst[d + c] = ao > 0 ? premultiplied / ao : 0;
      }
      dst[d + 3] = ao * 255;
    }
  }
}
