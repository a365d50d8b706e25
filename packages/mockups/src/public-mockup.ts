// A mockup row in docs/api.md's public shape (contracts' `mockupSchema`). The thumbnail URL is signed by
// the caller (it knows the storage driver and the URL lifetime); the row only holds its key.
import type { Mockup, MockupImportErrorCode } from '@platen/contracts';
import { PRINT_AREA_FALLBACK_DPI, printAreaAt } from '@platen/contracts';
import type { MockupStatus } from '@platen/db';

/** The columns the public shape needs, as selected from `renders.mockups`. */
export interface MockupRow {
  id: string;
  account_id: string | null;
  slug: string;
  name: string;
  width: number;
  height: number;
  status: MockupStatus;
  smart_objects: unknown[];
  error: string | null;
  error_code: string | null;
  warnings: unknown[] | null;
  /** A Date from pg; a string is accepted too (the column's kysely type is not unwrapped to Date). */
  created_at: Date | string;
}

export function toPublicMockup(
  row: MockupRow,
  thumbnailUrl: string | null,
  outlineUrl: string | null = null,
): Mockup {
  return {
    uuid: row.id,
    slug: row.slug,
    name: row.name,
    width: row.width,
    height: row.height,
    thumbnail: thumbnailUrl,
    outline: outlineUrl,
    // Written by describeSmartObjects at install time: already the public shape, except that
    // mockups imported before product colours were listed have no `color` (they take none) and
    // those imported before instances were grouped have no `placements` (they have one each), and
    // those imported before print files have no `print_area` (their pixels at the fallback DPI, as
    // the compositor reads a manifest without `print_size`).
    smart_objects: (row.smart_objects as Mockup['smart_objects']).map((so) => ({
      ...so,
      placements: so.placements ?? [{ layer_name: so.layer_name, position: so.position, quad: so.quad }],
      color: so.color ?? null,
      print_area: so.print_area ?? printAreaAt(so.size, PRINT_AREA_FALLBACK_DPI),
    })),
    status: row.status,
    built_in: row.account_id === null,
    error:
      row.status === 'failed'
        ? {
            code: (row.error_code ?? 'IMPORT_FAILED') as MockupImportErrorCode,
            message: row.error ?? 'The import failed.',
          }
        : null,
    // Written by the importer in the public shape.
    warnings: (row.warnings ?? []) as Mockup['warnings'],
    created_at: new Date(row.created_at).toISOString(),
  };
}

/** True for mockups whose import stored an outline preview beside the thumbnail. */
export function hasOutlinePreview(row: Pick<MockupRow, 'account_id' | 'status'>): boolean {
  return row.account_id !== null && row.status === 'ready';
}
