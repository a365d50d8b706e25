// GET /api/v1/batches/{uuid}/archive: a ZIP of every succeeded render of a batch plus manifest.json,
// streamed as it is built. A batch still processing is 409 CONFLICT unless `?partial=true`.
import { batchArchiveQuerySchema } from '@platen/contracts';
import { uuidParamsSchema, type RouteRegistry } from '@platen/http';
import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { ArchiveDownload } from '../batches/archive-download.js';
import { authOf } from './api-input.js';

export interface BatchArchiveRouteDeps {
  registry: RouteRegistry;
  router: Router;
  guard: RequestHandler[];
  download: ArchiveDownload;
}

/** The archive's documented answer, shared with the dashboard's route. */
export const BATCH_ARCHIVE_RESPONSE = {
  description:
    'application/zip, streamed: `<mockup slug>[-<colour hex>][-<export_label>]-<n>.<ext>` per succeeded ' +
    'render and manifest.json (BatchArchiveManifest) listing every render',
  contentType: 'application/zip',
  schema: z.string().meta({ format: 'binary' }),
};

export function registerBatchArchiveRoute(deps: BatchArchiveRouteDeps): void {
  const { registry, router, guard, download } = deps;
  registry.add(
    router,
    {
      method: 'get',
      path: '/api/v1/batches/{uuid}/archive',
      summary: 'Download a batch as a ZIP: every succeeded result and manifest.json',
      tags: ['renders'],
      security: 'apiKey',
      params: uuidParamsSchema,
      query: batchArchiveQuerySchema,
      responses: { 200: BATCH_ARCHIVE_RESPONSE },
      errors: ['VALIDATION_ERROR', 'NOT_FOUND', 'CONFLICT'],
    },
    guard,
    async ({ params, query }, req, res) => {
      const partial = query.partial === 'true';
      await download({ accountId: authOf(req).accountId, batchUuid: params.uuid, partial }, req, res);
    },
  );
}
