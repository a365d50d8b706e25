// The `import-mockup` job: turns an uploaded PSD (psd-parser.ts) or JSON manifest into a ready
// template, or a failed mockup with its reason. Steps: read the upload, make the manifest and layer
// images, prove the template renders (its thumbnail, made with the demo artwork, and the outline
// preview), store the images under version 1, then flip the row to `ready` in one guarded update,
// bump the account's catalogue version, erase the upload and announce `mockup.ready`.
// Safe to run again after a crash at any step: images are overwritten in place, the row only moves
// from `processing`, and a finished mockup is only announced again (deliveries are idempotent).
import {
  describeSmartObjects,
  renderOutlinePreview,
  smartObjectsOf,
  templateManifestSchema,
  type Compositor,
  type TemplateAssets,
  type TemplateManifest,
} from '@platen/compositor';
import type { MockupImportWarning } from '@platen/contracts';
import type { Database } from '@platen/db';
import {
  assetsPrefix,
  createMockupRecords,
  fromStoredPendingImport,
  type ImportStepOutcome,
  pendingImportKeys,
  templateFingerprint,
  toStoredManifest,
  type CatalogueVersions,
  type MockupState,
  type PendingImport,
} from '@platen/mockups';
import {
  templateAssetKey,
  templateOutlineKey,
  templateThumbnailKey,
  type ObjectStorage,
} from '@platen/storage';
import type { Kysely } from 'kysely';
import sharp from 'sharp';
import type { Logger } from 'pino';
import { classifyImportFailure, ImportRefusedError, type ImportFailure } from './import-failure.js';
import type { MockupWebhookEvents } from './mockup-events.js';
import type { PsdParser } from './psd-parser.js';

/** Imported templates start at version 1 (their images never change afterwards). */
const VERSION = 1;
const THUMBNAIL_SIZE = 480;

export type ImportOutcome = 'ready' | 'failed' | 'announced-again' | 'gone';

export interface MockupImporter {
  run(mockupId: string, options?: { finalAttempt?: boolean }): Promise<ImportOutcome>;
  /** Records a failure the job could not recover from (its last attempt threw). */
  fail(mockupId: string, failure: ImportFailure): Promise<void>;
}

export interface MockupImporterDeps {
  db: Kysely<Database>;
  storage: ObjectStorage;
  parser: PsdParser;
  /** SSRF-safe fetch of a manifest's layer image. */
  fetchAsset: (url: string) => Promise<Buffer>;
  compositor: Compositor;
  demoArtwork: () => Promise<Buffer>;
  versions: CatalogueVersions;
  events: MockupWebhookEvents;
  logger: Logger;
  /** Pixel cap of one layer image of a manifest upload (MOCKUP_MAX_PIXELS). */
  maxPixels: number;
}

interface Imported {
  manifest: TemplateManifest;
  assets: TemplateAssets;
  warnings: MockupImportWarning[];
}

export function createMockupImporter(deps: MockupImporterDeps): MockupImporter {
  const { db, storage, logger } = deps;
  const records = createMockupRecords(db);

  async function fromPsd(mockupId: string, sourceKey: string): Promise<Imported> {
    const source = await storage.get(sourceKey);
    if (!source) throw new ImportRefusedError('IMPORT_FAILED', 'The uploaded file is gone; upload it again.');
    const imported = await deps.parser.parse(source.body, mockupId);
    return { ...imported, manifest: parseManifest(imported.manifest) };
  }

  async function fromManifest(pending: Extract<PendingImport, { kind: 'manifest' }>): Promise<Imported> {
    const manifest = parseManifest(pending.manifest);
    const assets: TemplateAssets = new Map();
    for (const [name, source] of Object.entries(pending.assets)) {
      if ('url' in source) {
        assets.set(name, await deps.fetchAsset(source.url));
        continue;
      }
      const parked = await storage.get(source.key);
      if (!parked)
        throw new ImportRefusedError('IMPORT_FAILED', `Layer image "${name}" is gone; upload again.`);
      assets.set(name, parked.body);
    }
    for (const [name, bytes] of assets) await checkLayerImage(name, bytes, deps.maxPixels);
    return { manifest, assets, warnings: [] };
  }

  /** The thumbnail (demo artwork in every smart object) and the outline preview over it. */
  async function previews(
    mockupId: string,
    imported: Imported,
  ): Promise<{ thumbnail: Buffer; outline: Buffer }> {
    const prepared = await deps.compositor.prepare(
      { id: mockupId, version: VERSION, manifest: imported.manifest },
      imported.assets,
    );
    const artwork = await deps.demoArtwork();
    const inputs = smartObjectsOf(imported.manifest).map((so) => ({
      uuid: so.uuid,
      asset: artwork,
      fit: 'cover' as const,
      rotate: 0,
    }));
    const { data: thumbnail } = await deps.compositor.render(prepared, inputs, {
      format: 'jpeg',
      size: THUMBNAIL_SIZE,
      quality: 82,
    });
    return { thumbnail, outline: await renderOutlinePreview(thumbnail, imported.manifest) };
  }

  async function finish(mockupId: string, accountId: string, pending: PendingImport): Promise<void> {
    await deps.versions.bump(accountId).catch((error: unknown) => {
      logger.warn({ err: error, mockup_id: mockupId }, 'catalogue version not bumped');
    });
    await eraseUpload(pending);
    await deps.events.announce(mockupId);
  }

  async function eraseUpload(pending: PendingImport): Promise<void> {
    await Promise.all(pendingImportKeys(pending).map((key) => storage.delete(key)));
  }

  async function markFailed(
    mockupId: string,
    failure: ImportFailure,
    warnings: MockupImportWarning[] = [],
  ): Promise<MockupState | null> {
    return refusalOf(
      await records.failImport(mockupId, { code: failure.code, message: failure.message, warnings }),
    );
  }

  async function load(mockupId: string) {
    return db
      .selectFrom('renders.mockups')
      .select(['id', 'account_id', 'name', 'slug', 'status', 'manifest', 'deleted_at'])
      .where('id', '=', mockupId)
      .executeTakeFirst();
  }

  return {
    async run(mockupId) {
      const row = await load(mockupId);
      if (!row || row.account_id === null) return 'gone';
      const accountId = row.account_id;
      const pending = row.status === 'processing' ? fromStoredPendingImport(row.manifest) : undefined;
      if (row.deleted_at !== null) {
        // Deleted while it waited: nothing to import, only the upload to erase.
        if (pending) await eraseUpload(pending);
        return 'gone';
      }
      if (row.status !== 'processing') {
        // A previous run finished the row and crashed before announcing it.
        await deps.events.announce(mockupId);
        return 'announced-again';
      }
      if (!pending) {
        await markFailed(mockupId, {
          code: 'IMPORT_FAILED',
          message: 'The upload is incomplete',
          transient: false,
        });
        await deps.events.announce(mockupId);
        return 'failed';
      }

      let imported: Imported;
      let images: { thumbnail: Buffer; outline: Buffer };
      try {
        imported =
          pending.kind === 'psd' ? await fromPsd(mockupId, pending.source_key) : await fromManifest(pending);
        images = await previews(mockupId, imported);
      } catch (error) {
        const failure = classifyImportFailure(error);
        if (failure.transient) throw error;
        logger.info(
          { mockup_id: mockupId, code: failure.code, reason: failure.message },
          'mockup import refused',
        );
        await markFailed(mockupId, failure);
        await finish(mockupId, accountId, pending);
        return 'failed';
      }

      const { manifest, assets, warnings } = imported;
      for (const [name, bytes] of assets) {
        await storage.put(templateAssetKey(mockupId, VERSION, name), bytes, 'image/png');
      }
      const thumbnailKey = templateThumbnailKey(mockupId, VERSION);
      await storage.put(thumbnailKey, images.thumbnail, 'image/jpeg');
      await storage.put(templateOutlineKey(mockupId, VERSION), images.outline, 'image/png');
      const contentHash = templateFingerprint({
        slug: row.slug,
        name: row.name,
        manifest,
        assets,
        thumbnail: images.thumbnail,
      });
      const refused = refusalOf(
        await records.finishImport(mockupId, {
          width: manifest.width,
          height: manifest.height,
          manifest: toStoredManifest(manifest, contentHash),
          smartObjects: describeSmartObjects(manifest),
          assetsPrefix: assetsPrefix(mockupId, VERSION),
          thumbnailKey,
          version: VERSION,
          warnings,
        }),
      );
      if (refused) return 'gone';
      logger.info(
        { mockup_id: mockupId, smart_objects: smartObjectsOf(manifest).length, warnings: warnings.length },
        'mockup imported',
      );
      await finish(mockupId, accountId, pending);
      return 'ready';
    },

    async fail(mockupId, failure) {
      const row = await load(mockupId);
      if (!row || row.account_id === null) return;
      const pending = fromStoredPendingImport(row.manifest);
      const refused = await markFailed(mockupId, failure);
      // Deleted while its last attempt ran: only the upload is left to erase, as run() does.
      if (refused === 'deleted' && pending) await eraseUpload(pending);
      if (refused) return;
      if (pending) await finish(mockupId, row.account_id, pending);
      else await deps.events.announce(mockupId);
    },
  };
}

/** null when an import step applied, else the state that refused it (another run finished the row, or it was deleted meanwhile). */
function refusalOf(outcome: ImportStepOutcome): MockupState | null {
  return outcome.applied ? null : outcome.from;
}

/** A manifest's layer image must be one (a decodable header) and within the pixel cap. */
async function checkLayerImage(name: string, bytes: Buffer, maxPixels: number): Promise<void> {
  let width = 0;
  let height = 0;
  try {
    ({ width = 0, height = 0 } = await sharp(bytes, { limitInputPixels: false }).metadata());
  } catch {
    throw new ImportRefusedError(
      'ASSET_NOT_AN_IMAGE',
      `Layer image "${name}" is not a PNG, JPEG, WebP, GIF, AVIF or TIFF image.`,
    );
  }
  if (width * height > maxPixels) {
    throw new ImportRefusedError(
      'ASSET_TOO_LARGE',
      `Layer image "${name}" is ${width}×${height} pixels; the limit is ${maxPixels}.`,
    );
  }
}

/** The importer's or the uploader's manifest, held to the compositor's schema once more. */
function parseManifest(manifest: unknown): TemplateManifest {
  const parsed = templateManifestSchema.safeParse(manifest);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  throw new ImportRefusedError(
    'MANIFEST_INVALID',
    `The template manifest is invalid${first ? ` at ${first.path.join('.') || 'its root'}: ${first.message}` : ''}.`,
  );
}
