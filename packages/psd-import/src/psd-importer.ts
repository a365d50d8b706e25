// A PSD/PSB → the compositor's template manifest, its layer images and per-layer warnings.
// Walks the layers bottom to top: every placed layer (embedded or linked) becomes a smart object
// with its corners (perspective kept), warp, blend mode, opacity, mask and a clipped layer above it
// as its shading; visible pixel layers become static image layers with their blend mode, opacity,
// fill opacity and mask (a fill or shape layer that stores no pixels is drawn from its fill and
// vector mask first, fill-layers.ts); adjustment layers become adjustment layers;
// a group with its own blend mode, opacity or mask (or whose layers must only see each other)
// becomes an isolated group, a pass-through one is flattened; a clipped adjustment goes into a group
// with its base layer. What cannot be reproduced exactly (some adjustment kinds, effects, preset
// warps' exact curves, pass-through groups' opacity and masks) is drawn as closely as possible or
// left out, and said in a warning.
// Placed layers of one file (Photoshop instances) are one smart object with several placements. A
// smart object is required when its file is embedded in the document; one whose file is linked
// from outside (or missing) is optional and keeps the placed layer's own pixels when left out.
import {
  EFFECTS_AREA_MAX,
  effectsReach,
  FILTER_BLEND_MODES,
  RENDER_SMART_OBJECTS_MAX,
  SMART_FILTERS_MAX,
  toLayerName,
  type AdjustmentLayer,
  type SmartFilter,
  type SmartObjectLayer,
  type StaticLayer,
  type TemplateLayerInput,
  type TemplateManifestInput,
} from '@platen/compositor';
import { mapAdjustment } from './adjustment-layers.js';
import { readPsd, type Layer, type LayerMaskData, type PlacedLayer, type Psd } from 'ag-psd';
import { setUpAgPsd } from './ag-psd-setup.js';
import { printSizeOf } from './print-size.js';
import { toBlendMode } from './blend-modes.js';
import {
  bakeEffects,
  DEFAULT_GLOBAL_ANGLE,
  EFFECT_BUDGET,
  effectsToBake,
  namesOf,
  type BakedEffects,
  type EffectLayer,
  type Placed,
} from './layer-effects.js';
import { placedLayerEffectsOf } from './placed-layer-effects.js';
import { boxAround, cornersOf, warpMesh } from './placed-geometry.js';
import { readPsdHeader } from './psd-header.js';
import { filterMaskOf, showsEverywhere } from './filter-mask.js';
import { smartFilterDescriptorOf } from './smart-filter-descriptors.js';
import { mapSmartFilters, smartFilterWarnings } from './smart-filters.js';
import { drawFillLayer, FILL_BUDGET } from './fill-layers.js';
import { rasteriseVectorMask, type Coverage } from './vector-mask.js';
import {
  adjustRasterMask,
  EXACT_FEATHER_MAX,
  featherApproximated,
  userMaskProperties,
  vectorMaskProperties,
} from './mask-properties.js';
import { colorModeWarning, documentFilters, GREYSCALE_MODE } from './document-color-mode.js';
import { PsdImportError } from './psd-import-error.js';
import {
  clipOnto,
  encodeGrey,
  encodeRgba,
  fullyTransparent,
  masked,
  maskGrey,
  maskPng,
  type Box,
  type GreyMask,
  type Rgba,
} from './pixels.js';

export interface ImportWarning {
  /** The layer's path in the document, groups joined with " / ". */
  layer: string;
  code: string;
  message: string;
}

export interface ImportedPsd {
  manifest: TemplateManifestInput;
  /** PNG bytes by asset name. */
  assets: Map<string, Buffer>;
  warnings: ImportWarning[];
}

export interface ImportPsdOptions {
  /** Largest canvas, in pixels (default 100 MP). */
  maxPixels?: number;
  /** The uuid of the index-th smart object (the caller makes them stable across retries). */
  smartObjectUuid: (index: number, layerName: string) => string;
}

export const DEFAULT_MAX_PIXELS = 100_000_000;
/** The compositor's limit on layers per template. */
const MAX_LAYERS = 200;
const RGB = 3;
const GREYSCALE = GREYSCALE_MODE;

type Input<T> = Omit<T, 'blend_mode' | 'opacity' | 'required' | 'print_areas'> & Partial<T>;

/**
 * A layer faded with its effects as one picture, as Photoshop applies a layer's opacity (a shadow
 * stays hidden under the layer): the entries sharing one become a pass-through group with its opacity.
 */
interface Fade {
  opacity: number;
  name: string;
}

/** A static layer whose pixels are still open: clipped layers above it are drawn into them. */
interface OpenImage {
  kind: 'image';
  layer: Input<StaticLayer>;
  pixels: Rgba & { box: Box };
  /** A layer effect drawn on its own: clipped layers go into the layer it belongs to. */
  effect?: true;
  fade?: Fade;
}

interface OpenSmartObject {
  kind: 'smart_object';
  layer: Input<SmartObjectLayer>;
  path: string;
  fade?: Fade;
  /** An optional smart object's own pixels, encoded as `asset` at the end. */
  content?: { asset: string; pixels: Rgba & { box: Box } };
}

interface OpenAdjustment {
  kind: 'adjustment';
  layer: Input<AdjustmentLayer>;
}

/** An isolated group; `entries` fill while its layers are walked. */
interface OpenGroup {
  kind: 'group';
  layer: {
    type: 'group';
    name: string;
    blend_mode?: StaticLayer['blend_mode'];
    pass_through?: true;
    opacity: number;
    mask?: { asset: string; x: number; y: number };
  };
  entries: Entry[];
  /** Made for a clipping group: its first entry is the base layer, the rest are clipped to it. */
  clipBase?: OpenImage;
  fade?: Fade;
}

type Entry = OpenImage | OpenSmartObject | OpenAdjustment | OpenGroup;

/** Every entry, groups' entries included, in layer order. */
function allEntriesOf(entries: Entry[]): Entry[] {
  return entries.flatMap((entry) =>
    entry.kind === 'group' ? [entry, ...allEntriesOf(entry.entries)] : [entry],
  );
}

/** What every placement of one file shares. */
interface SmartObjectFile {
  uuid: string;
  name: string;
  size: { width: number; height: number };
  required: boolean;
}

interface Walk {
  /** The list layers are added to: the document's, or the isolated group being walked. */
  entries: Entry[];
  /** The canvas, which group and adjustment masks cover. */
  canvas: Box;
  assets: Map<string, Buffer>;
  warnings: ImportWarning[];
  /** Distinct smart objects so far (their index makes their uuid). */
  smartObjects: number;
  /** Placed layers so far: they name their own assets (mask, content, shading). */
  placements: number;
  /** Smart objects by the id of the file they place. */
  files: Map<string, SmartObjectFile>;
  names: number;
  /** Effects drawn as layers so far: they name their assets. */
  effects: number;
  /** Pixels the layer effects still left to draw may cover. */
  effectBudget: { pixels: number };
  /** Pixels the fill layers without stored pixels still left to draw may cover. */
  fillBudget: { pixels: number };
  uuidOf: ImportPsdOptions['smartObjectUuid'];
  /** Whether the file with this id is embedded in the document. */
  embedded: (fileId: string) => boolean;
}

const boxOf = (layer: Layer): Box => ({
  x: layer.left ?? 0,
  y: layer.top ?? 0,
  width: Math.max(0, (layer.right ?? 0) - (layer.left ?? 0)),
  height: Math.max(0, (layer.bottom ?? 0) - (layer.top ?? 0)),
});

function pixelsOf(layer: Layer): (Rgba & { box: Box }) | undefined {
  const data = layer.imageData;
  if (
    !data ||
    data.width === 0 ||
    data.height === 0 ||
    !(data.data instanceof Uint8ClampedArray || data.data instanceof Uint8Array)
  ) {
    return undefined;
  }
  return {
    width: data.width,
    height: data.height,
    data: data.data,
    box: { ...boxOf(layer), width: data.width, height: data.height },
  };
}

function parse(bytes: Buffer, maxPixels: number): Psd {
  const header = readPsdHeader(bytes);
  if (header.width * header.height > maxPixels) {
    throw new PsdImportError(
      'PSD_TOO_LARGE',
      `The document is ${header.width}×${header.height} pixels; the limit is ${maxPixels} pixels.`,
    );
  }
  if (header.depth !== 8) {
    throw new PsdImportError(
      'PSD_UNSUPPORTED',
      `The document has ${header.depth} bits per channel; save it as 8 bits per channel (Image › Mode › 8 Bits/Channel).`,
    );
  }
  if (header.colorMode !== RGB && header.colorMode !== GREYSCALE) {
    throw new PsdImportError(
      'PSD_UNSUPPORTED',
      'The document is not in RGB or greyscale colour mode; convert it (Image › Mode › RGB Color).',
    );
  }
  setUpAgPsd();
  try {
    return readPsd(bytes, {
      useImageData: true,
      skipCompositeImageData: true,
      skipThumbnail: true,
      skipLinkedFilesData: true,
      // Every layer's pixels together: four bytes per canvas pixel, a few canvases' worth at most.
      totalMemoryLimit: Math.max(64 * 1024 * 1024, maxPixels * 4 * 6),
    });
  } catch (error) {
    if (error instanceof PsdImportError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    if (/memory/i.test(reason)) {
      throw new PsdImportError(
        'PSD_TOO_LARGE',
        'The layers of this document take more memory than the limit allows.',
        { cause: error },
      );
    }
    throw new PsdImportError('PSD_CORRUPT', 'The file is damaged or not a complete Photoshop document.', {
      cause: error,
    });
  }
}

export async function importPsd(bytes: Buffer, options: ImportPsdOptions): Promise<ImportedPsd> {
  const { imported, smartObjects, required } = await importLayers(bytes, options);
  if (smartObjects === 0) {
    throw new PsdImportError(
      'PSD_NO_SMART_OBJECTS',
      'The document has no visible smart object (placed layer) to put artwork into.',
    );
  }
  if (required > RENDER_SMART_OBJECTS_MAX) {
    throw new PsdImportError(
      'PSD_TOO_MANY_SMART_OBJECTS',
      `The document has ${required} embedded smart objects a render must fill, but a render fills at most ${RENDER_SMART_OBJECTS_MAX}; merge some, or make layers that show the same artwork instances of one smart object (duplicate the layer rather than placing the file again).`,
    );
  }
  return imported;
}

/**
 * The document's layers as a manifest, whether or not it has a smart object (importPsd refuses
 * one without; tests render such documents to compare them with Photoshop's composite).
 */
export async function importLayers(
  bytes: Buffer,
  options: ImportPsdOptions,
): Promise<{ imported: ImportedPsd; smartObjects: number; required: number }> {
  const psd = parse(bytes, options.maxPixels ?? DEFAULT_MAX_PIXELS);
  const walk: Walk = {
    entries: [],
    canvas: { x: 0, y: 0, width: psd.width, height: psd.height },
    assets: new Map(),
    warnings: [],
    smartObjects: 0,
    placements: 0,
    files: new Map(),
    names: 0,
    effects: 0,
    effectBudget: { pixels: EFFECT_BUDGET },
    fillBudget: { pixels: FILL_BUDGET },
    uuidOf: options.smartObjectUuid,
    embedded: embeddedFilesOf(psd),
  };
  await walkLayers(walk, psd.children ?? [], '', 1, psd);
  const colorMode = colorModeWarning(psd.colorMode, psd.imageResources?.xmpMetadata);
  if (colorMode) warn(walk, '', 'COLOR_MODE_APPROXIMATED', colorMode);
  const count = allEntriesOf(walk.entries).filter((entry) => entry.kind !== 'group').length;
  if (count > MAX_LAYERS) {
    throw new PsdImportError(
      'PSD_UNSUPPORTED',
      `The document has ${count} visible layers; merge some to stay within ${MAX_LAYERS}.`,
    );
  }
  const layers = await manifestLayersOf(walk, walk.entries);
  for (const entry of allEntriesOf(walk.entries)) {
    if (entry.kind === 'smart_object' && entry.content) {
      walk.assets.set(entry.content.asset, await encodeRgba(entry.content.pixels));
    }
  }
  return {
    imported: {
      manifest: { width: psd.width, height: psd.height, layers },
      assets: walk.assets,
      warnings: walk.warnings,
    },
    smartObjects: walk.smartObjects,
    required: [...walk.files.values()].filter((file) => file.required).length,
  };
}

/** The manifest's layers, images encoded; a group left empty is dropped. */
async function manifestLayersOf(walk: Walk, entries: Entry[]): Promise<TemplateLayerInput[]> {
  const layers: TemplateLayerInput[] = [];
  for (let start = 0; start < entries.length;) {
    // A layer and its effects (consecutive entries sharing one fade) are faded in as one group.
    const fade = fadeOfEntry(entries[start]!);
    let end = start + 1;
    while (fade && end < entries.length && fadeOfEntry(entries[end]!) === fade) end++;
    const run: TemplateLayerInput[] = [];
    for (const entry of entries.slice(start, end)) {
      const layer = await manifestLayerOf(walk, entry);
      if (layer) run.push(layer);
    }
    start = end;
    if (!fade || run.length === 0) layers.push(...run);
    else
      layers.push({ type: 'group', name: fade.name, pass_through: true, opacity: fade.opacity, layers: run });
  }
  return layers;
}

const fadeOfEntry = (entry: Entry) => (entry.kind === 'adjustment' ? undefined : entry.fade);

async function manifestLayerOf(walk: Walk, entry: Entry): Promise<TemplateLayerInput | undefined> {
  if (entry.kind === 'smart_object' || entry.kind === 'adjustment') return entry.layer;
  if (entry.kind === 'group') {
    const children = await manifestLayersOf(walk, entry.entries);
    return children.length > 0 ? { ...entry.layer, layers: children } : undefined;
  }
  walk.assets.set(entry.layer.asset, await encodeRgba(entry.pixels));
  return entry.layer;
}

/**
 * Which placed files are embedded. Photoshop lists every file a placed layer shows in the
 * document's linked-files table (external links flagged as such); a document without the table
 * (some writers omit it) is taken to embed them all.
 */
function embeddedFilesOf(psd: Psd): (fileId: string) => boolean {
  const files = psd.linkedFiles ?? [];
  if (files.length === 0) return () => true;
  const embedded = new Set(files.filter((file) => !file.linkedFile).map((file) => file.id));
  return (fileId) => embedded.has(fileId);
}

function warn(walk: Walk, layer: string, code: string, message: string): void {
  walk.warnings.push({ layer, code, message });
}

async function walkLayers(
  walk: Walk,
  layers: Layer[],
  parent: string,
  opacity: number,
  psd: Psd,
): Promise<void> {
  for (const layer of layers) {
    // Layer names reach Postgres (jsonb): one with a NUL or half a surrogate pair would fail the import.
    const own = toLayerName(layer.name ?? 'Layer', 'Layer');
    const path = parent ? `${parent} / ${own}` : own;
    if (layer.hidden) continue;
    const layerOpacity = (layer.opacity ?? 1) * opacity;

    if (layer.children && layer.clipping) {
      await addClippedGroup(walk, layer, path, layerOpacity, psd);
      continue;
    }
    if (layer.children) {
      const blend = layer.blendMode ?? 'pass through';
      const sole = soleLayerOf(layer);
      if (sole) {
        // A group of one layer is exact as that layer: the group's opacity multiplies the layer's,
        // and an isolated group (any mode but pass through) blends the layer's own pixels (a
        // layer over nothing keeps its colours whatever its mode) with the group's mode.
        const child = blend === 'pass through' ? sole : { ...sole, blendMode: blend };
        await walkLayers(walk, [child], path, layerOpacity, psd);
        continue;
      }
      const masked = hasMask(layer);
      if (blend === 'pass through' && (layer.opacity ?? 1) >= 1 && !masked) {
        await walkLayers(walk, layer.children, path, opacity, psd);
        continue;
      }
      // A plain normal group whose layers would draw the same over the backdrop as over
      // transparency is flattened: renders keep the flat path.
      if (blend === 'normal' && (layer.opacity ?? 1) >= 1 && !masked && !needsIsolation(layer.children)) {
        await walkLayers(walk, layer.children, path, layerOpacity, psd);
        continue;
      }
      await addGroup(walk, layer, path, layerOpacity, psd);
      continue;
    }
    if (layer.adjustment) {
      await addAdjustment(walk, layer, path, layerOpacity);
      continue;
    }
    if (hasEffects(layer) && !effectsToBake(layer)) {
      warn(walk, path, 'EFFECTS_SKIPPED', 'Layer effects (shadows, strokes, glows…) are not reproduced.');
    }
    if (layer.clipping) {
      await clip(walk, layer, path, layerOpacity * (layer.fillOpacity ?? 1), psd);
      continue;
    }
    if (layer.placedLayer) {
      const added = await addSmartObject(walk, layer, path, layerOpacity, psd);
      if (added) continue;
    }
    await addImage(walk, layer, path, layerOpacity, psd);
  }
}

/** The group's only visible layer, when the group is exactly that layer drawn with its own mode. */
function soleLayerOf(group: Layer): Layer | undefined {
  if (hasMask(group)) return undefined;
  const visible = (group.children ?? []).filter((child) => !child.hidden);
  const sole = visible.length === 1 ? visible[0]! : undefined;
  // Dissolve drops pixels before the group's opacity or mode applies: not one layer's mode.
  if (!sole || sole.children || sole.adjustment || sole.clipping || sole.blendMode === 'dissolve')
    return undefined;
  return sole;
}

/**
 * Whether a visible layer under `layers` reads the colours below it (an adjustment, or a mode other
 * than normal and dissolve): in an isolated group those are the group's own, not the backdrop's.
 */
function needsIsolation(layers: Layer[]): boolean {
  return layers.some((layer) => {
    if (layer.hidden) return false;
    if (layer.adjustment) return true;
    const blend = layer.blendMode ?? (layer.children ? 'pass through' : 'normal');
    if (blend !== 'normal' && blend !== 'dissolve' && blend !== 'pass through') return true;
    return layer.children ? needsIsolation(layer.children) : false;
  });
}

/** A group walked into its own list: isolated (composed on its own), or pass-through with its own
 * opacity or mask (composed over what is under it, then faded in). */
async function addGroup(
  walk: Walk,
  layer: Layer,
  path: string,
  opacity: number,
  psd: Psd,
  clippedTo?: OpenGroup,
): Promise<void> {
  const index = ++walk.names;
  const mask = clippedTo
    ? await alphaMask(walk, clippedTo.clipBase!.pixels, `group-${index}-mask.png`)
    : await maskFor(walk, layer, path, walk.canvas, `group-${index}-mask.png`);
  const passThrough = !clippedTo && (layer.blendMode ?? 'pass through') === 'pass through';
  const group: OpenGroup = {
    kind: 'group',
    layer: {
      type: 'group',
      name: toLayerName(path, 'Group'),
      ...(passThrough ? { pass_through: true } : { blend_mode: blendOf(walk, layer, path) }),
      opacity: round(opacity),
      ...(mask ? { mask } : {}),
    },
    entries: [],
  };
  const outer = clippedTo ? clippedTo.entries : walk.entries;
  const saved = walk.entries;
  outer.push(group);
  walk.entries = group.entries;
  try {
    await walkLayers(walk, layer.children ?? [], path, 1, psd);
  } finally {
    walk.entries = saved;
  }
}

/**
 * A group clipped to a pixel layer: composed on its own inside the clipping group, shown through
 * the base's alpha as its mask (exact where the base is opaque or empty).
 */
async function addClippedGroup(
  walk: Walk,
  layer: Layer,
  path: string,
  opacity: number,
  psd: Psd,
): Promise<void> {
  const base = clipBaseOf(walk);
  if (base?.kind !== 'image' && !(base?.kind === 'group' && base.clipBase)) {
    warn(
      walk,
      path,
      'CLIPPING_SKIPPED',
      'The group is clipped to nothing a group can be clipped to here (a pixel layer).',
    );
    return;
  }
  const group = clipGroupOf(walk, base);
  const approximations = [
    ...(partlyTransparent(group.clipBase!.pixels)
      ? ['drawn over partly transparent pixels of its base as over opaque ones']
      : []),
    ...((layer.blendMode ?? 'pass through') === 'pass through'
      ? ['its pass-through blending is drawn as normal']
      : []),
    ...(hasMask(layer) ? ['its own mask is left out'] : []),
  ];
  if (approximations.length > 0) {
    warn(
      walk,
      path,
      'CLIPPING_APPROXIMATED',
      `The clipped group is drawn approximately: ${approximations.join('; ')}.`,
    );
  }
  await addGroup(walk, layer, path, opacity, psd, group);
}

/** A grey mask asset from an image's alpha (hidden outside it). */
async function alphaMask(walk: Walk, pixels: Rgba & { box: Box }, name: string) {
  const grey = new Uint8ClampedArray(pixels.data.length);
  for (let i = 0; i < grey.length; i += 4) grey[i] = pixels.data[i + 3]!;
  const made = await maskPng(
    { box: pixels.box, grey: { ...pixels, data: grey }, defaultColor: 0 },
    pixels.box,
  );
  walk.assets.set(name, made.png);
  return { asset: name, x: made.x, y: made.y };
}

/** An adjustment layer, or (clipped) one applied to the layer it is clipped to only. */
async function addAdjustment(walk: Walk, layer: Layer, path: string, opacity: number): Promise<void> {
  const mapped = mapAdjustment(layer.adjustment!);
  if (mapped.kind === 'skipped') {
    warn(walk, path, 'ADJUSTMENT_SKIPPED', `The adjustment layer is not reproduced: ${mapped.reason}.`);
    return;
  }
  if (mapped.approximated) {
    warn(
      walk,
      path,
      'ADJUSTMENT_APPROXIMATED',
      `The adjustment layer is drawn approximately: ${mapped.approximated}.`,
    );
  }
  const blend = blendOf(walk, layer, path);
  if (blend === 'dissolve') {
    warn(
      walk,
      path,
      'BLEND_MODE_APPROXIMATED',
      'The "dissolve" blend mode of an adjustment layer is drawn as normal.',
    );
  }
  const index = ++walk.names;
  const mask = await maskFor(walk, layer, path, walk.canvas, `adjustment-${index}-mask.png`);
  const entry: OpenAdjustment = {
    kind: 'adjustment',
    layer: {
      type: 'adjustment',
      name: toLayerName(path, 'Adjustment'),
      filters: [mapped.filter],
      blend_mode: blend === 'dissolve' ? 'normal' : blend,
      opacity: round(opacity),
      ...(mask ? { mask } : {}),
    },
  };
  if (!layer.clipping) {
    walk.entries.push(entry);
    return;
  }
  const base = clipBaseOf(walk);
  if (base?.kind === 'image' || base?.kind === 'group') {
    clipGroupOf(walk, base).entries.push(entry);
    return;
  }
  if (base?.kind === 'smart_object') {
    // Per-pixel adjustments give the same colours before the artwork is warped as after.
    const so = base.layer;
    const filters = so.filters ?? [];
    const filterBlend = (FILTER_BLEND_MODES as readonly string[]).includes(
      entry.layer.blend_mode ?? 'normal',
    );
    if (!so.shading && !mask && filterBlend && filters.length < SMART_FILTERS_MAX) {
      so.filters = [
        ...filters,
        { ...mapped.filter, opacity: round(opacity), blend_mode: entry.layer.blend_mode } as SmartFilter,
      ];
      return;
    }
    warn(
      walk,
      path,
      'CLIPPING_SKIPPED',
      `The adjustment clipped to "${so.name}" is not reproduced: only one without a mask, below any other clipped layer and in a per-channel blend mode is.`,
    );
    return;
  }
  if (base?.kind === 'adjustment') {
    // An adjustment base covers everything under it (within its mask): the clipped one applies
    // there too, after it.
    const baseMask = base.layer.mask;
    if (mask && baseMask) {
      warn(
        walk,
        path,
        'CLIPPING_APPROXIMATED',
        'The adjustment clipped to another adjustment is drawn within its own mask, not within both masks.',
      );
    }
    const within = mask ?? baseMask;
    walk.entries.push({ ...entry, layer: { ...entry.layer, ...(within ? { mask: within } : {}) } });
    return;
  }
  warn(walk, path, 'CLIPPING_SKIPPED', 'The adjustment is clipped to nothing that is imported.');
}

/** The entry a clipped layer is clipped to: the last one, a layer's effects aside. */
function clipBaseOf(walk: Walk): Entry | undefined {
  const base = [...walk.entries].reverse().find((entry) => entry.kind !== 'image' || !entry.effect);
  if (base?.kind === 'group' && !base.clipBase) return undefined;
  return base;
}

/**
 * The isolated group standing for a clipping group: the base image drawn normally inside it, the
 * base's blend mode, opacity and mask on the group (Photoshop blends clipped layers as a group).
 */
function clipGroupOf(walk: Walk, base: OpenImage | OpenGroup): OpenGroup {
  if (base.kind === 'group') return base;
  const { blend_mode, opacity, mask, ...rest } = base.layer;
  // The clipping group takes the base's place among its effects (and its fade).
  const { fade, ...plain } = base;
  const inner: OpenImage = { ...plain, layer: { ...rest, blend_mode: 'normal', opacity: 1 } };
  const group: OpenGroup = {
    ...(fade ? { fade } : {}),
    kind: 'group',
    layer: {
      type: 'group',
      name: base.layer.name,
      blend_mode: blend_mode ?? 'normal',
      opacity: opacity ?? 1,
      ...(mask ? { mask } : {}),
    },
    entries: [inner],
    clipBase: inner,
  };
  walk.entries[walk.entries.lastIndexOf(base)] = group;
  return group;
}

function hasEffects(layer: Layer): boolean {
  const effects = layer.effects as Record<string, unknown> | undefined;
  if (!effects || effects.disabled) return false;
  return Object.entries(effects).some(([name, value]) => {
    if (name === 'scale' || name === 'disabled') return false;
    const list = Array.isArray(value) ? value : [value];
    return list.some((effect) => (effect as { enabled?: boolean } | undefined)?.enabled !== false);
  });
}

function blendOf(walk: Walk, layer: Layer, path: string) {
  const blend = toBlendMode(layer.blendMode);
  if (blend) return blend;
  warn(walk, path, 'BLEND_MODE_APPROXIMATED', `The "${layer.blendMode}" blend mode is drawn as normal.`);
  return 'normal' as const;
}

/** The layer's mask (see layerMaskOf) as an asset, or undefined when it has none. */
async function maskFor(walk: Walk, layer: Layer, path: string, cover: Box, name: string) {
  const mask = await layerMaskOf(walk, layer, path, cover);
  return mask ? encodeMask(walk, mask, name) : undefined;
}

async function encodeMask(walk: Walk, mask: GreyMask, name: string) {
  const made = await encodeGrey(mask);
  walk.assets.set(name, made.png);
  return { asset: name, x: made.x, y: made.y };
}

/**
 * The layer's mask: its raster mask times its vector mask (a fill or shape layer's vector mask is
 * already in its pixels, stored or drawn), each with its density and feather, or undefined when it
 * has neither.
 */
async function layerMaskOf(
  walk: Walk,
  layer: Layer,
  path: string,
  cover: Box,
): Promise<GreyMask | undefined> {
  const raster = userMaskOf(layer);
  const vector = ownVectorMask(layer);
  let coverage: Coverage | undefined;
  if (vector) {
    const props = vectorMaskProperties(layer);
    const drawn = await rasteriseVectorMask(vector, walk.canvas, props);
    if (drawn.kind === 'skipped') {
      warn(walk, path, 'VECTOR_MASK_SKIPPED', `The vector mask is not applied: ${drawn.reason}.`);
    } else if (drawn.kind === 'coverage') {
      coverage = drawn.coverage;
      if (featherApproximated(props.feather)) warnFeather(walk, path, 'vector mask');
    }
  }
  if (!raster && !coverage) return undefined;
  const grey = raster?.imageData as Rgba | undefined;
  let stored =
    raster && grey
      ? {
          box: { x: raster.left ?? 0, y: raster.top ?? 0, width: grey.width, height: grey.height },
          grey,
          defaultColor: raster.defaultColor ?? 0,
        }
      : undefined;
  if (stored) {
    const props = userMaskProperties(layer);
    if (props.density < 1 || props.feather > 0) stored = adjustRasterMask(stored, props, cover);
    if (featherApproximated(props.feather)) warnFeather(walk, path, 'layer mask');
  }
  return maskGrey(stored ?? { box: cover, grey: undefined, defaultColor: 255 }, cover, coverage);
}

function warnFeather(walk: Walk, path: string, which: string): void {
  warn(
    walk,
    path,
    'MASK_APPROXIMATED',
    `The ${which}'s feather above ${EXACT_FEATHER_MAX} px is drawn with an approximate Gaussian (three box blurs).`,
  );
}

/** A vector mask that hides part of the layer's own pixels (not a fill or shape layer's outline). */
function ownVectorMask(layer: Layer) {
  const vector = layer.vectorMask;
  return vector && !vector.disable && !layer.vectorFill ? vector : undefined;
}

/**
 * The layer's raster (user) mask. With a vector mask too, Photoshop stores its rasterisation of the
 * paths as the layer mask and the user's mask as the "real" one.
 */
function userMaskOf(layer: Layer): LayerMaskData | undefined {
  const mask = rasterisedVector(layer) ? layer.realMask : layer.mask;
  return mask && !mask.disabled && mask.imageData ? mask : undefined;
}

/** Whether the layer has a raster or vector mask that hides part of it. */
function hasMask(layer: Layer): boolean {
  return !!userMaskOf(layer) || !!ownVectorMask(layer);
}

/**
 * Whether the layer's mask channel is Photoshop's own rasterisation of its vector paths ("from
 * vector data", without the vector mask's density): the paths are drawn here instead (a shape
 * layer's are in its pixels). With no paths the channel is a mask painted by hand (psd-tools'
 * vector-mask3.psd flags one so).
 */
function rasterisedVector(layer: Layer): boolean {
  const paths = layer.vectorMask?.paths.filter((path) => path.knots.length > 1) ?? [];
  return !!layer.mask?.fromVectorData && paths.length > 0;
}

/**
 * The smart filter mask as a grey asset covering the placement, or undefined when the document
 * stores none that can be read (the caller warns). A mask white everywhere is applied by having
 * none. In a greyscale document the filters start with the grey conversion, which the mask must not
 * hold back, so a mask there is left out with its own warning (and counts as handled).
 */
async function filterMaskFor(
  walk: Walk,
  psd: Psd,
  placed: PlacedLayer,
  cover: Box,
  name: string,
): Promise<{ asset: string; x: number; y: number } | 'everywhere' | 'greyscale' | undefined> {
  const mask = filterMaskOf(psd, placed);
  if (!mask) return undefined;
  if (showsEverywhere(mask)) return 'everywhere';
  if ((psd.colorMode as number | undefined) === GREYSCALE_MODE) return 'greyscale';
  const made = await maskPng(mask, cover);
  walk.assets.set(name, made.png);
  return { asset: name, x: made.x, y: made.y };
}

/** A layer's effects drawn as far as they can be, each one left out or approximated warned about. */
function bakedEffectsOf(
  walk: Walk,
  layer: Layer,
  path: string,
  pixels: Placed,
  psd: Psd,
  { interior }: { interior: boolean },
) {
  const effects = effectsToBake(layer);
  if (!effects) return undefined;
  const angle = psd.imageResources?.globalAngle ?? DEFAULT_GLOBAL_ANGLE;
  const ppi = psd.imageResources?.resolutionInfo?.horizontalResolution ?? 72;
  const baked = bakeEffects(effects, pixels, psd, angle, {
    interior,
    budget: walk.effectBudget,
    ppi,
    fill: layer.fillOpacity ?? 1,
    interiorAsGroup: !!layer.blendInteriorElements,
  });
  for (const { effect, reason } of baked.skipped) {
    warn(walk, path, 'EFFECTS_SKIPPED', `The "${effect}" layer effect is not drawn: ${reason}.`);
  }
  for (const { effect, reason } of baked.approximated) {
    warn(
      walk,
      path,
      'EFFECTS_APPROXIMATED',
      `The "${effect}" layer effect is drawn approximately: ${reason}.`,
    );
  }
  return baked;
}

/** How a layer with effects drawn as entries of their own is faded: as one picture with them. */
function fadeOf(baked: BakedEffects | undefined, opacity: number, path: string): Fade | undefined {
  const apart = (baked?.below.length ?? 0) + (baked?.above.length ?? 0) > 0;
  return apart && opacity < 1 ? { opacity: round(opacity), name: toLayerName(path, 'Layer') } : undefined;
}

/**
 * The placed layer's effects that renders draw from each artwork, with a warning for how they
 * differ from Photoshop's; undefined when none can be (the import bakes or warns about them all).
 * With "Layer Mask Hides Effects" they stay baked: renders draw effects from the masked artwork.
 */
function renderTimeEffectsOf(
  walk: Walk,
  layer: Layer,
  path: string,
  psd: Psd,
  { position }: { position: { width: number; height: number } },
) {
  const effects = effectsToBake(layer);
  if (!effects) return undefined;
  const hasMask = !!layer.mask || (!!layer.vectorMask && !layer.vectorMask.disable);
  if (hasMask && maskHidesEffects(layer)) {
    for (const effect of namesOf(effects)) {
      warn(
        walk,
        path,
        'EFFECTS_APPROXIMATED',
        `The "${effect}" layer effect is drawn from the placed layer's stored pixels, not from each artwork: its layer mask hides effects ("Layer Mask Hides Effects"), which renders do not reproduce.`,
      );
    }
    return undefined;
  }
  const angle = psd.imageResources?.globalAngle ?? DEFAULT_GLOBAL_ANGLE;
  const ppi = psd.imageResources?.resolutionInfo?.horizontalResolution ?? 72;
  const live = placedLayerEffectsOf(effects, angle, ppi, walk.canvas);
  // Renders refuse effects over more than EFFECTS_AREA_MAX: those stay with the import, which warns.
  const reach = effectsReach(live.effects);
  const grown = {
    width: Math.min(walk.canvas.width, position.width + 2 * reach),
    height: Math.min(walk.canvas.height, position.height + 2 * reach),
  };
  if (grown.width * grown.height > EFFECTS_AREA_MAX) {
    for (const effect of live.names) {
      warn(
        walk,
        path,
        'EFFECTS_APPROXIMATED',
        `The "${effect}" layer effect is drawn from the placed layer's stored pixels, not from each artwork: renders draw effects over at most ${EFFECTS_AREA_MAX / 1_000_000} MP.`,
      );
    }
    return undefined;
  }
  for (const { effect, reason } of live.declined) {
    warn(walk, path, 'EFFECTS_SKIPPED', `The "${effect}" layer effect is not drawn: ${reason}.`);
  }
  for (const effect of live.names) {
    if (live.scale !== undefined) {
      warn(
        walk,
        path,
        'EFFECTS_APPROXIMATED',
        `The "${effect}" layer effect is drawn approximately: the effects are scaled by ${Math.round(live.scale * 1000) / 10} %: sizes and distances are multiplied by it, which is not confirmed against Photoshop.`,
      );
    }
  }
  return live;
}

/** Effects drawn as static layers of their own, named after the layer they belong to. */
function addEffects(
  walk: Walk,
  effects: EffectLayer[],
  path: string,
  opacity: number,
  asset: (n: number) => string,
  mask: { asset: string; x: number; y: number } | undefined,
  fade: Fade | undefined,
) {
  for (const effect of effects) {
    walk.entries.push({
      kind: 'image',
      effect: true,
      ...(fade ? { fade } : {}),
      pixels: effect.pixels,
      layer: {
        type: 'image',
        name: toLayerName(`${path} (${effect.effect})`, 'Layer'),
        asset: asset(++walk.effects),
        x: effect.pixels.box.x,
        y: effect.pixels.box.y,
        blend_mode: effect.blend,
        opacity: round(opacity * effect.opacity),
        ...(mask ? { mask } : {}),
      },
    });
  }
}

async function addImage(walk: Walk, layer: Layer, path: string, opacity: number, psd: Psd): Promise<void> {
  const own = await layerPixelsOf(walk, layer, path, psd);
  if (!own || fullyTransparent(own)) return;
  const index = ++walk.names;
  const asset = `layer-${index}.png`;
  // A mask that hides the effects too must cover them: the compositor hides what is outside a mask.
  const grey = await layerMaskOf(walk, layer, path, maskHidesEffects(layer) ? walk.canvas : own.box);
  const { shape, hides } = effectShapeOf(layer, own, grey);
  const mask = grey && shape === own ? await encodeMask(walk, grey, `layer-${index}-mask.png`) : undefined;
  const baked = bakedEffectsOf(walk, layer, path, shape, psd, { interior: true });
  const effectAsset = (n: number) => `layer-${index}-effect-${n}.png`;
  const fade = fadeOf(baked, opacity, path);
  const inner = fade ? 1 : opacity;
  const effectMask = hides ? mask : undefined;
  addEffects(walk, baked?.below ?? [], path, inner, effectAsset, effectMask, fade);
  const pixels = baked?.pixels ?? shape;
  // Fill opacity fades the layer's own pixels (with its overlays and inner effects only when they
  // blend as a group: else those are left out), not the effects drawn around it.
  const fill = layer.fillOpacity ?? 1;
  walk.entries.push({
    kind: 'image',
    pixels,
    ...(fade ? { fade } : {}),
    layer: {
      type: 'image',
      name: toLayerName(path, 'Layer'),
      asset,
      x: pixels.box.x,
      y: pixels.box.y,
      blend_mode: blendOf(walk, layer, path),
      opacity: round(inner * fill),
      ...(mask ? { mask } : {}),
    },
  });
  addEffects(walk, baked?.above ?? [], path, inner, effectAsset, effectMask, fade);
}

/**
 * What a layer's effects are drawn from. Photoshop draws them from what the layer's masks leave of
 * it, and the masks do not hide them; with "Layer Mask Hides Effects" they are drawn from the whole
 * layer and the mask hides them with it (`hides`). A layer without effects keeps its pixels.
 */
function effectShapeOf<T extends Rgba & { box: Box }>(layer: Layer, pixels: T, mask: GreyMask | undefined) {
  if (!mask || !effectsToBake(layer)) return { shape: pixels, hides: false };
  if (maskHidesEffects(layer)) return { shape: pixels, hides: true };
  return { shape: masked(pixels, mask), hides: false };
}

const maskHidesEffects = (layer: Layer) => !!layer.layerMaskAsGlobalMask && !!effectsToBake(layer);

/**
 * A layer's pixels: those Photoshop stored, or for a fill or shape layer that stores none, its fill
 * drawn through its vector mask (what cannot be drawn warned about).
 */
async function layerPixelsOf(
  walk: Walk,
  layer: Layer,
  path: string,
  psd: Psd,
): Promise<(Rgba & { box: Box }) | undefined> {
  const own = pixelsOf(layer);
  if (own || !layer.vectorFill) return own;
  const kind =
    layer.vectorFill.type === 'color'
      ? 'colour'
      : layer.vectorFill.type === 'pattern'
        ? 'pattern'
        : 'gradient';
  const drawn = await drawFillLayer(layer, psd, walk.fillBudget);
  if (drawn.kind === 'skipped') {
    warn(walk, path, 'FILL_SKIPPED', `The ${kind} fill layer is not drawn: ${drawn.reason}.`);
    return undefined;
  }
  if (drawn.approximated.length > 0) {
    warn(
      walk,
      path,
      'FILL_APPROXIMATED',
      `The ${kind} fill layer is drawn approximately: ${drawn.approximated.join('; ')}.`,
    );
  }
  return drawn.pixels;
}

async function addSmartObject(
  walk: Walk,
  layer: Layer,
  path: string,
  opacity: number,
  psd: Psd,
): Promise<boolean> {
  const placed = layer.placedLayer!;
  const affine = cornersOf(placed.transform);
  const nonAffine = cornersOf(placed.nonAffineTransform);
  const corners = nonAffine ?? affine;
  const pixels = pixelsOf(layer);
  const width = Math.round(placed.width ?? pixels?.width ?? 0);
  const height = Math.round(placed.height ?? pixels?.height ?? 0);
  if (!corners || width < 1 || height < 1 || width > 20_000 || height > 20_000) {
    warn(
      walk,
      path,
      'SMART_OBJECT_UNREADABLE',
      'The placed layer has no usable transform: it is kept as plain pixels.',
    );
    return false;
  }
  const size = { width, height };
  const warp = warpMesh(
    placed.warp,
    size,
    affine ? { transform: affine, nonAffine } : { transform: corners },
  );
  if (warp.kind === 'unsupported') {
    warn(walk, path, 'WARP_APPROXIMATED', `${warp.reason}: the artwork follows the corners only.`);
  } else if (warp.kind === 'mesh' && warp.approximation) {
    warn(walk, path, 'WARP_APPROXIMATED', `${warp.approximation}.`);
  }
  const mesh = warp.kind === 'mesh' ? warp.mesh : undefined;
  const smartFilters = mapSmartFilters(placed.filter, smartFilterDescriptorOf(placed), {
    size,
    corners,
    warped: mesh !== undefined,
    document: { width: psd.width, height: psd.height },
  });
  const position = boxAround(mesh ? mesh.points : corners);
  const placement = ++walk.placements;
  const filterMask = smartFilters.masked
    ? await filterMaskFor(walk, psd, placed, position, `smart-object-${placement}-filter-mask.png`)
    : undefined;
  for (const warning of smartFilterWarnings(smartFilters, filterMask !== undefined)) {
    warn(walk, path, warning.code, warning.message);
  }
  if (filterMask === 'greyscale') {
    warn(
      walk,
      path,
      'SMART_FILTER_MASK_IGNORED',
      'The smart filter mask is not applied in a greyscale document: the smart filters apply to the whole artwork.',
    );
  }
  const { filters, skipped } = documentFilters(psd.colorMode, smartFilters.filters);
  if (skipped) warn(walk, path, 'SMART_FILTERS_SKIPPED', skipped);
  const file = fileOf(walk, placed.id, layer, size);
  const printSize = printSizeOf(placed, psd, file.size);
  const grey = await layerMaskOf(walk, layer, path, maskHidesEffects(layer) ? walk.canvas : position);
  const mask = grey ? await encodeMask(walk, grey, `smart-object-${placement}-mask.png`) : undefined;
  const content = !file.required && pixels && !fullyTransparent(pixels) ? pixels : undefined;
  const contentAsset = `smart-object-${placement}-content.png`;
  const live = renderTimeEffectsOf(walk, layer, path, psd, { position });
  // What renders cannot draw from the artwork follows the placed layer's stored pixels.
  const still: Layer = live ? { ...layer, effects: live.rest } : layer;
  const shaped = pixels ? effectShapeOf(still, pixels, grey) : undefined;
  const baked = shaped
    ? bakedEffectsOf(walk, still, path, shaped.shape, psd, { interior: false })
    : undefined;
  const hides = shaped?.hides ? mask : undefined;
  if (!pixels && effectsToBake(still)) {
    warn(
      walk,
      path,
      'EFFECTS_SKIPPED',
      'Layer effects are not drawn: the placed layer stores no pixels to outline.',
    );
  }
  const effectAsset = (n: number) => `smart-object-${placement}-effect-${n}.png`;
  // Effects drawn at render time fade with the artwork there; those baked fade with it in a group.
  const fade = fadeOf(baked, opacity, path);
  const inner = fade ? 1 : opacity;
  addEffects(walk, baked?.below ?? [], path, inner, effectAsset, hides, fade);
  walk.entries.push({
    kind: 'smart_object',
    path,
    ...(fade ? { fade } : {}),
    layer: {
      type: 'smart_object',
      uuid: file.uuid,
      name: file.name,
      layer_name: toLayerName(path, 'Layer'),
      size: file.size,
      ...(printSize ? { print_size: printSize } : {}),
      position,
      quad: corners,
      // Every mesh here is a Photoshop warp: drawn as Photoshop draws it (template-model.ts).
      ...(mesh ? { mesh, warp_resampling: 'photoshop' as const } : {}),
      ...(filters.length ? { filters } : {}),
      ...(filters.length && typeof filterMask === 'object' ? { filter_mask: filterMask } : {}),
      ...(live?.effects.length ? { effects: live.effects } : {}),
      blend_mode: blendOf(walk, layer, path),
      opacity: round(inner),
      required: file.required,
      ...(content ? { content: { asset: contentAsset, x: content.box.x, y: content.box.y } } : {}),
      ...(mask ? { mask } : {}),
    },
    ...(content ? { content: { asset: contentAsset, pixels: content } } : {}),
  });
  addEffects(walk, baked?.above ?? [], path, inner, effectAsset, hides, fade);
  return true;
}

/** The smart object a placed layer shows: a new one, or the one of an earlier instance of its file. */
function fileOf(
  walk: Walk,
  fileId: string | undefined,
  layer: Layer,
  size: { width: number; height: number },
): SmartObjectFile {
  const known = fileId ? walk.files.get(fileId) : undefined;
  if (known) return known;
  const index = walk.smartObjects++;
  const name = toLayerName(layer.name ?? '', `Smart object ${index + 1}`);
  const file: SmartObjectFile = {
    uuid: walk.uuidOf(index, name),
    name,
    size,
    required: fileId ? walk.embedded(fileId) : true,
  };
  walk.files.set(fileId || `placement-${walk.placements + 1}`, file);
  return file;
}

/** A clipped layer: the smart object's shading, or drawn into the pixel layer it is clipped to. */
async function clip(walk: Walk, layer: Layer, path: string, opacity: number, psd: Psd): Promise<void> {
  const pixels = await layerPixelsOf(walk, layer, path, psd);
  if (!pixels || fullyTransparent(pixels)) return;
  const base = clipBaseOf(walk);
  if (base?.kind === 'smart_object') {
    const so = base.layer;
    if (so.shading || layer.placedLayer) {
      warn(
        walk,
        path,
        'CLIPPING_SKIPPED',
        `Only one clipped layer over "${so.name}" is reproduced (as its shading).`,
      );
      return;
    }
    const asset = `smart-object-${walk.placements}-shading.png`;
    walk.assets.set(asset, await encodeRgba(pixels));
    so.shading = {
      asset,
      x: pixels.box.x,
      y: pixels.box.y,
      blend_mode: blendOf(walk, layer, path),
      opacity: round(opacity),
    };
    return;
  }
  const blend = blendOf(walk, layer, path);
  if (base?.kind === 'image' && blend === 'normal') {
    clipOnto(base.pixels, pixels, opacity);
    return;
  }
  if (base?.kind === 'image' || (base?.kind === 'group' && base.clipBase)) {
    // Drawn inside the clipping group with its own mode, its alpha cut to the base's: exact where
    // the base is opaque or empty (Photoshop keeps the base's alpha where it is partly transparent).
    const group = clipGroupOf(walk, base);
    const under = group.clipBase!.pixels;
    if (partlyTransparent(under)) {
      warn(
        walk,
        path,
        'CLIPPING_APPROXIMATED',
        'The clipped layer is drawn over the partly transparent pixels of its base as over opaque ones.',
      );
    }
    const index = ++walk.names;
    const cut = cutToAlpha(pixels, under);
    group.entries.push({
      kind: 'image',
      pixels: cut,
      layer: {
        type: 'image',
        name: toLayerName(path, 'Layer'),
        asset: `layer-${index}.png`,
        x: cut.box.x,
        y: cut.box.y,
        blend_mode: blend,
        opacity: round(opacity),
      },
    });
    return;
  }
  warn(walk, path, 'CLIPPING_SKIPPED', 'The layer is clipped to nothing that is imported.');
}

const round = (value: number) => Math.round(value * 1000) / 1000;

function partlyTransparent(pixels: Rgba): boolean {
  for (let i = 3; i < pixels.data.length; i += 4) {
    const alpha = pixels.data[i]!;
    if (alpha !== 0 && alpha !== 255) return true;
  }
  return false;
}

/** `over`'s pixels with their alpha multiplied by `base`'s at the same canvas position. */
function cutToAlpha(over: Rgba & { box: Box }, base: Rgba & { box: Box }): Rgba & { box: Box } {
  const data = new Uint8ClampedArray(over.data);
  for (let y = 0; y < over.height; y++) {
    const by = over.box.y + y - base.box.y;
    for (let x = 0; x < over.width; x++) {
      const bx = over.box.x + x - base.box.x;
      const inside = by >= 0 && by < base.height && bx >= 0 && bx < base.width;
      const alpha = inside ? base.data[(by * base.width + bx) * 4 + 3]! : 0;
      const i = (y * over.width + x) * 4 + 3;
      data[i] = (data[i]! * alpha) / 255;
    }
  }
  return { ...over, data };
}
