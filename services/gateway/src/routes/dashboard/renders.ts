// /dashboard/api/renders: the account's renders (read with the public API's stores and view) and the
// "try it" render, charged and rate-limited per account like any render.
import {
  createRenderRequestSchema,
  listEnvelope,
  listRendersQuerySchema,
  renderDetailSchema,
  renderSchema,
  successEnvelope,
} from '@platen/contracts';
import { findOwnedOr404, isUuid, sendData, sendPage, uuidParamsSchema } from '@platen/http';
import type { RequestHandler } from 'express';
import { sessionOf } from '../../dashboard/session-guard.js';
import type { MockupStore } from '../../mockups/mockup-store.js';
import type { RenderAcceptor } from '../../renders/render-acceptor.js';
import type { RenderStore } from '../../renders/render-store.js';
import type { RenderView } from '../../renders/render-view.js';
import type { WebhookAdmin } from '../../webhooks/webhook-admin.js';
import { BASE, SESSION_ERRORS, tags, UNSAFE_ERRORS, type DashboardRouteContext } from './route-context.js';

export interface DashboardRenderDeps {
  /** Reads a render body (larger than the other dashboard bodies: it may carry inline images). */
  renderBody: RequestHandler[];
  mockups: MockupStore;
  renders: RenderStore;
  accept: RenderAcceptor;
  view: RenderView;
  webhooks: WebhookAdmin;
  /** Counts one dashboard render against the account's per-minute ceiling (rejects with 429). */
  limitAccount: (accountId: string) => Promise<void>;
}

export function registerDashboardRenderRoutes(ctx: DashboardRouteContext, deps: DashboardRenderDeps): void {
  const { registry, router, session } = ctx;
  const { renders, view, webhooks } = deps;

  registry.add(
    router,
    {
      tags,
      method: 'get',
      path: `${BASE}/renders`,
      summary: 'The account’s renders, newest first',
      security: 'session',
      query: listRendersQuerySchema,
      responses: { 200: { description: 'A page of renders', schema: listEnvelope(renderSchema) } },
      errors: [...SESSION_ERRORS, 'VALIDATION_ERROR'],
    },
    session,
    async ({ query }, req, res) => {
      const page = await renders.list({ accountId: sessionOf(req).accountId, ...query });
      sendPage(res, { items: await Promise.all(page.rows.map(view)), nextCursor: page.nextCursor });
    },
  );

  registry.add(
    router,
    {
      tags,
      method: 'get',
      path: `${BASE}/renders/{uuid}`,
      summary: 'A render with the attempts of its webhook deliveries',
      security: 'session',
      params: uuidParamsSchema,
      responses: { 200: { description: 'The render', schema: successEnvelope(renderDetailSchema) } },
      errors: [...SESSION_ERRORS, 'NOT_FOUND'],
    },
    session,
    async ({ params }, req, res) => {
      const accountId = sessionOf(req).accountId;
      const row = await findOwnedOr404(
        isUuid(params.uuid) ? renders.find(accountId, params.uuid) : undefined,
      );
      const [render, deliveries] = await Promise.all([
        view(row),
        webhooks.renderDeliveries(accountId, row.id),
      ]);
      sendData(res, { ...render, webhook_deliveries: deliveries });
    },
  );

  registry.add(
    router,
    {
      tags,
      method: 'post',
      path: `${BASE}/renders`,
      summary: 'Render from the dashboard ("try it"), charged to the account like any render',
      security: 'session',
      body: createRenderRequestSchema,
      responses: { 202: { description: 'Accepted', schema: successEnvelope(renderSchema) } },
      errors: [
        ...UNSAFE_ERRORS,
        'INSUFFICIENT_CREDITS',
        'PAYLOAD_TOO_LARGE',
        'RATE_LIMIT_EXCEEDED',
        'SERVICE_UNAVAILABLE',
      ],
    },
    [ctx.sameSite, ctx.guard.require, ...deps.renderBody],
    async ({ body }, req, res) => {
      const accountId = sessionOf(req).accountId;
      await deps.limitAccount(accountId);
      const mockup = await deps.mockups.find({ accountId, id: body.mockup_uuid, bySlug: false });
      const { row } = await deps.accept({ accountId, keyId: null, request: body, mockup });
      res.location(`${BASE}/renders/${row.id}`);
      sendData(res, await view(row), 202);
    },
  );
}
