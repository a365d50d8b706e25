// /dashboard/api/webhooks: the account's signing secret, endpoints and delivery logs, with the same
// admin (and the same rules) as the public /api/v1/webhooks.
import {
  createdWebhookEndpointSchema,
  createWebhookEndpointRequestSchema,
  deletedWebhookEndpointSchema,
  listEnvelope,
  paginationQuerySchema,
  successEnvelope,
  webhookDeliverySchema,
  webhookEndpointSchema,
  webhookSecretSchema,
} from '@platen/contracts';
import { idParamsSchema, sendData, sendPage } from '@platen/http';
import { z } from 'zod';
import { sessionOf } from '../../dashboard/session-guard.js';
import type { WebhookAdmin } from '../../webhooks/webhook-admin.js';
import { BASE, SESSION_ERRORS, tags, UNSAFE_ERRORS, type DashboardRouteContext } from './route-context.js';

export function registerDashboardWebhookRoutes(ctx: DashboardRouteContext, webhooks: WebhookAdmin): void {
  const { registry, router, session, unsafe, sameSite, guard } = ctx;

  registry.add(
    router,
    {
      tags,
      method: 'get',
      path: `${BASE}/webhooks/secret`,
      summary: 'The account signing secret',
      security: 'session',
      responses: { 200: { description: 'The secret', schema: successEnvelope(webhookSecretSchema) } },
      errors: SESSION_ERRORS,
    },
    session,
    async (_input, req, res) => {
      sendData(res, await webhooks.secret(sessionOf(req).accountId));
    },
  );

  registry.add(
    router,
    {
      tags,
      method: 'post',
      path: `${BASE}/webhooks/secret/rotate`,
      summary: 'Rotate the account signing secret (the old one signs too for 24 h)',
      security: 'session',
      responses: { 200: { description: 'The new secret', schema: successEnvelope(webhookSecretSchema) } },
      errors: UNSAFE_ERRORS,
    },
    unsafe,
    async (_input, req, res) => {
      sendData(res, await webhooks.rotateSecret(sessionOf(req).accountId));
    },
  );

  registry.add(
    router,
    {
      tags,
      method: 'get',
      path: `${BASE}/webhooks`,
      summary: 'The account’s webhook endpoints',
      security: 'session',
      responses: {
        200: { description: 'Endpoints', schema: successEnvelope(z.array(webhookEndpointSchema)) },
      },
      errors: SESSION_ERRORS,
    },
    session,
    async (_input, req, res) => {
      sendData(res, await webhooks.listEndpoints(sessionOf(req).accountId));
    },
  );

  registry.add(
    router,
    {
      tags,
      method: 'post',
      path: `${BASE}/webhooks`,
      summary: 'Register a webhook endpoint (its secret is in this answer only)',
      security: 'session',
      body: createWebhookEndpointRequestSchema,
      responses: {
        201: { description: 'The endpoint', schema: successEnvelope(createdWebhookEndpointSchema) },
      },
      errors: [...UNSAFE_ERRORS, 'CONFLICT'],
    },
    unsafe,
    async ({ body }, req, res) => {
      sendData(res, await webhooks.createEndpoint(sessionOf(req).accountId, body), 201);
    },
  );

  registry.add(
    router,
    {
      tags,
      method: 'delete',
      path: `${BASE}/webhooks/{id}`,
      summary: 'Delete a webhook endpoint',
      security: 'session',
      params: idParamsSchema,
      responses: { 200: { description: 'Deleted', schema: successEnvelope(deletedWebhookEndpointSchema) } },
      errors: [...UNSAFE_ERRORS, 'NOT_FOUND'],
    },
    [sameSite, guard.require],
    async ({ params }, req, res) => {
      await webhooks.deleteEndpoint(sessionOf(req).accountId, params.id);
      sendData(res, { id: params.id, deleted: true });
    },
  );

  registry.add(
    router,
    {
      tags,
      method: 'get',
      path: `${BASE}/webhooks/{id}/deliveries`,
      summary: 'An endpoint’s deliveries with their attempts',
      security: 'session',
      params: idParamsSchema,
      query: paginationQuerySchema,
      responses: {
        200: { description: 'A page of deliveries', schema: listEnvelope(webhookDeliverySchema) },
      },
      errors: [...SESSION_ERRORS, 'NOT_FOUND', 'VALIDATION_ERROR'],
    },
    session,
    async ({ params, query }, req, res) => {
      sendPage(res, await webhooks.deliveries(sessionOf(req).accountId, params.id, query));
    },
  );
}
