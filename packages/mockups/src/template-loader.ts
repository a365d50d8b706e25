// A mockup row as the compositor wants it: the template source (id, version, manifest) now, and its
// layer images only when asked, so a warm cache (same id + version) never touches storage.
import type { TemplateAssets, TemplateSource } from '@platen/compositor';
import { assetNamesOf, templateManifestSchema } from '@platen/compositor';
import type { Database } from '@platen/db';
import type { ObjectStorage } from '@platen/storage';
import { templateAssetKey } from '@platen/storage';
import type { Kysely } from 'kysely';
import { fromStoredManifest } from './stored-manifest.js';

export interface LoadedTemplate {
  source: TemplateSource;
  /** Account that owns the mockup; null for built-ins. */
  accountId: string | null;
  slug: string;
  loadAssets: () => Promise<TemplateAssets>;
}

export interface TemplateLoaderDeps {
  db: Kysely<Database>;
  storage: ObjectStorage;
}

/** An asset the manifest names is not in storage: the install is broken, retrying will not help. */
export class TemplateAssetMissingError extends Error {
  constructor(readonly key: string) {
    super(`template asset ${key} is missing from storage`);
    this.name = 'TemplateAssetMissingError';
  }
}

/** The ready, not deleted mockup with this id, or undefined. */
export async function loadTemplate(
  { db, storage }: TemplateLoaderDeps,
  mockupId: string,
): Promise<LoadedTemplate | undefined> {
  const row = await db
    .selectFrom('renders.mockups')
    .select(['id', 'account_id', 'slug', 'version', 'manifest'])
    .where('id', '=', mockupId)
    .where('status', '=', 'ready')
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const { manifest } = fromStoredManifest(row.manifest);
  const { id, version } = row;
  return {
    source: { id, version, manifest },
    accountId: row.account_id,
    slug: row.slug,
    async loadAssets() {
      const names = [...assetNamesOf(templateManifestSchema.parse(manifest))];
      const loaded = await Promise.all(
        names.map(async (name) => {
          const key = templateAssetKey(id, version, name);
          const object = await storage.get(key);
          if (!object) throw new TemplateAssetMissingError(key);
          return [name, object.body] as const;
        }),
      );
      return new Map(loaded);
    },
  };
}
