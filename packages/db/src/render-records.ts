// The one writer of `renders.renders`: every INSERT, UPDATE and DELETE of a render row is issued here,
// so RENDER_CHANGES below is the whole truth about how a render may change. Each write is conditional
// on the row being in a state the change may start from; a refused write changes nothing and throws
// IllegalRenderChangeError. Everyone else reads rows freely and calls these operations to change them.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from './database.js';
import type { RenderRowStatus, RendersTable, WebhookRowStatus } from './database-renders.js';

export type RenderRecordRow = Selectable<RendersTable>;

/**
 * Every change a render row can go through: the statuses it may start from, and the status it leaves
 * (null: the row goes). Status moves forward only (queued → processing → succeeded | failed); a
 * retried attempt starts again from processing; a render the gateway could not queue fails only if
 * no worker took it meanwhile; only a failed render records a refund, and only a queued one (never
 * charged) is discarded.
 */
export const RENDER_CHANGES = {
  start: { from: ['queued', 'processing'], to: 'processing' },
  succeed: { from: ['processing'], to: 'succeeded' },
  fail: { from: ['queued', 'processing'], to: 'failed' },
  failUnqueued: { from: ['queued'], to: 'failed' },
  refund: { from: ['failed'], to: 'failed' },
  discard: { from: ['queued'], to: null },
} as const satisfies Record<string, { from: readonly RenderRowStatus[]; to: RenderRowStatus | null }>;

export type RenderChange = keyof typeof RENDER_CHANGES;

/** The render is not in a state `change` may start from (`from` null: there is no such render). */
export class IllegalRenderChangeError extends Error {
  readonly code = 'ILLEGAL_RENDER_CHANGE';
  constructor(
    readonly renderId: string,
    readonly from: RenderRowStatus | null,
    readonly change: RenderChange,
  ) {
    super(`render ${renderId}: no ${change} from ${from ?? 'nowhere (no such render)'}`);
    this.name = 'IllegalRenderChangeError';
  }
}

/** A render as the gateway accepts it; it starts queued, unrefunded, unattempted. */
export interface NewRenderRecord {
  id: string;
  account_id: string;
  key_id: string | null;
  mockup_id: string;
  inputs: unknown[];
  export_options: Record<string, unknown>;
  webhook_url: string | null;
  metadata: Record<string, unknown> | null;
  credits_charged: number;
  created_at: Date;
  /** The batch it belongs to (absent or null: a single render). */
  batch_id?: string | null;
  export_label?: string | null;
  /** Print files asked for (`[{smart_object_uuid, dpi}]`); absent or null: none. */
  print_files?: unknown[] | null;
}

export interface RenderOutput {
  key: string;
  width: number;
  height: number;
  format: string;
  bytes: number;
  /** In docs/api.md's public shape. */
  warnings: unknown[];
  /** The print files written (`[{smart_object_uuid, key, width, height, dpi}]`); absent: none asked for. */
  print_files?: unknown[];
}

export interface RenderFailureRecord {
  code: string;
  message: string;
  /** The key-service already confirmed the refund: the render shows its credits given back. */
  refunded?: boolean;
}

/** Which render; with accountId, another account's render is treated as not there. */
export interface RenderRef {
  id: string;
  accountId?: string;
}

export interface RenderRecords {
  createQueued(render: NewRenderRecord): Promise<RenderRecordRow>;
  /** A batch's renders, in one statement (call it in the batch's transaction). */
  createQueuedMany(renders: NewRenderRecord[]): Promise<RenderRecordRow[]>;
  /** Counts an attempt; started_at keeps the first start. */
  markProcessing(ref: RenderRef, at: Date): Promise<RenderRecordRow>;
  markSucceeded(ref: RenderRef, output: RenderOutput, at: Date): Promise<void>;
  markFailed(ref: RenderRef, failure: RenderFailureRecord, at: Date): Promise<void>;
  /** Fails a render the gateway could not queue, unless a worker took it meanwhile (refused then). */
  markUnqueuedFailed(ref: RenderRef, failure: RenderFailureRecord, at: Date): Promise<void>;
  /** Records the refund the key-service confirmed: always the full charge, so repeating it is harmless. */
  recordRefund(ref: RenderRef): Promise<void>;
  /** Deletes a render that was never charged nor queued; a render already gone is fine. */
  discard(ref: RenderRef): Promise<void>;
  /** discard() for every render of a refused batch; returns how many went (queued ones only). */
  discardBatch(batchId: string, accountId: string): Promise<number>;
  /**
   * Mirrors the delivery to the render's own webhook_url on its `webhook_*` columns. Only the webhook
   * delivery store calls this: those columns are a copy of its delivery row, never set elsewhere.
   * `ifUnset`: only when no delivery was mirrored yet.
   */
  mirrorOwnWebhook(
    renderId: string,
    state: { status: WebhookRowStatus; attempts?: number },
    options?: { ifUnset?: boolean },
  ): Promise<void>;
}

/** `db` may be a transaction, so a change can commit together with the caller's other writes. */
export function createRenderRecords({ db }: { db: Kysely<Database> }): RenderRecords {
  function rows(ref: RenderRef, change: RenderChange) {
    let query = db
      .updateTable('renders.renders')
      .where('id', '=', ref.id)
      .where('status', 'in', RENDER_CHANGES[change].from);
    if (ref.accountId !== undefined) query = query.where('account_id', '=', ref.accountId);
    return query;
  }

  /** Why a conditional write matched no row: the render's current status, read after the fact. */
  async function refusal(ref: RenderRef, change: RenderChange): Promise<IllegalRenderChangeError> {
    let query = db.selectFrom('renders.renders').select('status').where('id', '=', ref.id);
    if (ref.accountId !== undefined) query = query.where('account_id', '=', ref.accountId);
    const current = await query.executeTakeFirst();
    return new IllegalRenderChangeError(ref.id, current?.status ?? null, change);
  }

  async function applied(ref: RenderRef, change: RenderChange, result: { numUpdatedRows: bigint }) {
    if (result.numUpdatedRows === 0n) throw await refusal(ref, change);
  }

  async function fail(
    ref: RenderRef,
    change: 'fail' | 'failUnqueued',
    failure: RenderFailureRecord,
    at: Date,
  ): Promise<void> {
    const result = await rows(ref, change)
      .set({
        status: RENDER_CHANGES[change].to,
        error_code: failure.code,
        error_message: failure.message,
        completed_at: at,
        ...(failure.refunded === true ? { credits_refunded: sql<number>`credits_charged` } : {}),
      })
      .executeTakeFirst();
    await applied(ref, change, result);
  }

  return {
    createQueued: (render) =>
      db.insertInto('renders.renders').values(queuedRow(render)).returningAll().executeTakeFirstOrThrow(),

    async createQueuedMany(renders) {
      if (renders.length === 0) return [];
      return db.insertInto('renders.renders').values(renders.map(queuedRow)).returningAll().execute();
    },

    async markProcessing(ref, at) {
      const row = await rows(ref, 'start')
        .set((eb) => ({
          status: RENDER_CHANGES.start.to,
          attempts: eb('attempts', '+', 1),
          started_at: eb.fn.coalesce('started_at', eb.val(at)),
        }))
        .returningAll()
        .executeTakeFirst();
      if (!row) throw await refusal(ref, 'start');
      return row;
    },

    async markSucceeded(ref, output, at) {
      const result = await rows(ref, 'succeed')
        .set({
          status: RENDER_CHANGES.succeed.to,
          result_key: output.key,
          result_width: output.width,
          result_height: output.height,
          result_format: output.format,
          result_bytes: output.bytes,
          result_warnings: JSON.stringify(output.warnings),
          result_print_files: output.print_files ? JSON.stringify(output.print_files) : null,
          error_code: null,
          error_message: null,
          completed_at: at,
        })
        .executeTakeFirst();
      await applied(ref, 'succeed', result);
    },

    markFailed: (ref, failure, at) => fail(ref, 'fail', failure, at),

    markUnqueuedFailed: (ref, failure, at) => fail(ref, 'failUnqueued', failure, at),

    async recordRefund(ref) {
      const result = await rows(ref, 'refund')
        .set({ credits_refunded: sql<number>`credits_charged` })
        .executeTakeFirst();
      await applied(ref, 'refund', result);
    },

    async discard(ref) {
      let query = db
        .deleteFrom('renders.renders')
        .where('id', '=', ref.id)
        .where('status', 'in', RENDER_CHANGES.discard.from);
      if (ref.accountId !== undefined) query = query.where('account_id', '=', ref.accountId);
      const result = await query.executeTakeFirst();
      if (result.numDeletedRows > 0n) return;
      const refused = await refusal(ref, 'discard');
      if (refused.from !== null) throw refused;
    },

    async discardBatch(batchId, accountId) {
      const result = await db
        .deleteFrom('renders.renders')
        .where('batch_id', '=', batchId)
        .where('account_id', '=', accountId)
        .where('status', 'in', RENDER_CHANGES.discard.from)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async mirrorOwnWebhook(renderId, { status, attempts }, { ifUnset = false } = {}) {
      let query = db
        .updateTable('renders.renders')
        .set({ webhook_status: status, ...(attempts === undefined ? {} : { webhook_attempts: attempts }) })
        .where('id', '=', renderId);
      if (ifUnset) query = query.where('webhook_status', 'is', null);
      await query.execute();
    },
  };
}

/** The insert of a new render: named one by one, so a caller's extra fields never reach the insert. */
function queuedRow(render: NewRenderRecord) {
  return {
    id: render.id,
    account_id: render.account_id,
    key_id: render.key_id,
    mockup_id: render.mockup_id,
    status: 'queued' as const,
    inputs: JSON.stringify(render.inputs),
    export_options: JSON.stringify(render.export_options),
    webhook_url: render.webhook_url,
    metadata: render.metadata === null ? null : JSON.stringify(render.metadata),
    credits_charged: render.credits_charged,
    created_at: render.created_at,
    batch_id: render.batch_id ?? null,
    export_label: render.export_label ?? null,
    print_files: render.print_files ? JSON.stringify(render.print_files) : null,
  };
}
