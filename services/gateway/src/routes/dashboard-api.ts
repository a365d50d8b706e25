// /dashboard/api/*: the web dashboard's JSON API, authenticated by the session cookie (never an API
// key). Accounts, keys, credits and usage are the key-service's (AccountService); renders, mockups and
// webhooks are read and changed here with the same stores and rules as the public API. Every call is
// scoped to the session's account: another account's id is a 404.
import {
  ApiError,
  apiKeySummarySchema,
  createdApiKeySchema,
  createdWebhookEndpointSchema,
  createKeyRequestSchema,
  createRenderRequestSchema,
  createWebhookEndpointRequestSchema,
  KEY_STATUSES,
  listEnvelope,
  listRendersQuerySchema,
  logInRequestSchema,
  mockupSchema,
  paginationQuerySchema,
  rateLimitsSchema,
  renderSchema,
  rotateKeyRequestSchema,
  signUpRequestSchema,
  successEnvelope,
  webhookDeliverySchema,
  webhookEndpointSchema,
  webhookSecretSchema,
  type ErrorCode,
} from '@platen/contracts';
import type { RouteRegistry } from '@platen/http';
import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import type { AccountService, SignedInUser } from '../dashboard/account-service.js';
import type { LoginThrottle } from '../dashboard/login-throttle.js';
import { sessionOf, type DashboardSession, type SessionGuard } from '../dashboard/session-guard.js';
import type { MockupStore } from '../mockups/mockup-store.js';
import { createMockupFromPsdSchema, type MockupUploads } from '../mockups/mockup-uploads.js';
import type { RenderAcceptor } from '../renders/render-acceptor.js';
import type { RenderStore } from '../renders/render-store.js';
import type { RenderView } from '../renders/render-view.js';
import type { WebhookAdmin } from '../webhooks/webhook-admin.js';

const BASE = '/dashboard/api';
const tags = ['dashboard'];
const MAX_USAGE_DAYS = 90;

const meSchema = z
  .object({
    user: z.object({ id: z.string(), email: z.string() }),
    account: z.object({ id: z.string(), email: z.string(), credits: z.number().int() }),
    rate_limits: rateLimitsSchema,
    csrf_token: z.string().meta({ description: 'Send it back in X-CSRF-Token on every POST and DELETE' }),
  })
  .meta({ id: 'DashboardMe' });

const ledgerSchema = z.object({
  balance: z.number().int(),
  entries: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['grant', 'charge', 'refund']),
      amount: z.number().int(),
      render_id: z.string().nullable(),
      note: z.string().nullable(),
      created_at: z.string(),
    }),
  ),
});

const usageSchema = z.object({
  from: z.string(),
  to: z.string(),
  rows: z.array(
    z.object({
      date: z.string(),
      key_id: z.string(),
      key_name: z.string(),
      requests: z.number().int(),
      renders: z.number().int(),
      credits: z.number().int(),
    }),
  ),
});

const idParams = z.object({ id: z.string().max(200) });
const uuidParams = z.object({ uuid: z.string().max(200) });
const newKeySchema = createKeyRequestSchema.pick({ name: true, expires_at: true }).strict();
const rotateSchema = rotateKeyRequestSchema.strict();
const listKeysQuerySchema = paginationQuerySchema.extend({ status: z.enum(KEY_STATUSES).optional() });
const usageQuerySchema = z.object({ days: z.coerce.number().int().min(1).max(MAX_USAGE_DAYS).default(30) });
const SESSION_ERRORS: ErrorCode[] = ['UNAUTHORIZED'];
const UNSAFE_ERRORS: ErrorCode[] = [
  'UNAUTHORIZED',
  'FORBIDDEN',
  'VALIDATION_ERROR',
  'UNSUPPORTED_MEDIA_TYPE',
];

export interface DashboardApiDeps {
  registry: RouteRegistry;
  router: Router;
  guard: SessionGuard;
  /** Refuses unsafe requests sent by another site's page. */
  sameSite: RequestHandler;
  jsonBody: RequestHandler[];
  renderBody: RequestHandler[];
  accounts: AccountService;
  throttle: LoginThrottle;
  mockups: MockupStore;
  uploads: MockupUploads;
  renders: RenderStore;
  accept: RenderAcceptor;
  view: RenderView;
  webhooks: WebhookAdmin;
  /** Counts one dashboard render against the account's per-minute ceiling (rejects with 429). */
  limitAccount: (accountId: string) => Promise<void>;
  /** Called for each log-in that passed the throttle and goes on to the password check. */
  onPasswordCheck?: () => void;
}

/** The peer's address; behind a proxy, set express' `trust proxy` so this is the client's. */
function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

export function registerDashboardApi(deps: DashboardApiDeps): void {
  const { registry, router, guard, sameSite, jsonBody, accounts, throttle, webhooks } = deps;
  const session = [guard.require];
  const unsafe = [sameSite, guard.require, ...jsonBody];

  async function me(current: DashboardSession) {
    const [account, limits] = await Promise.all([
      accounts.account(current.accountId),
      accounts.defaultLimits(),
    ]);
    return {
      user: { id: current.userId, email: current.email },
      account: { id: account.id, email: account.email, credits: account.credits },
      rate_limits: limits,
      csrf_token: current.csrfToken,
    };
  }

  async function signedIn(req: Request, res: Response, user: SignedInUser, status: number): Promise<void> {
    const current = await guard.start(req, res, user);
    res.status(status).json({ success: true, data: await me(current) });
  }

  // ---- session ----------------------------------------------------------------------------------

  registry.add(
    router,
    {
      tags,
      method: 'post',
      path: `${BASE}/signup`,
      summary: 'Create an account and its user, and sign in',
      security: 'none',
      body: signUpRequestSchema,
      responses: {
        201: { description: 'Signed in (session cookies set)', schema: successEnvelope(meSchema) },
      },
      errors: [
        'VALIDATION_ERROR',
        'CONFLICT',
        'RATE_LIMIT_EXCEEDED',
        'FORBIDDEN',
        'UNSUPPORTED_MEDIA_TYPE',
        'SERVICE_UNAVAILABLE',
      ],
    },
    [sameSite, ...jsonBody],
    async ({ body }, req, res) => {
      await throttle.countSignUp(clientAddress(req));
      await signedIn(req, res, await accounts.signUp(body), 201);
    },
  );

  registry.add(
    router,
    {
      tags,
      method: 'post',
      path: `${BASE}/login`,
      summary: 'Sign in (attempts are limited per email, per address and per email+address pair)',
      security: 'none',
      body: logInRequestSchema,
      responses: {
        200: { description: 'Signed in (session cookies set)', schema: successEnvelope(meSchema) },
      },
      errors: [
        'UNAUTHORIZED',
        'RATE_LIMIT_EXCEEDED',
        'FORBIDDEN',
        'VALIDATION_ERROR',
        'UNSUPPORTED_MEDIA_TYPE',
        'SERVICE_UNAVAILABLE',
      ],
    },
    [sameSite, ...jsonBody],
    async ({ body }, req, res) => {
      const address = clientAddress(req);
      // Reserved before the password check and counted as failed unless it succeeds: parallel
      // guesses cannot all pass a check that only counts afterwards.
      await throttle.reserveLogin(body.email, address);
      deps.onPasswordCheck?.();
      let user: SignedInUser;
      try {
        user = await accounts.logIn(body);
      } catch (error) {
        if (error instanceof ApiError && error.code === 'UNAUTHORIZED') {
          throw new ApiError('UNAUTHORIZED', { message: 'Wrong email or password' });
        }
        throw error;
      }
      await throttle.loginSucceeded(body.email, address);
      await signedIn(req, res, user, 200);
    },
  );

  registry.add(
    router,
    {
      tags,
      method: 'post',
      path: `${BASE}/logout`,
      summary: 'Sign out (the session ends on every gateway)',
      security: 'session',
      responses: {
        200: {
          description: 'Signed out',
          schema: successEnvelope(z.object({ logged_out: z.literal(true) })),
        },
      },
      errors: UNSAFE_ERRORS,
    },
    unsafe,
    async (_input, req, res) => {
      await guard.end(req, res);
      res.json({ success: true, data: { logged_out: true } });
    },
  );

  registry.add(
    router,
    {
      tags,
      method: 'get',
      path: `${BASE}/me`,
      summary: 'The signed-in user, the account and its credit balance',
      security: 'session',
      responses: { 200: { description: 'Who is signed in', schema: successEnvelope(meSchema) } },
      errors: SESSION_ERRORS,
    },
    session,
    async (_input, req, res) => {
      res.json({ success: true, data: await me(sessionOf(req)) });
    },
  );

  // ---- keys, usage, credits ---------------------------------------------------------------------

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
      const page = await accounts.listKeys(sessionOf(req).accountId, query);
      res.json({ success: true, data: page.items, next_cursor: page.nextCursor });
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
      res.status(201).json({ success: true, data: await accounts.createKey(sessionOf(req).accountId, body) });
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
      params: idParams,
      responses: { 200: { description: 'The revoked key', schema: successEnvelope(apiKeySummarySchema) } },
      errors: [...UNSAFE_ERRORS, 'NOT_FOUND'],
    },
    unsafe,
    async ({ params }, req, res) => {
      res.json({ success: true, data: await accounts.revokeKey(sessionOf(req).accountId, params.id) });
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
      params: idParams,
      body: rotateSchema,
      responses: { 201: { description: 'The new key', schema: successEnvelope(createdApiKeySchema) } },
      errors: [...UNSAFE_ERRORS, 'NOT_FOUND', 'CONFLICT'],
    },
    unsafe,
    async ({ params, body }, req, res) => {
      const key = await accounts.rotateKey(sessionOf(req).accountId, params.id, body);
      res.status(201).json({ success: true, data: key });
    },
  );

  registry.add(
    router,
    {
      tags,
      method: 'get',
      path: `${BASE}/usage`,
      summary: 'Requests, renders and credits per key per UTC day',
      security: 'session',
      query: usageQuerySchema,
      responses: { 200: { description: 'Daily usage', schema: successEnvelope(usageSchema) } },
      errors: [...SESSION_ERRORS, 'VALIDATION_ERROR'],
    },
    session,
    async ({ query }, req, res) => {
      res.json({ success: true, data: await accounts.usage(sessionOf(req).accountId, query.days) });
    },
  );

  registry.add(
    router,
    {
      tags,
      method: 'get',
      path: `${BASE}/credits`,
      summary: 'The credit balance and the ledger, newest first',
      security: 'session',
      query: paginationQuerySchema,
      responses: {
        200: { description: 'Balance and a page of entries', schema: successEnvelope(ledgerSchema) },
      },
      errors: [...SESSION_ERRORS, 'VALIDATION_ERROR'],
    },
    session,
    async ({ query }, req, res) => {
      const accountId = sessionOf(req).accountId;
      const [account, page] = await Promise.all([
        accounts.account(accountId),
        accounts.ledger(accountId, query),
      ]);
      res.json({
        success: true,
        data: { balance: account.credits, entries: page.items },
        next_cursor: page.nextCursor,
      });
    },
  );

  // ---- renders and mockups ----------------------------------------------------------------------

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
      const page = await deps.renders.list({ accountId: sessionOf(req).accountId, ...query });
      res.json({
        success: true,
        data: await Promise.all(page.rows.map(deps.view)),
        next_cursor: page.nextCursor,
      });
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
      params: uuidParams,
      responses: {
        200: {
          description: 'The render',
          schema: successEnvelope(
            renderSchema.extend({ webhook_deliveries: z.array(webhookDeliverySchema) }),
          ),
        },
      },
      errors: [...SESSION_ERRORS, 'NOT_FOUND'],
    },
    session,
    async ({ params }, req, res) => {
      const accountId = sessionOf(req).accountId;
      const row = z.uuid().safeParse(params.uuid).success
        ? await deps.renders.find(accountId, params.uuid)
        : undefined;
      if (!row) throw new ApiError('NOT_FOUND');
      const [render, deliveries] = await Promise.all([
        deps.view(row),
        webhooks.renderDeliveries(accountId, row.id),
      ]);
      res.json({ success: true, data: { ...render, webhook_deliveries: deliveries } });
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
    [sameSite, guard.require, ...deps.renderBody],
    async ({ body }, req, res) => {
      const accountId = sessionOf(req).accountId;
      await deps.limitAccount(accountId);
      const mockup = await deps.mockups.find({ accountId, id: body.mockup_uuid, bySlug: false });
      const { row } = await deps.accept({ accountId, keyId: null, request: body, mockup });
      res
        .status(202)
        .location(`${BASE}/renders/${row.id}`)
        .json({ success: true, data: await deps.view(row) });
    },
  );

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
      const page = await deps.mockups.list({ accountId: sessionOf(req).accountId, ...query });
      res.json({ success: true, data: page.items, next_cursor: page.nextCursor });
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
      const mockup = await deps.uploads.fromPsd(req, sessionOf(req).accountId);
      res.status(202).json({ success: true, data: mockup });
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
      params: z.object({ uuid: z.string().max(200) }),
      responses: {
        200: {
          description: 'Deleted',
          schema: successEnvelope(z.object({ uuid: z.uuid(), deleted: z.literal(true) })),
        },
      },
      errors: [...UNSAFE_ERRORS, 'NOT_FOUND'],
    },
    [sameSite, guard.require],
    async ({ params }, req, res) => {
      if (!(await deps.mockups.remove({ accountId: sessionOf(req).accountId, id: params.uuid }))) {
        throw new ApiError('NOT_FOUND');
      }
      res.json({ success: true, data: { uuid: params.uuid, deleted: true } });
    },
  );

  // ---- webhooks ---------------------------------------------------------------------------------

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
      res.json({ success: true, data: await webhooks.secret(sessionOf(req).accountId) });
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
      res.json({ success: true, data: await webhooks.rotateSecret(sessionOf(req).accountId) });
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
      res.json({ success: true, data: await webhooks.listEndpoints(sessionOf(req).accountId) });
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
      res
        .status(201)
        .json({ success: true, data: await webhooks.createEndpoint(sessionOf(req).accountId, body) });
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
      params: idParams,
      responses: {
        200: {
          description: 'Deleted',
          schema: successEnvelope(z.object({ id: z.string(), deleted: z.literal(true) })),
        },
      },
      errors: [...UNSAFE_ERRORS, 'NOT_FOUND'],
    },
    [sameSite, guard.require],
    async ({ params }, req, res) => {
      await webhooks.deleteEndpoint(sessionOf(req).accountId, params.id);
      res.json({ success: true, data: { id: params.id, deleted: true } });
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
      params: idParams,
      query: paginationQuerySchema,
      responses: {
        200: { description: 'A page of deliveries', schema: listEnvelope(webhookDeliverySchema) },
      },
      errors: [...SESSION_ERRORS, 'NOT_FOUND', 'VALIDATION_ERROR'],
    },
    session,
    async ({ params, query }, req, res) => {
      const page = await webhooks.deliveries(sessionOf(req).accountId, params.id, query);
      res.json({ success: true, data: page.items, next_cursor: page.nextCursor });
    },
  );
}
