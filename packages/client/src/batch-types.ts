// Batch shapes, written by hand from the batch API design (issue #24) while the gateway's served
// OpenAPI document does not have them yet. When /openapi.json lists POST /api/v1/renders/batch,
// `npm run generate -w @platen/client` brings CreateBatchRequest, Batch and BatchSummary into
// generated/openapi.ts: replace these with aliases of those (as types.ts does for renders).
import type { Asset, ExportOptions, RenderStatus } from './types.js';
import type { components } from './generated/openapi.js';

type Placement = Omit<Asset, 'url' | 'data'>;

/** One artwork of a batch, referred to by `id` from items (or used for every cross-product render). */
export type BatchArtwork = Placement & {
  /** `[A-Za-z0-9_-]{1,64}`, unique in the batch. */
  id: string;
  pattern?: components['schemas']['Pattern'];
  adjustment_layers?: components['schemas']['AdjustmentLayers'];
} & ({ url: string; data?: never } | { data: string; url?: never });

export interface BatchItem {
  mockup_uuid: string;
  smart_objects: Array<{ uuid: string; artwork: string; color?: string }>;
  /** `#rrggbb`, for every colourable smart object not given its own. */
  color?: string;
  export_options?: ExportOptions;
  export_label?: string;
}

interface BatchCommon {
  artworks: BatchArtwork[];
  /** The default for every render; an item's own wins. */
  export_options?: ExportOptions;
  webhook_url?: string;
  /** Default true: each render's own events fire too; false: only batch.finished. */
  render_webhooks?: boolean;
  metadata?: Record<string, unknown>;
}

/** Either explicit `items`, or the cross product `mockups` × `colors` × every artwork. */
export type CreateBatchRequest =
  | (BatchCommon & { items: BatchItem[]; mockups?: never; colors?: never })
  | (BatchCommon & { mockups: string[]; colors?: string[]; items?: never });

export interface BatchCounts {
  total: number;
  queued: number;
  processing: number;
  succeeded: number;
  failed: number;
}

export interface BatchRender {
  uuid: string;
  mockup_uuid: string;
  color: string | null;
  export_label: string | null;
  status: RenderStatus;
}

export interface BatchSummary {
  uuid: string;
  status: 'processing' | 'finished';
  counts: BatchCounts;
  credits_charged: number;
  credits_refunded: number;
  webhook_url: string | null;
  render_webhooks: boolean;
  metadata: Record<string, unknown> | null;
  created_at: string;
  completed_at: string | null;
  /** `/api/v1/batches/{uuid}/archive` */
  archive_url: string;
}

export interface Batch extends BatchSummary {
  renders: BatchRender[];
}
