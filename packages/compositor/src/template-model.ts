// The template manifest: canvas size plus an ordered layer list (bottom → top) of static image
// layers and smart objects, with images referenced by asset name. It is plain JSON so the PSD
// importer and the JSON manifest upload can produce it; every geometry is in canvas pixels.
// Smart object layers sharing a uuid are placements of one smart object (Photoshop instances of one
// file): one artwork drawn at each, so they must agree on what a render sees (size, required, print areas).
import { BLEND_MODES, RENDER_SMART_OBJECTS_MAX, storableText, toStorableText } from '@platen/contracts';
import { z } from 'zod';
import { adjustmentFiltersSchema, smartFiltersSchema } from './filters/filter-model.js';

// The blend modes are part of the public contract (a mockup's smart objects report theirs).
export { BLEND_MODES, RENDER_SMART_OBJECTS_MAX } from '@platen/contracts';
export const blendModeSchema = z.enum(BLEND_MODES);
export type BlendMode = z.infer<typeof blendModeSchema>;

const coordinate = z.number().finite().min(-100_000).max(100_000);
const dimension = z.number().int().min(1).max(20_000);
export const pointSchema = z.tuple([coordinate, coordinate]);
export type Point = z.infer<typeof pointSchema>;
export const quadSchema = z.tuple([pointSchema, pointSchema, pointSchema, pointSchema]);
/** Corners of the artwork in canvas pixels: top-left, top-right, bottom-right, bottom-left. */
export type Quad = z.infer<typeof quadSchema>;

export const hexColorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'expected a colour like #1a2b3c');

const opacity = z.number().min(0).max(1).default(1);
const assetName = storableText({ min: 1, max: 200 });
const LAYER_NAME_MAX = 200;
/** Layer and smart object names are stored (jsonb) and shown: Postgres-storable text. */
const layerName = storableText({ min: 1, max: LAYER_NAME_MAX });

/**
 * A layer name from text nobody chose for this API (a PSD's layer names): cut to the limit, with NUL
 * and unpaired surrogates dropped (a cut can split a surrogate pair), or `fallback` if nothing is left.
 */
export function toLayerName(text: string, fallback: string): string {
  return toStorableText(text.slice(0, LAYER_NAME_MAX)) || fallback;
}

/** An image asset placed on the canvas with its top-left corner at (x, y); outside it is empty. */
export const placedImageSchema = z.object({
  asset: assetName,
  x: z.number().int().default(0),
  y: z.number().int().default(0),
});
export type PlacedImage = z.infer<typeof placedImageSchema>;

export const staticLayerSchema = z.object({
  type: z.literal('image'),
  name: layerName,
  ...placedImageSchema.shape,
  blend_mode: blendModeSchema.default('normal'),
  opacity,
  /** Visibility from the mask's alpha channel if it has one, otherwise from its grey level. */
  mask: placedImageSchema.optional(),
});
export type StaticLayer = z.infer<typeof staticLayerSchema>;

/** A bilinear-patch grid: (cols+1) × (rows+1) canvas points, row by row, that the artwork's
 * evenly divided grid maps onto (a cylinder wrap is such a grid). */
export const WARP_RESAMPLINGS = ['photoshop', 'fast'] as const;
export type WarpResampling = (typeof WARP_RESAMPLINGS)[number];

export const meshSchema = z
  .object({
    cols: z.number().int().min(1).max(128),
    rows: z.number().int().min(1).max(128),
    points: z.array(pointSchema).max(129 * 129),
  })
  .refine((mesh) => mesh.points.length === (mesh.cols + 1) * (mesh.rows + 1), {
    message: 'mesh.points must hold (cols + 1) × (rows + 1) points',
    path: ['points'],
  });
export type Mesh = z.infer<typeof meshSchema>;

export const printAreaSchema = z.object({
  name: storableText({ min: 1, max: 100 }),
  x: z.number().int().min(0),
  y: z.number().int().min(0),
  width: dimension,
  height: dimension,
});
export type PrintArea = z.infer<typeof printAreaSchema>;

/** How far (canvas pixels) an effect's size or distance may reach: Photoshop's own import cap. */
export const EFFECT_REACH_MAX = 1000;
/** Effects a smart object may carry (Photoshop allows 10 of a kind). */
export const SMART_OBJECT_EFFECTS_MAX = 30;
const effectLength = z.number().min(0).max(EFFECT_REACH_MAX);
const fraction = z.number().min(0).max(1);
/** The blend modes an effect painted inside the artwork (overlay, inner shadow or glow) can use. */
export const INTERIOR_BLEND_MODES = [
  'normal',
  'multiply',
  'screen',
  'darken',
  'lighten',
  'difference',
  'linear-dodge',
  'linear-burn',
] as const satisfies readonly BlendMode[];
const interiorBlendSchema = z.enum(INTERIOR_BLEND_MODES);
/** Colour or opacity stops a gradient overlay may have. */
export const GRADIENT_STOPS_MAX = 64;

/**
 * A Photoshop layer effect drawn at render time from the placed artwork's alpha (after warping and
 * masking), so it follows each artwork. Lengths are canvas pixels; `angle` is where the light comes
 * from (degrees counter-clockwise from the right), the shadow falls away from it; `spread` is
 * Photoshop's spread/choke (0–1); `size` blurs a shadow or glow and is a stroke's width. Drop
 * shadows and outer glows go under the artwork, gradient overlays, colour overlays, inner glows and
 * inner shadows (in that order) are painted into it, strokes over it.
 */
export const smartObjectEffectSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('drop_shadow'),
    color: hexColorSchema.default('#000000'),
    opacity,
    blend_mode: blendModeSchema.default('multiply'),
    angle: z.number().finite().min(-360).max(360).default(120),
    distance: effectLength.default(5),
    size: effectLength.default(5),
    spread: fraction.default(0),
  }),
  z.object({
    type: z.literal('outer_glow'),
    color: hexColorSchema.default('#ffffbe'),
    opacity,
    blend_mode: blendModeSchema.default('screen'),
    size: effectLength.default(5),
    spread: fraction.default(0),
  }),
  z.object({
    type: z.literal('inner_shadow'),
    color: hexColorSchema.default('#000000'),
    opacity,
    blend_mode: interiorBlendSchema.default('multiply'),
    angle: z.number().finite().min(-360).max(360).default(120),
    distance: effectLength.default(5),
    size: effectLength.default(5),
    spread: fraction.default(0),
  }),
  z.object({
    type: z.literal('inner_glow'),
    color: hexColorSchema.default('#ffffbe'),
    opacity,
    blend_mode: interiorBlendSchema.default('screen'),
    size: effectLength.default(5),
    spread: fraction.default(0),
  }),
  z.object({
    type: z.literal('color_overlay'),
    color: hexColorSchema,
    opacity,
    blend_mode: interiorBlendSchema.default('normal'),
  }),
  z.object({
    type: z.literal('gradient_overlay'),
    opacity,
    blend_mode: interiorBlendSchema.default('normal'),
    style: z.enum(['linear', 'reflected']).default('linear'),
    /** The direction it runs in, degrees counter-clockwise from the right. */
    angle: z.number().finite().min(-360).max(360).default(90),
    /** Its length over the line through `area` at `angle` (1: edge to edge). */
    scale: z.number().min(0.1).max(1.5).default(1),
    /** Its centre moved by these fractions of the area's width and height. */
    offset: z.object({ x: z.number().min(-2).max(2), y: z.number().min(-2).max(2) }).default({ x: 0, y: 0 }),
    reverse: z.boolean().default(false),
    /** Photoshop's smoothness (0: linear steps between stops). */
    smoothness: fraction.default(1),
    colors: z
      .array(z.object({ location: fraction, midpoint: fraction.default(0.5), color: hexColorSchema }))
      .min(1)
      .max(GRADIENT_STOPS_MAX),
    opacities: z
      .array(z.object({ location: fraction, midpoint: fraction.default(0.5), opacity: fraction }))
      .max(GRADIENT_STOPS_MAX)
      .default([]),
    /** What it spans, in canvas pixels; absent: the box of what the artwork shows ("align with layer"). */
    area: z
      .object({ x: z.number().int(), y: z.number().int(), width: dimension, height: dimension })
      .optional(),
  }),
  z.object({
    type: z.literal('stroke'),
    color: hexColorSchema.default('#000000'),
    opacity,
    blend_mode: blendModeSchema.default('normal'),
    size: effectLength.default(3),
    position: z.enum(['outside', 'inside', 'center']).default('outside'),
  }),
]);
export type SmartObjectEffect = z.infer<typeof smartObjectEffectSchema>;
export type SmartObjectEffectInput = z.input<typeof smartObjectEffectSchema>;

export const smartObjectLayerSchema = z.object({
  type: z.literal('smart_object'),
  uuid: z.uuid(),
  name: layerName,
  layer_name: layerName,
  /** The artwork's design size; print areas and the aspect ratio for `fit` refer to it. */
  size: z.object({ width: dimension, height: dimension }),
  position: z.object({ x: z.number().int(), y: z.number().int(), width: dimension, height: dimension }),
  /** Perspective target; null means the artwork fills `position` (or follows `mesh`). */
  quad: quadSchema.nullable(),
  mesh: meshSchema.optional(),
  /**
   * How `mesh` resamples the artwork. 'photoshop': as Photoshop draws its warps (the artwork decoded
   * with a Mitchell kernel at 1.5× its on-canvas size, each pixel a 2 × 2 supersample), closer to
   * Photoshop's own pixels and about twice the warp's cost; the PSD importer sets it on every warp it
   * imports. 'fast' (absent): Lanczos decode at on-canvas size, one bilinear tap per pixel. Ignored
   * without `mesh`.
   */
  warp_resampling: z.enum(WARP_RESAMPLINGS).optional(),
  /** Smart filters run over the artwork, fitted to `size`, before it is warped (bottom → top). */
  filters: smartFiltersSchema.optional(),
  /** Layer effects drawn from the artwork at render time, listed bottom → top within each place:
   * shadows and glows under the artwork, strokes over it (Photoshop's order). */
  effects: z.array(smartObjectEffectSchema).max(SMART_OBJECT_EFFECTS_MAX).optional(),
  blend_mode: blendModeSchema.default('normal'),
  opacity,
  required: z.boolean().default(true),
  /** What a render that leaves this (optional) smart object out draws instead, with the layer's
   * blend mode, opacity and mask: the placed layer's own pixels. Absent: nothing is drawn. */
  content: placedImageSchema.optional(),
  mask: placedImageSchema.optional(),
  /** Photoshop's smart filter mask (grey, canvas coordinates): the filtered artwork shows through
   * it over the unfiltered artwork; outside its image the filters apply in full. */
  filter_mask: placedImageSchema.optional(),
  /** Grey map: 128 is neutral, 0 and 255 shift the artwork by `strength` canvas pixels. */
  displacement: placedImageSchema.extend({ strength: z.number().min(0).max(200) }).optional(),
  /** Highlights and shadows re-applied over the artwork only (clipped to it). */
  shading: placedImageSchema
    .extend({ blend_mode: blendModeSchema.default('soft-light'), opacity })
    .optional(),
  /** Product colour multiplied onto the canvas under `mask` before the artwork is drawn. */
  color: z
    .object({
      default: hexColorSchema,
      allowed: z.array(hexColorSchema).max(200).optional(),
      mask: placedImageSchema,
    })
    .optional(),
  print_areas: z.array(printAreaSchema).max(50).default([]),
  /** The physical size the whole design area (`size`) is printed at (print files); absent: `size`
   * read at PRINT_AREA_FALLBACK_DPI (see print-file.ts). */
  print_size: z
    .object({ width_mm: z.number().positive().max(100_000), height_mm: z.number().positive().max(100_000) })
    .optional(),
});
export type SmartObjectLayer = z.infer<typeof smartObjectLayerSchema>;

/**
 * An adjustment layer: its filters run over what is under it in its group (the canvas at the top
 * level), and the result replaces those colours with the layer's blend mode, opacity and mask; the
 * alpha under it is kept (transparent stays transparent).
 */
export const adjustmentLayerSchema = z.object({
  type: z.literal('adjustment'),
  name: layerName,
  filters: adjustmentFiltersSchema,
  blend_mode: blendModeSchema.default('normal'),
  opacity,
  mask: placedImageSchema.optional(),
});
export type AdjustmentLayer = z.infer<typeof adjustmentLayerSchema>;

/** How deep groups may nest (a group at the top level is 1 deep). */
export const GROUP_DEPTH_MAX = 16;
/** Layers of every depth a manifest may hold (groups not counted). */
export const TEMPLATE_LAYERS_MAX = 200;

/**
 * A group. Isolated (the default): its layers are composed on their own, over transparency (so
 * their blend modes and adjustments see only each other), and the result is blended as one layer.
 * Pass-through: its layers are composed over what is under the group, as if they were not grouped,
 * and the result is faded in by the group's opacity and mask (`blend_mode` is not used).
 */
export const groupLayerSchema = z.object({
  type: z.literal('group'),
  name: layerName,
  get layers() {
    return z.array(templateLayerSchema).min(1).max(TEMPLATE_LAYERS_MAX);
  },
  blend_mode: blendModeSchema.default('normal'),
  pass_through: z.boolean().default(false),
  opacity,
  mask: placedImageSchema.optional(),
});
export interface GroupLayer {
  type: 'group';
  name: string;
  layers: TemplateLayer[];
  blend_mode: BlendMode;
  pass_through: boolean;
  opacity: number;
  mask?: PlacedImage | undefined;
}
export interface GroupLayerInput {
  type: 'group';
  name: string;
  layers: TemplateLayerInput[];
  blend_mode?: BlendMode | undefined;
  pass_through?: boolean | undefined;
  opacity?: number | undefined;
  mask?: z.input<typeof placedImageSchema> | undefined;
}

export type TemplateLayer = StaticLayer | SmartObjectLayer | AdjustmentLayer | GroupLayer;
export type TemplateLayerInput =
  | z.input<typeof staticLayerSchema>
  | z.input<typeof smartObjectLayerSchema>
  | z.input<typeof adjustmentLayerSchema>
  | GroupLayerInput;

export const templateLayerSchema: z.ZodType<TemplateLayer, TemplateLayerInput> = z.discriminatedUnion(
  'type',
  [staticLayerSchema, smartObjectLayerSchema, adjustmentLayerSchema, groupLayerSchema],
);

/** A layer as far as nesting goes: groups hold `layers`. */
interface Nested {
  type: string;
  layers?: readonly Nested[];
}

/** Every layer under `layers`, groups' layers included, depth first in layer order. */
export function* allLayersOf(layers: readonly Nested[]): Generator<Nested> {
  for (const layer of layers) {
    yield layer;
    if (layer.layers) yield* allLayersOf(layer.layers);
  }
}

function depthOf(layers: readonly Nested[]): number {
  let deepest = 0;
  for (const layer of layers) {
    if (layer.layers) deepest = Math.max(deepest, 1 + depthOf(layer.layers));
  }
  return deepest;
}

export const templateManifestSchema = z
  .object({
    width: dimension,
    height: dimension,
    layers: z.array(templateLayerSchema).min(1).max(TEMPLATE_LAYERS_MAX),
  })
  .superRefine((manifest, ctx) => {
    const count = [...allLayersOf(manifest.layers)].filter((layer) => layer.type !== 'group').length;
    if (count > TEMPLATE_LAYERS_MAX) {
      ctx.addIssue({
        code: 'custom',
        message: `the template has ${count} layers; at most ${TEMPLATE_LAYERS_MAX} are allowed`,
        path: ['layers'],
      });
      return;
    }
    if (depthOf(manifest.layers) > GROUP_DEPTH_MAX) {
      ctx.addIssue({
        code: 'custom',
        message: `groups nest at most ${GROUP_DEPTH_MAX} deep`,
        path: ['layers'],
      });
      return;
    }
    const first = new Map<string, SmartObjectLayer>();
    for (const layer of smartObjectPlacementsOf(manifest)) {
      const seen = first.get(layer.uuid);
      if (!seen) {
        first.set(layer.uuid, layer);
      } else if (!samePlacementContract(seen, layer)) {
        ctx.addIssue({
          code: 'custom',
          message: `placements of smart object ${layer.uuid} must share size, required and print_areas`,
          path: ['layers'],
        });
        return;
      }
    }
    const required = [...first.values()].filter((layer) => layer.required).length;
    if (required > RENDER_SMART_OBJECTS_MAX) {
      ctx.addIssue({
        code: 'custom',
        message: `${required} smart objects are required but a render fills at most ${RENDER_SMART_OBJECTS_MAX}`,
        path: ['layers'],
      });
    }
  });
export type TemplateManifest = z.infer<typeof templateManifestSchema>;
/** What a manifest looks like before defaults are applied (what importers write). */
export type TemplateManifestInput = z.input<typeof templateManifestSchema>;

/** Layer images by asset name: PNG, JPEG or WebP bytes. */
export type TemplateAssets = Map<string, Buffer>;

/** Every smart object layer in layer order (groups' included), placements of one smart object included. */
export function smartObjectPlacementsOf(manifest: { layers: readonly Nested[] }): SmartObjectLayer[] {
  return [...allLayersOf(manifest.layers)].filter(
    (layer) => layer.type === 'smart_object',
  ) as unknown as SmartObjectLayer[];
}

/** One entry per smart object (its bottom-most placement), in the order they first appear. */
export function smartObjectsOf(manifest: { layers: readonly Nested[] }): SmartObjectLayer[] {
  const seen = new Set<string>();
  return smartObjectPlacementsOf(manifest).filter((layer) => {
    if (seen.has(layer.uuid)) return false;
    seen.add(layer.uuid);
    return true;
  });
}

function samePlacementContract(a: SmartObjectLayer, b: SmartObjectLayer): boolean {
  return (
    a.size.width === b.size.width &&
    a.size.height === b.size.height &&
    a.required === b.required &&
    JSON.stringify(a.print_areas) === JSON.stringify(b.print_areas)
  );
}

/** Every asset name the manifest refers to. */
export function assetNamesOf(manifest: TemplateManifest): Set<string> {
  const names = new Set<string>();
  for (const layer of allLayersOf(manifest.layers) as unknown as Iterable<TemplateLayer>) {
    if (layer.type === 'image') {
      names.add(layer.asset);
      if (layer.mask) names.add(layer.mask.asset);
      continue;
    }
    if (layer.type === 'adjustment' || layer.type === 'group') {
      if (layer.mask) names.add(layer.mask.asset);
      continue;
    }
    const refs = [
      layer.content,
      layer.mask,
      layer.filter_mask,
      layer.displacement,
      layer.shading,
      layer.color?.mask,
    ];
    for (const ref of refs) {
      if (ref) names.add(ref.asset);
    }
  }
  return names;
}

/** `tile` repeats the artwork over its frame, each tile `tile_scale` % of the frame's width. */
export const FIT_MODES = ['cover', 'contain', 'fill', 'tile'] as const;
export type FitMode = (typeof FIT_MODES)[number];

/** Adjustments run on the artwork alone (not its background), in the order listed here. */
export interface ArtworkAdjustments {
  /** Photoshop Brightness/Contrast, −150 to 150 and −50 to 100. */
  brightness?: number;
  contrast?: number;
  /** Photoshop Hue/Saturation: degrees −180 to 180, saturation −100 to 100. */
  hue?: number;
  saturation?: number;
  /** Photoshop Vibrance, −100 to 100. */
  vibrance?: number;
  /** Gaussian blur radius in the smart object's design pixels, 0 to 250. */
  blur?: number;
  /** 0–100: multiplies the artwork's alpha. */
  opacity?: number;
}

/** The artwork for one smart object of a render. */
export interface SmartObjectInput {
  uuid: string;
  /** Encoded image bytes as fetched or uploaded; decoded here under the pixel cap. */
  asset: Buffer;
  fit: FitMode;
  /** Clockwise degrees, applied before fitting. */
  rotate: number;
  /** Product colour (hex) where the smart object allows one. */
  color?: string;
  /** Name of one of the smart object's print areas; the whole design area when absent. */
  print_area?: string;
  /** The frame the artwork is fitted into, in design pixels (default: the whole area). */
  size?: { width: number; height: number };
  /** The frame's top-left corner from the area's, in design pixels (default: centred). */
  position?: { top: number; left: number };
  /** With fit `tile`: one tile's width as a percentage of the frame's width (default 100). */
  tile_scale?: number;
  /** `#rrggbb` under the artwork, over the whole design area (default: transparent). */
  background?: string;
  adjustments?: ArtworkAdjustments;
}

export const EXPORT_FORMATS = ['png', 'jpeg', 'webp', 'avif'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  format: ExportFormat;
  /** Longest side of the output in pixels (64–8000); the canvas size when absent. */
  size?: number;
  /** 1–100; ignored by png. */
  quality?: number;
}
