// Platen's public API as the nodes use it, over any `send` (n8n's HTTP helpers in the nodes, a fake in
// unit tests). It owns the behaviour every call shares: 429 waits out Retry-After and sends the very same
// request again (same Idempotency-Key, so never a second render); any other non-2xx is a PlatenApiError
// carrying Platen's code and request id.
import type { PlatenRequest } from './platen-request';
import { retryAfterMs } from './platen-request';

export interface PlatenResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: unknown;
}

export type Send = (request: PlatenRequest) => Promise<PlatenResponse>;

export interface ClientDeps {
  send: Send;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** How often one request may meet 429 before its error is returned. */
  maxRateLimitWaits?: number;
  /** A Retry-After longer than this (a day's limit) is returned as the error instead of waited out. */
  maxRetryAfterMs?: number;
  /** Between two reads of a render or mockup that is still running. */
  pollIntervalMs?: number;
}

export type Json = Record<string, unknown>;

export class PlatenApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'PlatenApiError';
  }
}

const MAX_PAGES = 1_000;
const PAGE_SIZE = 100;
const WAIT_PARAM_MAX_SECONDS = 60;

function errorOf(response: PlatenResponse): PlatenApiError {
  const body = (typeof response.body === 'object' && response.body !== null ? response.body : {}) as Json;
  const code = typeof body.code === 'string' ? body.code : `HTTP_${response.status}`;
  const text = typeof body.error === 'string' ? body.error : `Platen answered ${response.status}`;
  const requestId = typeof body.request_id === 'string' ? body.request_id : response.headers['x-request-id'];
  return new PlatenApiError(
    response.status,
    code,
    `${code}: ${text}${requestId ? ` (request ${requestId})` : ''}`,
    requestId,
    body.details,
  );
}

function dataOf<T>(response: PlatenResponse): T {
  return (response.body as { data: T }).data;
}

export function createPlatenClient(deps: ClientDeps) {
  const maxWaits = deps.maxRateLimitWaits ?? 5;
  const maxRetryAfterMs = deps.maxRetryAfterMs ?? 120_000;
  const pollIntervalMs = deps.pollIntervalMs ?? 2_000;

  async function call(request: PlatenRequest, accept: number[] = []): Promise<PlatenResponse> {
    for (let waits = 0; ; waits += 1) {
      const response = await deps.send(request);
      if (response.status === 429 && waits < maxWaits) {
        const waitMs = retryAfterMs(response.headers['retry-after'], deps.now());
        if (waitMs <= maxRetryAfterMs) {
          await deps.sleep(waitMs);
          continue;
        }
      }
      if ((response.status >= 200 && response.status < 300) || accept.includes(response.status)) {
        return response;
      }
      throw errorOf(response);
    }
  }

  /** Every item of a cursor-paged list, or the first `limit`. */
  async function list(path: string, qs: Record<string, string | number>, limit?: number): Promise<Json[]> {
    const items: Json[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const want = limit === undefined ? PAGE_SIZE : Math.min(PAGE_SIZE, limit - items.length);
      const response = await call({
        method: 'GET',
        path,
        qs: { ...qs, limit: want, ...(cursor ? { cursor } : {}) },
      });
      const body = response.body as { data: Json[]; next_cursor: string | null };
      items.push(...body.data);
      cursor = body.next_cursor;
      if (!cursor || (limit !== undefined && items.length >= limit)) break;
    }
    return limit === undefined ? items : items.slice(0, limit);
  }

  /** Reads `path` until its `status` is no longer one of `running`, or `timeoutMs` passes. */
  async function waitUntilDone(path: string, running: string[], timeoutMs: number): Promise<Json> {
    const deadline = deps.now() + timeoutMs;
    for (;;) {
      const current = dataOf<Json>(await call({ method: 'GET', path }));
      if (!running.includes(String(current.status))) return current;
      if (deps.now() + pollIntervalMs > deadline) {
        throw new PlatenApiError(
          0,
          'WAIT_TIMEOUT',
          `${path} is still ${String(current.status)} after ${Math.round(timeoutMs / 1000)} s`,
        );
      }
      await deps.sleep(pollIntervalMs);
    }
  }

  return {
    call,
    listMockups: (limit?: number) => list('/api/v1/mockups', {}, limit),
    getMockup: async (uuid: string) =>
      dataOf<Json>(await call({ method: 'GET', path: `/api/v1/mockups/${encodeURIComponent(uuid)}` })),
    uploadMockup: async (upload: { data: Buffer; contentType: string }) =>
      dataOf<Json>(await call({ method: 'POST', path: '/api/v1/mockups', raw: upload })),
    waitForMockup: (uuid: string, timeoutMs: number) =>
      waitUntilDone(`/api/v1/mockups/${encodeURIComponent(uuid)}`, ['processing'], timeoutMs),

    /** POST /api/v1/renders; with `waitSeconds`, Platen holds the answer until the render ends or that passes. */
    createRender: async (body: Json, idempotencyKey: string, waitSeconds?: number) =>
      dataOf<Json>(
        await call({
          method: 'POST',
          path: '/api/v1/renders',
          headers: { 'Idempotency-Key': idempotencyKey },
          json: body,
          ...(waitSeconds
            ? { qs: { wait: Math.min(WAIT_PARAM_MAX_SECONDS, Math.max(0, Math.floor(waitSeconds))) } }
            : {}),
        }),
      ),
    getRender: async (uuid: string) =>
      dataOf<Json>(await call({ method: 'GET', path: `/api/v1/renders/${encodeURIComponent(uuid)}` })),
    listRenders: (status: string | undefined, limit?: number) =>
      list('/api/v1/renders', status ? { status } : {}, limit),
    waitForRender: (uuid: string, timeoutMs: number) =>
      waitUntilDone(`/api/v1/renders/${encodeURIComponent(uuid)}`, ['queued', 'processing'], timeoutMs),
    /** POST /api/v1/renders/batch; `waitSeconds` as for createRender. */
    createBatch: async (body: Json, idempotencyKey: string, waitSeconds?: number) =>
      dataOf<Json>(
        await call({
          method: 'POST',
          path: '/api/v1/renders/batch',
          headers: { 'Idempotency-Key': idempotencyKey },
          json: body,
          ...(waitSeconds
            ? { qs: { wait: Math.min(WAIT_PARAM_MAX_SECONDS, Math.max(0, Math.floor(waitSeconds))) } }
            : {}),
        }),
      ),
    getBatch: async (uuid: string) =>
      dataOf<Json>(await call({ method: 'GET', path: `/api/v1/batches/${encodeURIComponent(uuid)}` })),
    listBatches: (limit?: number) => list('/api/v1/batches', {}, limit),
    waitForBatch: (uuid: string, timeoutMs: number) =>
      waitUntilDone(`/api/v1/batches/${encodeURIComponent(uuid)}`, ['processing'], timeoutMs),
    /** The ZIP of a batch's succeeded renders; `partial`: of one still processing, what is done so far. */
    downloadArchive: async (uuid: string, partial = false) => {
      const response = await call({
        method: 'GET',
        path: `/api/v1/batches/${encodeURIComponent(uuid)}/archive`,
        ...(partial ? { qs: { partial: 'true' } } : {}),
        binary: true,
      });
      return {
        data: response.body as Buffer,
        contentType: response.headers['content-type'] ?? 'application/zip',
      };
    },
    /** A signed result URL: fetched without the API key. */
    download: async (url: string) => {
      const response = await call({ method: 'GET', url, binary: true });
      return {
        data: response.body as Buffer,
        contentType: response.headers['content-type'] ?? 'application/octet-stream',
      };
    },

    createWebhook: async (endpoint: { url: string; events: string[]; description?: string }) =>
      dataOf<Json>(await call({ method: 'POST', path: '/api/v1/webhooks', json: endpoint })),
    /** The endpoint, or undefined when it is gone (deleted, or never this account's). */
    getWebhook: async (id: string) => {
      const response = await call(
        { method: 'GET', path: `/api/v1/webhooks/${encodeURIComponent(id)}` },
        [404],
      );
      return response.status === 404 ? undefined : dataOf<Json>(response);
    },
    /** Deleting an endpoint that is already gone is not an error. */
    deleteWebhook: async (id: string) => {
      await call({ method: 'DELETE', path: `/api/v1/webhooks/${encodeURIComponent(id)}` }, [404]);
    },
  };
}

export type PlatenClient = ReturnType<typeof createPlatenClient>;
