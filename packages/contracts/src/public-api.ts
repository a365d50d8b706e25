// The public API's shapes (docs/api.md), written once: they validate requests, type the handlers
// and generate /openapi.json. Field names are snake_case; times are ISO-8601 UTC strings.
import { z } from 'zod';
import { adjustmentLayersSchema, assetPlacementFields, patternSchema } from './artwork-placement.js';
import { INLINE_DATA_EXAMPLE, parseInlineData } from './inline-data.js';
import { physicalPrintAreaSchema, printFileRequestSchema, printFileSchema } from './print-files.js';
import { jsonProblem, MAX_JSON_DEPTH, STORABLE_TEXT, storableText } from './storable-text.js';

export const uuidSchema = z.uuid();

const isoTime = z.string().meta({ format: 'date-time' });

// ---- envelopes -------------------------------------------------------------------------------

export const errorEnvelopeSchema = z
  .object({
    success: z.literal(false),
    error: z.string(),
    detail: z.string(),
    code: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
    request_id: z.string(),
  })
  .meta({ id: 'Error' });

export function successEnvelope<T extends z.ZodType>(data: T) {
  return z.object({ success: z.literal(true), data });
}

export function listEnvelope<T extends z.ZodType>(item: T) {
  return z.object({ success: z.literal(true), data: z.array(item), next_cursor: z.string().nullable() });
}

export const paginationQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

// ---- mockups ---------------------------------------------------------------------------------

/** Blend modes computed channel by channel (W3C's separable modes and Photoshop's per-channel ones). */
export const SEPARABLE_BLEND_MODES = [
  'normal',
  'multiply',
  'screen',
  'overlay',
  'darken',
  'lighten',
  'color-dodge',
  'color-burn',
  'hard-light',
  'soft-light',
  'difference',
  'exclusion',
  'linear-dodge',
  'linear-burn',
  'subtract',
  'divide',
  'vivid-light',
  'linear-light',
  'pin-light',
  'hard-mix',
] as const;

/** Photoshop's 27 layer blend modes: the separable ones, then those that need the whole pixel. */
export const BLEND_MODES = [
  ...SEPARABLE_BLEND_MODES,
  'hue',
  'saturation',
  'color',
  'luminosity',
  'darker-color',
  'lighter-color',
  'dissolve',
] as const;
export const blendModeSchema = z.enum(BLEND_MODES);

const point = z.tuple([z.number(), z.number()]);
const hexColor = z.string().regex(/^#[0-9A-Fa-f]{6}$/, 'must be a hex color like #1A2B3C');

/** A smart object's product colour (e.g. a t-shirt's fabric): its default and, if limited, the choices. */
export const productColorSchema = z
  .object({
    default: hexColor,
    allowed: z.array(hexColor).nullable().meta({ description: 'The colours offered; null: any colour' }),
  })
  .meta({ id: 'ProductColor' });

/** The most smart objects one render may fill (`smart_objects` of a render request). */
export const RENDER_SMART_OBJECTS_MAX = 50;

/** One place a smart object is drawn: Photoshop instances of one file share the smart object. */
export const smartObjectPlacementSchema = z
  .object({
    layer_name: z.string(),
    position: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }),
    quad: z.tuple([point, point, point, point]).nullable(),
  })
  .meta({ id: 'SmartObjectPlacement' });

export const smartObjectSchema = z
  .object({
    uuid: uuidSchema,
    name: z.string(),
    layer_name: z.string(),
    size: z.object({ width: z.number().int(), height: z.number().int() }),
    position: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }),
    quad: z.tuple([point, point, point, point]).nullable(),
    blend_mode: blendModeSchema,
    required: z.boolean().meta({
      description:
        'Whether a render must fill it; one left out of a render shows its own content (the placed layer as the document shows it)',
    }),
    placements: z.array(smartObjectPlacementSchema).min(1).meta({
      description:
        'Every place the artwork is drawn, bottom to top (several for instances of one file); the first is `layer_name`, `position` and `quad`',
    }),
    color: productColorSchema
      .nullable()
      .meta({ description: 'The product colour a render may set (`smart_objects[].color`); null: none' }),
    print_area: physicalPrintAreaSchema,
  })
  .meta({ id: 'SmartObject' });
export type SmartObject = z.infer<typeof smartObjectSchema>;

export const MOCKUP_STATUSES = ['processing', 'ready', 'failed'] as const;

/** Why an own mockup's import failed: `error.code` of a `failed` mockup. */
export const MOCKUP_IMPORT_ERROR_CODES = [
  'PSD_CORRUPT',
  'PSD_TOO_LARGE',
  'PSD_NO_SMART_OBJECTS',
  'PSD_TOO_MANY_SMART_OBJECTS',
  'PSD_UNSUPPORTED',
  'MANIFEST_INVALID',
  'ASSET_FETCH_FAILED',
  'ASSET_TOO_LARGE',
  'ASSET_NOT_AN_IMAGE',
  'ASSET_FORBIDDEN_ADDRESS',
  'ASSET_TIMEOUT',
  'IMPORT_FAILED',
] as const;
export type MockupImportErrorCode = (typeof MOCKUP_IMPORT_ERROR_CODES)[number];

export const mockupImportErrorSchema = z
  .object({ code: z.enum(MOCKUP_IMPORT_ERROR_CODES), message: z.string() })
  .meta({ id: 'MockupImportError' });

export const mockupImportWarningSchema = z
  .object({
    layer: z.string().meta({ description: 'The Photoshop layer (group path) the warning is about' }),
    code: z.string(),
    message: z.string(),
  })
  .meta({ id: 'MockupImportWarning' });
export type MockupImportWarning = z.infer<typeof mockupImportWarningSchema>;

export const mockupSchema = z
  .object({
    uuid: uuidSchema,
    slug: z.string(),
    name: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    thumbnail: z.string().nullable(),
    outline: z
      .string()
      .nullable()
      .meta({ description: 'The thumbnail with each smart object outlined and numbered (imported mockups)' }),
    smart_objects: z.array(smartObjectSchema),
    status: z.enum(MOCKUP_STATUSES),
    built_in: z.boolean(),
    /** Why an import failed (status `failed`); null otherwise. */
    error: mockupImportErrorSchema.nullable(),
    /** What an import could not reproduce exactly, layer by layer (empty for built-ins). */
    warnings: z.array(mockupImportWarningSchema),
    created_at: isoTime,
  })
  .meta({ id: 'Mockup' });
export type Mockup = z.infer<typeof mockupSchema>;

/** A mockup's name, as given on upload or rename. */
export const mockupNameSchema = storableText({ min: 1, max: 200, trim: true });

export const patchMockupRequestSchema = z.object({ name: mockupNameSchema }).strict();

// ---- renders ---------------------------------------------------------------------------------

export const FIT_MODES = ['cover', 'contain', 'fill'] as const;
export const EXPORT_FORMATS = ['png', 'jpeg', 'webp', 'avif'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_SIZE = { min: 64, max: 8000 } as const;
export const METADATA_MAX_BYTES = 4096;
export const MAX_WAIT_SECONDS = 60;

export const exportOptionsSchema = z
  .object({
    format: z.enum(EXPORT_FORMATS).default('png'),
    /** Longest side of the output in pixels; defaults to the template's own size. */
    size: z.number().int().min(EXPORT_SIZE.min).max(EXPORT_SIZE.max).optional(),
    quality: z.number().int().min(1).max(100).default(90),
  })
  .strict()
  .meta({ id: 'ExportOptions' });

const httpUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .meta({ description: 'http or https URL' });

/** An artwork's source (exactly one of url or data) and placement: a render's asset, a batch's artwork. */
const assetFields = {
  url: httpUrl.nullable().optional(),
  data: z
    .string()
    .max(34_000_000)
    .transform((value, ctx) => {
      const parsed = parseInlineData(value);
      if (parsed.ok) return parsed.base64;
      ctx.issues.push({ code: 'custom', message: parsed.message, input: value });
      return z.NEVER;
    })
    .nullable()
    .optional()
    .meta({
      description: `Image bytes as base64, or as a data URI (${INLINE_DATA_EXAMPLE}) whose prefix is stripped`,
    }),
  ...assetPlacementFields,
  rotate: z.number().min(-360).max(360).default(0),
};
const hasOneSource = (asset: { url?: string | null | undefined; data?: string | null | undefined }) =>
  (asset.url == null) !== (asset.data == null);

export const assetSchema = z
  .object(assetFields)
  .strict()
  .refine(hasOneSource, { message: 'exactly one of url or data is required' })
  .meta({ id: 'Asset' });

export const renderSmartObjectInputSchema = z
  .object({
    uuid: uuidSchema,
    asset: assetSchema,
    /** Product color (e.g. the t-shirt's fabric), where the template allows one. */
    color: hexColor.optional(),
    pattern: patternSchema.optional(),
    adjustment_layers: adjustmentLayersSchema.optional(),
  })
  .strict();

const metadataSchema = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  // Checked before anything serialises it: a 5,000-deep object overflowed JSON.stringify's stack.
  const problem = jsonProblem(value, { maxDepth: MAX_JSON_DEPTH });
  if (problem === 'too_deep') {
    ctx.addIssue({ code: 'custom', message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` });
  } else if (problem === 'unstorable_text') {
    ctx.addIssue({ code: 'custom', message: STORABLE_TEXT[1] });
  } else if (Buffer.byteLength(JSON.stringify(value)) > METADATA_MAX_BYTES) {
    ctx.addIssue({ code: 'custom', message: `must be at most ${METADATA_MAX_BYTES} bytes as JSON` });
  }
});

/** A render's label (a batch item's, or a single render's): in the archive's file names. */
export const EXPORT_LABEL_MAX = 100;
export const exportLabelSchema = storableText({ min: 1, max: EXPORT_LABEL_MAX }).meta({
  description: 'Your label for the render, shown on it and in a batch archive’s file names',
});

export const createRenderRequestSchema = z
  .object({
    mockup_uuid: uuidSchema,
    smart_objects: z.array(renderSmartObjectInputSchema).min(1).max(RENDER_SMART_OBJECTS_MAX),
    export_options: exportOptionsSchema.default({ format: 'png', quality: 90 }),
    webhook_url: httpUrl.optional(),
    metadata: metadataSchema.optional(),
    export_label: exportLabelSchema.optional(),
    print_files: z
      .array(printFileRequestSchema)
      .max(RENDER_SMART_OBJECTS_MAX)
      .refine(
        (files) => new Set(files.map((file) => file.smart_object_uuid)).size === files.length,
        'must not name a smart object twice',
      )
      .optional()
      .meta({
        description:
          'Print files to make besides the mockup: each a PNG of a smart object’s artwork as printed, at its print_area and dpi',
      }),
  })
  .strict()
  .meta({ id: 'CreateRenderRequest' });
export type CreateRenderRequest = z.infer<typeof createRenderRequestSchema>;

/** Alias for clients written for the bearer-style docs: one artwork fills every required smart object. */
export const generateMockupRequestSchema = z
  .object({
    template_id: storableText({ min: 1, max: 200 }),
    artwork_url: httpUrl,
    format: z.enum(EXPORT_FORMATS).default('png'),
    size: z.number().int().min(EXPORT_SIZE.min).max(EXPORT_SIZE.max).optional(),
    quality: z.number().int().min(1).max(100).default(90),
    fit: z.enum(FIT_MODES).default('cover'),
    webhook_url: httpUrl.optional(),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .meta({ id: 'GenerateMockupRequest' });

export const waitQuerySchema = z.object({
  wait: z.coerce.number().int().min(0).max(MAX_WAIT_SECONDS).optional(),
});

export const RENDER_STATUSES = ['queued', 'processing', 'succeeded', 'failed'] as const;
export type RenderStatus = (typeof RENDER_STATUSES)[number];

export const RENDER_FAILURE_CODES = [
  'ASSET_FETCH_FAILED',
  'ASSET_TOO_LARGE',
  'ASSET_NOT_AN_IMAGE',
  'ASSET_FORBIDDEN_ADDRESS',
  'ASSET_TIMEOUT',
  'RENDER_FAILED',
] as const;
export type RenderFailureCode = (typeof RENDER_FAILURE_CODES)[number];

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

/** What a successful render could not do well; the render still succeeded and was charged as usual. */
export const RENDER_WARNING_CODES = [
  'UPSCALED_PAST_TEMPLATE',
  'ARTWORK_CROPPED',
  'ARTWORK_UPSCALED',
] as const;
export type RenderWarningCode = (typeof RENDER_WARNING_CODES)[number];

export const renderWarningSchema = z
  .object({
    code: z.enum(RENDER_WARNING_CODES),
    message: z.string(),
    smart_object_uuid: uuidSchema
      .optional()
      .meta({ description: 'The smart object the warning is about (absent for the whole render)' }),
  })
  .meta({ id: 'RenderWarning' });
export type RenderWarning = z.infer<typeof renderWarningSchema>;

export const renderSchema = z
  .object({
    uuid: uuidSchema,
    status: z.enum(RENDER_STATUSES),
    mockup_uuid: uuidSchema,
    created_at: isoTime,
    started_at: isoTime.nullable(),
    completed_at: isoTime.nullable(),
    result: z
      .object({
        url: z.string(),
        width: z.number().int(),
        height: z.number().int(),
        format: z.enum(EXPORT_FORMATS),
        bytes: z.number().int(),
        warnings: z.array(renderWarningSchema),
        print_files: z
          .array(printFileSchema)
          .meta({ description: 'The print files the request asked for (empty when none)' }),
      })
      .nullable(),
    error: z.object({ code: z.enum(RENDER_FAILURE_CODES), message: z.string() }).nullable(),
    credits_charged: z
      .number()
      .int()
      .meta({ description: 'What the render costs the account: 0 once a failed render was refunded' }),
    credits_refunded: z
      .number()
      .int()
      .min(0)
      .meta({ description: 'Credits given back (a failed render is refunded once, in full); 0 if none' }),
    attempts: z.number().int(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    batch_uuid: uuidSchema
      .nullable()
      .meta({ description: 'The batch the render belongs to; null: a single render' }),
    export_label: z.string().nullable(),
    webhook: z
      .object({ url: z.string(), status: z.enum(WEBHOOK_DELIVERY_STATUSES), attempts: z.number().int() })
      .nullable(),
  })
  .meta({ id: 'Render' });
export type Render = z.infer<typeof renderSchema>;

export const listRendersQuerySchema = paginationQuerySchema.extend({
  status: z.enum(RENDER_STATUSES).optional(),
});

// ---- webhooks --------------------------------------------------------------------------------

export const WEBHOOK_EVENT_TYPES = [
  'render.succeeded',
  'render.failed',
  'mockup.ready',
  'mockup.failed',
  'batch.finished',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
/** Registered endpoints per account (deleted ones do not count). */
export const MAX_WEBHOOK_ENDPOINTS = 20;

export const createWebhookEndpointRequestSchema = z
  .object({
    url: httpUrl,
    events: z
      .array(z.enum(WEBHOOK_EVENT_TYPES))
      .min(1)
      .max(WEBHOOK_EVENT_TYPES.length)
      .refine((events) => new Set(events).size === events.length, 'must not repeat an event'),
    description: storableText({ max: 500, trim: true }).nullable().optional(),
  })
  .strict()
  .meta({ id: 'CreateWebhookEndpointRequest' });

export const webhookEndpointSchema = z
  .object({
    id: uuidSchema,
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
    description: z.string().nullable(),
    created_at: isoTime,
    disabled_at: isoTime.nullable(),
    disabled_reason: z
      .string()
      .nullable()
      .meta({ description: 'Why deliveries stopped (410 Gone, 3 days of failures)' }),
    failing_since: isoTime.nullable(),
  })
  .meta({ id: 'WebhookEndpoint' });
export type WebhookEndpointView = z.infer<typeof webhookEndpointSchema>;

export const createdWebhookEndpointSchema = webhookEndpointSchema
  .extend({ secret: z.string().meta({ description: 'whsec_…: shown this one time only' }) })
  .meta({ id: 'CreatedWebhookEndpoint' });
export type CreatedWebhookEndpoint = z.infer<typeof createdWebhookEndpointSchema>;

export const webhookSecretSchema = z
  .object({
    secret: z.string(),
    rotated_at: isoTime.nullable(),
    previous_secret_expires_at: isoTime
      .nullable()
      .meta({ description: 'Until then deliveries also carry a signature made with the previous secret' }),
  })
  .meta({ id: 'WebhookSecret' });
export type WebhookSecret = z.infer<typeof webhookSecretSchema>;

export const webhookAttemptSchema = z
  .object({
    attempted_at: isoTime,
    status_code: z.number().int().nullable(),
    duration_ms: z.number().int(),
    error: z.string().nullable(),
  })
  .meta({ id: 'WebhookAttempt' });
export type WebhookAttempt = z.infer<typeof webhookAttemptSchema>;

export const webhookDeliverySchema = z
  .object({
    id: uuidSchema,
    webhook_id: z
      .string()
      .meta({ description: 'The webhook-id header: one per event, the same on every retry' }),
    type: z.enum(WEBHOOK_EVENT_TYPES),
    render_uuid: uuidSchema.nullable(),
    mockup_uuid: uuidSchema.nullable().meta({ description: 'Set for mockup.* events' }),
    batch_uuid: uuidSchema.nullable().meta({ description: 'Set for batch.* events' }),
    url: z.string(),
    status: z.enum(WEBHOOK_DELIVERY_STATUSES),
    attempts: z.number().int(),
    next_attempt_at: isoTime.nullable(),
    last_status_code: z.number().int().nullable(),
    created_at: isoTime,
    delivered_at: isoTime.nullable(),
    attempt_log: z.array(webhookAttemptSchema),
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDeliveryView = z.infer<typeof webhookDeliverySchema>;

// ---- batches ---------------------------------------------------------------------------------

/** The most renders one batch may make, after its cross product is expanded. */
export const BATCH_RENDERS_MAX = 500;
export const BATCH_ARTWORKS_MAX = 50;
export const BATCH_MOCKUPS_MAX = 100;
export const BATCH_COLORS_MAX = 50;

const artworkIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')
  .meta({ description: 'Your name for the artwork, unique in the batch' });

/** One artwork of a batch: stored (inline data parked) once, used by any number of its renders. */
export const batchArtworkSchema = z
  .object({
    id: artworkIdSchema,
    ...assetFields,
    pattern: patternSchema.optional(),
    adjustment_layers: adjustmentLayersSchema.optional(),
  })
  .strict()
  .refine(hasOneSource, { message: 'exactly one of url or data is required' })
  .meta({ id: 'BatchArtwork' });
export type BatchArtwork = z.infer<typeof batchArtworkSchema>;

export const batchItemSchema = z
  .object({
    mockup_uuid: uuidSchema,
    smart_objects: z
      .array(
        z
          .object({
            uuid: uuidSchema,
            artwork: artworkIdSchema.meta({ description: 'The id of one of the batch’s artworks' }),
            color: hexColor.optional(),
          })
          .strict(),
      )
      .min(1)
      .max(RENDER_SMART_OBJECTS_MAX),
    color: hexColor
      .optional()
      .meta({ description: 'Product colour of every colourable smart object not given its own' }),
    export_options: exportOptionsSchema.optional(),
    export_label: exportLabelSchema.optional(),
  })
  .strict()
  .meta({ id: 'BatchItem' });
export type BatchItem = z.infer<typeof batchItemSchema>;

function duplicates(values: readonly string[]): number[] {
  const seen = new Set<string>();
  return values.flatMap((value, index) => {
    const key = value.toLowerCase();
    if (seen.has(key)) return [index];
    seen.add(key);
    return [];
  });
}

export const createBatchRequestSchema = z
  .object({
    artworks: z.array(batchArtworkSchema).min(1).max(BATCH_ARTWORKS_MAX),
    items: z
      .array(batchItemSchema)
      .min(1)
      .max(BATCH_RENDERS_MAX, {
        error: (issue) =>
          `${(issue.input as unknown[]).length} renders asked for, more than the limit of ${BATCH_RENDERS_MAX} per batch`,
      })
      .optional(),
    mockups: z.array(uuidSchema).min(1).max(BATCH_MOCKUPS_MAX).optional(),
    colors: z.array(hexColor).min(1).max(BATCH_COLORS_MAX).optional(),
    export_options: exportOptionsSchema.optional(),
    webhook_url: httpUrl.optional(),
    render_webhooks: z
      .boolean()
      .default(true)
      .meta({ description: 'false: the renders send no events of their own, only batch.finished' }),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    for (const index of duplicates(body.artworks.map((artwork) => artwork.id))) {
      ctx.addIssue({ code: 'custom', path: ['artworks', index, 'id'], message: 'artwork id given twice' });
    }
    if ((body.items === undefined) === (body.mockups === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['items'],
        message: 'exactly one of items or mockups is required',
      });
    }
    if (body.colors !== undefined && body.mockups === undefined) {
      ctx.addIssue({ code: 'custom', path: ['colors'], message: 'only with mockups' });
    }
    for (const index of duplicates(body.mockups ?? [])) {
      ctx.addIssue({ code: 'custom', path: ['mockups', index], message: 'mockup given twice' });
    }
    for (const index of duplicates(body.colors ?? [])) {
      ctx.addIssue({ code: 'custom', path: ['colors', index], message: 'colour given twice' });
    }
    const ids = new Set(body.artworks.map((artwork) => artwork.id));
    body.items?.forEach((item, i) => {
      item.smart_objects.forEach((input, j) => {
        if (!ids.has(input.artwork)) {
          ctx.addIssue({
            code: 'custom',
            path: ['items', i, 'smart_objects', j, 'artwork'],
            message: `no artwork with id ${input.artwork}`,
          });
        }
      });
    });
  })
  .meta({ id: 'CreateBatchRequest' });
export type CreateBatchRequest = z.infer<typeof createBatchRequestSchema>;

export const BATCH_STATUSES = ['processing', 'finished'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

export const batchRenderSchema = z
  .object({
    uuid: uuidSchema,
    mockup_uuid: uuidSchema,
    color: z.string().nullable(),
    export_label: z.string().nullable(),
    status: z.enum(RENDER_STATUSES),
  })
  .meta({ id: 'BatchRender' });
export type BatchRender = z.infer<typeof batchRenderSchema>;

export const batchSummarySchema = z
  .object({
    uuid: uuidSchema,
    status: z.enum(BATCH_STATUSES),
    counts: z.object({
      total: z.number().int(),
      queued: z.number().int(),
      processing: z.number().int(),
      succeeded: z.number().int(),
      failed: z.number().int(),
    }),
    credits_charged: z
      .number()
      .int()
      .meta({ description: 'What the batch costs the account, net of refunds of its failed renders' }),
    credits_refunded: z.number().int().min(0),
    webhook_url: z.string().nullable(),
    render_webhooks: z.boolean(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    created_at: isoTime,
    completed_at: isoTime.nullable(),
    archive_url: z.string().meta({ description: '/api/v1/batches/{uuid}/archive' }),
  })
  .meta({ id: 'BatchSummary' });
export type BatchSummary = z.infer<typeof batchSummarySchema>;

export const batchSchema = batchSummarySchema
  .extend({ renders: z.array(batchRenderSchema) })
  .meta({ id: 'Batch' });
export type Batch = z.infer<typeof batchSchema>;
