// Where and how a render's artwork sits inside its smart object: the request fields (named as
// SudoMock / Dynamic Mockups name them where they have one, so their clients can switch by changing
// the base URL and key) and their one normalised form, which the gateway stores and the worker reads.
import { z } from 'zod';

/** `fill` stretches; `tile` repeats the artwork from the frame's corner (`tile_scale`). */
export const ASSET_FIT_MODES = ['cover', 'contain', 'fill', 'tile'] as const;
export type AssetFit = (typeof ASSET_FIT_MODES)[number];
/** Accepted in requests: Dynamic Mockups' `stretch` is `fill`. */
export const ASSET_FIT_INPUTS = [...ASSET_FIT_MODES, 'stretch'] as const;

/** Frame sizes and offsets are in the smart object's design pixels, at most this far. */
export const ASSET_FRAME_MAX = 30_000;
/** One tile's width, in percent of the frame's width. */
export const TILE_SCALE = { min: 1, max: 100, default: 100 } as const;

const hexColor = z.string().regex(/^#[0-9A-Fa-f]{6}$/, 'must be a hex color like #1A2B3C');
const side = z.number().positive().max(ASSET_FRAME_MAX);
const offset = z.number().min(-ASSET_FRAME_MAX).max(ASSET_FRAME_MAX);

export const assetPlacementFields = {
  fit: z.enum(ASSET_FIT_INPUTS).optional().meta({
    description: 'cover (default), contain, fill (stretch is the same), or tile; with size and no fit: fill',
  }),
  size: z
    .object({ width: side, height: side })
    .strict()
    .optional()
    .meta({ description: 'The frame the artwork is drawn into, in the smart object’s pixels' }),
  position: z
    .object({ top: offset, left: offset })
    .strict()
    .optional()
    .meta({ description: 'The frame’s top-left corner in the smart object’s pixels (default: centred)' }),
  tile_scale: z
    .number()
    .min(TILE_SCALE.min)
    .max(TILE_SCALE.max)
    .optional()
    .meta({ description: 'With fit tile: one tile’s width in percent of the frame’s width (default 100)' }),
  background: hexColor
    .optional()
    .meta({ description: 'Colour under the artwork over the whole smart object (default: transparent)' }),
};

/** Dynamic Mockups' all-over pattern switch: `enabled` makes the fit `tile`. */
export const patternSchema = z
  .object({
    enabled: z.boolean(),
    scale_percent: z.number().min(TILE_SCALE.min).max(TILE_SCALE.max).optional(),
  })
  .strict()
  .meta({ id: 'Pattern' });

/** Photoshop's ranges for the kernels that implement them; applied to the artwork only. */
export const adjustmentLayersSchema = z
  .object({
    brightness: z.number().min(-150).max(150).optional(),
    contrast: z.number().min(-50).max(100).optional(),
    hue: z.number().min(-180).max(180).optional(),
    saturation: z.number().min(-100).max(100).optional(),
    vibrance: z.number().min(-100).max(100).optional(),
    blur: z.number().min(0).max(250).optional().meta({ description: 'Radius in the smart object’s pixels' }),
    opacity: z.number().min(0).max(100).optional().meta({ description: 'Percent; default 100' }),
  })
  .strict()
  .meta({ id: 'AdjustmentLayers' });
export type AdjustmentLayers = z.infer<typeof adjustmentLayersSchema>;

/** The placement as stored with a render and handed to the compositor: aliases resolved. */
export const storedPlacementSchema = z.object({
  fit: z.enum(ASSET_FIT_MODES).default('cover'),
  size: z.object({ width: side, height: side }).optional(),
  position: z.object({ top: offset, left: offset }).optional(),
  tile_scale: z.number().min(TILE_SCALE.min).max(TILE_SCALE.max).optional(),
  background: hexColor.optional(),
});
export type StoredPlacement = z.infer<typeof storedPlacementSchema>;

type PlacementRequest = {
  fit?: (typeof ASSET_FIT_INPUTS)[number] | undefined;
  size?: { width: number; height: number } | undefined;
  position?: { top: number; left: number } | undefined;
  tile_scale?: number | undefined;
  background?: string | undefined;
};

/** The stored placement of a request's asset (and Dynamic Mockups' `pattern`, which wins). */
export function normalisePlacement(
  asset: PlacementRequest,
  pattern?: z.infer<typeof patternSchema>,
): StoredPlacement {
  let fit: AssetFit = asset.fit === 'stretch' ? 'fill' : (asset.fit ?? (asset.size ? 'fill' : 'cover'));
  let tileScale = asset.tile_scale;
  if (pattern?.enabled) {
    fit = 'tile';
    tileScale = pattern.scale_percent ?? tileScale;
  }
  return {
    fit,
    ...(asset.size ? { size: { width: asset.size.width, height: asset.size.height } } : {}),
    ...(asset.position ? { position: { top: asset.position.top, left: asset.position.left } } : {}),
    ...(fit === 'tile' && tileScale !== undefined ? { tile_scale: tileScale } : {}),
    ...(asset.background === undefined ? {} : { background: asset.background }),
  };
}
