// /api/v1/webhooks: the account's endpoints (secret shown once), its signing secret and rotation, an
// endpoint's delivery log; and POST /api/v1/renders/{uuid}/webhook/redeliver. The work is done by
// the WebhookAdmin the dashboard shares; these routes only declare and translate.
import {
  createdWebhookEndpointSchema,
  createWebhookEndpointRequestSchema,
  listEnvelope,
  paginationQuerySchema,
  successEnvelope,
  webhookDeliverySchema,
  webhookEndpointSchema,
  webhookSecretSchema,
} from '@platen/contracts';
import { idParamsSchema, sendData, sendPage, uuidParamsSchema, type RouteRegistry } from '@platen/http';
import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { RedeliveryLimit } from '../webhooks/redelivery-limit.js';
import type { WebhookAdmin } from '../webhooks/webhook-admin.js';
import { authOf } from './api-input.js';

const endpointParams = idParamsSchema;
const deletedSchema = successEnvelope(z.object({ id: z.uuid(), deleted: z.literal(true) }));

export interface WebhookRoutesDeps {
  registry: RouteRegistry;
  router: Router;
  guard: RequestHandler[];
  jsonBody: RequestHandler[];
  webhooks: WebhookAdmin;
  /** Counts a manual redelivery of one render (429 past the limit). */
  limitRedelivery: RedeliveryLimit;
}

export function registerWebhookRoutes({
  registry,
  router,
  guard,
  jsonBody,
  webhooks,
  limitRedelivery,
}: WebhookRoutesDeps): void {
  // Before /api/v1/webhooks/{id}, which would otherwise take "secret" for an id.
  registry.add(
    router,
    {
      method: 'get',
      path: '/api/v1/webhooks/secret',
      summary: 'The account’s signing secret for deliveries to a render’s webhook_url',
      tags: ['webhooks'],
      security: 'apiKey',
      responses: { 200: { description: 'The current secret', schema: successEnvelope(webhookSecretSchema) } },
    },
    guard,
    async (_input, req, res) => {
      sendData(res, await webhooks.secret(authOf(req).accountId));
    },
  );

  registry.add(
    router,
    {
      method: 'post',
      path: '/api/v1/webhooks/secret/rotate',
      summary: 'Make a new signing secret; the old one also signs for 24 h',
      tags: ['webhooks'],
      security: 'apiKey',
      responses: { 200: { description: 'The new secret', schema: successEnvelope(webhookSecretSchema) } },
    },
    guard,
    async (_input, req, res) => {
      sendData(res, await webhooks.rotateSecret(authOf(req).accountId));
    },
  );

  registry.add(
    router,
    {
      method: 'post',
      path: '/api/v1/webhooks',
      summary: 'Register a webhook endpoint (its host must resolve to an address deliveries may reach)',
      tags: ['webhooks'],
      security: 'apiKey',
      body: createWebhookEndpointRequestSchema,
      responses: {
        201: {
          description: 'The endpoint with its signing secret (shown this one time)',
          schema: successEnvelope(createdWebhookEndpointSchema),
        },
      },
      errors: ['VALIDATION_ERROR', 'CONFLICT', 'UNSUPPORTED_MEDIA_TYPE', 'SERVICE_UNAVAILABLE'],
    },
    [...guard, ...jsonBody],
    async ({ body }, req, res) => {
      const created = await webhooks.createEndpoint(authOf(req).accountId, body);
      res.location(`/api/v1/webhooks/${created.id}`);
      sendData(res, created, 201);
    },
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/v1/webhooks',
      summary: 'List the account’s webhook endpoints',
      tags: ['webhooks'],
      security: 'apiKey',
      responses: {
        200: {
          description: 'Endpoints, newest first',
          schema: successEnvelope(z.array(webhookEndpointSchema)),
        },
      },
    },
    guard,
    async (_input, req, res) => {
      sendData(res, await webhooks.listEndpoints(authOf(req).accountId));
    },
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/v1/webhooks/{id}',
      summary: 'Get a webhook endpoint (with why it was disabled, if it was)',
      tags: ['webhooks'],
      security: 'apiKey',
      params: endpointParams,
      responses: { 200: { description: 'The endpoint', schema: successEnvelope(webhookEndpointSchema) } },
      errors: ['NOT_FOUND'],
    },
    guard,
    async ({ params }, req, res) => {
      sendData(res, await webhooks.getEndpoint(authOf(req).accountId, params.id));
    },
  );

  registry.add(
    router,
    {
      method: 'delete',
      path: '/api/v1/webhooks/{id}',
      summary: 'Delete a webhook endpoint (its pending deliveries are dropped)',
      tags: ['webhooks'],
      security: 'apiKey',
      params: endpointParams,
      responses: { 200: { description: 'Deleted', schema: deletedSchema } },
      errors: ['NOT_FOUND'],
    },
    guard,
    async ({ params }, req, res) => {
      await webhooks.deleteEndpoint(authOf(req).accountId, params.id);
      sendData(res, { id: params.id, deleted: true });
    },
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/api/v1/webhooks/{id}/deliveries',
      summary: 'An endpoint’s deliveries, newest first, each with every attempt',
      tags: ['webhooks'],
      security: 'apiKey',
      params: endpointParams,
      query: paginationQuerySchema,
      responses: {
        200: { description: 'A page of deliveries', schema: listEnvelope(webhookDeliverySchema) },
      },
      errors: ['NOT_FOUND', 'VALIDATION_ERROR'],
    },
    guard,
    async ({ params, query }, req, res) => {
      const page = await webhooks.deliveries(authOf(req).accountId, params.id, query);
      sendPage(res, page);
    },
  );

  registry.add(
    router,
    {
      method: 'post',
      path: '/api/v1/renders/{uuid}/webhook/redeliver',
      summary:
        'Send a finished render’s event again (same webhook-id): to its webhook_url, and to each registered endpoint whose delivery failed',
      tags: ['webhooks'],
      security: 'apiKey',
      params: uuidParamsSchema,
      responses: {
        202: {
          description: 'The deliveries sent again, pending (the webhook_url one first)',
          schema: successEnvelope(z.array(webhookDeliverySchema)),
        },
      },
      errors: ['NOT_FOUND', 'CONFLICT', 'RATE_LIMIT_EXCEEDED', 'SERVICE_UNAVAILABLE'],
    },
    guard,
    async ({ params }, req, res) => {
      await limitRedelivery(authOf(req).accountId, params.uuid);
      sendData(res, await webhooks.redeliver(authOf(req).accountId, params.uuid), 202);
    },
  );
}
