// Draws one smart object onto the canvas a row at a time: warp the artwork's row (perspective or
// mesh, displaced), mask it, re-apply the shading over it, blend it onto the canvas. Each row
// stays in cache, and no region-sized intermediate image is allocated; the pixels are exactly
// those of warping the whole region first and then masking, shading and blending it.
import type { ArtworkLayout } from './artwork-layout.js';
import { layOutArtwork } from './artwork-layout.js';
import type { Canvas, Writable } from './blend-modes.js';
import { applyMask, compositeClipped, compositeOnto, writableArea, writableRow } from './blend-modes.js';
import type { SmartFilter } from './filters/filter-model.js';
import { filterArtwork } from './filters/filter-stack.js';
import type { Matrix3 } from './homography.js';
import type { MeshField } from './mesh-field.js';
import type { PlacedGrey, PlacedRgba, Region, RowSpans } from './raster.js';
import { intersect } from './raster.js';
import { compositeWithEffects } from './smart-object-effects.js';
import type { BlendMode, Quad, SmartObjectEffect } from './template-model.js';
import type { Artwork, DisplacementMap } from './warp-kernels.js';
import {
  meshRow,
  perspectiveInteriorRow,
  perspectiveRow,
  quadInterior,
  quadSpan,
  warpSource,
} from './warp-kernels.js';

export interface SmartObjectDraw {
  /** Straight RGBA, or RGB for opaque artwork; `opaque` (if known) saves a scan for transparency. */
  art: Artwork;
  /** The canvas pixels the smart object can change. */
  region: Region;
  /** perspective: canvas → artwork pixel coordinates (and, optionally, the artwork's corners on
   * the canvas, so each row visits only the pixels near the quad); mesh: a field over `region`. */
  mapping:
    | { type: 'perspective'; inverse: Matrix3; quad?: Quad }
    // supersample: each pixel's 2 × 2 footprint (Photoshop's warps) instead of one bilinear tap.
    | { type: 'mesh'; field: MeshField; supersample: boolean };
  blend: BlendMode;
  opacity: number;
  mask?: PlacedGrey;
  displacement?: DisplacementMap;
  shading?: { image: PlacedRgba; blend: BlendMode; opacity: number };
  /** `art` is the request's artwork still to be laid out on the design canvas (see artwork-layout). */
  layout?: ArtworkLayout;
  /** Smart filters run over `art` before it is warped; `scale` is artwork pixels per design pixel. */
  filters?: { list: readonly SmartFilter[]; scale: number };
  /** Where the filtered artwork shows over the unfiltered one (Photoshop's smart filter mask). */
  filterMask?: PlacedGrey;
  /** Layer effects drawn from what the smart object shows (`region` already covers their reach). */
  effects?: readonly SmartObjectEffect[];
  /** With effects, what the artwork is drawn over for them: `region` and beyond the canvas as far
   * as they see (an artwork partly off the canvas still casts its whole shadow). */
  source?: Region;
  /**
   * Also write the layer as it is blended (warped, masked, shaded) into this raster over
   * warpedAreaOf(step), every row of it whatever the canvas's clip, so later renders of the same
   * artwork in the same place can blend it without warping again (template-renderer.ts).
   */
  keepWarped?: PlacedRgba;
}

/** The canvas pixels a smart object's warped layer can cover: its region, within its mesh. */
export function warpedAreaOf(step: Pick<SmartObjectDraw, 'region' | 'mapping'>): Region | null {
  return step.mapping.type === 'mesh' ? intersect(step.region, step.mapping.field.region) : step.region;
}

/** Beyond this many canvas pixels from the quad (after displacement) a pixel's coverage is 0. */
export function quadMargin(displacementStrength: number): number {
  return 3 + Math.ceil(displacementStrength);
}

/**
 * The columns of each row of `region` a smart object can change: near its quad (perspective), or
 * where its mesh field has a triangle. Renders recompose only these.
 */
export function smartObjectRows(
  region: Region,
  mapping: { type: 'perspective'; quad: Quad } | { type: 'mesh'; field: MeshField },
  displacementStrength: number,
): RowSpans {
  const from = new Int32Array(region.height).fill(region.x);
  const to = new Int32Array(region.height).fill(region.x);
  const end = region.x + region.width;
  for (let i = 0; i < region.height; i++) {
    const y = region.y + i;
    if (mapping.type === 'perspective') {
      const span = quadSpan(mapping.quad, y + 0.5, quadMargin(displacementStrength));
      if (span) [from[i], to[i]] = [Math.max(region.x, span[0]), Math.min(end, span[1])];
      continue;
    }
    const { field } = mapping;
    const row = (y - field.region.y) * field.region.width - field.region.x;
    if (y < field.region.y || y >= field.region.y + field.region.height) continue;
    const x0 = Math.max(region.x, field.region.x);
    const x1 = Math.min(end, field.region.x + field.region.width);
    let first = x1;
    let last = x0 - 1;
    for (let x = x0; x < x1; x++) {
      if (field.triangle[row + x]! < 0) continue;
      if (x < first) first = x;
      last = x;
    }
    if (first <= last) [from[i], to[i]] = [first, last + 1];
  }
  return { y: region.y, from, to };
}

export function drawSmartObject(canvas: Canvas, step: SmartObjectDraw): void {
  if (step.effects?.length) {
    drawWithEffects(canvas, step);
    return;
  }
  const keep = step.keepWarped;
  // Kept layers are warped whole; the canvas still only changes where it is writable (compositeOnto clips).
  const writable = keep ?? writableArea(canvas);
  let area = writable && intersect(writable, step.region);
  if (area && step.mapping.type === 'mesh') area = intersect(area, step.mapping.field.region);
  if (!area) return;
  const laid = step.layout ? layOutArtwork(step.art, step.layout) : step.art;
  const art = step.filters ? filterArtwork(laid, step.filters.list, step.filters.scale) : laid;
  const source = warpSource(art);
  // With a filter mask the unfiltered artwork is warped too, and the two mixed through the mask.
  const unfiltered = step.filters && step.filterMask ? warpSource(laid) : undefined;
  const plainRow = unfiltered ? new Uint8ClampedArray(area.width * 4) : undefined;
  const row: Writable<PlacedRgba> = {
    x: area.x,
    y: area.y,
    width: area.width,
    height: 1,
    data: new Uint8ClampedArray(area.width * 4),
  };
  const x1 = area.x + area.width;
  const strength = step.displacement?.strength ?? 0;
  const margin = quadMargin(strength);
  // Pixels this far inside the quad are fully covered: with opaque artwork, nothing to mask,
  // shade or blend, they are written straight onto the canvas.
  const inset = 2 + Math.SQRT2 * strength;
  const direct =
    !keep &&
    source.opaque &&
    !step.mask &&
    !unfiltered &&
    !step.shading &&
    step.blend === 'normal' &&
    step.opacity >= 1;
  const stride = canvas.channels ?? 4;
  const { mapping } = step;
  for (let y = area.y; y < area.y + area.height; y++) {
    if (y > area.y) row.data.fill(0);
    row.y = y;
    // Where the row buffer has pixels: all of it, or only the edges when the interior went
    // straight onto the canvas.
    let buffered: [number, number][] = [[area.x, x1]];
    const [rowFrom, rowTo] = keep ? [area.x, x1] : writableRow(canvas, y, area.x, x1);
    if (rowFrom >= rowTo) continue;
    if (mapping.type === 'mesh') {
      meshRow(
        row.data,
        (rowFrom - area.x) * 4,
        source,
        mapping.field,
        y,
        rowFrom,
        rowTo,
        mapping.supersample,
        step.displacement,
      );
    } else {
      let from = rowFrom;
      let to = rowTo;
      if (mapping.quad) {
        const span = quadSpan(mapping.quad, y + 0.5, margin);
        from = span ? Math.max(from, span[0]) : to;
        to = span ? Math.min(to, span[1]) : to;
      }
      const inner = direct && mapping.quad && from < to ? quadInterior(mapping.quad, y + 0.5, inset) : null;
      const i0 = inner ? Math.max(from, inner[0]) : to;
      const i1 = inner ? Math.min(to, inner[1]) : to;
      if (i0 < i1) {
        // Edges into the row buffer, the interior straight onto the canvas.
        const { inverse } = mapping;
        if (from < i0)
          perspectiveRow(row.data, (from - area.x) * 4, source, inverse, y, from, i0, step.displacement);
        if (i1 < to)
          perspectiveRow(row.data, (i1 - area.x) * 4, source, inverse, y, i1, to, step.displacement);
        const cx = canvas.x ?? 0;
        const cy = canvas.y ?? 0;
        const d = ((y - cy) * canvas.width + (i0 - cx)) * stride;
        const edge = row.data.subarray((i0 - area.x) * 4);
        const deferred = perspectiveInteriorRow(
          canvas.data,
          stride,
          d,
          source,
          inverse,
          y,
          i0,
          i1,
          edge,
          step.displacement,
        );
        if (!deferred) {
          buffered = [
            [from, i0],
            [i1, to],
          ];
        }
      } else if (from < to) {
        perspectiveRow(
          row.data,
          (from - area.x) * 4,
          source,
          mapping.inverse,
          y,
          from,
          to,
          step.displacement,
        );
      }
    }
    if (unfiltered && plainRow && step.filterMask) {
      plainRow.fill(0);
      if (mapping.type === 'mesh') {
        meshRow(
          plainRow,
          (rowFrom - area.x) * 4,
          unfiltered,
          mapping.field,
          y,
          rowFrom,
          rowTo,
          mapping.supersample,
          step.displacement,
        );
      } else {
        const span: [number, number] | null = mapping.quad
          ? quadSpan(mapping.quad, y + 0.5, margin)
          : [rowFrom, rowTo];
        const from = span ? Math.max(rowFrom, span[0]) : rowTo;
        const to = span ? Math.min(rowTo, span[1]) : rowTo;
        if (from < to) {
          perspectiveRow(
            plainRow,
            (from - area.x) * 4,
            unfiltered,
            mapping.inverse,
            y,
            from,
            to,
            step.displacement,
          );
        }
      }
      mixThroughMask(row, plainRow, step.filterMask);
    }
    if (step.mask) applyMask(row, step.mask);
    if (step.shading) compositeClipped(row, step.shading.image, step.shading.blend, step.shading.opacity);
    if (keep) keep.data.set(row.data, ((y - keep.y) * keep.width + (area.x - keep.x)) * 4);
    for (const [a, b] of buffered) {
      if (a < b)
        compositeOnto(
          canvas,
          { ...row, width: b - a, x: a, data: row.data.subarray((a - area.x) * 4, (b - area.x) * 4) },
          step.blend,
          step.opacity,
        );
    }
  }
}

/**
 * Effects need the whole picture the smart object shows (a shadow can fall from pixels outside what
 * this canvas may write): it is drawn over transparency first, then composited with its effects.
 */
function drawWithEffects(canvas: Canvas, { effects = [], source, ...step }: SmartObjectDraw): void {
  if (!writableArea(canvas)) return;
  const { x, y, width, height } = source ?? step.region;
  const content = { x, y, width, height, data: new Uint8ClampedArray(width * height * 4) };
  drawSmartObject(content, { ...step, region: { x, y, width, height }, blend: 'normal', opacity: 1 });
  compositeWithEffects(canvas, content, effects, step.blend, step.opacity);
}

/**
 * `filtered` (straight RGBA, one canvas row) becomes the filtered pixels through the grey mask over
 * the `plain` ones: a per-pixel mix of the two, in premultiplied colour so a transparent pixel's
 * colour counts for nothing.
 */
function mixThroughMask(filtered: Writable<PlacedRgba>, plain: Uint8ClampedArray, mask: PlacedGrey): void {
  const out = filtered.data;
  const y = filtered.y;
  const inside = y >= mask.y && y < mask.y + mask.height;
  const maskRow = (y - mask.y) * mask.width - mask.x;
  for (let i = 0, x = filtered.x; i < out.length; i += 4, x++) {
    const m = inside && x >= mask.x && x < mask.x + mask.width ? mask.data[maskRow + x]! / 255 : 1;
    if (m === 1) continue;
    const af = (out[i + 3]! / 255) * m;
    const ap = (plain[i + 3]! / 255) * (1 - m);
    const a = af + ap;
    if (a <= 0) {
      out[i] = out[i + 1] = out[i + 2] = out[i + 3] = 0;
      continue;
    }
    for (let c = 0; c < 3; c++) out[i + c] = (out[i + c]! * af + plain[i + c]! * ap) / a;
    out[i + 3] = a * 255;
  }
}
