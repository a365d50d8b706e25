// A render row in docs/api.md's public shape, for the gateway's answers and the worker's webhook payloads
// alike. result.url is signed by the caller's storage at the moment of use, so it always carries a
// fresh expiry.
import type { PrintFile, Render, RenderFailureCode } from '@platen/contracts';
import type { RendersTable } from '@platen/db';
import type { ObjectStorage } from '@platen/storage';
import type { Selectable } from 'kysely';
import { z } from 'zod';

export type RenderRow = Selectable<RendersTable>;

const iso = (value: Date | null) => (value ? value.toISOString() : null);

/** A succeeded render's print files as the worker recorded them (render-records' RenderOutput). */
const storedPrintFilesSchema = z.array(
  z.object({
    smart_object_uuid: z.string(),
    key: z.string(),
    width: z.number(),
    height: z.number(),
    dpi: z.number(),
  }),
);

async function signedPrintFiles(
  stored: unknown,
  storage: Pick<ObjectStorage, 'signedUrl'>,
  urlTtlSeconds: number,
): Promise<PrintFile[]> {
  // Renders from before print files (or that asked for none) have none.
  const parsed = storedPrintFilesSchema.safeParse(stored ?? []);
  if (!parsed.success) return [];
  return Promise.all(
    parsed.data.map(async ({ smart_object_uuid, key, width, height, dpi }) => ({
      smart_object_uuid,
      url: await storage.signedUrl(key, urlTtlSeconds),
      width,
      height,
      dpi,
    })),
  );
}

export async function toPublicRender(
  row: RenderRow,
  storage: Pick<ObjectStorage, 'signedUrl'>,
  urlTtlSeconds: number,
): Promise<Render> {
  return {
    uuid: row.id,
    status: row.status,
    mockup_uuid: row.mockup_id,
    created_at: row.created_at.toISOString(),
    started_at: iso(row.started_at),
    completed_at: iso(row.completed_at),
    result:
      row.status === 'succeeded' && row.result_key
        ? {
            url: await storage.signedUrl(row.result_key, urlTtlSeconds),
            width: row.result_width ?? 0,
            height: row.result_height ?? 0,
            format: (row.result_format ?? 'png') as NonNullable<Render['result']>['format'],
            bytes: row.result_bytes ?? 0,
            // Written by the worker in the public shape; renders from before warnings have none.
            warnings: (row.result_warnings ?? []) as NonNullable<Render['result']>['warnings'],
            print_files: await signedPrintFiles(row.result_print_files, storage, urlTtlSeconds),
          }
        : null,
    error: row.error_code
      ? { code: row.error_code as RenderFailureCode, message: row.error_message ?? row.error_code }
      : null,
    // Net of the refund, so summing credits_charged over renders gives what they cost the account.
    credits_charged: row.credits_charged - row.credits_refunded,
    credits_refunded: row.credits_refunded,
    attempts: row.attempts,
    metadata: row.metadata,
    batch_uuid: row.batch_id,
    export_label: row.export_label,
    webhook: row.webhook_url
      ? { url: row.webhook_url, status: row.webhook_status ?? 'pending', attempts: row.webhook_attempts }
      : null,
  };
}
