// The dashboard JSON API's shapes (/dashboard/api/*), as the page reads them. Kept here rather than
// imported from @platen/contracts so the browser bundle carries no zod and no server code.

export interface Me {
  user: { id: string; email: string };
  account: { id: string; email: string; credits: number };
  rate_limits: { per_minute: number; per_day: number };
  csrf_token: string;
}

export const KEY_STATUSES = ['active', 'revoked', 'expired'] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];

export interface ApiKey {
  id: string;
  name: string;
  key_hint: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  status: KeyStatus;
  requests_total: number;
  credits_used: number;
}

/** A key as answered by create and rotate: the full secret, this one time only. */
export interface CreatedApiKey extends ApiKey {
  key: string;
}

export interface UsageRow {
  date: string;
  key_id: string;
  key_name: string;
  requests: number;
  renders: number;
}

export interface UsageReport {
  from: string;
  to: string;
  rows: UsageRow[];
}

export interface CreditEntry {
  id: string;
  kind: 'grant' | 'charge' | 'refund';
  amount: number;
  render_id: string | null;
  /** Why, for grants and manual changes (e.g. "credits add" from the CLI). */
  note?: string | null;
  created_at: string;
}

export interface CreditsPage {
  balance: number;
  entries: CreditEntry[];
  next_cursor: string | null;
}

export const RENDER_STATUSES = ['queued', 'processing', 'succeeded', 'failed'] as const;
export type RenderStatus = (typeof RENDER_STATUSES)[number];
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface Render {
  uuid: string;
  status: RenderStatus;
  mockup_uuid: string;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  result: {
    url: string;
    width: number;
    height: number;
    format: string;
    bytes: number;
    /** What the render could not do well (cropped or enlarged artwork, an enlarged output). */
    warnings: RenderWarning[];
  } | null;
  error: { code: string; message: string } | null;
  /** Net of any refund: 0 for a refunded failed render. */
  credits_charged: number;
  credits_refunded: number;
  attempts: number;
  metadata: Record<string, unknown> | null;
  webhook: { url: string; status: DeliveryStatus; attempts: number } | null;
}

export interface RenderWarning {
  code: string;
  message: string;
  smart_object_uuid?: string;
}

export interface RenderDetail extends Render {
  webhook_deliveries: WebhookDelivery[];
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export type Point = [number, number];

export interface SmartObject {
  uuid: string;
  name: string;
  layer_name: string;
  size: { width: number; height: number };
  position: { x: number; y: number; width: number; height: number };
  quad: [Point, Point, Point, Point] | null;
  blend_mode: string;
  required: boolean;
  /** The product colour a render may set (its default, and the choices if limited); null: none. */
  color: { default: string; allowed: string[] | null } | null;
}

export interface Mockup {
  uuid: string;
  slug: string;
  name: string;
  width: number;
  height: number;
  thumbnail: string | null;
  smart_objects: SmartObject[];
  status: 'processing' | 'ready' | 'failed';
  built_in: boolean;
  created_at: string;
}

export const FIT_MODES = ['cover', 'contain', 'fill'] as const;
export type FitMode = (typeof FIT_MODES)[number];
export const EXPORT_FORMATS = ['png', 'jpeg', 'webp', 'avif'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The public create-render body, as the "try it" form sends it. */
export interface CreateRenderBody {
  mockup_uuid: string;
  smart_objects: { uuid: string; asset: { data: string; fit?: FitMode }; color?: string }[];
  export_options?: { format?: ExportFormat; size?: number };
}

export const WEBHOOK_EVENTS = ['render.succeeded', 'render.failed'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookEndpoint {
  id: string;
  url: string;
  events: WebhookEvent[];
  description: string | null;
  created_at: string;
  disabled_at: string | null;
  disabled_reason: string | null;
  failing_since: string | null;
}

export interface CreatedWebhookEndpoint extends WebhookEndpoint {
  secret: string;
}

export interface WebhookSecret {
  secret: string;
  rotated_at: string | null;
  previous_secret_expires_at: string | null;
}

export interface WebhookAttempt {
  attempted_at: string;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

export interface WebhookDelivery {
  id: string;
  webhook_id: string;
  type: string;
  render_uuid: string | null;
  url: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  created_at: string;
  delivered_at: string | null;
  attempt_log: WebhookAttempt[];
}
