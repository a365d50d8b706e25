// @platen/client: a typed client for Platen's public API, for Node 20+ and browsers (fetch and
// WebCrypto only; nothing on this import graph may import a node: module, a test checks it).
export { createPlatenClient, type PlatenClient, type PlatenClientOptions } from './client.js';
export { PlatenApiError, WebhookVerificationError, type ValidationIssue } from './errors.js';
export { verifyWebhook, type VerifyWebhookOptions, type WebhookHeaders } from './webhook-verify.js';
export type { Page, PageQuery } from './pages.js';
export type { FetchLike, RetryOptions } from './transport.js';
export type { MockupsApi, UploadMockupOptions } from './mockups.js';
export {
  isFinalRender,
  type CreateRenderOptions,
  type ListRendersQuery,
  type RendersApi,
} from './renders.js';
export type { BatchesApi, BatchWaitOptions, CreateBatchOptions } from './batches.js';
export type { WebhooksApi } from './webhooks.js';
export type * from './types.js';
export type * from './batch-types.js';
export type { components, paths } from './generated/openapi.js';
