// A PSD/PSB → the compositor's template manifest, its layer images and per-layer warnings.
// Walks the layers bottom to top: every placed layer (embedded or linked) becomes a smart object
// with its corners (perspective kept), warp, blend mode, opacity, mask and a clipped layer above it
// as its shading; visible pixel layers become static image layers with their blend mode, opacity and
// mask. What cannot be reproduced exactly (adjustment layers, effects, preset warps' exact curves, group blending,
// blend modes the compositor lacks) is drawn as closely as possible or left out, and said in a warning.
// Placed layers of one file (Photoshop instances) are one smart object with several placements. A
// smart object is required when its file is embedded in the document; one whose file is linked
// from outside (or missing) is optional and keeps the placed layer's own pixels when left out.
import {
  RENDER_SMART_OBJECTS_MAX,
  toLayerName,
  type SmartObjectLayer,
  type StaticLayer,
  type TemplateManifestInput,
} from '@platen/compositor';
import { readPsd, type Layer, type Psd } from 'ag-psd';
import { setUpAgPsd } from './ag-psd-setup.js';
import { toBlendMode } from './blend-modes.js';
import {
  bakeEffects,
  DEFAULT_GLOBAL_ANGLE,
  EFFECT_BUDGET,
  effectsToBake,
  type EffectLayer,
  type Placed,
} from './layer-effects.js';
import { boxAround, cornersOf, warpMesh } from './placed-geometry.js';
import { readPsdHeader } from './psd-header.js';
import { smartFilterDescriptorOf } from './smart-filter-descriptors.js';
import { mapSmartFilters, smartFilterWarnings } from './smart-filters.js';
import { colorModeWarning, documentFilters, GREYSCALE_MODE } from './document-color-mode.js';
import { PsdImportError } from './psd-import-error.js';
import { clipOnto, encodeRgba, fullyTransparent, maskPng, type Box, type Rgba } from './pixels.js';

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

type ManifestLayer = StaticLayer | SmartObjectLayer;
type Input<T> = Omit<T, 'blend_mode' | 'opacity' | 'required' | 'print_areas'> & Partial<T>;

/** A static layer whose pixels are still open: clipped layers above it are drawn into them. */
interface OpenImage {
  kind: 'image';
  layer: Input<StaticLayer>;
  pixels: Rgba & { box: Box };
  /** A layer effect drawn on its own: clipped layers go into the layer it belongs to. */
  effect?: true;
}

interface OpenSmartObject {
  kind: 'smart_object';
  layer: Input<SmartObjectLayer>;
  path: string;
  /** An optional smart object's own pixels, encoded as `asset` at the end. */
  content?: { asset: string; pixels: Rgba & { box: Box } };
}

type Entry = OpenImage | OpenSmartObject;

/** What every placement of one file shares. */
interface SmartObjectFile {
  uuid: string;
  name: string;
  size: { width: number; height: number };
  required: boolean;
}

interface Walk {
  entries: Entry[];
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
  const psd = parse(bytes, options.maxPixels ?? DEFAULT_MAX_PIXELS);
  const walk: Walk = {
    entries: [],
    assets: new Map(),
    warnings: [],
    smartObjects: 0,
    placements: 0,
    files: new Map(),
    names: 0,
    effects: 0,
    effectBudget: { pixels: EFFECT_BUDGET },
    uuidOf: options.smartObjectUuid,
    embedded: embeddedFilesOf(psd),
  };
  await walkLayers(walk, psd.children ?? [], '', 1, psd);
  if (walk.smartObjects === 0) {
    throw new PsdImportError(
      'PSD_NO_SMART_OBJECTS',
      'The document has no visible smart object (placed layer) to put artwork into.',
    );
  }
  const colorMode = colorModeWarning(psd.colorMode, psd.imageResources?.xmpMetadata);
  if (colorMode) warn(walk, '', 'COLOR_MODE_APPROXIMATED', colorMode);
  const required = [...walk.files.values()].filter((file) => file.required).length;
  if (required > RENDER_SMART_OBJECTS_MAX) {
    throw new PsdImportError(
      'PSD_TOO_MANY_SMART_OBJECTS',
      `The document has ${required} embedded smart objects a render must fill, but a render fills at most ${RENDER_SMART_OBJECTS_MAX}; merge some, or make layers that show the same artwork instances of one smart object (duplicate the layer rather than placing the file again).`,
    );
  }
  if (walk.entries.length > MAX_LAYERS) {
    throw new PsdImportError(
      'PSD_UNSUPPORTED',
      `The document has ${walk.entries.length} visible layers; merge some to stay within ${MAX_LAYERS}.`,
    );
  }
  const layers: ManifestLayer[] = [];
  for (const entry of walk.entries) {
    if (entry.kind === 'smart_object') {
      layers.push(entry.layer as SmartObjectLayer);
      continue;
    }
    walk.assets.set(entry.layer.asset, await encodeRgba(entry.pixels));
    layers.push(entry.layer as StaticLayer);
  }
  for (const entry of walk.entries) {
    if (entry.kind === 'smart_object' && entry.content) {
      walk.assets.set(entry.content.asset, await encodeRgba(entry.content.pixels));
    }
  }
  return {
    manifest: { width: psd.width, height: psd.height, layers },
    assets: walk.assets,
    warnings: walk.warnings,
  };
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
      if (blend !== 'pass through' && blend !== 'normal') {
        warn(
          walk,
          path,
          'GROUP_BLEND_APPROXIMATED',
          `The group's "${blend}" blend mode is not reproduced; its layers blend on their own.`,
        );
      } else if (blend === 'normal' && blendsWithBackdrop(layer.children)) {
        warn(
          walk,
          path,
          'GROUP_BLEND_APPROXIMATED',
          "The group's normal blend mode keeps its layers' blend modes inside the group in Photoshop; here they blend with what is under the group.",
        );
      } else if ((layer.opacity ?? 1) < 1) {
        warn(
          walk,
          path,
          'GROUP_OPACITY_APPROXIMATED',
          "The group's opacity is applied to each of its layers instead of the group as a whole.",
        );
      }
      if (layer.mask?.imageData && !layer.mask.disabled) {
        warn(walk, path, 'GROUP_MASK_SKIPPED', "The group's mask is not reproduced.");
      }
      await walkLayers(walk, layer.children, path, layerOpacity, psd);
      continue;
    }
    if (layer.adjustment) {
      warn(
        walk,
        path,
        'ADJUSTMENT_SKIPPED',
        `The "${layer.adjustment.type}" adjustment layer is not reproduced.`,
      );
      continue;
    }
    if (hasEffects(layer) && !effectsToBake(layer)) {
      warn(walk, path, 'EFFECTS_SKIPPED', 'Layer effects (shadows, strokes, glows…) are not reproduced.');
    }
    if (layer.clipping) {
      await clip(walk, layer, path, layerOpacity);
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
  if (group.mask?.imageData && !group.mask.disabled) return undefined;
  const visible = (group.children ?? []).filter((child) => !child.hidden);
  const sole = visible.length === 1 ? visible[0]! : undefined;
  // Dissolve drops pixels before the group's opacity or mode applies: not one layer's mode.
  if (!sole || sole.children || sole.adjustment || sole.clipping || sole.blendMode === 'dissolve')
    return undefined;
  return sole;
}

/**
 * Whether a visible layer under `layers` has a mode that reads the colours below it: in a normal
 * (isolated) group those are the group's own, not the backdrop's as here. Normal and dissolve
 * layers look the same either way.
 */
function blendsWithBackdrop(layers: Layer[]): boolean {
  return layers.some((layer) => {
    if (layer.hidden || layer.adjustment) return false;
    const blend = layer.blendMode ?? (layer.children ? 'pass through' : 'normal');
    if (blend !== 'normal' && blend !== 'dissolve' && blend !== 'pass through') return true;
    return layer.children ? blendsWithBackdrop(layer.children) : false;
  });
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

async function maskFor(walk: Walk, layer: Layer, cover: Box, name: string) {
  const mask = layer.mask;
  if (!mask || mask.disabled || !mask.imageData) return undefined;
  const grey = mask.imageData as Rgba;
  const box = { x: mask.left ?? 0, y: mask.top ?? 0, width: grey.width, height: grey.height };
  const made = await maskPng({ box, grey, defaultColor: mask.defaultColor ?? 0 }, cover);
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
  { interior, opacity }: { interior: boolean; opacity: number },
) {
  const effects = effectsToBake(layer);
  if (!effects) return undefined;
  const angle = psd.imageResources?.globalAngle ?? DEFAULT_GLOBAL_ANGLE;
  const baked = bakeEffects(effects, pixels, psd, angle, { interior, budget: walk.effectBudget });
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
  for (const { effect } of opacity < 1 ? [...baked.below, ...baked.above] : []) {
    // Photoshop fades the layer and its effects as one picture: a shadow stays hidden under the layer.
    warn(
      walk,
      path,
      'EFFECTS_APPROXIMATED',
      `The "${effect}" layer effect is drawn approximately: the layer's opacity fades it on its own, so it shows through the layer.`,
    );
  }
  return baked;
}

/** Effects drawn as static layers of their own, named after the layer they belong to. */
function addEffects(
  walk: Walk,
  effects: EffectLayer[],
  path: string,
  opacity: number,
  asset: (n: number) => string,
) {
  for (const effect of effects) {
    walk.entries.push({
      kind: 'image',
      effect: true,
      pixels: effect.pixels,
      layer: {
        type: 'image',
        name: toLayerName(`${path} (${effect.effect})`, 'Layer'),
        asset: asset(++walk.effects),
        x: effect.pixels.box.x,
        y: effect.pixels.box.y,
        blend_mode: effect.blend,
        opacity: round(opacity * effect.opacity),
      },
    });
  }
}

async function addImage(walk: Walk, layer: Layer, path: string, opacity: number, psd: Psd): Promise<void> {
  const own = pixelsOf(layer);
  if (!own || fullyTransparent(own)) return;
  const index = ++walk.names;
  const asset = `layer-${index}.png`;
  const mask = await maskFor(walk, layer, own.box, `layer-${index}-mask.png`);
  const baked = bakedEffectsOf(walk, layer, path, own, psd, { interior: true, opacity });
  const effectAsset = (n: number) => `layer-${index}-effect-${n}.png`;
  addEffects(walk, baked?.below ?? [], path, opacity, effectAsset);
  const pixels = baked?.pixels ?? own;
  walk.entries.push({
    kind: 'image',
    pixels,
    layer: {
      type: 'image',
      name: toLayerName(path, 'Layer'),
      asset,
      x: pixels.box.x,
      y: pixels.box.y,
      blend_mode: blendOf(walk, layer, path),
      opacity: round(opacity),
      ...(mask ? { mask } : {}),
    },
  });
  addEffects(walk, baked?.above ?? [], path, opacity, effectAsset);
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
  const smartFilters = mapSmartFilters(placed.filter, smartFilterDescriptorOf(placed));
  for (const warning of smartFilterWarnings(smartFilters)) warn(walk, path, warning.code, warning.message);
  const { filters, skipped } = documentFilters(psd.colorMode, smartFilters.filters);
  if (skipped) warn(walk, path, 'SMART_FILTERS_SKIPPED', skipped);
  const mesh = warp.kind === 'mesh' ? warp.mesh : undefined;
  const position = boxAround(mesh ? mesh.points : corners);
  const file = fileOf(walk, placed.id, layer, size);
  const placement = ++walk.placements;
  const mask = await maskFor(walk, layer, position, `smart-object-${placement}-mask.png`);
  const content = !file.required && pixels && !fullyTransparent(pixels) ? pixels : undefined;
  const contentAsset = `smart-object-${placement}-content.png`;
  // Outline effects follow the placed layer's stored pixels: the placement's shape, not the artwork's.
  const baked = pixels
    ? bakedEffectsOf(walk, layer, path, pixels, psd, { interior: false, opacity })
    : undefined;
  if (!pixels && effectsToBake(layer)) {
    warn(
      walk,
      path,
      'EFFECTS_SKIPPED',
      'Layer effects are not drawn: the placed layer stores no pixels to outline.',
    );
  }
  const effectAsset = (n: number) => `smart-object-${placement}-effect-${n}.png`;
  addEffects(walk, baked?.below ?? [], path, opacity, effectAsset);
  walk.entries.push({
    kind: 'smart_object',
    path,
    layer: {
      type: 'smart_object',
      uuid: file.uuid,
      name: file.name,
      layer_name: toLayerName(path, 'Layer'),
      size: file.size,
      position,
      quad: corners,
      ...(mesh ? { mesh } : {}),
      ...(filters.length ? { filters } : {}),
      blend_mode: blendOf(walk, layer, path),
      opacity: round(opacity),
      required: file.required,
      ...(content ? { content: { asset: contentAsset, x: content.box.x, y: content.box.y } } : {}),
      ...(mask ? { mask } : {}),
    },
    ...(content ? { content: { asset: contentAsset, pixels: content } } : {}),
  });
  addEffects(walk, baked?.above ?? [], path, opacity, effectAsset);
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
async function clip(walk: Walk, layer: Layer, path: string, opacity: number): Promise<void> {
  const pixels = pixelsOf(layer);
  if (!pixels || fullyTransparent(pixels)) return;
  const base = [...walk.entries].reverse().find((entry) => entry.kind !== 'image' || !entry.effect);
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
  if (base?.kind === 'image') {
    if (layer.blendMode && layer.blendMode !== 'normal') {
      warn(
        walk,
        path,
        'CLIPPING_APPROXIMATED',
        `The clipped layer's "${layer.blendMode}" blend mode is drawn as normal.`,
      );
    }
    clipOnto(base.pixels, pixels, opacity);
    return;
  }
  warn(walk, path, 'CLIPPING_SKIPPED', 'The layer is clipped to nothing that is imported.');
}

const round = (value: number) => Math.round(value * 1000) / 1000;
