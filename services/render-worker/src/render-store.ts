// The worker's reads and writes of `renders.renders`. Status only moves forward
// (queued → processing → succeeded | failed) and every final write is conditional, so a duplicate
// or zombie attempt can never turn a failed render into a success or the reverse.
import type { RenderWarning, Clock } from '@platen/contracts';
import type { Database, RenderRowStatus } from '@platen/db';
import { sql, type Kysely } from 'kysely';
import type { RenderFailure } from './failure-codes.js';

export interface RenderRecord {
  id: string;
  account_id: string;
  mockup_id: string;
  status: RenderRowStatus;
  inputs: unknown[];
  export_options: Record<string, unknown>;
  credits_charged: number;
  attempts: number;
  completed_at: Date | null;
}

export interface RenderResult {
  key: string;
  width: number;
  height: number;
  format: string;
  bytes: number;
  warnings: RenderWarning[];
}

export interface RenderStore {
  find(id: string): Promise<RenderRecord | undefined>;
  /** The account a render belongs to (never changes), undefined when there is no such render. */
  accountOf(id: string): Promise<string | undefined>;
  /** Counts an attempt; started_at keeps the first start. Undefined if the render is already final. */
  markProcessing(id: string): Promise<RenderRecord | undefined>;
  /** True when this call made the render succeed (false: it was final already). */
  markSucceeded(id: string, result: RenderResult): Promise<boolean>;
  /** True when this call made the render fail (false: it was final already). */
  markFailed(id: string, failure: RenderFailure): Promise<boolean>;
  /** Records a refund the key-service confirmed, so the render shows it (idempotent: always the full charge). */
  markRefunded(id: string): Promise<void>;
}

const COLUMNS = [
  'id',
  'account_id',
  'mockup_id',
  'status',
  'inputs',
  'export_options',
  'credits_charged',
  'attempts',
  'completed_at',
] as const;

const OPEN: RenderRowStatus[] = ['queued', 'processing'];

export function createRenderStore({ db, clock }: { db: Kysely<Database>; clock: Clock }): RenderStore {
  return {
    find: (id) => db.selectFrom('renders.renders').select(COLUMNS).where('id', '=', id).executeTakeFirst(),

    accountOf: async (id) =>
      (await db.selectFrom('renders.renders').select('account_id').where('id', '=', id).executeTakeFirst())
        ?.account_id,

    markProcessing: (id) =>
      db
        .updateTable('renders.renders')
        .set((eb) => ({
          status: 'processing',
          attempts: eb('attempts', '+', 1),
          started_at: eb.fn.coalesce('started_at', eb.val(clock.now())),
        }))
        .where('id', '=', id)
        .where('status', 'in', OPEN)
        .returning(COLUMNS)
        .executeTakeFirst(),

    async markSucceeded(id, result) {
      const updated = await db
        .updateTable('renders.renders')
        .set({
          status: 'succeeded',
          result_key: result.key,
          result_width: result.width,
          result_height: result.height,
          result_format: result.format,
          result_bytes: result.bytes,
          result_warnings: JSON.stringify(result.warnings),
          error_code: null,
          error_message: null,
          completed_at: clock.now(),
        })
        .where('id', '=', id)
        .where('status', 'in', OPEN)
        .executeTakeFirst();
      return updated.numUpdatedRows > 0n;
    },

    async markFailed(id, failure) {
      const updated = await db
        .updateTable('renders.renders')
        .set({
          status: 'failed',
          error_code: failure.code,
          error_message: failure.message,
          completed_at: clock.now(),
        })
        .where('id', '=', id)
        .where('status', 'in', OPEN)
        .executeTakeFirst();
      return updated.numUpdatedRows > 0n;
    },

    async markRefunded(id) {
      await db
        .updateTable('renders.renders')
        .set({ credits_refunded: sql<number>`credits_charged` })
        .where('id', '=', id)
        .where('status', '=', 'failed')
        .execute();
    },
  };
}
