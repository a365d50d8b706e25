export type * from './database.js';
export type * from './database-renders.js';
export { createDb, type CreateDbOptions } from './create-db.js';
export { migrateSchema, MigrationError, MIGRATIONS, type SchemaName } from './migrate.js';
export {
  createRenderRecords,
  IllegalRenderChangeError,
  RENDER_CHANGES,
  type NewRenderRecord,
  type RenderChange,
  type RenderFailureRecord,
  type RenderOutput,
  type RenderRecordRow,
  type RenderRecords,
  type RenderRef,
} from './render-records.js';
export {
  BatchCursorError,
  batchTotalsOf,
  createBatchRecords,
  emptyBatchTotals,
  REFUND_GIVE_UP_MS,
  type BatchClaim,
  type BatchTotals,
  type BatchPage,
  type BatchRecordRow,
  type BatchRecords,
  type NewBatchRecord,
} from './batch-records.js';
export {
  claimIdempotencyKey,
  IDEMPOTENCY_WINDOW_HOURS,
  type IdempotencyClaim as IdempotencyKeyClaim,
} from './idempotency-keys.js';
