// createPlatenClient: one transport (key, retries, errors) shared by the four namespaces.
import { createBatchesApi, type BatchesApi } from './batches.js';
import { createMockupsApi, type MockupsApi } from './mockups.js';
import { createRendersApi, type RendersApi } from './renders.js';
import { createTransport, type FetchLike, type RetryOptions } from './transport.js';
import { createWebhooksApi, type WebhooksApi } from './webhooks.js';

export interface PlatenClientOptions {
  /** The gateway, e.g. `http://localhost:8080` (without `/api/v1`). */
  baseUrl: string;
  /** An API key, `sm_…`; sent as `X-API-KEY`. */
  apiKey: string;
  /** Default: the global fetch. */
  fetch?: FetchLike;
  retry?: RetryOptions;
  /** Each request's time limit (default 90 s). */
  timeoutMs?: number;
  /** How to wait between retries and polls (default a timer); for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch (default Date.now); for tests. */
  now?: () => number;
}

export interface PlatenClient {
  mockups: MockupsApi;
  renders: RendersApi;
  batches: BatchesApi;
  webhooks: WebhooksApi;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createPlatenClient(options: PlatenClientOptions): PlatenClient {
  if (!options.baseUrl) throw new TypeError('createPlatenClient: baseUrl is required');
  if (!options.apiKey) throw new TypeError('createPlatenClient: apiKey is required');
  const sleep = options.sleep ?? defaultSleep;
  const waiting = { sleep, now: options.now ?? Date.now };
  const transport = createTransport({
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    sleep,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  return {
    mockups: createMockupsApi(transport, waiting),
    renders: createRendersApi(transport, waiting),
    batches: createBatchesApi(transport, waiting),
    webhooks: createWebhooksApi(transport),
  };
}
