// /dashboard/api/mockups: the built-ins and the account's own, PSD/PSB uploads and deletes, with the
// public API's stores and upload rules.
import {
  listEnvelope,
  mockupSchema,
  paginationQuerySchema,
  successEnvelope,
  deletedMockupSchema,
  ApiError,
} from '@platen/contracts';
import { findOwnedOr404, sendData, sendPage, uuidParamsSchema } from '@platen/http';
import { z } from 'zod';
import { sessionOf } from '../../dashboard/session-guard.js';
import type { MockupStore } from '../../mockups/mockup-store.js';
import { createMockupFromPsdSchema, type MockupUploads } from '../../mockups/mockup-uploads.js';
import { BASE, SESSION_ERRORS, tags, UNSAFE_ERRORS, type DashboardRouteContext } from './route-context.js';

export interface DashboardMockupDeps {
  mockups: MockupStore;
  uploads: MockupUploads;
}

export function registerDashboardMockupRoutes(ctx: DashboardRouteContext, deps: DashboardMockupDeps): void {
  const { registry, router, session, sameSite, guard } = ctx;
  const { mockups, uploads } = deps;

  registry.add(
    router,
    {
      tags,
      method: 'get',
      path: `${BASE}/mockups`,
      summary: 'Built-in mockups and the account’s own',
      security: 'session',
      query: paginationQuerySchema.extend({ cursor: z.string().max(1024).optional() }),
      responses: { 200: { description: 'A page of mockups', schema: listEnvelope(mockupSchema) } },
      errors: [...SESSION_ERRORS, 'VALIDATION_ERROR'],
    },
    session,
    async ({ query }, req, res) => {
      sendPage(res, await mockups.list({ accountId: sessionOf(req).accountId, ...query }));
    },
  );

  registry.add(
    router,
    {
      tags,
      method: 'post',
      path: `${BASE}/mockups`,
      summary: 'Upload a PSD/PSB as one of the account’s mockups (imported in the background)',
      security: 'session',
      requestBodies: { 'multipart/form-data': createMockupFromPsdSchema },
      responses: {
        202: { description: 'The mockup, `processing`', schema: successEnvelope(mockupSchema) },
      },
      errors: [...UNSAFE_ERRORS, 'PAYLOAD_TOO_LARGE', 'REQUEST_TIMEOUT', 'SERVICE_UNAVAILABLE'],
    },
    [sameSite, guard.require],
    async (_input, req, res) => {
      if (req.is('multipart/form-data') !== 'multipart/form-data') {
        throw new ApiError('UNSUPPORTED_MEDIA_TYPE', {
          message: 'Unsupported media type: send multipart/form-data (a PSD or PSB in field "file")',
        });
      }
      sendData(res, await uploads.fromPsd(req, sessionOf(req).accountId), 202);
    },
  );

  registry.add(
    router,
    {
      tags,
      method: 'delete',
      path: `${BASE}/mockups/{uuid}`,
      summary: 'Delete one of the account’s mockups',
      security: 'session',
      params: uuidParamsSchema,
      responses: { 200: { description: 'Deleted', schema: successEnvelope(deletedMockupSchema) } },
      errors: [...UNSAFE_ERRORS, 'NOT_FOUND'],
    },
    [sameSite, guard.require],
    async ({ params }, req, res) => {
      await findOwnedOr404(mockups.remove({ accountId: sessionOf(req).accountId, id: params.uuid }));
      sendData(res, { uuid: params.uuid, deleted: true });
    },
  );
}
