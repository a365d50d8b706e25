// Table types of schema `renders` (written by the gateway, updated by the render-worker).
import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export type MockupStatus = 'processing' | 'ready' | 'failed';

export interface MockupsTable {
  id: Generated<string>;
  /** Null for the built-in sample mockups every account can read. */
  account_id: string | null;
  slug: string;
  name: string;
  width: number;
  height: number;
  status: MockupStatus;
  /** The compositor's template manifest (layers, smart objects, asset names). */
  manifest: JSONColumnType<Record<string, unknown>>;
  /** The public smart-object list of docs/api.md, kept beside the manifest so reads need no translation. */
  smart_objects: JSONColumnType<unknown[]>;
  /** Storage key prefix of the template's layer images. */
  assets_prefix: string;
  thumbnail_key: string | null;
  /** Bumped whenever the template's pixels change, so cached decoded layers are never stale. */
  version: Generated<number>;
  /** A failed import's message and public code (contracts' MOCKUP_IMPORT_ERROR_CODES). */
  error: string | null;
  error_code: string | null;
  /** What an import could not reproduce exactly: [{layer, code, message}]. */
  warnings: JSONColumnType<unknown[]> | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  deleted_at: Timestamp | null;
}

export type RenderRowStatus = 'queued' | 'processing' | 'succeeded' | 'failed';
export type WebhookRowStatus = 'pending' | 'delivered' | 'failed';

export interface RendersTable {
  id: string;
  account_id: string;
  key_id: string | null;
  mockup_id: string;
  status: RenderRowStatus;
  /** Validated smart-object inputs; base64 artwork is moved to storage and referenced by key. */
  inputs: JSONColumnType<unknown[]>;
  export_options: JSONColumnType<Record<string, unknown>>;
  webhook_url: string | null;
  metadata: JSONColumnType<Record<string, unknown>> | null;
  credits_charged: number;
  /** What the key-service confirmed it gave back for a failed render: 0 or credits_charged. */
  credits_refunded: Generated<number>;
  attempts: Generated<number>;
  result_key: string | null;
  result_width: number | null;
  result_height: number | null;
  result_format: string | null;
  result_bytes: number | null;
  /** A succeeded render's warnings, `[{code, message, smart_object_uuid?}]`; null before they existed. */
  result_warnings: JSONColumnType<unknown[]> | null;
  error_code: string | null;
  error_message: string | null;
  webhook_status: WebhookRowStatus | null;
  webhook_attempts: Generated<number>;
  created_at: CreatedAt;
  started_at: Timestamp | null;
  completed_at: Timestamp | null;
  /** The batch this render belongs to (null: a single render). */
  batch_id: ColumnType<string | null, string | null | undefined, never>;
  /** The batch item's or request's label, copied into the result and the archive's file names. */
  export_label: ColumnType<string | null, string | null | undefined, never>;
  /** Print files asked for: `[{smart_object_uuid, dpi}]`; null: none. */
  print_files: JSONColumnType<unknown[]> | null;
  /** A succeeded render's print files: `[{smart_object_uuid, key, width, height, dpi}]`; null: none. */
  result_print_files: JSONColumnType<unknown[]> | null;
}

export type BatchRowStatus = 'processing' | 'finished';

/** A batch of renders; its counts are read from its renders (batch_id), never kept twice. */
export interface BatchesTable {
  id: string;
  account_id: string;
  key_id: string | null;
  status: ColumnType<BatchRowStatus, BatchRowStatus | undefined, BatchRowStatus>;
  render_count: number;
  credits_charged: number;
  /** Where `batch.finished` (and, unless render_webhooks is false, each render's events) go. */
  webhook_url: string | null;
  /** False: the batch's renders send no events of their own; only `batch.finished`. */
  render_webhooks: ColumnType<boolean, boolean | undefined, never>;
  metadata: JSONColumnType<Record<string, unknown>> | null;
  /** Ids of the batch's inline artworks, parked under batchArtworkKey(batch, id) until it finishes. */
  artwork_ids: ColumnType<string[], string[] | undefined, never>;
  created_at: CreatedAt;
  completed_at: Timestamp | null;
  /** When its `batch-event` job was queued (null while processing, or finished with the job not queued yet). */
  finished_event_queued_at: ColumnType<Date | null, never, Date>;
}

export interface BatchIdempotencyKeysTable {
  account_id: string;
  key: string;
  /** SHA-256 of the canonical request: same key + other body → 409. */
  request_hash: string;
  batch_id: string;
  created_at: CreatedAt;
}

export interface IdempotencyKeysTable {
  account_id: string;
  key: string;
  /** SHA-256 of the canonical request (method, path, body): same key + other body → 409. */
  request_hash: string;
  render_id: string;
  created_at: CreatedAt;
}

/** The account's signing secret for deliveries to a render's own `webhook_url`; created on first need. */
export interface WebhookSecretsTable {
  account_id: string;
  /** `whsec_<base64>`, stored as it is: it is shown again on request. */
  secret: string;
  /** Still signed with (as a second signature) until 24 h after `rotated_at`. */
  previous_secret: string | null;
  rotated_at: Timestamp | null;
  created_at: CreatedAt;
}

/** An endpoint registered with `POST /api/v1/webhooks`, with a secret of its own. */
export interface WebhookEndpointsTable {
  id: Generated<string>;
  account_id: string;
  url: string;
  /** Event types it is subscribed to, e.g. `{render.succeeded,render.failed}`. */
  events: string[];
  description: string | null;
  secret: string;
  created_at: CreatedAt;
  /** Set on 410 Gone or after 3 days of continuous failure; `disabled_reason` says which. */
  disabled_at: Timestamp | null;
  disabled_reason: string | null;
  /** The first failed attempt since the last success (null while healthy). */
  failing_since: Timestamp | null;
  deleted_at: Timestamp | null;
}

export type WebhookDeliveryStatus = WebhookRowStatus;

/** One event to one target: a registered endpoint, or (endpoint_id null) the render's webhook_url. */
export interface WebhookDeliveriesTable {
  id: Generated<string>;
  /** The `webhook-id` header: one per event, the same on every retry and redelivery. */
  event_id: string;
  account_id: string;
  render_id: string | null;
  /** Set instead of render_id for `mockup.*` events. */
  mockup_id: string | null;
  /** Set instead of render_id for `batch.*` events. */
  batch_id: ColumnType<string | null, string | null | undefined, never>;
  endpoint_id: string | null;
  url: string;
  event_type: string;
  /** The event's `data` (the render object as it was when the event happened). */
  payload: JSONColumnType<Record<string, unknown>>;
  status: ColumnType<WebhookDeliveryStatus, WebhookDeliveryStatus | undefined, WebhookDeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp | null;
  last_status_code: number | null;
  created_at: CreatedAt;
  delivered_at: Timestamp | null;
}

/** Every POST made for a delivery: when, the answer's status (null: none), how long, what went wrong. */
export interface WebhookAttemptsTable {
  id: Generated<string>;
  delivery_id: string;
  attempted_at: Timestamp;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

export interface RendersDatabase {
  'renders.mockups': MockupsTable;
  'renders.renders': RendersTable;
  'renders.idempotency_keys': IdempotencyKeysTable;
  'renders.batches': BatchesTable;
  'renders.batch_idempotency_keys': BatchIdempotencyKeysTable;
  'renders.webhook_secrets': WebhookSecretsTable;
  'renders.webhook_endpoints': WebhookEndpointsTable;
  'renders.webhook_deliveries': WebhookDeliveriesTable;
  'renders.webhook_attempts': WebhookAttemptsTable;
}
