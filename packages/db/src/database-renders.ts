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
  /** The public smart-object list of API.md, kept beside the manifest so reads need no translation. */
  smart_objects: JSONColumnType<unknown[]>;
  /** Storage key prefix of the template's layer images. */
  assets_prefix: string;
  thumbnail_key: string | null;
  /** Bumped whenever the template's pixels change, so cached decoded layers are never stale. */
  version: Generated<number>;
  error: string | null;
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
  attempts: Generated<number>;
  result_key: string | null;
  result_width: number | null;
  result_height: number | null;
  result_format: string | null;
  result_bytes: number | null;
  error_code: string | null;
  error_message: string | null;
  webhook_status: WebhookRowStatus | null;
  webhook_attempts: Generated<number>;
  created_at: CreatedAt;
  started_at: Timestamp | null;
  completed_at: Timestamp | null;
}

export interface IdempotencyKeysTable {
  account_id: string;
  key: string;
  /** SHA-256 of the canonical request (method, path, body): same key + other body → 409. */
  request_hash: string;
  render_id: string;
  created_at: CreatedAt;
}

export interface RendersDatabase {
  'renders.mockups': MockupsTable;
  'renders.renders': RendersTable;
  'renders.idempotency_keys': IdempotencyKeysTable;
}
