// What an uploaded mockup waits with in `renders.mockups.manifest` while its status is `processing`:
// where the gateway put the upload, for the import job to read. The import replaces it with the
// template manifest (or leaves it, with status `failed`).
import { z } from 'zod';

const sourceSchema = z.union([
  /** A layer image to fetch (SSRF-safe) when the import runs. */
  z.object({ url: z.string() }).strict(),
  /** A layer image sent inline, parked in storage by the gateway. */
  z.object({ key: z.string() }).strict(),
]);
export type PendingAssetSource = z.infer<typeof sourceSchema>;

export const pendingImportSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('psd'), source_key: z.string() }),
  z.object({
    kind: z.literal('manifest'),
    /** The manifest as uploaded (smart-object uuids filled in), validated again by the import. */
    manifest: z.record(z.string(), z.unknown()),
    assets: z.record(z.string(), sourceSchema),
  }),
]);
export type PendingImport = z.infer<typeof pendingImportSchema>;

const PENDING_FIELD = 'pending_import';

export function toStoredPendingImport(pending: PendingImport): Record<string, unknown> {
  return { [PENDING_FIELD]: pending };
}

/** The pending import of a `processing` row, or undefined when the column holds something else. */
export function fromStoredPendingImport(stored: Record<string, unknown>): PendingImport | undefined {
  const parsed = pendingImportSchema.safeParse(stored[PENDING_FIELD]);
  return parsed.success ? parsed.data : undefined;
}

/** Storage keys the pending import owns (deleted once the import ends, whatever the outcome). */
export function pendingImportKeys(pending: PendingImport): string[] {
  if (pending.kind === 'psd') return [pending.source_key];
  return Object.values(pending.assets).flatMap((source) => ('key' in source ? [source.key] : []));
}
