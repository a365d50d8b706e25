// Webhook events: Standard Webhooks signing, the retry schedule, the `webhooks` queue contract,
// delivery records, secrets and endpoints. See README.md.
export { generateWebhookSecret, signWebhook, webhookHeaders, webhookSecretKey } from './webhook-signer.js';
export type { SignedMessage } from './webhook-signer.js';
export { createRetrySchedule, WEBHOOK_RETRY_DELAYS_MS } from './retry-schedule.js';
export type { RetrySchedule, RetryScheduleOptions } from './retry-schedule.js';
export {
  createWebhookQueue,
  enqueueDelivery,
  enqueueBatchEvent,
  enqueueRenderEvent,
  RetryLaterError,
  WEBHOOK_BACKOFF_TYPE,
  webhookBackoffStrategy,
} from './webhook-queue.js';
export type { WebhookQueue } from './webhook-queue.js';
// Declared in packages/queue; still exported here so existing importers keep working.
export {
  batchEventJobSchema,
  deliveryJobSchema,
  renderEventJobSchema,
  WEBHOOK_JOB_NAMES,
} from '@platen/queue';
export type { BatchEventJob, DeliveryJob, RenderEventJob, WebhookJob, WebhookJobName } from '@platen/queue';
export { webhookEventId } from './event-id.js';
export { createDeliveryStore, ENDPOINT_DISABLE_AFTER_MS } from './delivery-store.js';
export type {
  AttemptRecord,
  AttemptVerdict,
  DeliveryRecord,
  DeliveryStore,
  RenderEvent,
  MockupEvent,
  BatchEvent,
  WebhookEvent,
} from './delivery-store.js';
export { createSecretStore, SECRET_ROTATION_OVERLAP_MS } from './secret-store.js';
export type { SecretState, SecretStore } from './secret-store.js';
export { createEndpointStore } from './endpoint-store.js';
export type {
  DeliveryPosition,
  EndpointStore,
  PreparedRedelivery,
  WebhookAttempt,
  WebhookDelivery,
  WebhookEndpoint,
} from './endpoint-store.js';
export { createWebhookSender, WEBHOOK_TIMEOUT_MS } from './webhook-sender.js';
export type { SendOutcome, SendResult, WebhookMessage, WebhookSender } from './webhook-sender.js';
export { createWebhookDeliverer, webhookBody } from './webhook-deliverer.js';
export type { DeliveryOutcome, WebhookDeliverer } from './webhook-deliverer.js';
