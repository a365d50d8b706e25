// Installs the compositor's sample templates as the built-in mockups (account_id null, fixed uuids).
// Idempotent and safe to run from every gateway and worker at once: one advisory lock serialises
// installers, and `version` moves only when the content hash changes. Assets are written under the
// new version before the row points at it, so a reader never sees a row without its images.
import { posix } from 'node:path';
import type { SampleTemplate } from '@platen/compositor';
import {
  describeSmartObjects,
  listSampleTemplates,
  SAMPLE_TEMPLATE_COUNT,
  SAMPLE_TEMPLATES_REVISION,
  templateManifestSchema,
} from '@platen/compositor';
import type { Database } from '@platen/db';
import type { ObjectStorage } from '@platen/storage';
import { templateAssetKey, templateThumbnailKey } from '@platen/storage';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import { assetContentType, sniffedContentType } from './asset-content-type.js';
import { createMockupRecords, type MockupRecords } from './mockup-records.js';
import { fromStoredManifest, SAMPLE_REVISION_FIELD, toStoredManifest } from './stored-manifest.js';
import { canonicalJson, templateFingerprint } from './template-fingerprint.js';

export interface SeedBuiltInMockupsDeps {
  db: Kysely<Database>;
  storage: ObjectStorage;
  logger: Pick<Logger, 'info'>;
  /** The templates to install; the compositor's samples unless a test hands in others. */
  samples?: () => Promise<SampleTemplate[]>;
}

export interface SeedReport {
  installed: string[];
  updated: string[];
  unchanged: string[];
}

/** Every installer takes this advisory lock (Postgres hashes the name into the lock key). */
const SEED_LOCK = 'platen.seed-built-in-mockups';

export function assetsPrefix(mockupId: string, version: number): string {
  return posix.dirname(templateAssetKey(mockupId, version, 'asset'));
}

/** True once any built-in mockup is installed: a cheap check for processes that should not generate samples. */
export async function builtInMockupsInstalled(db: Kysely<Database>): Promise<boolean> {
  const row = await db
    .selectFrom('renders.mockups')
    .select('id')
    .where('account_id', 'is', null)
    .where('deleted_at', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

async function builtInsAreCurrent(db: Kysely<Database>): Promise<boolean> {
  const { count } = await db
    .selectFrom('renders.mockups')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('account_id', 'is', null)
    .where('deleted_at', 'is', null)
    .where('status', '=', 'ready')
    .where(sql<string>`manifest->>${SAMPLE_REVISION_FIELD}`, '=', String(SAMPLE_TEMPLATES_REVISION))
    .executeTakeFirstOrThrow();
  return Number(count) >= SAMPLE_TEMPLATE_COUNT;
}

export async function seedBuiltInMockups({
  db,
  storage,
  logger,
  samples,
}: SeedBuiltInMockupsDeps): Promise<SeedReport> {
  // Generating the samples is seconds of pixel work: skip it when every built-in already stored
  // is of the current generator revision (the usual warm start).
  if (!samples && (await builtInsAreCurrent(db))) return { installed: [], updated: [], unchanged: [] };
  const templates = await (samples ?? listSampleTemplates)();
  const report: SeedReport = { installed: [], updated: [], unchanged: [] };
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${SEED_LOCK}))`.execute(trx);
    const records = createMockupRecords(trx);
    for (const sample of templates) {
      const outcome = await installSample(trx, records, storage, sample);
      report[outcome].push(sample.slug);
    }
  });
  if (report.installed.length + report.updated.length > 0) {
    logger.info({ installed: report.installed, updated: report.updated }, 'built-in mockups installed');
  }
  return report;
}

async function installSample(
  trx: Transaction<Database>,
  records: MockupRecords,
  storage: ObjectStorage,
  sample: SampleTemplate,
): Promise<keyof SeedReport> {
  const manifest = templateManifestSchema.parse(sample.manifest);
  const contentHash = templateFingerprint({ ...sample, manifest });
  const smartObjects = describeSmartObjects(manifest);
  const existing = await trx
    .selectFrom('renders.mockups')
    .select(['version', 'manifest', 'smart_objects', 'status', 'account_id', 'deleted_at'])
    .where('id', '=', sample.uuid)
    .forUpdate()
    .executeTakeFirst();
  if (
    existing &&
    existing.account_id === null &&
    existing.status === 'ready' &&
    existing.deleted_at === null &&
    fromStoredManifest(existing.manifest).contentHash === contentHash
  ) {
    if (
      canonicalJson(existing.smart_objects) === canonicalJson(smartObjects) &&
      existing.manifest[SAMPLE_REVISION_FIELD] === SAMPLE_TEMPLATES_REVISION
    ) {
      return 'unchanged';
    }
    // Same pixels, but the public description (or the generator revision) moved on, e.g. smart
    // objects now list their product colour: rewrite the row in place, no new version or images.
    await records.refreshBuiltIn(sample.uuid, {
      manifest: toStoredManifest(manifest, contentHash, SAMPLE_TEMPLATES_REVISION),
      smartObjects,
    });
    return 'updated';
  }

  const version = existing ? existing.version + 1 : 1;
  for (const [name, bytes] of sample.assets) {
    await storage.put(templateAssetKey(sample.uuid, version, name), bytes, assetContentType(name));
  }
  const thumbnailKey = templateThumbnailKey(sample.uuid, version);
  await storage.put(thumbnailKey, sample.thumbnail, sniffedContentType(sample.thumbnail));

  await records.installBuiltIn(sample.uuid, {
    slug: sample.slug,
    name: sample.name,
    width: manifest.width,
    height: manifest.height,
    manifest: toStoredManifest(manifest, contentHash, SAMPLE_TEMPLATES_REVISION),
    smartObjects,
    assetsPrefix: assetsPrefix(sample.uuid, version),
    thumbnailKey,
    version,
  });
  return existing ? 'updated' : 'installed';
}
