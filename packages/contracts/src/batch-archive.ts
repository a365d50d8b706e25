// The batch archive (`GET /api/v1/batches/{uuid}/archive`): its query and the manifest.json inside
// the ZIP, which lists every render of the batch, with or without a file.
import { z } from 'zod';
import { RENDER_STATUSES } from './public-api.js';

export const batchArchiveQuerySchema = z.object({
  partial: z
    .enum(['true', 'false'])
    .default('false')
    .meta({ description: 'true: archive what has succeeded so far of a batch still processing' }),
});

export const BATCH_ARCHIVE_MANIFEST_NAME = 'manifest.json';

export const batchArchiveManifestSchema = z
  .object({
    batch_uuid: z.uuid(),
    /** The batch's status when the archive was made: `processing` only in a `?partial=true` archive. */
    status: z.enum(['processing', 'finished']),
    renders: z.array(
      z.object({
        uuid: z.uuid(),
        mockup_uuid: z.uuid(),
        color: z.string().nullable(),
        export_label: z.string().nullable(),
        status: z.enum(RENDER_STATUSES),
        /** The file's name in the archive; null: no file (not succeeded, or its result is gone). */
        file: z.string().nullable(),
        error: z.object({ code: z.string(), message: z.string() }).nullable(),
      }),
    ),
  })
  .meta({ id: 'BatchArchiveManifest' });
export type BatchArchiveManifest = z.infer<typeof batchArchiveManifestSchema>;
export type BatchArchiveManifestRender = BatchArchiveManifest['renders'][number];
