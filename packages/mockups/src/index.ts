// The mockup catalogue shared by gateway and worker: built-in install, template loading for the
// compositor, the public mockup shape, and how a render row stores its inputs.
export { seedBuiltInMockups, builtInMockupsInstalled, assetsPrefix } from './builtin-seeder.js';
export type { SeedBuiltInMockupsDeps, SeedReport } from './builtin-seeder.js';
export { loadTemplate, TemplateAssetMissingError } from './template-loader.js';
export type { LoadedTemplate, TemplateLoaderDeps } from './template-loader.js';
export { toPublicMockup, hasOutlinePreview } from './public-mockup.js';
export type { MockupRow } from './public-mockup.js';
export { storedRenderInputSchema, storedRenderInputsSchema, toStoredRenderInput } from './render-inputs.js';
export type { StoredRenderInput } from './render-inputs.js';
export { templateFingerprint } from './template-fingerprint.js';
export { toPublicRender } from './public-render.js';
export {
  batchArchivePath,
  batchRenderColor,
  toBatchSummary,
  toPublicBatch,
  toPublicBatchRender,
} from './public-batch.js';
export type { RenderRow } from './public-render.js';
export {
  createCatalogueVersions,
  catalogueVersionKey,
  newCatalogueVersion,
  CATALOGUE_VERSION_TTL_SECONDS,
} from './catalogue-version.js';
export type { CatalogueVersions, CatalogueVersionRedis } from './catalogue-version.js';
export {
  pendingImportSchema,
  toStoredPendingImport,
  fromStoredPendingImport,
  pendingImportKeys,
} from './pending-import.js';
export type { PendingImport, PendingAssetSource } from './pending-import.js';
export { toStoredManifest, fromStoredManifest } from './stored-manifest.js';
export {
  createMockupRecords,
  canStep,
  MockupTransitionError,
  MOCKUP_TRANSITIONS,
  MOCKUP_RECORD_COLUMNS,
} from './mockup-records.js';
export type {
  ImportStepOutcome,
  MockupRecords,
  MockupRecord,
  MockupState,
  MockupStep,
  NewUpload,
  StoredTemplate,
  BuiltInTemplate,
  ImportFailureRecord,
} from './mockup-records.js';
