// One render of a prepared template: validate the inputs against its smart objects, decode each
// artwork at the resolution its place needs, run the compose task on the pool (the static canvas
// copied, only the smart objects' regions recomposed), encode once. A smart object whose warped
// layer for the same artwork and placement is cached (warpedLayers) is only blended, not warped: the
// layer does not depend on the product colour or anything else under it. A render missing a layer
// another render is warping right now waits for it; if that render fails, it warps the layer itself.
import type { PlacedOnCanvas } from './artwork-placement.js';
import { decodeOnCanvas, designAreaOf } from './artwork-placement.js';
import type { CanvasBuffer, CanvasBuffers } from './canvas-buffers.js';
import { freshCanvasBuffers } from './canvas-buffers.js';
import type { ComposeStep } from './compose-task.js';
import { RenderFailedError, isCompositorError } from './compositor-errors.js';
import type { Matrix3 } from './homography.js';
import type { KernelPool } from './kernel-pool.js';
import type { PlacedRgba, Region } from './raster.js';
import { sharedCopy, union, unionRows } from './raster.js';
import { artworkFitWarnings, exportSizeWarnings, type RenderWarning } from './render-warnings.js';
import type { EncodedImage, SharpMedia } from './sharp-media.js';
import { warpedAreaOf } from './smart-object-kernel.js';
import type { WarpedLayerCache, WarpedLayerClaim } from './warped-layer-cache.js';
import type {
  PreparedLayer,
  PreparedSmartObject,
  PreparedStep,
  PreparedTemplate,
} from './template-preparer.js';
import {
  adjustStep,
  colorKeyOf,
  contentStepOf,
  groupBlending,
  rgbOf,
  smartStepsOf,
  staticStepsOf,
} from './template-preparer.js';
import type { ExportOptions, SmartObjectInput } from './template-model.js';
import { EXPORT_FORMATS, FIT_MODES, hexColorSchema } from './template-model.js';

/** Work rasters never exceed this side: beyond it bilinear sampling gains nothing visible. */
const MAX_WORK_SIDE = 8192;
/**
 * A mesh warp with `warp_resampling: 'photoshop'` decodes its artwork this much finer than its
 * on-canvas extent (the fast path decodes at on-canvas size), for the mesh
 * kernel's 2 × 2 supersample (warp-kernels.ts, sampleFootprint): measured against Photoshop's warps
 * (Aspose twist, inflate, squeeze at 1.25, 1.5 and 2, Mitchell downscale: only 1.5 keeps all four
 * files within 2 levels; 1.25 leaves twist at 2.06, 2 takes inflate and squeeze up 0.1).
 */
const MESH_WORK_SCALE = 1.5;
const WHITE = '#ffffff';

/** Static canvases for product colours other than a template's defaults, composed once each. */
export interface StaticCanvasCache {
  get(prepared: PreparedTemplate, colorKey: string, build: () => Promise<Uint8Array>): Promise<Uint8Array>;
}

export interface RenderDeps {
  media: SharpMedia;
  pool: KernelPool;
  /** Without one, a render in a non-default colour composes its static canvas every time. */
  staticCanvases?: StaticCanvasCache;
  /** Without one, every render allocates its canvas (and shared copies of its artwork). */
  buffers?: CanvasBuffers;
  /** Without one, every render warps its artwork. */
  warpedLayers?: Pick<WarpedLayerCache, 'lookup' | 'keep'>;
}

export interface RenderedImage extends EncodedImage {
  /** What the render could not do well, in layer order (see render-warnings.ts). */
  warnings: RenderWarning[];
}

export async function renderTemplate(
  { media, pool, staticCanvases, buffers = freshCanvasBuffers, warpedLayers }: RenderDeps,
  prepared: PreparedTemplate,
  inputs: SmartObjectInput[],
  exportOptions: ExportOptions,
): Promise<RenderedImage> {
  const output = outputSize(prepared, exportOptions);
  const byUuid = inputsBySmartObject(prepared, inputs);
  const colors = colorsOf(prepared, byUuid);
  const outputScale = output.width / prepared.width;
  // Placements of one smart object usually need the artwork at the same size: decode it once.
  const decodes = new Map<string, Promise<PlacedOnCanvas>>();
  const drawn = await Promise.all(
    smartStepsOf(prepared.steps).flatMap((step) => {
      const input = byUuid.get(step.layer.uuid);
      return input ? [smartStep(media, decodes, step, input, outputScale)] : [];
    }),
  );
  const smart = new Map<PreparedSmartObject, ComposeStep>(drawn.map(({ step, draw }) => [step, draw]));
  const warnings = uniqueWarnings([
    ...exportSizeWarnings(prepared, exportOptions.size),
    ...drawn.flatMap(({ warnings: own }) => own),
  ]);
  const { width, height, channels } = prepared;
  const colorKey = colorKeyOf(colors);
  // Layers this render warps for others: claimed (others may be waiting) or kept after a fallback.
  const claimed: { claim: WarpedLayerClaim; layer: PlacedRgba }[] = [];
  const keeping: { key: string; layer: PlacedRgba }[] = [];
  const buffer = buffers.acquire(width * height * channels);
  const shared: CanvasBuffer[] = [];
  try {
    if (warpedLayers) await useWarpedLayers(warpedLayers, prepared, smart, claimed, keeping);
    // Artwork goes to kernel threads in (reused) shared memory: one copy instead of a structured
    // clone's two, and no fresh pages to fault in.
    if (pool.threads > 0) {
      const copies = new Map<object, Uint8Array>();
      for (const [step, draw] of smart) {
        if (draw.kind !== 'smart') continue;
        let data = copies.get(draw.art.data);
        if (!data) {
          const copy = buffers.acquire(draw.art.data.byteLength);
          copy.holds = null;
          copy.data.set(draw.art.data);
          shared.push(copy);
          data = copy.data;
          copies.set(draw.art.data, data);
        }
        smart.set(step, { ...draw, art: { ...draw.art, data } });
      }
    }
    const backdrop =
      colorKey === prepared.canvasColors
        ? prepared.canvas
        : await staticCanvasFor({ pool, staticCanvases }, prepared, colors, colorKey);
    // Outside the smart objects' regions nothing changes: there the result is the static canvas,
    // which a reused buffer mostly holds already.
    const held = buffer.holds?.backdrop === backdrop ? buffer.holds : null;
    buffer.holds = null;
    const filled = [...smart.keys()];
    const region = filled.length > 0 ? filled.map((step) => step.region).reduce(union) : null;
    const rows = filled.length > 0 ? filled.map((step) => step.rows).reduce(unionRows) : null;
    await pool.compose({
      width,
      height,
      channels,
      base: backdrop,
      out: buffer.data,
      ...(held ? { dirty: held.dirty } : {}),
      ...(region && rows
        ? { region, rows, start: prepared.base, steps: stepsOf(prepared, colors, smart) }
        : { steps: [] }),
    });
    buffer.holds = { backdrop, dirty: region };
    for (const { claim, layer } of claimed) claim.fill(layer);
    for (const { key, layer } of keeping) warpedLayers?.keep(key, layer);
    const encoded = await media.encode(
      { data: buffer.data, width, height, channels, opaque: prepared.opaque },
      { format: exportOptions.format, width: output.width, height: output.height, quality: output.quality },
    );
    return { ...encoded, warnings };
  } catch (error) {
    // Renders waiting on a layer this one claimed warp it themselves (a filled claim ignores this).
    for (const { claim } of claimed) claim.fail(error);
    throw isCompositorError(error) ? error : new RenderFailedError('render failed', { cause: error });
  } finally {
    buffers.release(buffer);
    for (const copy of shared) buffers.release(copy);
  }
}

/**
 * Replaces each smart object's draw by its warped layer where one is cached or being warped by
 * another render (waiting for it), and makes the draws that warp keep their layer: `claimed` for
 * layers others may wait on, `keeping` for ones warped again after the warping render failed. All
 * lookups happen before the first wait, so a render only ever waits on renders that looked up
 * before it: two renders never wait on each other.
 */
async function useWarpedLayers(
  warpedLayers: Pick<WarpedLayerCache, 'lookup'>,
  prepared: PreparedTemplate,
  smart: Map<PreparedSmartObject, ComposeStep>,
  claimed: { claim: WarpedLayerClaim; layer: PlacedRgba }[],
  keeping: { key: string; layer: PlacedRgba }[],
): Promise<void> {
  const waits: Promise<void>[] = [];
  for (const [step, draw] of smart) {
    // A smart object with effects is drawn with them from its own alpha each time (not cached).
    if (draw.kind !== 'smart' || draw.effects?.length) continue;
    const area = warpedAreaOf(draw);
    if (!area) continue;
    const key = warpedLayerKey(prepared, step, draw);
    const found = warpedLayers.lookup(key);
    const asLayer = (image: PlacedRgba): ComposeStep => ({
      kind: 'layer',
      image,
      blend: draw.blend,
      opacity: draw.opacity,
    });
    if (found.kind === 'hit') {
      smart.set(step, asLayer(found.layer));
    } else if (found.kind === 'shared') {
      waits.push(
        found.layer.then(
          (layer) => void smart.set(step, asLayer(layer)),
          () => {
            const layer = emptyLayer(area);
            keeping.push({ key, layer });
            smart.set(step, { ...draw, keepWarped: layer });
          },
        ),
      );
    } else {
      const layer = emptyLayer(area);
      claimed.push({ claim: found.claim, layer });
      smart.set(step, { ...draw, keepWarped: layer });
    }
  }
  await Promise.all(waits);
}

/** A layer for the kernels to fill, in shared memory so a kernel thread writes it in place. */
function emptyLayer(area: Region): PlacedRgba {
  return { ...area, data: new Uint8ClampedArray(new SharedArrayBuffer(area.width * area.height * 4)) };
}

function staticCanvasFor(
  { pool, staticCanvases }: Pick<RenderDeps, 'pool' | 'staticCanvases'>,
  prepared: PreparedTemplate,
  colors: string[],
  colorKey: string,
): Promise<Uint8Array> {
  const build = async () =>
    sharedCopy(
      await pool.compose({
        width: prepared.width,
        height: prepared.height,
        channels: prepared.channels,
        base: null,
        start: prepared.base,
        steps: staticStepsOf(prepared.steps, colors),
      }),
    );
  return staticCanvases ? staticCanvases.get(prepared, colorKey, build) : build();
}

/** Decoded artwork objects by identity: the artwork cache hands the same object to renders of the same
 * bytes and decode target, and a fresh decode gets a new number, never one used before. */
const artworkIds = new WeakMap<object, number>();
let nextArtworkId = 0;
const smartObjectIndexes = new WeakMap<PreparedSmartObject, number>();

/** Everything a smart object's warped layer depends on beyond the prepared step itself. */
function warpedLayerKey(
  prepared: PreparedTemplate,
  step: PreparedSmartObject,
  draw: Extract<ComposeStep, { kind: 'smart' }>,
): string {
  let artworkId = artworkIds.get(draw.art);
  if (artworkId === undefined) {
    artworkId = nextArtworkId++;
    artworkIds.set(draw.art, artworkId);
  }
  let index = smartObjectIndexes.get(step);
  if (index === undefined) {
    index = smartStepsOf(prepared.steps).indexOf(step);
    smartObjectIndexes.set(step, index);
  }
  return `${prepared.key}|${index}|${artworkId}|${draw.layout ? JSON.stringify(draw.layout) : ''}`;
}

/** Every step in layer order: static layers, adjustments, groups, colour fills, and the smart
 * objects that got artwork. */
function stepsOf(
  prepared: PreparedTemplate,
  colors: string[],
  smart: Map<PreparedSmartObject, ComposeStep>,
): ComposeStep[] {
  const next = { index: 0 };
  const walk = (list: readonly PreparedStep[]): ComposeStep[] => {
    const steps: ComposeStep[] = [];
    for (const step of list) {
      if (step.kind === 'layer') {
        steps.push(layerStepOf(step));
        continue;
      }
      if (step.kind === 'adjust') {
        steps.push(adjustStep(step));
        continue;
      }
      if (step.kind === 'group') {
        steps.push({ ...groupBlending(step), kind: 'group', steps: walk(step.steps) });
        continue;
      }
      const hex = step.color ? colors[next.index++]! : '';
      if (step.color && hex !== '') steps.push({ kind: 'color', rgb: rgbOf(hex), mask: step.color.mask });
      const draw = smart.get(step);
      if (draw) steps.push(draw);
      else if (step.content) steps.push(contentStepOf(step));
    }
    return steps;
  };
  return walk(prepared.steps);
}

function layerStepOf(layer: PreparedLayer): ComposeStep {
  return {
    kind: 'layer',
    image: layer.image,
    blend: layer.blend,
    opacity: layer.opacity,
    ...(layer.mask ? { mask: layer.mask } : {}),
  };
}

/** Placements of one smart object report the same artwork problem once. */
function uniqueWarnings(warnings: RenderWarning[]): RenderWarning[] {
  const seen = new Set<string>();
  return warnings.filter((warning) => {
    const key = JSON.stringify(warning);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function outputSize(
  prepared: PreparedTemplate,
  options: ExportOptions,
): { width: number; height: number; quality: number } {
  if (!EXPORT_FORMATS.includes(options.format))
    throw new RenderFailedError(`unknown export format ${String(options.format)}`);
  const longest = Math.max(prepared.width, prepared.height);
  if (
    options.size !== undefined &&
    (!Number.isInteger(options.size) || options.size < 64 || options.size > 8000)
  ) {
    throw new RenderFailedError('export size must be 64–8000');
  }
  const size = options.size ?? longest;
  const quality = options.quality ?? 90;
  if (!Number.isInteger(quality) || quality < 1 || quality > 100)
    throw new RenderFailedError('export quality must be 1–100');
  const scale = size / longest;
  return {
    width: Math.max(1, Math.round(prepared.width * scale)),
    height: Math.max(1, Math.round(prepared.height * scale)),
    quality,
  };
}

function inputsBySmartObject(
  prepared: PreparedTemplate,
  inputs: SmartObjectInput[],
): Map<string, SmartObjectInput> {
  const known = new Map(smartStepsOf(prepared.steps).map((step) => [step.layer.uuid, step.layer] as const));
  const byUuid = new Map<string, SmartObjectInput>();
  for (const input of inputs) {
    if (!known.has(input.uuid)) throw new RenderFailedError(`unknown smart object ${input.uuid}`);
    if (byUuid.has(input.uuid)) throw new RenderFailedError(`smart object ${input.uuid} given twice`);
    if (!FIT_MODES.includes(input.fit)) throw new RenderFailedError(`unknown fit ${String(input.fit)}`);
    if (!Number.isFinite(input.rotate)) throw new RenderFailedError('rotate must be a number of degrees');
    checkLayout(input);
    byUuid.set(input.uuid, input);
  }
  for (const [uuid, layer] of known) {
    if (layer.required && !byUuid.has(uuid))
      throw new RenderFailedError(`smart object ${uuid} requires an asset`);
  }
  return byUuid;
}

/** The layout fields are validated at the API's edge; these guard the pixel code's own assumptions. */
function checkLayout({ size, position, tile_scale, background, adjustments }: SmartObjectInput): void {
  const finite = (...values: number[]) => values.every((value) => Number.isFinite(value));
  if (size && !(finite(size.width, size.height) && size.width > 0 && size.height > 0))
    throw new RenderFailedError('size must be positive');
  if (position && !finite(position.top, position.left))
    throw new RenderFailedError('position must be numbers');
  if (tile_scale !== undefined && !(finite(tile_scale) && tile_scale > 0))
    throw new RenderFailedError('tile_scale must be positive');
  if (background !== undefined && !hexColorSchema.safeParse(background).success)
    throw new RenderFailedError(`background ${background} is not #rrggbb`);
  const { brightness, contrast, hue, saturation, vibrance, blur, opacity } = adjustments ?? {};
  const amounts = [brightness, contrast, hue, saturation, vibrance, blur, opacity];
  if (!finite(...amounts.filter((value) => value !== undefined)))
    throw new RenderFailedError('adjustments must be numbers');
}

/** The product colour of each smart object that takes one, in layer order ('' for white: no change). */
function colorsOf(prepared: PreparedTemplate, byUuid: Map<string, SmartObjectInput>): string[] {
  const colors: string[] = [];
  for (const step of smartStepsOf(prepared.steps)) {
    const input = byUuid.get(step.layer.uuid);
    if (input?.color !== undefined && !step.color) {
      throw new RenderFailedError(`smart object ${step.layer.uuid} does not take a product colour`);
    }
    if (!step.color) continue;
    const hex = (input?.color ?? step.color.default).toLowerCase();
    if (!hexColorSchema.safeParse(hex).success) throw new RenderFailedError(`colour ${hex} is not #rrggbb`);
    if (step.color.allowed && !step.color.allowed.has(hex)) {
      throw new RenderFailedError(`colour ${hex} is not offered for smart object ${step.layer.uuid}`);
    }
    colors.push(hex === WHITE ? '' : hex);
  }
  return colors;
}

/** Decodes the artwork at the resolution its place on the canvas needs and builds its step. */
async function smartStep(
  media: SharpMedia,
  decodes: Map<string, Promise<PlacedOnCanvas>>,
  step: PreparedSmartObject,
  input: SmartObjectInput,
  outputScale: number,
): Promise<{
  step: PreparedSmartObject;
  draw: Extract<ComposeStep, { kind: 'smart' }>;
  warnings: RenderWarning[];
}> {
  const { layer, extent } = step;
  const photoshop = step.geometry.type === 'mesh' && step.geometry.resampling === 'photoshop';
  const fine = photoshop ? MESH_WORK_SCALE : 1;
  const scale = fine * Math.max(extent.width / layer.size.width, extent.height / layer.size.height);
  const workWidth = Math.min(MAX_WORK_SIDE, Math.max(1, Math.round(layer.size.width * scale)));
  const workHeight = Math.min(MAX_WORK_SIDE, Math.max(1, Math.round(layer.size.height * scale)));
  const sx = workWidth / layer.size.width;
  const sy = workHeight / layer.size.height;

  const area = designAreaOf(layer, input);
  const canvas = { width: workWidth, height: workHeight };
  const decodeKey = `${layer.uuid}:${workWidth}x${workHeight}:${area.x},${area.y},${area.width},${area.height}`;
  let decoding = decodes.get(decodeKey);
  if (!decoding) {
    // Photoshop draws a mesh warp softer than a plain transform (DownscaleKernel).
    const kernel = photoshop ? 'mitchell' : undefined;
    decoding = decodeOnCanvas(media, input, { area, canvas, sx, sy, ...(kernel ? { kernel } : {}) });
    decodes.set(decodeKey, decoding);
  }
  const placed = await decoding;
  const { art, drawn } = placed;
  const warnings = artworkFitWarnings({
    smartObject: layer,
    artwork: art.source,
    rotate: input.rotate,
    // One tile is the artwork stretched to its own aspect ratio: only enlargement can be a problem.
    fit: input.fit === 'tile' ? 'fill' : input.fit,
    area:
      'layout' in placed
        ? { width: Math.round(drawn.width / sx), height: Math.round(drawn.height / sy) }
        : area,
    placed: { width: drawn.width * outputScale, height: drawn.height * outputScale },
  });

  let mapping: Extract<ComposeStep, { kind: 'smart' }>['mapping'];
  if (step.geometry.type === 'perspective') {
    const m = step.geometry.canvasToUnit;
    const inverse: Matrix3 = [
      m[0] * workWidth,
      m[1] * workWidth,
      m[2] * workWidth,
      m[3] * workHeight,
      m[4] * workHeight,
      m[5] * workHeight,
      m[6],
      m[7],
      m[8],
    ];
    mapping = { type: 'perspective', inverse, quad: step.geometry.quad };
  } else {
    mapping = { type: 'mesh', field: step.geometry.field, supersample: photoshop };
  }
  const draw: Extract<ComposeStep, { kind: 'smart' }> = {
    kind: 'smart',
    art,
    region: step.region,
    mapping,
    blend: layer.blend_mode,
    opacity: layer.opacity,
    ...(step.mask ? { mask: step.mask } : {}),
    ...(step.displacement ? { displacement: step.displacement } : {}),
    ...(step.shading ? { shading: step.shading } : {}),
    ...('layout' in placed ? { layout: placed.layout } : {}),
    // Run on the kernel thread, per placement (Photoshop keeps filters on the layer); the blur
    // radius is in design pixels, the artwork is at work size.
    ...(layer.filters?.length ? { filters: { list: layer.filters, scale: sx } } : {}),
    ...(layer.filters?.length && step.filterMask ? { filterMask: step.filterMask } : {}),
    ...(layer.effects?.length ? { effects: layer.effects } : {}),
    ...(step.effectsSource ? { source: step.effectsSource } : {}),
  };
  return { step, draw, warnings };
}
