// What an account can do with its webhooks, whoever asks (the public API with a key, the dashboard
// with a session): register, list, show and delete endpoints (at most MAX_WEBHOOK_ENDPOINTS), read and
// rotate the signing secret, page through an endpoint's deliveries, and redeliver a render's event
// (to its webhook_url, and to the registered endpoints whose delivery failed).
// Answers are the public shapes of @platen/contracts; another account's id is NOT_FOUND.
import {
  ApiError,
  decodeCursor,
  MAX_WEBHOOK_ENDPOINTS,
  toPage,
  type Page,
  type WebhookDeliveryView,
  type WebhookEndpointView,
  type WebhookEventType,
} from '@platen/contracts';
import {
  enqueueDelivery,
  type EndpointStore,
  type SecretState,
  type SecretStore,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookQueue,
} from '@platen/webhooks';
import { z } from 'zod';
import type { WebhookUrlCheck } from './webhook-url-check.js';

export interface WebhookSecretView {
  secret: string;
  rotated_at: string | null;
  previous_secret_expires_at: string | null;
}

export interface WebhookAdmin {
  createEndpoint(
    accountId: string,
    input: { url: string; events: WebhookEventType[]; description?: string | null | undefined },
  ): Promise<WebhookEndpointView & { secret: string }>;
  listEndpoints(accountId: string): Promise<WebhookEndpointView[]>;
  getEndpoint(accountId: string, endpointId: string): Promise<WebhookEndpointView>;
  deleteEndpoint(accountId: string, endpointId: string): Promise<void>;
  deliveries(
    accountId: string,
    endpointId: string,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<Page<WebhookDeliveryView>>;
  renderDeliveries(accountId: string, renderId: string): Promise<WebhookDeliveryView[]>;
  secret(accountId: string): Promise<WebhookSecretView>;
  rotateSecret(accountId: string): Promise<WebhookSecretView>;
  /**
   * Sends a finished render's event again (same webhook-id): to its webhook_url, and to every registered
   * endpoint whose delivery failed. The deliveries sent again, pending.
   */
  redeliver(accountId: string, renderId: string): Promise<WebhookDeliveryView[]>;
}

export interface WebhookAdminDeps {
  endpoints: EndpointStore;
  secrets: SecretStore;
  queue: WebhookQueue;
  /** Whether the account has this render (redelivery tells "no such render" from "nothing to send"). */
  renderExists: (accountId: string, renderId: string) => Promise<boolean>;
  /** Refuses an endpoint URL the deliveries could not reach (400 naming `url`). */
  checkUrl: WebhookUrlCheck;
}

const isUuid = (value: string) => z.uuid().safeParse(value).success;
const iso = (date: Date | null) => (date === null ? null : date.toISOString());

export function toEndpointView(endpoint: WebhookEndpoint): WebhookEndpointView {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events as WebhookEventType[],
    description: endpoint.description,
    created_at: endpoint.created_at.toISOString(),
    disabled_at: iso(endpoint.disabled_at),
    disabled_reason: endpoint.disabled_reason,
    failing_since: iso(endpoint.failing_since),
  };
}

export function toDeliveryView(delivery: WebhookDelivery): WebhookDeliveryView {
  return {
    id: delivery.id,
    webhook_id: delivery.event_id,
    type: delivery.event_type as WebhookEventType,
    render_uuid: delivery.render_id,
    mockup_uuid: delivery.mockup_id,
    batch_uuid: delivery.batch_id,
    url: delivery.url,
    status: delivery.status,
    attempts: delivery.attempts,
    next_attempt_at: iso(delivery.next_attempt_at),
    last_status_code: delivery.last_status_code,
    created_at: delivery.created_at.toISOString(),
    delivered_at: iso(delivery.delivered_at),
    attempt_log: delivery.attempt_log.map((attempt) => ({
      attempted_at: attempt.attempted_at.toISOString(),
      status_code: attempt.status_code,
      duration_ms: attempt.duration_ms,
      error: attempt.error,
    })),
  };
}

function toSecretView(state: SecretState): WebhookSecretView {
  return {
    secret: state.secret,
    rotated_at: iso(state.rotated_at),
    previous_secret_expires_at: iso(state.previous_secret_expires_at),
  };
}

export function createWebhookAdmin({
  endpoints,
  secrets,
  queue,
  renderExists,
  checkUrl,
}: WebhookAdminDeps): WebhookAdmin {
  async function endpointOf(accountId: string, endpointId: string): Promise<WebhookEndpoint> {
    const endpoint = isUuid(endpointId) ? await endpoints.find(accountId, endpointId) : undefined;
    if (!endpoint) throw new ApiError('NOT_FOUND');
    return endpoint;
  }

  return {
    async createEndpoint(accountId, input) {
      // Checked before the insert, so two concurrent creations may pass it by one: a soft limit
      // against runaway scripts, not a billing boundary.
      if ((await endpoints.count(accountId)) >= MAX_WEBHOOK_ENDPOINTS) {
        throw new ApiError('CONFLICT', {
          message: `An account can register at most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints; delete one first`,
          details: { limit: MAX_WEBHOOK_ENDPOINTS },
        });
      }
      await checkUrl(input.url, 'url');
      const created = await endpoints.create(accountId, input);
      return { ...toEndpointView(created), secret: created.secret };
    },

    async listEndpoints(accountId) {
      return (await endpoints.list(accountId)).map(toEndpointView);
    },

    async getEndpoint(accountId, endpointId) {
      return toEndpointView(await endpointOf(accountId, endpointId));
    },

    async deleteEndpoint(accountId, endpointId) {
      const removed = isUuid(endpointId) && (await endpoints.remove(accountId, endpointId));
      if (!removed) throw new ApiError('NOT_FOUND');
    },

    async deliveries(accountId, endpointId, { limit, cursor }) {
      await endpointOf(accountId, endpointId);
      const before = cursor === undefined ? undefined : decodeCursor(cursor);
      const rows = await endpoints.deliveries(accountId, endpointId, {
        limit: limit + 1,
        ...(before ? { before } : {}),
      });
      return toPage(rows, limit, toDeliveryView);
    },

    async renderDeliveries(accountId, renderId) {
      if (!isUuid(renderId)) return [];
      return (await endpoints.renderDeliveries(accountId, renderId)).map(toDeliveryView);
    },

    async secret(accountId) {
      return toSecretView(await secrets.state(accountId));
    },

    async rotateSecret(accountId) {
      await secrets.rotate(accountId);
      return toSecretView(await secrets.state(accountId));
    },

    async redeliver(accountId, renderId) {
      if (!isUuid(renderId) || !(await renderExists(accountId, renderId))) throw new ApiError('NOT_FOUND');
      const prepared = await endpoints.prepareRedelivery(accountId, renderId);
      if (prepared.length === 0) {
        throw new ApiError('CONFLICT', {
          message:
            'This render has no webhook delivery to send again: no webhook_url, no failed delivery to a ' +
            'registered endpoint (deleted and disabled endpoints are not sent to), or it has not finished',
        });
      }
      for (const [index, { deliveryId, jobId }] of prepared.entries()) {
        try {
          await enqueueDelivery(queue, deliveryId, { jobId });
        } catch (error) {
          // Those not queued go back to failed, so asking again finds them; the webhook_url delivery is
          // found again anyway (same jobId: no double send).
          await endpoints.abandonRedelivery(accountId, prepared.slice(index));
          throw new ApiError('SERVICE_UNAVAILABLE', { cause: error });
        }
      }
      const ids = prepared.map(({ deliveryId }) => deliveryId);
      const deliveries = await endpoints.findDeliveries(accountId, ids);
      // In the order they were prepared: the webhook_url delivery first.
      return deliveries.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id)).map(toDeliveryView);
    },
  };
}
