// How the batches page words a batch's progress and its archive link: a batch still processing can
// only be downloaded as a partial archive (the API answers 409 otherwise).
import type { BatchSummary } from './api-types.js';

/** `{total 5, succeeded 2, failed 1, queued 1, processing 1}` → `2 of 5 succeeded, 1 failed, 2 to go`. */
export function formatBatchCounts(counts: BatchSummary['counts']): string {
  const parts = [`${counts.succeeded} of ${counts.total} succeeded`];
  if (counts.failed > 0) parts.push(`${counts.failed} failed`);
  const pending = counts.queued + counts.processing;
  if (pending > 0) parts.push(`${pending} to go`);
  return parts.join(', ');
}

export interface ArchiveLink {
  partial: boolean;
  label: string;
}

export function archiveLink(batch: Pick<BatchSummary, 'status' | 'counts'>): ArchiveLink {
  if (batch.status === 'finished') return { partial: false, label: 'Download ZIP' };
  return {
    partial: true,
    label: `Download the ${batch.counts.succeeded} done so far (ZIP)`,
  };
}
