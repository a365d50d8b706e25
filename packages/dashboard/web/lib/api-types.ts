// The dashboard JSON API's shapes (/dashboard/api/*), as the page reads them: the server's own types
// from @platen/contracts, imported as types only, so the browser bundle carries no zod and no server
// code (test/bundle-contents.test.ts checks the build). Values the page needs at run time (the choices
// its forms offer) are written here, checked against those types.
import type {
  ApiKeySummary,
  Batch,
  BatchRender,
  BatchStatus,
  BatchSummary,
  CreatedApiKey,
  CreatedWebhookEndpoint,
  CreditEntry,
  CreditLedger,
  DashboardMe,
  ExportFormat,
  KeyStatus,
  Mockup,
  Render,
  RenderDetail,
  RenderStatus,
  RenderWarning,
  SmartObject,
  UsageReport,
  UsageRow,
  WebhookAttempt,
  WebhookDeliveryView,
  WebhookEndpointView,
  WebhookEventType,
  WebhookSecret,
} from '@platen/contracts';

export type {
  Batch,
  BatchRender,
  BatchStatus,
  BatchSummary,
  CreatedApiKey,
  CreatedWebhookEndpoint,
  CreditEntry,
  ExportFormat,
  KeyStatus,
  Mockup,
  Render,
  RenderDetail,
  RenderStatus,
  RenderWarning,
  SmartObject,
  UsageReport,
  UsageRow,
  WebhookAttempt,
  WebhookSecret,
};

export type Me = DashboardMe;
export type ApiKey = ApiKeySummary;
export type WebhookEndpoint = WebhookEndpointView;
export type WebhookDelivery = WebhookDeliveryView;
export type DeliveryStatus = WebhookDelivery['status'];

export const KEY_STATUSES = ['active', 'revoked', 'expired'] as const satisfies readonly KeyStatus[];

export interface CreditsPage extends CreditLedger {
  next_cursor: string | null;
}

export const RENDER_STATUSES = [
  'queued',
  'processing',
  'succeeded',
  'failed',
] as const satisfies readonly RenderStatus[];

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export type Point = [number, number];

export const FIT_MODES = ['cover', 'contain', 'fill'] as const;
export type FitMode = (typeof FIT_MODES)[number];
export const EXPORT_FORMATS = ['png', 'jpeg', 'webp', 'avif'] as const satisfies readonly ExportFormat[];

/** The public create-render body, as the "try it" form sends it. */
export interface CreateRenderBody {
  mockup_uuid: string;
  smart_objects: { uuid: string; asset: { data: string; fit?: FitMode }; color?: string }[];
  export_options?: { format?: ExportFormat; size?: number };
}

/** The events the page offers to subscribe to. */
export const WEBHOOK_EVENTS = [
  'render.succeeded',
  'render.failed',
] as const satisfies readonly WebhookEventType[];
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
