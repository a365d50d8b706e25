// One smart object's input as a render row stores it (`renders.renders.inputs`): the request's item
// minus inline base64, which the gateway parks in storage under renderInputKey(render, smart object)
// so Postgres never holds megabytes of artwork, and with the placement's aliases resolved (see
// @platen/contracts artwork-placement). Written by the gateway, read by the render worker.
import type { renderSmartObjectInputSchema } from '@platen/contracts';
import { adjustmentLayersSchema, normalisePlacement, storedPlacementSchema } from '@platen/contracts';
import { z } from 'zod';

export const storedRenderInputSchema = z.object({
  uuid: z.uuid(),
  asset: z.object({
    /** null: the artwork came as base64 `data` and lives at renderInputKey(render id, uuid). */
    url: z.string().nullable().default(null),
    /** A batch render's artwork id: with url null, its bytes live at batchArtworkKey(batch, artwork_id). */
    artwork_id: z.string().optional(),
    ...storedPlacementSchema.shape,
    rotate: z.number().min(-360).max(360).default(0),
  }),
  color: z.string().optional(),
  print_area: z.string().optional(),
  adjustment_layers: adjustmentLayersSchema.optional(),
});
export type StoredRenderInput = z.infer<typeof storedRenderInputSchema>;

export const storedRenderInputsSchema = z.array(storedRenderInputSchema).min(1).max(50);

type RenderRequestInput = z.infer<typeof renderSmartObjectInputSchema>;

/** The row form of a validated request item; the caller parks `asset.data` (if any) in storage. */
export function toStoredRenderInput(input: RenderRequestInput): StoredRenderInput {
  return {
    uuid: input.uuid,
    asset: {
      url: input.asset.url ?? null,
      ...normalisePlacement(input.asset, input.pattern),
      rotate: input.asset.rotate,
    },
    ...(input.color === undefined ? {} : { color: input.color }),
    ...(input.adjustment_layers === undefined ? {} : { adjustment_layers: input.adjustment_layers }),
  };
}
