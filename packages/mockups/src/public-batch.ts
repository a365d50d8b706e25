// A batch in docs/api.md's public shape, for the gateway's answers and the worker's `batch.finished`
// payload alike. Its counts and credits are read from its renders, never stored twice.
import type { Batch, BatchRender, BatchSummary } from '@platen/contracts';
import { batchTotalsOf, type BatchRecordRow, type BatchTotals, type RenderRecordRow } from '@platen/db';

const iso = (value: Date | null) => (value ? value.toISOString() : null);

export function batchArchivePath(batchId: string): string {
  return `/api/v1/batches/${batchId}/archive`;
}

/** The product colour a batch render was made in: the first colour among its smart objects, if any. */
export function batchRenderColor(inputs: unknown): string | null {
  if (!Array.isArray(inputs)) return null;
  for (const input of inputs as unknown[]) {
    const color = (input as { color?: unknown } | null)?.color;
    if (typeof color === 'string') return color;
  }
  return null;
}

export function toBatchSummary(batch: BatchRecordRow, totals: BatchTotals): BatchSummary {
  return {
    uuid: batch.id,
    status: batch.status,
    counts: totals.counts,
    // Net of refunds, as on each render: the sum is what the batch cost the account.
    credits_charged: totals.credits_charged - totals.credits_refunded,
    credits_refunded: totals.credits_refunded,
    webhook_url: batch.webhook_url,
    render_webhooks: batch.render_webhooks,
    metadata: batch.metadata,
    created_at: batch.created_at.toISOString(),
    completed_at: iso(batch.completed_at),
    archive_url: batchArchivePath(batch.id),
  };
}

export function toPublicBatchRender(render: RenderRecordRow): BatchRender {
  return {
    uuid: render.id,
    mockup_uuid: render.mockup_id,
    color: batchRenderColor(render.inputs),
    export_label: render.export_label,
    status: render.status,
  };
}

/** `renders`: all of the batch's renders, in the order they were asked for. */
export function toPublicBatch(batch: BatchRecordRow, renders: RenderRecordRow[]): Batch {
  return { ...toBatchSummary(batch, batchTotalsOf(renders)), renders: renders.map(toPublicBatchRender) };
}
