// /api/v1/mockups (alias /api/v1/templates): upload (PSD/PSB or JSON manifest), list, show (the alias
// also takes the slug), rename and delete the account's own. Built-ins are read-only: changing one answers 404, like a foreign mockup.
import {
  ApiError,
  listEnvelope,
  mockupSchema,
  paginationQuerySchema,
  patchMockupRequestSchema,
  successEnvelope,
} from '@platen/contracts';
import { findOwnedOr404, parseInput, sendData, uuidParamsSchema, type RouteRegistry } from '@platen/http';
import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { createMockupBodies, type JsonBody } from '../mockups/mockup-bodies.js';
import {
  createMockupFromManifestSchema,
  createMockupFromPsdSchema,
  type MockupUploads,
} from '../mockups/mockup-uploads.js';
import type { MockupStore } from '../mockups/mockup-store.js';
import { authOf } from './api-input.js';

/** Mockup cursors carry the last name (≤ 200 characters), so they may be longer than render cursors. */
export const listMockupsQuerySchema = paginationQuerySchema.extend({
  cursor: z.string().max(1024).optional(),
});

const mockupParams = uuidParamsSchema;
const templateParams = z.object({ id: z.string().max(200).meta({ description: 'uuid or slug' }) });
const deletedSchema = successEnvelope(z.object({ uuid: z.uuid(), deleted: z.literal(true) }));

export interface MockupRoutesDeps {
  registry: RouteRegistry;
  router: Router;
  /** authenticate + rateLimit */
  guard: RequestHandler[];
  jsonBody: RequestHandler[];
  /** JSON parsing for a manifest upload (base64 layer images: a large limit). */
  uploadJsonBody: RequestHandler[];
  mockups: MockupStore;
  uploads: MockupUploads;
}

const isMultipart = (req: Request) => req.is('multipart/form-data') === 'multipart/form-data';

/** A PSD upload is streamed by its handler; anything else must be a JSON manifest. */
function uploadBody(jsonBody: RequestHandler[]): RequestHandler[] {
  const requireKnownType: RequestHandler = (req, _res, next) => {
    const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
    if (!hasBody || isMultipart(req) || req.is('application/json')) return next();
    next(
      new ApiError('UNSUPPORTED_MEDIA_TYPE', {
        message:
          'Unsupported media type: send multipart/form-data (a PSD or PSB in field "file") or application/json (a manifest)',
      }),
    );
  };
  const unlessMultipart =
    (middleware: RequestHandler): RequestHandler =>
    (req, res, next) =>
      isMultipart(req) ? next() : middleware(req, res, next);
  return [requireKnownType, ...jsonBody.map(unlessMultipart)];
}

/** What res.json would send, from bytes made earlier (ETag and 304 handling stay express's). */
function sendJson(res: Response, { body, etag }: JsonBody): void {
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  if (etag) res.setHeader('ETag', etag);
  res.send(body);
}

/** The account and its catalogue version (read by the rate limiter) for the mockup store. */
function mockupQueryOf(req: Request) {
  return { accountId: authOf(req).accountId, catalogueVersion: req.catalogueVersion };
}

export function registerMockupRoutes({
  registry,
  router,
  guard,
  jsonBody,
  uploadJsonBody,
  mockups,
  uploads,
}: MockupRoutesDeps): void {
  const bodies = createMockupBodies();
  for (const path of ['/api/v1/mockups', '/api/v1/templates']) {
    registry.add(
      router,
      {
        method: 'get',
        path,
        summary: path.endsWith('templates') ? 'List templates (alias of /api/v1/mockups)' : 'List mockups',
        tags: ['mockups'],
        security: 'apiKey',
        query: listMockupsQuerySchema,
        responses: {
          200: { description: 'Built-in mockups and the account’s own', schema: listEnvelope(mockupSchema) },
        },
        errors: ['VALIDATION_ERROR'],
      },
      guard,
      async ({ query }, req, res) => {
        const page = await mockups.list({ ...mockupQueryOf(req), limit: query.limit, cursor: query.cursor });
        sendJson(res, bodies.page(page));
      },
    );
  }

  registry.add(
    router,
    {
      method: 'post',
      path: '/api/v1/mockups',
      summary: 'Upload a mockup: a PSD/PSB, or a JSON manifest with its layer images',
      tags: ['mockups'],
      security: 'apiKey',
      requestBodies: {
        'multipart/form-data': createMockupFromPsdSchema,
        'application/json': createMockupFromManifestSchema,
      },
      responses: {
        202: {
          description: 'Accepted: the mockup, `processing` until its import ends (`ready` or `failed`)',
          schema: successEnvelope(mockupSchema),
        },
      },
      errors: [
        'VALIDATION_ERROR',
        'PAYLOAD_TOO_LARGE',
        'REQUEST_TIMEOUT',
        'UNSUPPORTED_MEDIA_TYPE',
        'SERVICE_UNAVAILABLE',
      ],
    },
    [...guard, ...uploadBody(uploadJsonBody)],
    async (_input, req, res) => {
      const { accountId } = authOf(req);
      const mockup = isMultipart(req)
        ? await uploads.fromPsd(req, accountId)
        : await uploads.fromManifest(parseInput(createMockupFromManifestSchema, req.body ?? {}), accountId);
      res.location(`/api/v1/mockups/${mockup.uuid}`);
      sendData(res, mockup, 202);
    },
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/v1/mockups/{uuid}',
      summary: 'Get a mockup',
      tags: ['mockups'],
      security: 'apiKey',
      params: mockupParams,
      responses: { 200: { description: 'The mockup', schema: successEnvelope(mockupSchema) } },
      errors: ['NOT_FOUND'],
    },
    guard,
    async ({ params }, req, res) => {
      const view = await findOwnedOr404(
        mockups.findView({ ...mockupQueryOf(req), id: params.uuid, bySlug: false }),
      );
      sendJson(res, bodies.one(view));
    },
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/v1/templates/{id}',
      summary: 'Get a template by uuid or slug',
      tags: ['mockups'],
      security: 'apiKey',
      params: templateParams,
      responses: { 200: { description: 'The template', schema: successEnvelope(mockupSchema) } },
      errors: ['NOT_FOUND'],
    },
    guard,
    async ({ params }, req, res) => {
      const view = await findOwnedOr404(
        mockups.findView({ ...mockupQueryOf(req), id: params.id, bySlug: true }),
      );
      sendJson(res, bodies.one(view));
    },
  );

  registry.add(
    router,
    {
      method: 'patch',
      path: '/api/v1/mockups/{uuid}',
      summary: 'Rename one of the account’s mockups',
      tags: ['mockups'],
      security: 'apiKey',
      params: mockupParams,
      body: patchMockupRequestSchema,
      responses: { 200: { description: 'The renamed mockup', schema: successEnvelope(mockupSchema) } },
      errors: ['VALIDATION_ERROR', 'NOT_FOUND', 'UNSUPPORTED_MEDIA_TYPE'],
    },
    [...guard, ...jsonBody],
    async ({ params, body }, req, res) => {
      const mockup = await findOwnedOr404(
        mockups.rename({ accountId: authOf(req).accountId, id: params.uuid, name: body.name }),
      );
      sendData(res, mockup);
    },
  );

  registry.add(
    router,
    {
      method: 'delete',
      path: '/api/v1/mockups/{uuid}',
      summary: 'Delete one of the account’s mockups',
      tags: ['mockups'],
      security: 'apiKey',
      params: mockupParams,
      responses: { 200: { description: 'Deleted', schema: deletedSchema } },
      errors: ['NOT_FOUND'],
    },
    guard,
    async ({ params }, req, res) => {
      await findOwnedOr404(mockups.remove({ accountId: authOf(req).accountId, id: params.uuid }));
      sendData(res, { uuid: params.uuid, deleted: true });
    },
  );
}
