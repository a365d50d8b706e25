// The manifest a client uploads: the compositor's template model (image, smart object, adjustment
// and group layers), except that a smart object's uuid may be left out (one is made for it). Groups
// nest: their depth and the number of entries are measured before zod parses the layers, so a
// manifest too deep or too large is a 400 naming the group where it broke (the JSON body parser
// already bounds any body at 64 levels; group depth 16 is well inside that).
import { randomUUID } from 'node:crypto';
import { validationError } from '@platen/contracts';
import {
  adjustmentLayerSchema,
  GROUP_DEPTH_MAX,
  groupLayerSchema,
  smartObjectLayerSchema,
  staticLayerSchema,
  TEMPLATE_LAYERS_MAX,
  templateManifestSchema,
  type AdjustmentLayer,
  type GroupLayer,
  type GroupLayerInput,
  type StaticLayer,
  type TemplateLayer,
  type TemplateManifest,
} from '@platen/compositor';
import { z } from 'zod';

const uploadSmartObjectSchema = smartObjectLayerSchema.extend({ uuid: z.uuid().optional() });

export interface UploadGroupLayer extends Omit<GroupLayer, 'layers'> {
  layers: UploadLayer[];
}
export interface UploadGroupLayerInput extends Omit<GroupLayerInput, 'layers'> {
  layers: UploadLayerInput[];
}
export type UploadLayer =
  StaticLayer | z.infer<typeof uploadSmartObjectSchema> | AdjustmentLayer | UploadGroupLayer;
export type UploadLayerInput =
  | z.input<typeof staticLayerSchema>
  | z.input<typeof uploadSmartObjectSchema>
  | z.input<typeof adjustmentLayerSchema>
  | UploadGroupLayerInput;

const uploadGroupSchema = groupLayerSchema
  .omit({ layers: true })
  .extend({
    get layers() {
      return z.array(uploadLayerSchema).min(1).max(TEMPLATE_LAYERS_MAX);
    },
  })
  .meta({ id: 'TemplateGroupLayer' });

const uploadLayerSchema: z.ZodType<UploadLayer, UploadLayerInput> = z
  .discriminatedUnion('type', [
    staticLayerSchema,
    uploadSmartObjectSchema,
    adjustmentLayerSchema,
    uploadGroupSchema,
  ])
  .meta({ id: 'TemplateLayer' });

/** Layers and groups a valid manifest can hold at most: every layer inside the deepest groups. */
const NODES_MAX = TEMPLATE_LAYERS_MAX * (GROUP_DEPTH_MAX + 1);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Refuses a manifest nested deeper, or holding more entries, than any valid one before it is parsed. */
function checkNesting(value: unknown, ctx: z.RefinementCtx): unknown {
  if (!isRecord(value) || !Array.isArray(value.layers)) return value;
  const pending: { layers: unknown[]; path: (string | number)[]; depth: number }[] = [
    { layers: value.layers, path: ['layers'], depth: 0 },
  ];
  let seen = 0;
  while (pending.length > 0) {
    const { layers, path, depth } = pending.pop()!;
    for (const [index, layer] of layers.entries()) {
      if (++seen > NODES_MAX) {
        ctx.addIssue({
          code: 'custom',
          path: ['layers'],
          message: `more layers than a manifest may hold (${TEMPLATE_LAYERS_MAX}, groups not counted)`,
        });
        return value;
      }
      if (!isRecord(layer) || !Array.isArray(layer.layers)) continue;
      if (depth + 1 > GROUP_DEPTH_MAX) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, index],
          message: `groups nest at most ${GROUP_DEPTH_MAX} deep`,
        });
        return value;
      }
      pending.push({ layers: layer.layers, path: [...path, index, 'layers'], depth: depth + 1 });
    }
  }
  return value;
}

export const uploadManifestSchema = z
  .preprocess(
    checkNesting,
    z.object({
      width: templateManifestSchema.shape.width,
      height: templateManifestSchema.shape.height,
      layers: z.array(uploadLayerSchema).min(1).max(TEMPLATE_LAYERS_MAX),
    }),
  )
  .meta({ id: 'TemplateManifest' });
export type UploadManifest = z.infer<typeof uploadManifestSchema>;

function withUuids(layers: UploadLayer[]): TemplateLayer[] {
  return layers.map((layer) => {
    if (layer.type === 'smart_object') return { ...layer, uuid: layer.uuid ?? randomUUID() };
    if (layer.type === 'group') return { ...layer, layers: withUuids(layer.layers) };
    return layer;
  });
}

/** The template manifest with every smart object's uuid filled in, checked as the compositor will. */
export function toTemplateManifest(manifest: UploadManifest): TemplateManifest {
  const parsed = templateManifestSchema.safeParse({ ...manifest, layers: withUuids(manifest.layers) });
  if (!parsed.success) {
    throw validationError(
      parsed.error.issues.map((issue) => ({
        path: ['manifest', ...issue.path.map(String)].join('.'),
        message: issue.message,
      })),
    );
  }
  return parsed.data;
}
