// A placed layer's warp as Photoshop stores it, turned into a grid of cubic Bézier control points in
// the content's own coordinates: a custom warp (one 4×4 patch), a split ("quilt") warp of any number
// of patches, or one of the preset styles, whose envelope is derived here from its bend and
// distortion. Invariant: a grid has 3·n + 1 points per row and 3·m + 1 rows (patches share edges),
// and `slicesX`/`slicesY` hold the content positions of the n + 1 / m + 1 patch boundaries.
import type { Point } from '@platen/compositor';
import { cylinderGrid, cylinderParameters } from './cylinder-warp.js';

export interface WarpInput {
  style?: string;
  value?: number;
  values?: number[];
  perspective?: number;
  perspectiveOther?: number;
  rotate?: string;
  bounds?: {
    top: { value: number };
    left: { value: number };
    bottom: { value: number };
    right: { value: number };
  };
  uOrder?: number;
  vOrder?: number;
  deformNumRows?: number;
  deformNumCols?: number;
  customEnvelopeWarp?: {
    meshPoints: { x: number; y: number }[];
    quiltSliceX?: number[];
    quiltSliceY?: number[];
  };
}

export interface ControlGrid {
  /** Control points per row (3·patches + 1) and rows of them. */
  cols: number;
  rows: number;
  /** Row by row, in the content's own coordinates. */
  points: Point[];
  slicesX: number[];
  slicesY: number[];
  /**
   * The rectangle (content px) that Photoshop's transform corners stand for, when it is not the
   * control points' bounding box.
   */
  frame?: Rect;
}

export type EnvelopeOutcome =
  | { kind: 'none' }
  | { kind: 'grid'; grid: ControlGrid; approximation?: string }
  | { kind: 'unsupported'; reason: string };

/** Split warps beyond this many patches a side are refused (Photoshop's own grid stops well below). */
export const MAX_PATCHES = 32;

export const PRESET_STYLES = [
  'arc',
  'arcLower',
  'arcUpper',
  'arch',
  'bulge',
  'shellLower',
  'shellUpper',
  'flag',
  'wave',
  'fish',
  'rise',
  'fisheye',
  'inflate',
  'squeeze',
  'twist',
  'cylinder',
] as const;
export type PresetStyle = (typeof PRESET_STYLES)[number];

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

function boundsOf(warp: WarpInput, size: { width: number; height: number }): Rect {
  const left = warp.bounds?.left.value ?? 0;
  const top = warp.bounds?.top.value ?? 0;
  const width = (warp.bounds?.right.value ?? size.width) - left;
  const height = (warp.bounds?.bottom.value ?? size.height) - top;
  const usable = Number.isFinite(width) && Number.isFinite(height) && width > 0 && height > 0;
  return usable ? { left, top, width, height } : { left: 0, top: 0, width: size.width, height: size.height };
}

/** n + 1 evenly spaced patch boundaries over [from, from + length]. */
const evenSlices = (from: number, length: number, patches: number) =>
  Array.from({ length: patches + 1 }, (_, k) => from + (length * k) / patches);

/**
 * Photoshop's quilt slices sit 0.6 px outside the content at both ends (a drawing nicety): the ends
 * are the bounds; inner slices are used as given when they increase, else spread evenly.
 */
function slicesOf(stored: number[] | undefined, from: number, length: number, patches: number): number[] {
  const even = evenSlices(from, length, patches);
  if (!stored || stored.length !== patches + 1) return even;
  const slices = stored.map((value, k) => (k === 0 ? from : k === patches ? from + length : value));
  const increasing = slices.every(
    (value, k) => Number.isFinite(value) && (k === 0 || value > slices[k - 1]!),
  );
  return increasing ? slices : even;
}

function isIdentity(grid: ControlGrid, rect: Rect): boolean {
  const { cols, rows, points } = grid;
  const patchesX = (cols - 1) / 3;
  const patchesY = (rows - 1) / 3;
  const even = (k: number, n: number, from: number, length: number) => from + (length * k) / n;
  return points.every((p, index) => {
    const i = index % cols;
    const j = Math.floor(index / cols);
    const x = even(i, cols - 1, rect.left, rect.width);
    const y = even(j, rows - 1, rect.top, rect.height);
    return (
      Math.abs(p[0] - x) < 0.01 &&
      Math.abs(p[1] - y) < 0.01 &&
      grid.slicesX.every((s, k) => Math.abs(s - even(k, patchesX, rect.left, rect.width)) < 0.01) &&
      grid.slicesY.every((s, k) => Math.abs(s - even(k, patchesY, rect.top, rect.height)) < 0.01)
    );
  });
}

/** The warp's control grid, none when the warp leaves the content as it is. */
export function envelopeOf(
  warp: WarpInput | undefined,
  size: { width: number; height: number },
): EnvelopeOutcome {
  if (!warp || warp.style === undefined || warp.style === 'none') return { kind: 'none' };
  const rect = boundsOf(warp, size);
  if (warp.style === 'custom') {
    const mesh = warp.customEnvelopeWarp?.meshPoints;
    if (!mesh || mesh.length === 0) return { kind: 'none' };
    const quilt = warp.deformNumCols !== undefined || warp.deformNumRows !== undefined;
    const cols = quilt ? (warp.deformNumCols ?? 0) : 4;
    const rows = quilt ? (warp.deformNumRows ?? 0) : 4;
    const patchesX = (cols - 1) / 3;
    const patchesY = (rows - 1) / 3;
    if (
      !Number.isInteger(patchesX) ||
      !Number.isInteger(patchesY) ||
      patchesX < 1 ||
      patchesY < 1 ||
      patchesX > MAX_PATCHES ||
      patchesY > MAX_PATCHES ||
      mesh.length !== cols * rows ||
      mesh.some((p) => !Number.isFinite(p.x) || !Number.isFinite(p.y))
    ) {
      return {
        kind: 'unsupported',
        reason: `the warp's grid (${mesh.length} points for ${cols}×${rows}) cannot be read`,
      };
    }
    const grid: ControlGrid = {
      cols,
      rows,
      points: mesh.map((p) => [p.x, p.y]),
      slicesX: slicesOf(warp.customEnvelopeWarp?.quiltSliceX, rect.left, rect.width, patchesX),
      slicesY: slicesOf(warp.customEnvelopeWarp?.quiltSliceY, rect.top, rect.height, patchesY),
    };
    return isIdentity(grid, rect) ? { kind: 'none' } : { kind: 'grid', grid };
  }
  if (!(PRESET_STYLES as readonly string[]).includes(warp.style)) {
    return { kind: 'unsupported', reason: `the "${warp.style}" warp style is not known` };
  }
  const style = warp.style as PresetStyle;
  const horizontal = clampPercent(warp.perspective ?? 0);
  const vertical = clampPercent(warp.perspectiveOther ?? 0);
  if (style === 'cylinder') return cylinderEnvelope(warp, rect, horizontal, vertical);
  const bend = clampPercent(warp.value ?? 0);
  if (bend === 0 && horizontal === 0 && vertical === 0) return { kind: 'none' };
  const unit = presetEnvelope(
    style,
    bend,
    horizontal,
    vertical,
    warp.rotate === 'vertical',
    rect.width / rect.height,
  );
  const grid: ControlGrid = {
    cols: 4,
    rows: 4,
    points: unit.map(([x, y]) => [rect.left + x * rect.width, rect.top + y * rect.height]),
    slicesX: [rect.left, rect.left + rect.width],
    slicesY: [rect.top, rect.top + rect.height],
  };
  const frame = presetFrame(style, bend, warp.rotate === 'vertical', rect);
  if (frame) grid.frame = frame;
  const distorted = horizontal !== 0 || vertical !== 0;
  if (MEASURED_PRESETS.has(style) && !distorted) return { kind: 'grid', grid };
  return { kind: 'grid', grid, approximation: presetApproximation(style, distorted) };
}

/**
 * Presets whose envelope was measured on Photoshop's own drawing and matches it (MAD ≤ 2.5 on the
 * file named at its formula below, at bend 50 %; other bends follow the same formula); with a
 * distortion they are still extrapolated.
 */
const MEASURED_PRESETS: ReadonlySet<PresetStyle> = new Set(['twist', 'inflate', 'squeeze']);

/**
 * Presets whose envelope misses Photoshop's own drawing: Photoshop warps text with the same presets,
 * and on its text warps (warp-photoshop-outline.test.ts, bend 50 %) these land 21–27 px from
 * the outline Photoshop drew, where the measured presets land within 5.
 */
const OFF_PRESETS: ReadonlySet<PresetStyle> = new Set(['shellLower', 'shellUpper']);

/**
 * Presets whose shape matches Photoshop's drawing of them on text (within 2 px of its outline, and
 * for fish, wave and fisheye of its letters' tops and feet too) but were never checked on a placed
 * layer, where the transform's corners may stand for another frame than the control points' box
 * (as they do for inflate and squeeze).
 */
const SHAPE_MATCHED_PRESETS: ReadonlySet<PresetStyle> = new Set([
  'arc',
  'arcLower',
  'arcUpper',
  'arch',
  'bulge',
  'flag',
  'rise',
  'fish',
  'wave',
  'fisheye',
]);

function presetApproximation(style: PresetStyle, distorted: boolean): string {
  if (SHAPE_MATCHED_PRESETS.has(style) && distorted) {
    return `the "${style}" warp preset has the shape Photoshop draws without a distortion, but with one Photoshop's exact curve may differ`;
  }
  if (SHAPE_MATCHED_PRESETS.has(style)) {
    return `the "${style}" warp preset has the shape Photoshop draws, but where Photoshop places it on a smart object is not yet checked against its drawing`;
  }
  if (MEASURED_PRESETS.has(style)) {
    return `the "${style}" warp preset is drawn as Photoshop draws it, but with a distortion Photoshop's exact curve may differ`;
  }
  if (OFF_PRESETS.has(style)) {
    return `the "${style}" warp preset is drawn from an envelope derived from its bend and distortion, which differs from Photoshop's drawing of it (Photoshop's outline reaches further)`;
  }
  return `the "${style}" warp preset is drawn from an envelope derived from its bend and distortion, not yet checked against Photoshop's drawing; Photoshop's exact curve may differ`;
}

/**
 * The cylinder, reproduced as Photoshop draws it at its default handles (cylinder-warp.ts); other
 * handle positions, a distortion or a vertical cylinder are extrapolated and say so.
 */
function cylinderEnvelope(
  warp: WarpInput,
  rect: Rect,
  horizontal: number,
  vertical: number,
): EnvelopeOutcome {
  const { ratio, handles } = cylinderParameters(warp.values);
  const rotated = warp.rotate === 'vertical';
  const frame = rotated ? { left: rect.top, top: rect.left, width: rect.height, height: rect.width } : rect;
  const upright = cylinderGrid(frame, ratio);
  const grid: ControlGrid = rotated
    ? { ...transposed(upright), slicesX: upright.slicesY, slicesY: upright.slicesX }
    : upright;
  const distorted = horizontal !== 0 || vertical !== 0;
  if (distorted) {
    grid.points = grid.points.map(([x, y]) => {
      const [tx, ty] = taper(
        [(x - rect.left) / rect.width, (y - rect.top) / rect.height],
        horizontal,
        vertical,
      );
      return [rect.left + tx * rect.width, rect.top + ty * rect.height];
    });
  }
  if (handles === 'default' && !rotated && !distorted) return { kind: 'grid', grid };
  return {
    kind: 'grid',
    grid,
    approximation: `the "cylinder" warp preset is drawn as Photoshop draws its default shape; with ${
      distorted
        ? 'a distortion'
        : rotated
          ? 'a vertical axis'
          : handles === 'moved'
            ? 'its handles moved'
            : 'its handles unreadable'
    } Photoshop's exact curve may differ`,
  };
}

/** A grid's points in column-major order as rows: the grid of the same surface with x and y exchanged. */
function transposed(grid: ControlGrid): Pick<ControlGrid, 'cols' | 'rows' | 'points'> {
  const points: Point[] = [];
  for (let i = 0; i < grid.cols; i++) {
    for (let j = 0; j < grid.rows; j++) {
      const [x, y] = grid.points[j * grid.cols + i]!;
      points.push([y, x]);
    }
  }
  return { cols: grid.rows, rows: grid.cols, points };
}

/**
 * The distortions, as Photoshop draws them on its text warps (qtpsd text_warp vdistort.psd and
 * hdistort.psd: arc at bend 30 % with a vertical / horizontal distortion of 50 %; Photoshop 27.3,
 * numbers only). Both make one side of the frame 1 + 0.6 · distortion times its size and the other
 * 1 − 0.6 · distortion times (DISTORTION_REACH). The vertical one is a perspective of the frame (the
 * top narrower for a positive distortion, and the rows crowding towards it: a free fit of the side
 * widths and the rows' crowding landed on a perspective's own crowding, within 1 %), continued along
 * its tangent outside the frame so no bend can send a point to infinity: its outline lands within
 * 1.3 px of Photoshop's and its letters' tops within 3.5 (0.16 % of the ink outside the text's box
 * through it), where the former linear taper (sides 1 ∓ ⅓ · distortion) missed them by 7 and 9.
 * The horizontal one stays a linear taper (the right side taller for a positive distortion, the
 * columns evenly spaced): a perspective there sends the arc's right end 8 px past Photoshop's, and
 * the best free fit crowds the columns hardly at all (outline within 2.6 px both ways; 3.3 % of
 * the ink outside with the former taper, 1.1 % with this one).
 */
function taper([x, y]: Point, horizontal: number, vertical: number): Point {
  const narrowing = DISTORTION_REACH * vertical;
  const crowding = (1 - narrowing) / (1 + narrowing);
  const down = perspectiveAlong(y, crowding);
  const sx = 1 - narrowing + 2 * narrowing * down;
  const sy = 1 + 2 * DISTORTION_REACH * horizontal * (x - 0.5);
  return [0.5 + (x - 0.5) * sx, 0.5 + (down - 0.5) * sy];
}

const DISTORTION_REACH = 0.6;

/**
 * Where position t ∈ [0, 1] along the frame lands under a perspective whose far end (t = 0) is
 * `crowding` times as large as its near one (1 for none); outside the frame, the tangent at its edge.
 */
function perspectiveAlong(t: number, crowding: number): number {
  if (t < 0) return t * crowding;
  if (t > 1) return 1 + (t - 1) / crowding;
  return (crowding * t) / (1 - t + crowding * t);
}

const clampPercent = (value: number) =>
  Number.isFinite(value) ? Math.max(-100, Math.min(100, value)) / 100 : 0;

/**
 * Each preset as a displacement of the identity 4×4 control grid (in units of the content's size),
 * for horizontal orientation and bend b ∈ [−1, 1]; a vertical preset is the same envelope with x
 * and y exchanged. Derivation: a cubic Bézier edge whose two inner control points are moved by d
 * moves its midpoint by ¾·d, so an edge meant to bow by h (as a share of the size) moves its inner
 * points by 4h/3. The presets not yet matched to Photoshop's drawing bow an edge by half the
 * content's height at bend 100 %, so A = 4/3 · ½ = ⅔ is the inner-point shift at full bend (the
 * arcs Photoshop draws scale with the width instead: arcEdge, ringSector; its flag and rise shift
 * by 2 · b heights: swayedRow). i, j ∈ 0..3 index column
 * and row; "inner" means i ∈ {1, 2}.
 */
const A = 2 / 3;
/** `aspect`: the frame's width over its height, along the preset's own (unrotated) axes. */
type Displacement = (i: number, j: number, b: number, aspect: number) => Point;

const inner = (k: number) => k === 1 || k === 2;
/** Outward unit direction from the centre along one axis: −1, −⅓, ⅓, 1 for k = 0..3. */
const side = (k: number) => (2 * k) / 3 - 1;

/**
 * The displacement of point i of a row bowed into a circular arc of b · 180° over the width (up for
 * a positive bend): the cubic Bézier of that arc keeps its ends and puts its inner points on the
 * ends' tangents, 4/3 · tan(θ/4) · R along them (R the arc's radius, the width 1). Photoshop's arc
 * lower, arc upper, bulge and arch edges are these arcs: their sagitta scales with the width, not
 * the height (its text warps at bend 33–50 %: within 0.3 px of the ink outline it drew,
 * warp-photoshop-outline.test.ts).
 */
function arcEdge(i: number, b: number, aspect: number): Point {
  const theta = b * Math.PI;
  if (!inner(i) || Math.abs(theta) < 1e-6) return [0, 0];
  const reach = ((4 / 3) * Math.tan(theta / 4)) / (2 * Math.sin(theta / 2));
  const along = reach * Math.cos(theta / 2) - 1 / 3;
  const rise = reach * Math.sin(theta / 2) * aspect;
  return [i === 1 ? along : -along, -rise];
}

const scaled = ([x, y]: Point, by: number): Point => [x * by, y * by];

/**
 * Flag, rise and wave: every row the same cubic, its four points lowered by `drops[i]` content heights
 * (raised for a negative value), the columns upright. Fitted on Photoshop's text warps at bend
 * 50 % (qtpsd text_warp flag.psd, width/height 1.69, and rise.psd, 1.87; Photoshop 27.3, numbers
 * only): a shift of 2 · bend heights puts all of Photoshop's ink back in the text's box with its
 * edges within 1.2 px for both; the best shift in widths common to both (0.55 · 2 · bend) leaves
 * them within 2 px. So these seem to scale with the height, unlike the arcs, but the two files'
 * aspects are too close to settle it. Only vertical moves, so no bend folds the envelope.
 */
const swayedRow = (i: number, drops: [number, number, number, number]): Point => [0, drops[i]!];

/**
 * The fish's sway: 2 · bend content heights, as Photoshop draws it at bend 50 % (qtpsd text_warp
 * fish.psd, width/height 1.92: Photoshop's ink un-warps into the text's box and its letters' stems
 * end within 0.4 px of the cap height and baseline). The top and bottom rows pinch towards each
 * other where they sway inwards and would cross beyond a sway of 1.73 heights, so it stops at 1.5
 * (reached at bend 75 %): past that the fish keeps its shape rather than folding. Photoshop's
 * drawing at such bends, and whether its sway scales with the height or the width, is not checked.
 */
const fishSway = (b: number) => Math.sign(b) * Math.min(2 * Math.abs(b), 1.5);

/**
 * Photoshop's arc: the frame bent into a ring sector of bend × 180°, the concave edge keeping the
 * width as its chord (its corners stay put), the rows concentric arcs a third of the height apart
 * and the sides radial (its text warps at bend ±50 %: within 0.4 px of the ink outline it drew).
 * Returns the displacement of control point (i, j) from the identity grid, for a positive bend; a
 * negative one is the same sector upside down.
 */
function ringSector(i: number, j: number, b: number, aspect: number): Point {
  if (b < 0) {
    const [dx, dy] = ringSector(i, 3 - j, -b, aspect);
    return [dx, -dy];
  }
  const theta = b * Math.PI;
  if (theta < 1e-6) return [0, 0];
  const chordRadius = aspect / 2 / Math.sin(theta / 2);
  const centreY = 1 + chordRadius * Math.cos(theta / 2);
  const radius = chordRadius + 1 - j / 3;
  const reach = (4 / 3) * Math.tan(theta / 4) * radius;
  const end = i < 2 ? -theta / 2 : theta / 2;
  let x = aspect / 2 + radius * Math.sin(end);
  let y = centreY - radius * Math.cos(end);
  if (inner(i)) {
    const toward = i === 1 ? 1 : -1;
    x += toward * reach * Math.cos(end);
    y += toward * reach * Math.sin(end);
  }
  return [x / aspect - i / 3, y - j / 3];
}

/** The bend-driven presets; the cylinder has its own geometry (cylinder-warp.ts). */
type BendPreset = Exclude<PresetStyle, 'cylinder'>;

/**
 * Inflate and squeeze: Photoshop's transform corners stand for the content's rectangle widened by
 * half the bend (in content sizes) on both sides of each axis the preset swells along, not for the
 * control points' box (which reaches a third of the bend out). Measured on Photoshop's drawings at
 * bend 50 % (Aspose.PSD_Inflate.psd, Aspose.PSD_Squeeze.psd: with the control points' box no grid
 * came within 9 levels of them, with this frame the preset's own grid is within 2).
 */
/** Along x and along y, whether the preset's edges swell outwards (a deflating inflate does not). */
function swellingAxes(style: BendPreset, bend: number): [boolean, boolean] | undefined {
  if (style === 'inflate') return bend > 0 ? [true, true] : undefined;
  if (style === 'squeeze') return [bend < 0, bend > 0];
  return undefined;
}

function presetFrame(style: BendPreset, bend: number, rotated: boolean, rect: Rect): Rect | undefined {
  const swells = swellingAxes(style, bend);
  if (!swells) return undefined;
  const [alongX, alongY] = rotated ? [swells[1], swells[0]] : swells;
  const reachX = alongX ? (Math.abs(bend) / 2) * rect.width : 0;
  const reachY = alongY ? (Math.abs(bend) / 2) * rect.height : 0;
  return {
    left: rect.left - reachX,
    top: rect.top - reachY,
    width: rect.width + 2 * reachX,
    height: rect.height + 2 * reachY,
  };
}
const PRESETS: Record<BendPreset, Displacement> = {
  // Text on a circle: every row an arc about one centre, the sides radial.
  arc: ringSector,
  // Only the bottom edge bows (a circular arc, downwards for a positive bend), fading to nothing at
  // the top.
  arcLower: (i, j, b, aspect) => scaled(arcEdge(i, -b, aspect), j / 3),
  // Only the top edge bows (upwards), fading to nothing at the bottom.
  arcUpper: (i, j, b, aspect) => scaled(arcEdge(i, b, aspect), (3 - j) / 3),
  // Every row bows up by the same arc and the sides stay vertical.
  arch: (i, _j, b, aspect) => arcEdge(i, b, aspect),
  // Top up, bottom down: the rows open out from the middle.
  bulge: (i, j, b, aspect) => {
    const [tx, ty] = scaled(arcEdge(i, b, aspect), (3 - j) / 3);
    const [bx, by] = scaled(arcEdge(i, -b, aspect), j / 3);
    return [tx + bx, ty + by];
  },
  // The bottom bows down and its corners come up: a shell opening downwards.
  shellLower: (i, j, b) => [
    0,
    j === 3 ? (inner(i) ? b * A * 0.5 : -b * A * 0.5) : j === 2 && inner(i) ? (b * A) / 6 : 0,
  ],
  // The top bows up and its corners come down.
  shellUpper: (i, j, b) => [
    0,
    j === 0 ? (inner(i) ? -b * A * 0.5 : b * A * 0.5) : j === 1 && inner(i) ? -(b * A) / 6 : 0,
  ],
  // One full S-wave along every row, up on the left and down on the right: the rows' inner points
  // move by twice the bend in content heights (swayedRow).
  flag: (i, _j, b) => swayedRow(i, [0, -2 * b, 2 * b, 0]),
  // The flag's S-wave the other way round and lower: every row down on the left and up on the
  // right, its inner points moved by 0.7 · bend content heights (swayedRow; qtpsd text_warp
  // wave.psd, bend 50 %, width/height 4.04: Photoshop's ink un-warps into the text's box, its
  // letters' baselines within 0.7 px of it on average).
  wave: (i, _j, b) => swayedRow(i, [0, 0.7 * b, -0.7 * b, 0]),
  // A fish, head on the left: the top row sways as the flag's does (up at the left, down at the
  // right, by 2 · bend heights, fishSway), the bottom row the other way, and the rows between are
  // their blend, so the middle row stays straight; the body swells where the top rises and the
  // tail pinches and flares at the right. A negative bend is the same fish facing right.
  fish: (i, j, b) => scaled(swayedRow(i, [0, -fishSway(b), fishSway(b), 0]), 1 - (2 * j) / 3),
  // The left falls and the right stays: every row the same S-curve, flat at both ends, its left
  // half (ends and inner points) lowered by twice the bend in content heights (swayedRow).
  rise: (i, _j, b) => swayedRow(i, [2 * b, 2 * b, 0, 0]),
  // The centre swells outwards: only the four inner points move, away from the centre by 1.75 ·
  // bend thirds (qtpsd text_warp fisheye.psd, bend 50 %: Photoshop's ink un-warps into the text's
  // box and its letters' stems land within a pixel of where they stand unwarped, where 1.5 left
  // them 2 px towards the middle); towards it for a negative bend, never past it, so the envelope
  // does not fold. The swelling stops at 1.3 thirds (bend 74 %): past 1.33 the inner points reach
  // so far beyond the edges that the envelope folds there (Photoshop's drawing at such bends is
  // not checked).
  fisheye: (i, j, b) => {
    const shift = b > 0 ? Math.min(1.75 * b, 1.3) : 0.45 * b;
    return inner(i) && inner(j) ? [shift * side(i), shift * side(j)] : [0, 0];
  },
  // The whole envelope swells: the edges' inner points move out by a third of the bend, the inner
  // points a ninth (placed in a wider frame, presetFrame). Matches Photoshop's drawing at bend 50 %
  // (Aspose.PSD_Inflate.psd).
  inflate: (i, j, b) => [inner(j) ? b * A * 0.5 * side(i) : 0, inner(i) ? b * A * 0.5 * side(j) : 0],
  // Inflate across, deflate along: the top and bottom swell, the sides pinch in by as much
  // (Aspose.PSD_Squeeze.psd, bend 50 %).
  squeeze: (i, j, b) => [inner(j) ? -b * A * 0.5 * side(i) : 0, inner(i) ? b * A * 0.5 * side(j) : 0],
  // Measured on Photoshop's own drawing (Aspose.PSD_Twist.psd, bend 50 %): the edges stay put and
  // each inner point slides by the bend (in content sizes) along the grid line it sits on, one
  // quarter-turn on from the last, a pinwheel; a rotation of the inner points about the centre
  // misses Photoshop's drawing by 31 levels there, this by 2.2 (what is left is resampling).
  twist: (i, j, b) => {
    if (!(inner(i) && inner(j))) return [0, 0];
    if (j === 1) return i === 1 ? [b, 0] : [0, b];
    return i === 2 ? [-b, 0] : [0, -b];
  },
};

/**
 * The preset's 16 control points in the unit square, row by row: the bend's envelope, then the
 * distortions as a perspective-like taper (horizontal distortion: one side taller than the other;
 * vertical distortion: the top wider than the bottom or the reverse), as Photoshop's sliders do.
 */
export function presetEnvelope(
  style: BendPreset,
  bend: number,
  horizontal: number,
  vertical: number,
  rotated: boolean,
  aspect = 1,
): Point[] {
  const displace = PRESETS[style];
  const points: Point[] = [];
  for (let j = 0; j < 4; j++) {
    for (let i = 0; i < 4; i++) {
      let x: number;
      let y: number;
      if (rotated) {
        const [dy, dx] = displace(j, i, bend, 1 / aspect);
        x = i / 3 + dx;
        y = j / 3 + dy;
      } else {
        const [dx, dy] = displace(i, j, bend, aspect);
        x = i / 3 + dx;
        y = j / 3 + dy;
      }
      points.push(taper([x, y], horizontal, vertical));
    }
  }
  return points;
}

const bernstein = (t: number): [number, number, number, number] => {
  const s = 1 - t;
  return [s * s * s, 3 * s * s * t, 3 * s * t * t, t * t * t];
};

/** The patch index and the parameter within it of a content position along one axis. */
function locate(slices: number[], position: number): [number, number] {
  const last = slices.length - 2;
  let k = 0;
  while (k < last && position >= slices[k + 1]!) k++;
  const t = (position - slices[k]!) / (slices[k + 1]! - slices[k]!);
  return [k, Math.max(0, Math.min(1, t))];
}

/** Where content position (x, y) goes under the warp, in the same coordinates as the grid. */
export function evaluateGrid(grid: ControlGrid, x: number, y: number): Point {
  const [px, u] = locate(grid.slicesX, x);
  const [py, v] = locate(grid.slicesY, y);
  const bu = bernstein(u);
  const bv = bernstein(v);
  let outX = 0;
  let outY = 0;
  for (let j = 0; j < 4; j++) {
    const rowStart = (py * 3 + j) * grid.cols + px * 3;
    for (let i = 0; i < 4; i++) {
      const weight = bu[i]! * bv[j]!;
      const p = grid.points[rowStart + i]!;
      outX += weight * p[0];
      outY += weight * p[1];
    }
  }
  return [outX, outY];
}
