// /dashboard/api/keys: the account's API keys (the key-service's). A new or rotated key is in its
// create answer only; lists never show a key or its hash.
import {
  apiKeySummarySchema,
  createdApiKeySchema,
  createKeyRequestSchema,
  KEY_STATUSES,
  listEnvelope,
  paginationQuerySchema,
  rotateKeyRequestSchema,
  successEnvelope,
} from '@platen/contracts';
import { idParamsSchema, sendData, sendPage } from '@platen/http';
import { z } from 'zod';
import type { AccountService } from '@platen/key-service-client';
import { sessionOf } from '../../dashboard/session-guard.js';
import { BASE, SESSION_ERRORS, tags, UNSAFE_ERRORS, type DashboardRouteContext } from './route-context.js';

const newKeySchema = createKeyRequestSchema.pick({ name: true, expires_at: true }).strict();
const rotateSchema = rotateKeyRequestSchema.strict();
const listKeysQuerySchema = paginationQuerySchema.extend({ status: z.enum(KEY_STATUSES).optional() });

export function registerDashboardKeyRoutes(ctx: DashboardRouteContext, accounts: AccountService): void {
  const { registry, router, session, unsafe } = ctx;

  registry.add(
    router,
    {
      tags,
      method: 'get',
      path: `${BASE}/keys`,
      summary: 'The account’s API keys, newest first (never the key or its hash)',
      security: 'session',
      query: listKeysQuerySchema,
      responses: { 200: { description: 'A page of keys', schema: listEnvelope(apiKeySummarySchema) } },
      errors: [...SESSION_ERRORS, 'VALIDATION_ERROR'],
    },
    session,
    async ({ query }, req, res) => {
      sendPage(res, await accounts.listKeys(sessionOf(req).accountId, query));
    },
  );

  registry.add(
    router,
    {
      tags,
      method: 'post',
      path: `${BASE}/keys`,
      summary: 'Create a key: the full key is in this answer only (409 past the active-key cap)',
      security: 'session',
      body: newKeySchema,
      responses: { 201: { description: 'The new key', schema: successEnvelope(createdApiKeySchema) } },
      errors: [...UNSAFE_ERRORS, 'CONFLICT'],
    },
    unsafe,
    async ({ body }, req, res) => {
      sendData(res, await accounts.createKey(sessionOf(req).accountId, body), 201);
    },
  );

  registry.add(
    router,
    {
      tags,
      method: 'post',
      path: `${BASE}/keys/{id}/revoke`,
      summary: 'Revoke a key (irreversible; every gateway refuses it within 1 s)',
      security: 'session',
      params: idParamsSchema,
      responses: { 200: { description: 'The revoked key', schema: successEnvelope(apiKeySummarySchema) } },
      errors: [...UNSAFE_ERRORS, 'NOT_FOUND'],
    },
    unsafe,
    async ({ params }, req, res) => {
      sendData(res, await accounts.revokeKey(sessionOf(req).accountId, params.id));
    },
  );

  registry.add(
    router,
    {
      tags,
      method: 'post',
      path: `${BASE}/keys/{id}/rotate`,
      summary: 'Replace a key: a new key now, the old one stops after grace_seconds',
      security: 'session',
      params: idParamsSchema,
      body: rotateSchema,
      responses: { 201: { description: 'The new key', schema: successEnvelope(createdApiKeySchema) } },
      errors: [...UNSAFE_ERRORS, 'NOT_FOUND', 'CONFLICT'],
    },
    unsafe,
    async ({ params, body }, req, res) => {
      sendData(res, await accounts.rotateKey(sessionOf(req).accountId, params.id, body), 201);
    },
  );
}
