// Turns a manifest plus its images into what renders reuse: every layer decoded once, the static
// layers below the first smart object flattened into one base, runs of normal static layers above
// merged, maps cropped to the region each smart object can touch, mesh fields rasterised.
import type { ComposeStep } from './compose-task.js';
import { RenderFailedError } from './compositor-errors.js';
import type { Matrix3 } from './homography.js';
import { invertMatrix3, rectToQuad } from './homography.js';
import type { KernelPool } from './kernel-pool.js';
import type { MeshField } from './mesh-field.js';
import { buildMeshField, meshBounds } from './mesh-field.js';
import type { PlacedGrey, PlacedRgba, Region } from './raster.js';
import { cropGrey, cropRgba, cropToContent, intersect, isOpaque, sharedCopy, union } from './raster.js';
import type { SharpMedia } from './sharp-media.js';
import type {
  BlendMode,
  PlacedImage,
  Quad,
  SmartObjectLayer,
  StaticLayer,
  TemplateAssets,
  TemplateManifest,
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
  /** perspective: canvas → artwork normalised to [0,1]²; mesh: a field over `region`. */
  geometry: { type: 'perspective'; canvasToUnit: Matrix3 } | { type: 'mesh'; field: MeshField };
  /** Canvas pixels along the artwork's longest top/bottom edge and left/right edge. */
  extent: { width: number; height: number };
  mask?: PlacedGrey;
  displacement?: { map: PlacedGrey; strength: number };
  shading?: { image: PlacedRgba; blend: BlendMode; opacity: number };
  color?: { mask: PlacedGrey; default: string; allowed: Set<string> | null };
}

export interface PreparedTemplate {
  key: string;
  width: number;
  height: number;
  /** Straight RGBA of every static layer below the first smart object, in shared memory. */
  base: Uint8Array;
  /** An opaque base stays opaque whatever is composited over it. */
  opaque: boolean;
  steps: (PreparedLayer | PreparedSmartObject)[];
  /** Bytes held, for the cache bound. */
  bytes: number;
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
    return {
      region,
      geometry: { type: 'mesh', field: buildMeshField(layer.mesh, region) },
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
    geometry: { type: 'perspective', canvasToUnit },
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

export async function prepareTemplate({
  key,
  manifest,
  assets,
  media,
  pool,
}: PrepareInput): Promise<PreparedTemplate> {
  for (const name of assetNamesOf(manifest)) {
    if (!assets.has(name)) throw new RenderFailedError(`template asset "${name}" is missing`);
  }
  const decoder = createDecoder(assets, media);
  const canvas: Region = { x: 0, y: 0, width: manifest.width, height: manifest.height };

  const prepareStatic = async (layer: StaticLayer): Promise<PreparedLayer | null> => {
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
  };

  const prepareSmart = async (layer: SmartObjectLayer): Promise<PreparedSmartObject | null> => {
    const geometry = geometryOf(layer, canvas);
    if (!geometry) return null;
    const { region } = geometry;
    const prepared: PreparedSmartObject = { kind: 'smart', layer, ...geometry };
    if (layer.mask) prepared.mask = cropGrey(await decoder.grey(layer.mask), region, 0);
    if (layer.displacement) {
      prepared.displacement = {
        map: cropGrey(await decoder.grey(layer.displacement), region, 128),
        strength: layer.displacement.strength,
      };
    }
    if (layer.shading) {
      const image = cropToContent(cropRgba(await decoder.rgba(layer.shading), region));
      if (image)
        prepared.shading = { image, blend: layer.shading.blend_mode, opacity: layer.shading.opacity };
    }
    if (layer.color) {
      prepared.color = {
        mask: cropGrey(await decoder.grey(layer.color.mask), canvas, 0),
        default: hexToKey(layer.color.default),
        allowed: layer.color.allowed ? new Set(layer.color.allowed.map(hexToKey)) : null,
      };
    }
    return prepared;
  };

  const firstSmart = manifest.layers.findIndex((layer) => layer.type === 'smart_object');
  const belowCount = firstSmart === -1 ? manifest.layers.length : firstSmart;
  const prepared = await Promise.all(
    manifest.layers.map((layer) => (layer.type === 'image' ? prepareStatic(layer) : prepareSmart(layer))),
  );

  const below = prepared.slice(0, belowCount).filter((step): step is PreparedLayer => step !== null);
  const flatBase = await pool.compose({
    width: canvas.width,
    height: canvas.height,
    base: null,
    steps: below.map(layerStep),
  });
  const base = sharedCopy(flatBase);

  // Above the first smart object, consecutive normal layers merge into one (source-over is
  // associative); a layer with another blend mode must meet the pixels under it, so it stays.
  const steps: (PreparedLayer | PreparedSmartObject)[] = [];
  let run: PreparedLayer[] = [];
  const flushRun = async () => {
    if (run.length === 1) steps.push(run[0]!);
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
      if (image) steps.push({ kind: 'layer', image, blend: 'normal', opacity: 1 });
    }
    run = [];
  };
  for (const step of prepared.slice(belowCount)) {
    if (!step) continue;
    if (step.kind === 'layer' && step.blend === 'normal') {
      run.push(step);
      continue;
    }
    await flushRun();
    steps.push(step);
  }
  await flushRun();

  const shared = steps.map(shareStep);
  return {
    key,
    width: canvas.width,
    height: canvas.height,
    base,
    opaque: isOpaque(base),
    steps: shared,
    bytes: base.byteLength + shared.reduce((sum, step) => sum + stepBytes(step), 0),
  };
}

function shareRgba(image: PlacedRgba): PlacedRgba {
  return { ...image, data: sharedCopy(image.data) };
}

function shareGrey(map: PlacedGrey): PlacedGrey {
  return { ...map, data: sharedCopy(map.data) };
}

/** Moves every cached raster into shared memory so kernel threads read it without a copy. */
function shareStep(step: PreparedLayer | PreparedSmartObject): PreparedLayer | PreparedSmartObject {
  if (step.kind === 'layer') {
    return { ...step, image: shareRgba(step.image), ...(step.mask ? { mask: shareGrey(step.mask) } : {}) };
  }
  const shared: PreparedSmartObject = { ...step };
  if (step.geometry.type === 'mesh') {
    const { field } = step.geometry;
    const triangle = new Int32Array(new SharedArrayBuffer(field.triangle.byteLength));
    triangle.set(field.triangle);
    shared.geometry = { type: 'mesh', field: { ...field, triangle } };
  }
  if (step.mask) shared.mask = shareGrey(step.mask);
  if (step.displacement)
    shared.displacement = { ...step.displacement, map: shareGrey(step.displacement.map) };
  if (step.shading) shared.shading = { ...step.shading, image: shareRgba(step.shading.image) };
  if (step.color) shared.color = { ...step.color, mask: shareGrey(step.color.mask) };
  return shared;
}

function stepBytes(step: PreparedLayer | PreparedSmartObject): number {
  if (step.kind === 'layer') return step.image.data.byteLength + (step.mask?.data.byteLength ?? 0);
  return (
    (step.geometry.type === 'mesh'
      ? step.geometry.field.triangle.byteLength + step.geometry.field.coefficients.byteLength
      : 0) +
    (step.mask?.data.byteLength ?? 0) +
    (step.displacement?.map.data.byteLength ?? 0) +
    (step.shading?.image.data.byteLength ?? 0) +
    (step.color?.mask.data.byteLength ?? 0)
  );
}
