// Batches: create many renders in one request (POST /api/v1/renders/batch, with Idempotency-Key and
// ?wait=N), show one (?wait=N too) and list them. Each render of a batch is an ordinary render as well.
import {
  batchSchema,
  batchSummarySchema,
  createBatchRequestSchema,
  listEnvelope,
  paginationQuerySchema,
  successEnvelope,
  waitQuerySchema,
  type Batch,
  type CreateBatchRequest,
  type ErrorCode,
  type Mockup,
} from '@platen/contracts';
import type { BatchRecordRow, BatchRecords } from '@platen/db';
import {
  findOwnedOr404,
  isUuid,
  sendData,
  sendPage,
  uuidParamsSchema,
  type RouteRegistry,
} from '@platen/http';
import { toPublicBatch } from '@platen/mockups';
import { listBatchPage } from '../batches/batch-page.js';
import type { Request, RequestHandler, Response, Router } from 'express';
import type { BatchAcceptor } from '../batches/batch-acceptor.js';
import { createBatchWait } from '../batches/batch-wait.js';
import type { MockupStore } from '../mockups/mockup-store.js';
import { requestHash } from '../renders/request-hash.js';
import type { RenderWaiter } from '../renders/render-waiter.js';
import { authOf } from './api-input.js';
import { idempotencyKeyOf } from './renders.js';

/** Mockups looked up at once while a batch is admitted. */
const MOCKUP_LOOKUPS_AT_ONCE = 8;

export interface BatchRoutesDeps {
  registry: RouteRegistry;
  router: Router;
  guard: RequestHandler[];
  jsonBody: RequestHandler[];
  mockups: MockupStore;
  batches: BatchRecords;
  accept: BatchAcceptor;
  waiter: RenderWaiter;
}

export function registerBatchRoutes(deps: BatchRoutesDeps): void {
  const { registry, router, guard, jsonBody, mockups, batches, accept, waiter } = deps;
  const settled = createBatchWait({ batches, waiter });

  async function view(batch: BatchRecordRow): Promise<Batch> {
    return toPublicBatch(batch, await batches.renders(batch.id));
  }

  async function answer(
    res: Response,
    first: BatchRecordRow,
    waitSeconds: number | undefined,
    created: boolean,
  ) {
    const batch = waitSeconds ? await settled(first, waitSeconds) : first;
    if (created) res.location(`/api/v1/batches/${batch.id}`);
    const status = !created ? 200 : waitSeconds && batch.status === 'finished' ? 200 : 202;
    sendData(res, await view(batch), status);
  }

  async function mockupsOf(req: Request, body: CreateBatchRequest) {
    const uuids = [...new Set(body.items?.map((item) => item.mockup_uuid) ?? body.mockups ?? [])];
    const found = new Map<string, Mockup | undefined>();
    for (let i = 0; i < uuids.length; i += MOCKUP_LOOKUPS_AT_ONCE) {
      const chunk = uuids.slice(i, i + MOCKUP_LOOKUPS_AT_ONCE);
      const mockupsFound = await Promise.all(
        chunk.map((id) =>
          mockups.find({
            accountId: authOf(req).accountId,
            catalogueVersion: req.catalogueVersion,
            id,
            bySlug: false,
          }),
        ),
      );
      chunk.forEach((id, k) => found.set(id, mockupsFound[k]));
    }
    return found;
  }

  registry.add(
    router,
    {
      method: 'post',
      path: '/api/v1/renders/batch',
      summary: 'Create a batch of renders (items, or mockups × colours × artworks)',
      tags: ['batches'],
      security: 'apiKey',
      body: createBatchRequestSchema,
      query: waitQuerySchema,
      headers: {
        'Idempotency-Key': {
          description:
            'Same key + same body within 24 h returns the same batch, charged once; another body: 409',
        },
      },
      responses: {
        200: {
          description: 'With ?wait=N: the batch finished within N seconds',
          schema: successEnvelope(batchSchema),
        },
        202: {
          description: 'Accepted; Location: /api/v1/batches/{uuid}',
          schema: successEnvelope(batchSchema),
        },
      },
      errors: [
        'VALIDATION_ERROR',
        'INSUFFICIENT_CREDITS',
        'IDEMPOTENCY_CONFLICT',
        'PAYLOAD_TOO_LARGE',
        'UNSUPPORTED_MEDIA_TYPE',
        'SERVICE_UNAVAILABLE',
      ] satisfies ErrorCode[],
    },
    [...guard, ...jsonBody],
    async ({ body, query }, req, res) => {
      const auth = authOf(req);
      const key = idempotencyKeyOf(req);
      const { batch } = await accept({
        accountId: auth.accountId,
        keyId: auth.keyId,
        request: body,
        mockups: await mockupsOf(req, body),
        idempotency: key === undefined ? undefined : { key, requestHash: requestHash(req.path, req.body) },
      });
      await answer(res, batch, query.wait, true);
    },
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/v1/batches',
      summary: 'List the account’s batches, newest first',
      tags: ['batches'],
      security: 'apiKey',
      query: paginationQuerySchema,
      responses: { 200: { description: 'A page of batches', schema: listEnvelope(batchSummarySchema) } },
      errors: ['VALIDATION_ERROR'],
    },
    guard,
    async ({ query }, req, res) => {
      sendPage(res, await listBatchPage(batches, authOf(req).accountId, query));
    },
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/v1/batches/{uuid}',
      summary: 'Get a batch with its renders',
      tags: ['batches'],
      security: 'apiKey',
      params: uuidParamsSchema,
      query: waitQuerySchema,
      responses: { 200: { description: 'The batch', schema: successEnvelope(batchSchema) } },
      errors: ['NOT_FOUND', 'VALIDATION_ERROR'],
    },
    guard,
    async ({ params, query }, req, res) => {
      const accountId = authOf(req).accountId;
      const batch = await findOwnedOr404(
        isUuid(params.uuid) ? batches.find(params.uuid, accountId) : undefined,
      );
      await answer(res, batch, query.wait, false);
    },
  );
}
