// /dashboard/api/batches: the account's batches, one batch with the status of each render, and its
// archive, read with the public API's stores and shapes (the batches page of the dashboard). The
// archive is a plain GET the page links to: the session cookie authenticates it as any read.
import {
  batchArchiveQuerySchema,
  batchSchema,
  batchSummarySchema,
  listEnvelope,
  paginationQuerySchema,
  successEnvelope,
} from '@platen/contracts';
import type { BatchRecords } from '@platen/db';
import { findOwnedOr404, isUuid, sendData, sendPage, uuidParamsSchema } from '@platen/http';
import { toPublicBatch } from '@platen/mockups';
import { listBatchPage } from '../../batches/batch-page.js';
import type { ArchiveDownload } from '../../batches/archive-download.js';
import { sessionOf } from '../../dashboard/session-guard.js';
import { BATCH_ARCHIVE_RESPONSE } from '../batch-archive.js';
import { BASE, SESSION_ERRORS, tags, type DashboardRouteContext } from './route-context.js';

export interface DashboardBatchDeps {
  batches: BatchRecords;
  downloadArchive: ArchiveDownload;
}

export function registerDashboardBatchRoutes(ctx: DashboardRouteContext, deps: DashboardBatchDeps): void {
  const { registry, router, session } = ctx;
  const { batches, downloadArchive } = deps;

  registry.add(
    router,
    {
      tags,
      method: 'get',
      path: `${BASE}/batches`,
      summary: 'The account’s batches with their counts, newest first',
      security: 'session',
      query: paginationQuerySchema,
      responses: { 200: { description: 'A page of batches', schema: listEnvelope(batchSummarySchema) } },
      errors: [...SESSION_ERRORS, 'VALIDATION_ERROR'],
    },
    session,
    async ({ query }, req, res) => {
      sendPage(res, await listBatchPage(batches, sessionOf(req).accountId, query));
    },
  );

  registry.add(
    router,
    {
      tags,
      method: 'get',
      path: `${BASE}/batches/{uuid}`,
      summary: 'A batch with the status of each of its renders',
      security: 'session',
      params: uuidParamsSchema,
      responses: { 200: { description: 'The batch', schema: successEnvelope(batchSchema) } },
      errors: [...SESSION_ERRORS, 'NOT_FOUND'],
    },
    session,
    async ({ params }, req, res) => {
      const accountId = sessionOf(req).accountId;
      const batch = await findOwnedOr404(
        isUuid(params.uuid) ? batches.find(params.uuid, accountId) : undefined,
      );
      sendData(res, toPublicBatch(batch, await batches.renders(batch.id)));
    },
  );

  registry.add(
    router,
    {
      tags,
      method: 'get',
      path: `${BASE}/batches/{uuid}/archive`,
      summary: 'Download a batch as a ZIP (409 while it is processing, unless ?partial=true)',
      security: 'session',
      params: uuidParamsSchema,
      query: batchArchiveQuerySchema,
      responses: { 200: BATCH_ARCHIVE_RESPONSE },
      errors: [...SESSION_ERRORS, 'VALIDATION_ERROR', 'NOT_FOUND', 'CONFLICT'],
    },
    session,
    async ({ params, query }, req, res) => {
      const download = { accountId: sessionOf(req).accountId, batchUuid: params.uuid };
      await downloadArchive({ ...download, partial: query.partial === 'true' }, req, res);
    },
  );
}
