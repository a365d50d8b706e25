// /api/v1/renders: create (with Idempotency-Key and ?wait=N), show, list; and the bearer-style alias
// POST /api/v1/mockups/generate, which fills every required smart object with one artwork URL.
import {
  createRenderRequestSchema,
  generateMockupRequestSchema,
  listEnvelope,
  listRendersQuerySchema,
  renderSchema,
  successEnvelope,
  validationError,
  waitQuerySchema,
  type CreateRenderRequest,
  type ErrorCode,
  type Mockup,
} from '@platen/contracts';
import {
  findOwnedOr404,
  isUuid,
  sendData,
  sendPage,
  uuidParamsSchema,
  type RouteRegistry,
} from '@platen/http';
import type { Request, RequestHandler, Response, Router } from 'express';
import type { MockupStore } from '../mockups/mockup-store.js';
import type { RenderAcceptor } from '../renders/render-acceptor.js';
import { requestHash } from '../renders/request-hash.js';
import type { RenderRow, RenderStore } from '../renders/render-store.js';
import type { RenderView } from '../renders/render-view.js';
import type { RenderWaiter } from '../renders/render-waiter.js';
import { authOf } from './api-input.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const FINAL = new Set(['succeeded', 'failed']);

const CREATE_ERRORS: ErrorCode[] = [
  'VALIDATION_ERROR',
  'INSUFFICIENT_CREDITS',
  'IDEMPOTENCY_CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'SERVICE_UNAVAILABLE',
];
const idempotencyHeader = {
  'Idempotency-Key': {
    description: 'Same key + same body within 24 h returns the same render, charged once; another body: 409',
  },
};
const createResponses = {
  200: {
    description: 'With ?wait=N: the render ended within N seconds',
    schema: successEnvelope(renderSchema),
  },
  202: { description: 'Accepted; Location: /api/v1/renders/{uuid}', schema: successEnvelope(renderSchema) },
};

export interface RenderRoutesDeps {
  registry: RouteRegistry;
  router: Router;
  guard: RequestHandler[];
  jsonBody: RequestHandler[];
  mockups: MockupStore;
  renders: RenderStore;
  accept: RenderAcceptor;
  view: RenderView;
  waiter: RenderWaiter;
}

/** The Idempotency-Key header, checked (renders and batches alike). */
export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw validationError([{ path: 'Idempotency-Key', message: 'must be 1-255 visible ASCII characters' }]);
  }
  return key;
}

export function registerRenderRoutes(deps: RenderRoutesDeps): void {
  const { registry, router, guard, jsonBody, mockups, renders, accept, view, waiter } = deps;

  /** Holds until the render is final or `waitSeconds` pass, then answers 200 (final) or 202. */
  async function answer(res: Response, first: RenderRow, waitSeconds: number | undefined): Promise<void> {
    let row = first;
    if (waitSeconds && !FINAL.has(row.status)) {
      const waiting = waiter.wait(row.id, waitSeconds * 1000);
      // Subscribed first, read second: a render that ended in between is seen here.
      const reread = await renders.find(row.account_id, row.id);
      if (reread && FINAL.has(reread.status)) waiting.cancel();
      else await waiting.done;
      row = (await renders.find(row.account_id, row.id)) ?? row;
    }
    const final = FINAL.has(row.status);
    res.location(`/api/v1/renders/${row.id}`);
    sendData(res, await view(row), waitSeconds && final ? 200 : 202);
  }

  async function create(
    req: Request,
    res: Response,
    request: CreateRenderRequest,
    mockup: Mockup | undefined,
    waitSeconds: number | undefined,
  ): Promise<void> {
    const auth = authOf(req);
    const key = idempotencyKeyOf(req);
    const { row } = await accept({
      accountId: auth.accountId,
      keyId: auth.keyId,
      request,
      mockup,
      idempotency: key === undefined ? undefined : { key, requestHash: requestHash(req.path, req.body) },
    });
    await answer(res, row, waitSeconds);
  }

  registry.add(
    router,
    {
      method: 'post',
      path: '/api/v1/renders',
      summary: 'Create a render',
      tags: ['renders'],
      security: 'apiKey',
      body: createRenderRequestSchema,
      query: waitQuerySchema,
      headers: idempotencyHeader,
      responses: createResponses,
      errors: CREATE_ERRORS,
    },
    [...guard, ...jsonBody],
    async ({ body, query }, req, res) => {
      const mockup = await mockups.find({
        accountId: authOf(req).accountId,
        catalogueVersion: req.catalogueVersion,
        id: body.mockup_uuid,
        bySlug: false,
      });
      await create(req, res, body, mockup, query.wait);
    },
  );

  registry.add(
    router,
    {
      method: 'post',
      path: '/api/v1/mockups/generate',
      summary: 'Render one artwork into every required smart object of a template (alias)',
      tags: ['renders'],
      security: 'apiKey',
      body: generateMockupRequestSchema,
      query: waitQuerySchema,
      headers: idempotencyHeader,
      responses: createResponses,
      errors: CREATE_ERRORS,
    },
    [...guard, ...jsonBody],
    async ({ body, query }, req, res) => {
      const mockup = await mockups.find({
        accountId: authOf(req).accountId,
        catalogueVersion: req.catalogueVersion,
        id: body.template_id,
        bySlug: true,
      });
      if (!mockup) throw validationError([{ path: 'template_id', message: 'no such template' }]);
      const required = mockup.smart_objects.filter((so) => so.required);
      const targets = required.length > 0 ? required : mockup.smart_objects;
      const request: CreateRenderRequest = {
        mockup_uuid: mockup.uuid,
        smart_objects: targets.map((so) => ({
          uuid: so.uuid,
          asset: { url: body.artwork_url, fit: body.fit, rotate: 0 },
        })),
        export_options: {
          format: body.format,
          quality: body.quality,
          ...(body.size === undefined ? {} : { size: body.size }),
        },
        ...(body.webhook_url === undefined ? {} : { webhook_url: body.webhook_url }),
        ...(body.metadata === undefined ? {} : { metadata: body.metadata }),
      };
      await create(req, res, request, mockup, query.wait);
    },
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/v1/renders',
      summary: 'List the account’s renders, newest first',
      tags: ['renders'],
      security: 'apiKey',
      query: listRendersQuerySchema,
      responses: { 200: { description: 'A page of renders', schema: listEnvelope(renderSchema) } },
      errors: ['VALIDATION_ERROR'],
    },
    guard,
    async ({ query }, req, res) => {
      const page = await renders.list({
        accountId: authOf(req).accountId,
        status: query.status,
        limit: query.limit,
        cursor: query.cursor,
      });
      sendPage(res, { items: await Promise.all(page.rows.map(view)), nextCursor: page.nextCursor });
    },
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/v1/renders/{uuid}',
      summary: 'Get a render',
      tags: ['renders'],
      security: 'apiKey',
      params: uuidParamsSchema,
      responses: { 200: { description: 'The render', schema: successEnvelope(renderSchema) } },
      errors: ['NOT_FOUND'],
    },
    guard,
    async ({ params }, req, res) => {
      const accountId = authOf(req).accountId;
      const row = await findOwnedOr404(
        isUuid(params.uuid) ? renders.find(accountId, params.uuid) : undefined,
      );
      sendData(res, await view(row));
    },
  );
}
