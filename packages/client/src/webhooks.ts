// client.webhooks: verify a delivery (WebCrypto, so also in a browser or an edge function), the
// account signing secret, registered endpoints and their delivery logs, redelivery of a render's event.
import { fetchPage, iteratePages, type Page, type PageQuery } from './pages.js';
import type { Transport } from './transport.js';
import type {
  CreatedWebhookEndpoint,
  CreateWebhookEndpointRequest,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEvent,
  WebhookSecret,
} from './types.js';
import { verifyWebhook, type VerifyWebhookOptions, type WebhookHeaders } from './webhook-verify.js';

export interface WebhooksApi {
  /** Checks a delivery's signature and timestamp; returns its parsed body, or throws WebhookVerificationError. */
  verify<T = unknown>(
    headers: WebhookHeaders,
    body: string | Uint8Array,
    secret: string | readonly string[],
    options?: VerifyWebhookOptions,
  ): Promise<WebhookEvent<T>>;
  /** The account signing secret (signs deliveries to a render's own webhook_url). */
  secret(): Promise<WebhookSecret>;
  rotateSecret(): Promise<WebhookSecret>;
  /** Registers an endpoint; the answer carries its own `secret`, shown this once. */
  create(body: CreateWebhookEndpointRequest): Promise<CreatedWebhookEndpoint>;
  list(query?: PageQuery): AsyncGenerator<WebhookEndpoint, void, undefined>;
  get(id: string): Promise<WebhookEndpoint>;
  delete(id: string): Promise<{ id: string; deleted: boolean }>;
  deliveries(id: string, query?: PageQuery): AsyncGenerator<WebhookDelivery, void, undefined>;
  deliveriesPage(id: string, query?: PageQuery): Promise<Page<WebhookDelivery>>;
  /** Sends a finished render's event again (202 with the deliveries sent). */
  redeliver(renderUuid: string): Promise<WebhookDelivery[]>;
}

export function createWebhooksApi(transport: Transport): WebhooksApi {
  const data = async <T>(...args: Parameters<Transport['request']>) =>
    (await transport.request<T>(...args)).data;
  const endpoint = (id: string) => `/api/v1/webhooks/${encodeURIComponent(id)}`;

  return {
    verify: (headers, body, secret, options) => verifyWebhook(headers, body, secret, options),
    secret: () => data<WebhookSecret>('GET', '/api/v1/webhooks/secret'),
    rotateSecret: () => data<WebhookSecret>('POST', '/api/v1/webhooks/secret/rotate'),
    create: (body) => data<CreatedWebhookEndpoint>('POST', '/api/v1/webhooks', { json: body }),
    list: (query = {}) => iteratePages<WebhookEndpoint>(transport, '/api/v1/webhooks', { ...query }),
    get: (id) => data<WebhookEndpoint>('GET', endpoint(id)),
    delete: (id) => data<{ id: string; deleted: boolean }>('DELETE', endpoint(id)),
    deliveries: (id, query = {}) =>
      iteratePages<WebhookDelivery>(transport, `${endpoint(id)}/deliveries`, { ...query }),
    deliveriesPage: (id, query = {}) =>
      fetchPage<WebhookDelivery>(transport, `${endpoint(id)}/deliveries`, { ...query }),
    redeliver: (renderUuid) =>
      data<WebhookDelivery[]>('POST', `/api/v1/renders/${encodeURIComponent(renderUuid)}/webhook/redeliver`),
  };
}
