// What one batch's archive holds, read from Postgres (reads only: this module never writes a batch or
// a render): the files to stream, in the batch's render order, and the manifest row of every render.
import type { BatchArchiveManifestRender } from '@platen/contracts';
import type { Database } from '@platen/db';
import type { Kysely } from 'kysely';
import { createArchiveNamer } from './archive-names.js';

export interface ArchiveFile {
  /** Index of the render's row in `manifest`, whose `file` this entry fills. */
  index: number;
  storageKey: string;
  name: string;
  mtime: Date;
}

export interface ArchivePlan {
  batchId: string;
  status: 'processing' | 'finished';
  /** Every render of the batch (created_at, id order); `file` set for each one in `files`. */
  manifest: BatchArchiveManifestRender[];
  files: ArchiveFile[];
}

export interface ArchivePlans {
  /** The batch's plan, or undefined when the account has no such batch. */
  find(accountId: string, batchId: string): Promise<ArchivePlan | undefined>;
}

/** A render's colour: the first smart object input that names one. */
export function colorOfInputs(inputs: unknown): string | null {
  if (!Array.isArray(inputs)) return null;
  for (const input of inputs as unknown[]) {
    const color = (input as { color?: unknown } | null)?.color;
    if (typeof color === 'string') return color;
  }
  return null;
}

/** The stored result's extension (what the worker wrote), else its format. */
function extensionOf(resultKey: string, format: string | null): string {
  const match = /\.([A-Za-z0-9]+)$/.exec(resultKey);
  return match?.[1] ?? format ?? 'bin';
}

export function createArchivePlans({ db }: { db: Kysely<Database> }): ArchivePlans {
  return {
    async find(accountId, batchId) {
      const batch = await db
        .selectFrom('renders.batches')
        .select(['id', 'status'])
        .where('id', '=', batchId)
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      if (!batch) return undefined;
      const renders = await db
        .selectFrom('renders.renders')
        .select([
          'id',
          'mockup_id',
          'status',
          'inputs',
          'export_label',
          'result_key',
          'result_format',
          'error_code',
          'error_message',
          'completed_at',
          'created_at',
        ])
        .where('batch_id', '=', batch.id)
        .where('account_id', '=', accountId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      const mockupIds = [...new Set(renders.map((render) => render.mockup_id))];
      const mockups =
        mockupIds.length === 0
          ? []
          : await db
              .selectFrom('renders.mockups')
              .select(['id', 'slug'])
              .where('id', 'in', mockupIds)
              .execute();
      const slugs = new Map(mockups.map((mockup) => [mockup.id, mockup.slug]));

      const name = createArchiveNamer();
      const files: ArchiveFile[] = [];
      const manifest = renders.map((render, index): BatchArchiveManifestRender => {
        const color = colorOfInputs(render.inputs);
        let file: string | null = null;
        if (render.status === 'succeeded' && render.result_key) {
          file = name({
            slug: slugs.get(render.mockup_id) ?? 'render',
            color,
            exportLabel: render.export_label,
            extension: extensionOf(render.result_key, render.result_format),
          });
          files.push({
            index,
            storageKey: render.result_key,
            name: file,
            mtime: render.completed_at ?? render.created_at,
          });
        }
        return {
          uuid: render.id,
          mockup_uuid: render.mockup_id,
          color,
          export_label: render.export_label,
          status: render.status,
          file,
          error: render.error_code
            ? { code: render.error_code, message: render.error_message ?? render.error_code }
            : null,
        };
      });
      return { batchId: batch.id, status: batch.status, manifest, files };
    },
  };
}
