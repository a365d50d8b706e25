// GET /api/v1/batches/{uuid}/archive: a ZIP of every succeeded render of a batch plus manifest.json,
// streamed as it is built. A batch still processing is 409 CONFLICT unless `?partial=true`.
import { ApiError, batchArchiveQuerySchema } from '@platen/contracts';
import { findOwnedOr404, isUuid, uuidParamsSchema, type RouteRegistry } from '@platen/http';
import type { RequestHandler, Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ArchivePlans } from '../batches/archive-plan.js';
import type { BatchArchiveWriter } from '../batches/batch-archive.js';
import { authOf } from './api-input.js';

export interface BatchArchiveRouteDeps {
  registry: RouteRegistry;
  router: Router;
  guard: RequestHandler[];
  plans: ArchivePlans;
  writeArchive: BatchArchiveWriter;
  logger: Logger;
}

export function registerBatchArchiveRoute(deps: BatchArchiveRouteDeps): void {
  const { registry, router, guard, plans, writeArchive, logger } = deps;
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
      responses: {
        200: {
          description:
            'application/zip, streamed: `<mockup slug>[-<colour hex>][-<export_label>]-<n>.<ext>` per succeeded ' +
            'render and manifest.json (BatchArchiveManifest) listing every render',
          contentType: 'application/zip',
          schema: z.string().meta({ format: 'binary' }),
        },
      },
      errors: ['VALIDATION_ERROR', 'NOT_FOUND', 'CONFLICT'],
    },
    guard,
    async ({ params, query }, req, res) => {
      const accountId = authOf(req).accountId;
      const plan = await findOwnedOr404(isUuid(params.uuid) ? plans.find(accountId, params.uuid) : undefined);
      if (plan.status !== 'finished' && query.partial !== 'true') {
        throw new ApiError('CONFLICT', {
          message: 'batch is still processing',
          details: { hint: 'wait for batch.finished, or ask for ?partial=true' },
        });
      }
      res.status(200);
      res.type('application/zip');
      res.attachment(`batch-${plan.batchId}.zip`);
      res.set('Cache-Control', 'no-store');
      const outcome = await writeArchive(plan, res);
      if (outcome === 'abandoned') {
        logger.info(
          { request_id: req.requestId, batch_id: plan.batchId },
          'batch archive download abandoned',
        );
      }
    },
  );
}
