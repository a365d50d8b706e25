// A layer's vector mask (its Bézier paths, in canvas pixels as ag-psd gives them) → an
// anti-aliased coverage plane, drawn by librsvg through sharp. Photoshop combines the path's
// components in order, each with its operation (combine, subtract, intersect, exclude); a subpath
// without one belongs to the component before it and is filled with it under that component's
// fill rule. Starting from nothing, a first subtract or intersect starts from everything. The mask's
// feather and density (mask-properties.ts) apply to the combined coverage.
import type { BezierPath, LayerVectorMask } from 'ag-psd';
import sharp from 'sharp';
import { applyMaskProperties, featherReach, type MaskProperties } from './mask-properties.js';
import { growBox, intersect, type Box } from './pixels.js';

/** Coverage 0..1 over `box`; outside it the mask hides everything. */
export interface Coverage {
  box: Box;
  alpha: Float32Array;
}

export type VectorMaskResult =
  | { kind: 'coverage'; coverage: Coverage }
  /** The mask shows everything (no paths from "all pixels", or disabled). */
  | { kind: 'all' }
  | { kind: 'skipped'; reason: string };

/** Photoshop's paths are hand-drawn: more is a crafted file. */
const SUBPATHS_MAX = 1000;
const KNOTS_MAX = 100_000;
/** Pixels all the components of one mask may cover together (each is a plane over the box). */
const AREA_MAX = 200_000_000;

export async function rasteriseVectorMask(
  mask: LayerVectorMask,
  canvas: Box,
  { density, feather }: MaskProperties,
): Promise<VectorMaskResult> {
  if (mask.disable) return { kind: 'all' };
  const paths = mask.paths.filter((path) => path.knots.length > 1);
  if (paths.length > SUBPATHS_MAX || paths.reduce((n, path) => n + path.knots.length, 0) > KNOTS_MAX) {
    return { kind: 'skipped', reason: 'its vector mask has more paths than an import draws' };
  }
  const components: BezierPath[][] = [];
  for (const path of paths) {
    const last = components.at(-1);
    if (path.operation === undefined && last) last.push(path);
    else components.push([path]);
  }
  const startsFull = !!mask.fillStartsWithAllPixels;
  if (components.length === 0 && !mask.invert && (startsFull || density < 1)) {
    return startsFull ? { kind: 'all' } : uniform(canvas, 1 - density);
  }
  // Only what the mask can show needs drawing: the shapes' bounds, or the whole canvas when
  // anything outside them shows.
  const first = components[0]?.[0]?.operation ?? 'combine';
  const outsideShows = startsFull || mask.invert || density < 1 || first === 'subtract';
  // A feather spreads the shapes' edge outwards by its reach.
  const reach = featherReach(feather);
  const box = outsideShows ? canvas : intersect(growBox(boundsOf(paths), reach), canvas);
  if (!box) return uniform(canvas, 0);
  if (box.width * box.height * Math.max(1, components.length) > AREA_MAX) {
    return { kind: 'skipped', reason: 'its vector mask covers more pixels than an import draws' };
  }
  const alpha = new Float32Array(box.width * box.height).fill(startsFull ? 1 : 0);
  let atStart = true;
  for (const component of components) {
    const plane = await drawComponent(component, box);
    const operation = component[0]!.operation ?? 'combine';
    if (atStart && !startsFull && (operation === 'subtract' || operation === 'intersect')) alpha.fill(1);
    for (let i = 0; i < alpha.length; i++) {
      const a = alpha[i]!;
      const b = plane[i]!;
      alpha[i] =
        operation === 'combine'
          ? a + b - a * b
          : operation === 'subtract'
            ? Math.max(0, a - b)
            : operation === 'intersect'
              ? a * b
              : a + b - 2 * a * b;
    }
    atStart = false;
  }
  for (let i = 0; i < alpha.length; i++) {
    const shown = mask.invert ? 1 - alpha[i]! : alpha[i]!;
    alpha[i] = Math.min(1, Math.max(0, shown));
  }
  applyMaskProperties(alpha, box.width, box.height, { density, feather });
  return { kind: 'coverage', coverage: { box, alpha } };
}

function uniform(canvas: Box, value: number): VectorMaskResult {
  return {
    kind: 'coverage',
    coverage: { box: canvas, alpha: new Float32Array(canvas.width * canvas.height).fill(value) },
  };
}

/** One component's subpaths filled together, as coverage over `box`. */
async function drawComponent(component: BezierPath[], box: Box): Promise<Float32Array> {
  const d = component.map((path) => svgPath(path, box)).join(' ');
  const rule = component[0]!.fillRule === 'non-zero' ? 'nonzero' : 'evenodd';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${box.width}" height="${box.height}" viewBox="0 0 ${box.width} ${box.height}"><path d="${d}" fill="#fff" fill-rule="${rule}"/></svg>`;
  const { data } = await sharp(Buffer.from(svg), { density: 72 })
    .ensureAlpha()
    .extractChannel(3)
    .raw()
    .toBuffer({ resolveWithObject: true });
  const plane = new Float32Array(box.width * box.height);
  for (let i = 0; i < plane.length; i++) plane[i] = data[i]! / 255;
  return plane;
}

/** An SVG path for one subpath: knots are [in x, in y, anchor x, anchor y, out x, out y]. */
function svgPath(path: BezierPath, box: Box): string {
  const at = (x: number, y: number) => `${fmt(x - box.x)} ${fmt(y - box.y)}`;
  const knots = path.knots;
  const [, , x0, y0] = knots[0]!.points;
  const parts = [`M${at(x0!, y0!)}`];
  const segments = path.open ? knots.length - 1 : knots.length;
  for (let i = 0; i < segments; i++) {
    const from = knots[i]!.points;
    const to = knots[(i + 1) % knots.length]!.points;
    parts.push(`C${at(from[4]!, from[5]!)} ${at(to[0]!, to[1]!)} ${at(to[2]!, to[3]!)}`);
  }
  // An open subpath is filled as if closed, as Photoshop fills it.
  parts.push('Z');
  return parts.join(' ');
}

const fmt = (value: number) => (Number.isFinite(value) ? Math.round(value * 1000) / 1000 : 0).toString();

/** The whole-pixel box around every knot and control point (a Bézier stays within its hull). */
export function boundsOf(paths: BezierPath[]): Box {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const path of paths) {
    for (const knot of path.knots) {
      for (let i = 0; i < 6; i += 2) {
        x0 = Math.min(x0, knot.points[i]!);
        x1 = Math.max(x1, knot.points[i]!);
        y0 = Math.min(y0, knot.points[i + 1]!);
        y1 = Math.max(y1, knot.points[i + 1]!);
      }
    }
  }
  if (!Number.isFinite(x0 + y0 + x1 + y1)) return { x: 0, y: 0, width: 0, height: 0 };
  const x = Math.floor(x0);
  const y = Math.floor(y0);
  return { x, y, width: Math.ceil(x1) - x, height: Math.ceil(y1) - y };
}
