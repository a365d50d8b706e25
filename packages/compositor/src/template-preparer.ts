// Turns a manifest plus its images into what renders reuse: every layer decoded once, groups
// without a smart object composed into one layer, the static layers below the first smart object
// flattened into one base (per group too), runs of normal static layers above merged, maps cropped
// to the region each smart object can touch, mesh fields rasterised, and the whole static canvas
// (every static layer and adjustment, default product colours) composed once: a render only
// recomposes the smart objects' regions (adjustments and groups above them included) and copies the rest.
import type { ComposeStep } from './compose-task.js';
import { RenderFailedError } from './compositor-errors.js';
import type { Matrix3 } from './homography.js';
import { invertMatrix3, rectToQuad } from './homography.js';
import type { KernelPool } from './kernel-pool.js';
import type { MeshField } from './mesh-field.js';
import { buildMeshField, meshBounds } from './mesh-field.js';
import type { PixelRaster, PlacedGrey, PlacedRgba, Region, RowSpans } from './raster.js';
import {
  contentRows,
  cropGrey,
  cropGreyToContent,
  cropRgba,
  cropToContent,
  dropAlpha,
  intersect,
  isOpaque,
  sharedCopy,
  union,
} from './raster.js';
import type { SharpMedia } from './sharp-media.js';
import { EFFECTS_AREA_MAX, effectsReach, effectsSight } from './smart-object-effects.js';
import { smartObjectRows } from './smart-object-kernel.js';
import type { AdjustmentFilter } from './filters/filter-model.js';
import type {
  AdjustmentLayer,
  BlendMode,
  GroupLayer,
  PlacedImage,
  Quad,
  SmartObjectLayer,
  StaticLayer,
  TemplateAssets,
  TemplateLayer,
  TemplateManifest,
  WarpResampling,
} from './template-model.js';
import { assetNamesOf } from './template-model.js';

export interface PreparedLayer {
  kind: 'layer';
  image: PlacedRgba;
  blend: BlendMode;
  opacity: number;
  mask?: PlacedGrey;
}

export interface PreparedSmartObject {
  kind: 'smart';
  layer: SmartObjectLayer;
  /** The canvas pixels this smart object can change. */
  region: Region;
  /** perspective: canvas → artwork normalised to [0,1]²; mesh: a field over `region`, resampled as
   * the layer's `warp_resampling` says. */
  geometry:
    | { type: 'perspective'; canvasToUnit: Matrix3; quad: Quad }
    | { type: 'mesh'; field: MeshField; resampling: WarpResampling };
  /** Per row of `region`, the columns the smart object can change. */
  rows: RowSpans;
  /** Canvas pixels along the artwork's longest top/bottom edge and left/right edge. */
  extent: { width: number; height: number };
  mask?: PlacedGrey;
  /** Where the smart filters show, over `region` (255 outside the template's mask image). */
  filterMask?: PlacedGrey;
  displacement?: { map: PlacedGrey; strength: number };
  shading?: { image: PlacedRgba; blend: BlendMode; opacity: number };
  color?: { mask: PlacedGrey; default: string; allowed: Set<string> | null };
  /** Drawn when a render leaves the smart object out (its own content); part of the static canvas. */
  content?: PreparedLayer;
  /** With effects, where the content's effects can draw (its box grown by their reach). */
  contentEffects?: Region;
  /** With effects, the pixels the artwork is drawn over for them: `region`, and as far beyond the
   * canvas as they see (masks, displacement and shading are cropped to it). */
  effectsSource?: Region;
}

/** An adjustment layer over what is under it (see layer-stack-kernels.ts). */
export interface PreparedAdjustment {
  kind: 'adjust';
  filters: AdjustmentFilter[];
  blend: BlendMode;
  opacity: number;
  mask?: PlacedGrey;
}

/** A pass-through group, or an isolated group with a smart object inside (recomposed by renders). */
export interface PreparedGroup {
  kind: 'group';
  steps: PreparedStep[];
  passThrough?: boolean;
  blend: BlendMode;
  opacity: number;
  mask?: PlacedGrey;
}

export type PreparedStep = PreparedLayer | PreparedSmartObject | PreparedAdjustment | PreparedGroup;
/** What never changes between renders (a group here holds no smart object). */
type StaticStep = PreparedLayer | PreparedAdjustment | PreparedGroup;

export interface PreparedTemplate {
  key: string;
  width: number;
  height: number;
  /** An opaque base stays opaque whatever is composited over it. */
  opaque: boolean;
  /** Channels of the static canvas and of every render's canvas: 3 (RGB) when opaque, else 4. */
  channels: 3 | 4;
  /** Every static layer with the default product colours (`canvasColors`), width × height ×
   * channels in shared memory: a render's pixels outside its smart objects' regions. */
  canvas: Uint8Array;
  /** The product colours `canvas` holds (see colorKeyOf). */
  canvasColors: string;
  /** The static layers below the first smart object, where renders replay the steps from: the
   * smart objects' regions, or the whole canvas when product colours may differ from `canvas`'s. */
  base: PixelRaster;
  /** Layer order; smart objects may sit inside groups. */
  steps: PreparedStep[];
  /** Bytes held, for the cache bound. */
  bytes: number;
}

/** The colour of each smart object that takes one, in layer order ('' for none or white). */
export function colorKeyOf(colors: readonly string[]): string {
  return colors.join(',');
}

interface Decoder {
  rgba(ref: PlacedImage): Promise<PlacedRgba>;
  grey(ref: PlacedImage): Promise<PlacedGrey>;
}

function createDecoder(assets: TemplateAssets, media: SharpMedia): Decoder {
  const decoded = new Map<string, Promise<{ data: Uint8Array; width: number; height: number }>>();
  const load = (name: string, kind: 'rgba' | 'grey') => {
    const key = `${kind}:${name}`;
    let pending = decoded.get(key);
    if (!pending) {
      const bytes = assets.get(name);
      if (!bytes) throw new RenderFailedError(`template asset "${name}" is missing`);
      pending = kind === 'rgba' ? media.decodeLayer(bytes, name) : media.decodeGrey(bytes, name);
      decoded.set(key, pending);
    }
    return pending;
  };
  return {
    rgba: async (ref) => ({ x: ref.x, y: ref.y, ...(await load(ref.asset, 'rgba')) }),
    grey: async (ref) => ({ x: ref.x, y: ref.y, ...(await load(ref.asset, 'grey')) }),
  };
}

function quadOf(layer: SmartObjectLayer): Quad {
  if (layer.quad) return layer.quad;
  const { x, y, width, height } = layer.position;
  return [
    [x, y],
    [x + width, y],
    [x + width, y + height],
    [x, y + height],
  ];
}

const distance = (a: readonly number[], b: readonly number[]): number =>
  Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!);

function grow({ x, y, width, height }: Region, by: number): Region {
  return { x: x - by, y: y - by, width: width + 2 * by, height: height + 2 * by };
}

function boundsRegion(minX: number, minY: number, maxX: number, maxY: number, margin: number): Region {
  const x = Math.floor(minX) - margin;
  const y = Math.floor(minY) - margin;
  return { x, y, width: Math.ceil(maxX) + margin - x, height: Math.ceil(maxY) + margin - y };
}

function geometryOf(
  layer: SmartObjectLayer,
  canvas: Region,
): Omit<PreparedSmartObject, 'kind' | 'layer'> | null {
  const margin = 2 + Math.ceil(layer.displacement?.strength ?? 0);
  if (layer.mesh) {
    const { cols, rows, points } = layer.mesh;
    const b = meshBounds(layer.mesh);
    const region = intersect(canvas, boundsRegion(b.minX, b.minY, b.maxX, b.maxY, margin));
    if (!region) return null;
    const polyline = (count: number, at: (k: number) => number) => {
      let length = 0;
      for (let k = 0; k < count; k++) length += distance(points[at(k)]!, points[at(k + 1)]!);
      return length;
    };
    let width = 0;
    for (let j = 0; j <= rows; j++)
      width = Math.max(
        width,
        polyline(cols, (k) => j * (cols + 1) + k),
      );
    let height = 0;
    for (let i = 0; i <= cols; i++)
      height = Math.max(
        height,
        polyline(rows, (k) => k * (cols + 1) + i),
      );
    const field = buildMeshField(layer.mesh, region);
    return {
      region,
      geometry: { type: 'mesh', field, resampling: layer.warp_resampling ?? 'fast' },
      rows: smartObjectRows(region, { type: 'mesh', field }, layer.displacement?.strength ?? 0),
      extent: { width, height },
    };
  }
  const quad = quadOf(layer);
  let canvasToUnit: Matrix3;
  try {
    canvasToUnit = invertMatrix3(rectToQuad(1, 1, quad));
  } catch (error) {
    throw new RenderFailedError(`smart object "${layer.name}" has a degenerate quad`, { cause: error });
  }
  const xs = quad.map((p) => p[0]);
  const ys = quad.map((p) => p[1]);
  const region = intersect(
    canvas,
    boundsRegion(Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys), margin),
  );
  if (!region) return null;
  const [tl, tr, br, bl] = quad;
  return {
    region,
    geometry: { type: 'perspective', canvasToUnit, quad },
    rows: smartObjectRows(region, { type: 'perspective', quad }, layer.displacement?.strength ?? 0),
    extent: {
      width: Math.max(distance(tl, tr), distance(bl, br)),
      height: Math.max(distance(tl, bl), distance(tr, br)),
    },
  };
}

function layerStep(layer: PreparedLayer): ComposeStep {
  return {
    kind: 'layer',
    image: layer.image,
    blend: layer.blend,
    opacity: layer.opacity,
    ...(layer.mask ? { mask: layer.mask } : {}),
  };
}

function shift<T extends { x: number; y: number }>(placed: T, dx: number, dy: number): T {
  return { ...placed, x: placed.x - dx, y: placed.y - dy };
}

function hexToKey(hex: string): string {
  return hex.toLowerCase();
}

export interface PrepareInput {
  key: string;
  manifest: TemplateManifest;
  assets: TemplateAssets;
  media: SharpMedia;
  pool: KernelPool;
}

/** What the preparation phases share: the canvas, decoded assets and the pool. */
interface Preparation {
  canvas: Region;
  decoder: Decoder;
  pool: KernelPool;
}

export async function prepareTemplate({
  key,
  manifest,
  assets,
  media,
  pool,
}: PrepareInput): Promise<PreparedTemplate> {
  checkAssets(manifest, assets);
  const canvas: Region = { x: 0, y: 0, width: manifest.width, height: manifest.height };
  const prep: Preparation = { canvas, decoder: createDecoder(assets, media), pool };
  const prepared = await prepareLayers(prep, manifest.layers);
  const { below, above } = splitAtFirstDynamic(prepared);
  const flatBase = await pool.compose({
    width: canvas.width,
    height: canvas.height,
    base: null,
    steps: below.map(staticStepOf),
  });
  const steps = (await mergeNormalRuns(prep, above)).map(shareStep);
  const opaque = isOpaque(flatBase);
  const channels = opaque ? 3 : 4;
  const defaults = defaultColorsOf(steps);
  const staticCanvas = await composeStaticCanvas(prep, flatBase, channels, staticStepsOf(steps, defaults));
  const base = replayBaseOf(prep, flatBase, channels, steps, staticCanvas);
  const distinctBase = base.data !== staticCanvas;
  return {
    key,
    width: canvas.width,
    height: canvas.height,
    opaque,
    channels,
    canvas: staticCanvas,
    canvasColors: colorKeyOf(defaults),
    base,
    steps,
    bytes:
      staticCanvas.byteLength +
      (distinctBase ? base.data.byteLength : 0) +
      steps.reduce((sum, step) => sum + stepBytes(step), 0),
  };
}

function checkAssets(manifest: TemplateManifest, assets: TemplateAssets): void {
  for (const name of assetNamesOf(manifest)) {
    if (!assets.has(name)) throw new RenderFailedError(`template asset "${name}" is missing`);
  }
}

/** Every layer decoded and cropped to what it can show; groups without a smart object composed. */
async function prepareLayers(prep: Preparation, layers: readonly TemplateLayer[]): Promise<PreparedStep[]> {
  const prepared = await Promise.all(
    layers.map((layer): Promise<PreparedStep | null> => {
      switch (layer.type) {
        case 'image':
          return prepareStatic(prep, layer);
        case 'smart_object':
          return prepareSmart(prep, layer);
        case 'adjustment':
          return prepareAdjustment(prep, layer);
        case 'group':
          return prepareGroup(prep, layer);
      }
    }),
  );
  return prepared.filter((step): step is PreparedStep => step !== null);
}

async function prepareStatic(
  { canvas, decoder }: Preparation,
  layer: StaticLayer,
): Promise<PreparedLayer | null> {
  const decoded = await decoder.rgba(layer);
  const visible = intersect(canvas, decoded);
  const image = visible ? cropToContent(cropRgba(decoded, visible)) : null;
  if (!image) return null;
  const mask = layer.mask ? cropGrey(await decoder.grey(layer.mask), image, 0) : undefined;
  return {
    kind: 'layer',
    image,
    blend: layer.blend_mode,
    opacity: layer.opacity,
    ...(mask ? { mask } : {}),
  };
}

async function prepareSmart(prep: Preparation, layer: SmartObjectLayer): Promise<PreparedSmartObject | null> {
  const { canvas, decoder } = prep;
  const effects = layer.effects?.length ? layer.effects : undefined;
  // With effects the artwork beyond the canvas still counts (its shadow can fall onto the canvas, an
  // inner shadow or an overlay is shaped by all of it): it is placed as far out as they see.
  const geometry = geometryOf(layer, effects ? grow(canvas, effectsSight(effects)) : canvas);
  if (!geometry) return null;
  let source: Region | undefined;
  if (effects) {
    // The effects draw beyond the artwork: its region (and every row of it) is recomposed.
    source = grow(geometry.region, effectsReach(effects));
    const grown = intersect(canvas, source);
    if (!grown) return null;
    if (grown.width * grown.height > EFFECTS_AREA_MAX) {
      throw new RenderFailedError(
        `smart object "${layer.name}" draws its effects over more than ${EFFECTS_AREA_MAX / 1_000_000} MP`,
      );
    }
    // Drawn from the artwork on the canvas only when all of it would cost more than the bound.
    if (source.width * source.height > EFFECTS_AREA_MAX) source = grown;
    geometry.region = grown;
    geometry.rows = {
      y: grown.y,
      from: new Int32Array(grown.height).fill(grown.x),
      to: new Int32Array(grown.height).fill(grown.x + grown.width),
    };
  }
  // The artwork is drawn (masked, displaced, shaded) over all it shows to its effects.
  const region = source ?? geometry.region;
  const prepared: PreparedSmartObject = {
    kind: 'smart',
    layer,
    ...geometry,
    ...(source ? { effectsSource: source } : {}),
  };
  if (layer.mask) prepared.mask = cropGrey(await decoder.grey(layer.mask), region, 0);
  if (layer.filter_mask && layer.filters?.length) {
    prepared.filterMask = cropGrey(await decoder.grey(layer.filter_mask), region, 255);
  }
  if (layer.displacement) {
    prepared.displacement = {
      map: cropGrey(await decoder.grey(layer.displacement), region, 128),
      strength: layer.displacement.strength,
    };
  }
  if (layer.shading) {
    const image = cropToContent(cropRgba(await decoder.rgba(layer.shading), region));
    if (image) prepared.shading = { image, blend: layer.shading.blend_mode, opacity: layer.shading.opacity };
  }
  if (layer.content && !layer.required) {
    const content = await prepareStatic(prep, {
      type: 'image',
      name: layer.name,
      ...layer.content,
      blend_mode: layer.blend_mode,
      opacity: layer.opacity,
      ...(layer.mask ? { mask: layer.mask } : {}),
    });
    if (content) prepared.content = content;
    if (content && layer.effects?.length) {
      const reach = effectsReach(layer.effects);
      const { x, y, width, height } = content.image;
      prepared.contentEffects =
        intersect(canvas, {
          x: x - reach,
          y: y - reach,
          width: width + 2 * reach,
          height: height + 2 * reach,
        }) ?? undefined;
    }
  }
  if (layer.color) {
    const visible = cropGrey(await decoder.grey(layer.color.mask), canvas, 0);
    prepared.color = {
      mask: cropGreyToContent(visible) ?? { x: 0, y: 0, width: 0, height: 0, data: new Uint8Array(0) },
      default: hexToKey(layer.color.default),
      allowed: layer.color.allowed ? new Set(layer.color.allowed.map(hexToKey)) : null,
    };
  }
  return prepared;
}

async function prepareAdjustment(
  { canvas, decoder }: Preparation,
  layer: AdjustmentLayer,
): Promise<PreparedAdjustment | null> {
  if (layer.opacity <= 0) return null;
  const mask = layer.mask
    ? cropGreyToContent(cropGrey(await decoder.grey(layer.mask), canvas, 0))
    : undefined;
  if (mask === null) return null;
  return {
    kind: 'adjust',
    filters: layer.filters,
    blend: layer.blend_mode,
    opacity: layer.opacity,
    ...(mask ? { mask } : {}),
  };
}

/**
 * A group with a smart object inside stays a group (renders recompose it), its static layers below
 * the first smart object flattened and normal runs merged; any other group is composed here, once,
 * into one layer with the group's blend mode, opacity and mask.
 */
async function prepareGroup(
  prep: Preparation,
  group: GroupLayer,
): Promise<PreparedLayer | PreparedGroup | null> {
  const { canvas, decoder, pool } = prep;
  if (group.opacity <= 0) return null;
  const children = await prepareLayers(prep, group.layers);
  const mask = group.mask ? cropGrey(await decoder.grey(group.mask), canvas, 0) : undefined;
  const blending = { blend: group.blend_mode, opacity: group.opacity, ...(mask ? { mask } : {}) };
  if (group.pass_through) {
    // Its layers meet what is under the group: only runs of normal layers can be merged.
    const steps = await mergeNormalRuns(prep, children);
    return steps.length > 0 ? { kind: 'group', passThrough: true, steps, ...blending } : null;
  }
  const { below, above } = splitAtFirstDynamic(children);
  if (above.length === 0) {
    const image = await composeLayer(pool, canvas, below.map(staticStepOf));
    if (!image) return null;
    return { kind: 'layer', image, ...blending, ...(mask ? { mask: cropGrey(mask, image, 0) } : {}) };
  }
  const flat = below.length > 0 ? await composeLayer(pool, canvas, below.map(staticStepOf)) : null;
  const steps = await mergeNormalRuns(prep, above);
  return {
    kind: 'group',
    steps: flat ? [{ kind: 'layer', image: flat, blend: 'normal', opacity: 1 }, ...steps] : steps,
    ...blending,
  };
}

/**
 * Static steps composed over transparency, cropped to what they cover (null: nothing). Composed
 * over the bounds of their layers only (adjustments change no pixel outside them), not the canvas.
 */
async function composeLayer(
  pool: KernelPool,
  canvas: Region,
  steps: ComposeStep[],
): Promise<PlacedRgba | null> {
  const bounds = boundsOf(steps);
  const area = bounds && intersect(canvas, bounds);
  if (!area) return null;
  const data = await pool.compose({
    width: area.width,
    height: area.height,
    base: null,
    steps: steps.map((step) => shiftStep(step, area.x, area.y)),
  });
  return cropToContent({ ...area, data });
}

/** Where static steps can leave pixels: their images' bounds. */
function boundsOf(steps: readonly ComposeStep[]): Region | null {
  let bounds: Region | null = null;
  for (const step of steps) {
    const own = step.kind === 'layer' ? step.image : step.kind === 'group' ? boundsOf(step.steps) : null;
    if (own) bounds = bounds ? union(bounds, own) : own;
  }
  return bounds;
}

/** A static step moved by (−dx, −dy): onto a raster whose top-left is canvas (dx, dy). */
function shiftStep(step: ComposeStep, dx: number, dy: number): ComposeStep {
  const mask = 'mask' in step && step.mask ? { mask: shift(step.mask, dx, dy) } : {};
  switch (step.kind) {
    case 'layer': {
      // Row spans are in canvas coordinates: left behind rather than shifted.
      const { rows: _rows, ...image } = step.image;
      return { ...step, image: shift(image, dx, dy), ...mask };
    }
    case 'adjust':
      return { ...step, ...mask };
    case 'group':
      return { ...step, steps: step.steps.map((child) => shiftStep(child, dx, dy)), ...mask };
    case 'color':
      return { ...step, mask: shift(step.mask, dx, dy) };
    case 'smart':
    case 'layout':
      throw new RenderFailedError(`a ${step.kind} step cannot be pre-composed`);
  }
}

/** A step a render must recompose: a smart object or a group holding one. */
function isDynamic(step: PreparedStep): step is PreparedSmartObject | PreparedGroup {
  return step.kind === 'smart' || (step.kind === 'group' && smartStepsOf(step.steps).length > 0);
}

/** The static steps under the first dynamic one (flattened once), and the rest. */
function splitAtFirstDynamic(steps: PreparedStep[]): { below: StaticStep[]; above: PreparedStep[] } {
  const first = steps.findIndex(isDynamic);
  const count = first === -1 ? steps.length : first;
  return { below: steps.slice(0, count) as StaticStep[], above: steps.slice(count) };
}

/**
 * Consecutive normal layers merge into one (source-over is associative); a layer with another blend
 * mode must meet the pixels under it, so it stays, and so do adjustments, smart objects and groups.
 */
async function mergeNormalRuns({ pool }: Preparation, steps: PreparedStep[]): Promise<PreparedStep[]> {
  const out: PreparedStep[] = [];
  let run: PreparedLayer[] = [];
  const flushRun = async () => {
    if (run.length === 1) out.push(run[0]!);
    if (run.length > 1) {
      const area = run.map((layer) => layer.image as Region).reduce(union);
      const merged = await pool.compose({
        width: area.width,
        height: area.height,
        base: null,
        steps: run.map((layer) =>
          layerStep({
            ...layer,
            image: shift(layer.image, area.x, area.y),
            ...(layer.mask ? { mask: shift(layer.mask, area.x, area.y) } : {}),
          }),
        ),
      });
      const image = cropToContent({ ...area, data: merged });
      if (image) out.push({ kind: 'layer', image, blend: 'normal', opacity: 1 });
    }
    run = [];
  };
  for (const step of steps) {
    if (step.kind === 'layer' && step.blend === 'normal') {
      run.push(step);
      continue;
    }
    await flushRun();
    out.push(step);
  }
  await flushRun();
  return out;
}

/** Every static layer with the default product colours over the flattened base. */
async function composeStaticCanvas(
  { canvas, pool }: Preparation,
  flatBase: Uint8Array | Uint8ClampedArray,
  channels: 3 | 4,
  staticSteps: ComposeStep[],
): Promise<Uint8Array> {
  if (staticSteps.length === 0) return sharedCopy(channels === 4 ? flatBase : dropAlpha(flatBase));
  const whole: PixelRaster = { ...canvas, channels: 4, data: flatBase };
  return sharedCopy(
    await pool.compose({ ...canvas, channels, base: null, start: whole, steps: staticSteps }),
  );
}

/** Where renders replay their steps from: the static canvas when nothing static lies above the
 * smart objects, else the flattened base (the whole of it when product colours may change). */
function replayBaseOf(
  { canvas }: Preparation,
  flatBase: Uint8Array | Uint8ClampedArray,
  channels: 3 | 4,
  steps: PreparedStep[],
  staticCanvas: Uint8Array,
): PixelRaster {
  const smart = smartStepsOf(steps);
  if (smart.length === 0 || staticStepsOf(steps, defaultColorsOf(steps)).length === 0) {
    return { ...canvas, channels, data: staticCanvas };
  }
  const colored = smart.some((step) => step.color);
  const area = colored ? canvas : smart.map((step) => step.region).reduce(union);
  const crop = cropRgba({ ...canvas, data: flatBase }, area);
  return { ...crop, channels, data: sharedCopy(channels === 4 ? crop.data : dropAlpha(crop.data)) };
}

/** Every smart object step in layer order, those inside groups included. */
export function smartStepsOf(steps: readonly PreparedStep[]): PreparedSmartObject[] {
  return steps.flatMap((step) =>
    step.kind === 'smart' ? [step] : step.kind === 'group' ? smartStepsOf(step.steps) : [],
  );
}

/** The default product colour of each smart object that takes one ('' for white: no change). */
function defaultColorsOf(steps: readonly PreparedStep[]): string[] {
  return smartStepsOf(steps).flatMap((step) =>
    step.color ? [step.color.default === WHITE ? '' : step.color.default] : [],
  );
}

function staticStepOf(step: StaticStep): ComposeStep {
  if (step.kind === 'group') {
    return { ...groupBlending(step), kind: 'group', steps: staticStepsOf(step.steps, []) };
  }
  return step.kind === 'layer' ? layerStep(step) : adjustStep(step);
}

/**
 * What a render that leaves the smart object out draws: its content, with the smart object's
 * effects drawn from the content's alpha as they would be from an artwork's.
 */
export function contentStepOf(step: PreparedSmartObject): ComposeStep {
  const content = step.content!;
  const effects = step.layer.effects;
  if (!step.contentEffects || !effects?.length) return layerStep(content);
  const { x, y, width, height, data } = content.image;
  return {
    kind: 'smart',
    art: { width, height, data },
    region: step.contentEffects,
    // The content is not warped: canvas pixels map onto it by a translation.
    mapping: {
      type: 'perspective',
      inverse: [1, 0, -x, 0, 1, -y, 0, 0, 1],
      quad: [
        [x, y],
        [x + width, y],
        [x + width, y + height],
        [x, y + height],
      ],
    },
    blend: content.blend,
    opacity: content.opacity,
    ...(content.mask ? { mask: content.mask } : {}),
    effects,
  };
}

export function adjustStep(step: PreparedAdjustment): ComposeStep {
  return {
    kind: 'adjust',
    filters: step.filters,
    blend: step.blend,
    opacity: step.opacity,
    ...(step.mask ? { mask: step.mask } : {}),
  };
}

/**
 * The steps that make the static canvas for the given product colours (one per colour-taking smart
 * object, in layer order; '' = none): static layers, adjustments, groups, colour fills and the
 * smart objects' own content, no artwork.
 */
export function staticStepsOf(steps: readonly PreparedStep[], colors: readonly string[]): ComposeStep[] {
  const next = { index: 0 };
  const walk = (list: readonly PreparedStep[]): ComposeStep[] => {
    const out: ComposeStep[] = [];
    for (const step of list) {
      if (step.kind === 'layer') out.push(layerStep(step));
      else if (step.kind === 'adjust') out.push(adjustStep(step));
      else if (step.kind === 'group')
        out.push({ ...groupBlending(step), kind: 'group', steps: walk(step.steps) });
      else {
        if (step.color) {
          const hex = colors[next.index++] ?? '';
          if (hex !== '') out.push({ kind: 'color', rgb: rgbOf(hex), mask: step.color.mask });
        }
        if (step.content) out.push(contentStepOf(step));
      }
    }
    return out;
  };
  return walk(steps);
}

export function groupBlending(group: PreparedGroup): {
  blend: BlendMode;
  passThrough?: boolean;
  opacity: number;
  mask?: PlacedGrey;
} {
  return {
    blend: group.blend,
    ...(group.passThrough ? { passThrough: true } : {}),
    opacity: group.opacity,
    ...(group.mask ? { mask: group.mask } : {}),
  };
}

const WHITE = '#ffffff';

export function rgbOf(hex: string): [number, number, number] {
  return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
}

function shareRgba(image: PlacedRgba): PlacedRgba {
  return { ...image, data: sharedCopy(image.data), rows: contentRows(image) };
}

function shareGrey(map: PlacedGrey): PlacedGrey {
  return { ...map, data: sharedCopy(map.data) };
}

/** Moves every cached raster into shared memory so kernel threads read it without a copy. */
function shareStep(step: PreparedStep): PreparedStep {
  if (step.kind === 'adjust') return { ...step, ...(step.mask ? { mask: shareGrey(step.mask) } : {}) };
  if (step.kind === 'group') {
    return {
      ...step,
      steps: step.steps.map(shareStep),
      ...(step.mask ? { mask: shareGrey(step.mask) } : {}),
    };
  }
  if (step.kind === 'layer') {
    return { ...step, image: shareRgba(step.image), ...(step.mask ? { mask: shareGrey(step.mask) } : {}) };
  }
  const shared: PreparedSmartObject = { ...step };
  if (step.geometry.type === 'mesh') {
    const { field } = step.geometry;
    const triangle = new Int32Array(new SharedArrayBuffer(field.triangle.byteLength));
    triangle.set(field.triangle);
    shared.geometry = { ...step.geometry, field: { ...field, triangle } };
  }
  if (step.mask) shared.mask = shareGrey(step.mask);
  if (step.filterMask) shared.filterMask = shareGrey(step.filterMask);
  if (step.displacement)
    shared.displacement = { ...step.displacement, map: shareGrey(step.displacement.map) };
  if (step.shading) shared.shading = { ...step.shading, image: shareRgba(step.shading.image) };
  if (step.color) shared.color = { ...step.color, mask: shareGrey(step.color.mask) };
  if (step.content) shared.content = shareStep(step.content) as PreparedLayer;
  return shared;
}

function stepBytes(step: PreparedStep): number {
  if (step.kind === 'adjust') return step.mask?.data.byteLength ?? 0;
  if (step.kind === 'group') {
    return (step.mask?.data.byteLength ?? 0) + step.steps.reduce((sum, child) => sum + stepBytes(child), 0);
  }
  if (step.kind === 'layer') return step.image.data.byteLength + (step.mask?.data.byteLength ?? 0);
  return (
    (step.geometry.type === 'mesh'
      ? step.geometry.field.triangle.byteLength + step.geometry.field.coefficients.byteLength
      : 0) +
    (step.mask?.data.byteLength ?? 0) +
    (step.filterMask?.data.byteLength ?? 0) +
    (step.displacement?.map.data.byteLength ?? 0) +
    (step.shading?.image.data.byteLength ?? 0) +
    (step.color?.mask.data.byteLength ?? 0) +
    (step.content ? stepBytes(step.content) : 0)
  );
}
