// The worker's reads of `renders.renders`, and its changes through the table's owner
// (@platen/db's render records, whose status machine refuses a change from a final status), so a
// duplicate or zombie attempt can never turn a failed render into a success or the reverse.
import type { Clock, RenderWarning } from '@platen/contracts';
import {
  createRenderRecords,
  IllegalRenderChangeError,
  type Database,
  type RenderRecordRow,
  type RenderRowStatus,
} from '@platen/db';
import type { Kysely } from 'kysely';
import type { RenderFailure } from './failure-codes.js';
import type { StoredPrintFile } from './print-files.js';

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
  /** The batch it belongs to (null: a single render). */
  batch_id: string | null;
  /** Print files asked for, as the gateway stored them; null: none. */
  print_files: unknown[] | null;
}

export interface RenderResult {
  key: string;
  width: number;
  height: number;
  format: string;
  bytes: number;
  warnings: RenderWarning[];
  /** The print files written, when the render asked for any. */
  print_files?: StoredPrintFile[];
}

/** What deciding on a render job needs before its attempt starts, read in one statement. */
export interface RenderAdmission {
  /** The account the render belongs to (never changes). */
  account_id: string;
  /** Its mockup's version now, or null when the mockup is not ready or deleted. */
  mockup_version: number | null;
}

export interface RenderStore {
  find(id: string): Promise<RenderRecord | undefined>;
  /** The render's account and its mockup's live version; undefined when there is no such render. */
  admissionOf(id: string): Promise<RenderAdmission | undefined>;
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
  'batch_id',
  'print_files',
] as const;

/** The owner's refusal means the render is final already (or gone): a duplicate or zombie attempt. */
async function unlessRefused<T>(change: Promise<T>): Promise<T | undefined> {
  try {
    return await change;
  } catch (error) {
    if (error instanceof IllegalRenderChangeError) return undefined;
    throw error;
  }
}

export function createRenderStore({ db, clock }: { db: Kysely<Database>; clock: Clock }): RenderStore {
  const records = createRenderRecords({ db });
  return {
    find: (id) => db.selectFrom('renders.renders').select(COLUMNS).where('id', '=', id).executeTakeFirst(),

    admissionOf: (id) =>
      db
        .selectFrom('renders.renders as r')
        .leftJoin('renders.mockups as m', (join) =>
          join.onRef('m.id', '=', 'r.mockup_id').on('m.status', '=', 'ready').on('m.deleted_at', 'is', null),
        )
        .select(['r.account_id', 'm.version as mockup_version'])
        .where('r.id', '=', id)
        .executeTakeFirst(),

    async markProcessing(id) {
      const row = await unlessRefused(records.markProcessing({ id }, clock.now()));
      return row && pick(row);
    },

    markSucceeded: (id, result) => changed(records.markSucceeded({ id }, result, clock.now())),

    markFailed: (id, { code, message }) =>
      changed(records.markFailed({ id }, { code, message }, clock.now())),

    async markRefunded(id) {
      await unlessRefused(records.recordRefund({ id }));
    },
  };
}

async function changed(change: Promise<void>): Promise<boolean> {
  return (await unlessRefused(change.then(() => true))) ?? false;
}

function pick(row: RenderRecordRow): RenderRecord {
  const { id, account_id, mockup_id, status, inputs, export_options, credits_charged, attempts } = row;
  return {
    id,
    account_id,
    mockup_id,
    status,
    inputs,
    export_options,
    credits_charged,
    attempts,
    completed_at: row.completed_at,
    batch_id: row.batch_id,
    print_files: row.print_files,
  };
}
