// The one writer of `renders.batches` and `renders.batch_idempotency_keys`. A batch is created with
// all its renders (through the render records) and its Idempotency-Key claim in ONE transaction, so
// there is never a batch without its renders nor a claimed key without its batch. A batch moves
// processing → finished exactly once: finishIfDone (and the sweep's finishAllDone) is one conditional
// UPDATE that only the caller who finished it gets a row back from, however many workers finish its
// last renders at once. A batch is done when every render is final and every failed render's refund
// is recorded, so what `batch.finished` and the batch's view say was refunded is what the ledger did.
import { sql, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import type { Database } from './database.js';
import type { BatchesTable, RenderRowStatus } from './database-renders.js';
import { claimIdempotencyKey } from './idempotency-keys.js';
import { createRenderRecords, type NewRenderRecord, type RenderRecordRow } from './render-records.js';

export type BatchRecordRow = Selectable<BatchesTable>;

/**
 * A failed render's refund still unconfirmed this long after the failure is given up on (left to an
 * operator, the worker logs it); its batch then finishes without it, showing only what was refunded.
 */
export const REFUND_GIVE_UP_MS = 24 * 3600 * 1000;

export interface NewBatchRecord {
  id: string;
  account_id: string;
  key_id: string | null;
  credits_charged: number;
  webhook_url: string | null;
  render_webhooks: boolean;
  metadata: Record<string, unknown> | null;
  /** Ids of its inline artworks, parked under batchArtworkKey until it finishes. */
  artwork_ids: string[];
  created_at: Date;
}

export type BatchClaim =
  | { kind: 'claimed'; batch: BatchRecordRow; renders: RenderRecordRow[] }
  | { kind: 'replay'; batchId: string }
  | { kind: 'conflict' };

export interface BatchPage {
  rows: BatchRecordRow[];
  nextCursor: string | null;
}

/** A batch's renders counted by status, and their credits (never stored twice: read from the renders). */
export interface BatchTotals {
  counts: Record<RenderRowStatus, number> & { total: number };
  credits_charged: number;
  credits_refunded: number;
}

export function emptyBatchTotals(): BatchTotals {
  return {
    counts: { total: 0, queued: 0, processing: 0, succeeded: 0, failed: 0 },
    credits_charged: 0,
    credits_refunded: 0,
  };
}

/** The totals of renders already read (a batch's full view). */
export function batchTotalsOf(
  renders: Pick<RenderRecordRow, 'status' | 'credits_charged' | 'credits_refunded'>[],
): BatchTotals {
  const totals = emptyBatchTotals();
  for (const render of renders) {
    totals.counts[render.status] += 1;
    totals.counts.total += 1;
    totals.credits_charged += render.credits_charged;
    totals.credits_refunded += render.credits_refunded;
  }
  return totals;
}

export interface BatchRecords {
  /**
   * Inserts the batch and its renders, first claiming the Idempotency-Key when one is given, in one
   * transaction: a concurrent duplicate waits on the key until this commits, then sees the batch.
   */
  create(
    batch: NewBatchRecord,
    renders: NewRenderRecord[],
    idempotency?: { key: string; requestHash: string },
  ): Promise<BatchClaim>;
  /** With accountId, another account's batch is not found. */
  find(id: string, accountId?: string): Promise<BatchRecordRow | undefined>;
  /** Newest first, by (created_at, id). */
  list(query: { accountId: string; limit: number; cursor?: string | undefined }): Promise<BatchPage>;
  /** The batch's renders by (created_at, id): the order asked for, as its renders' ids ascend in it. */
  renders(batchId: string): Promise<RenderRecordRow[]>;
  totals(batchIds: string[]): Promise<Map<string, BatchTotals>>;
  /**
   * processing → finished when none of its renders is queued or processing nor failed with its refund
   * still pending (unless given up): the row, to the one caller that did it.
   */
  finishIfDone(batchId: string, now: Date): Promise<BatchRecordRow | undefined>;
  /** finishIfDone for up to `limit` processing batches, oldest first: the rows this call finished. */
  finishAllDone(now: Date, limit: number): Promise<BatchRecordRow[]>;
  /**
   * Finished batches whose `batch-event` job is not known to be queued (its enqueue failed, or the
   * worker stopped before marking it), oldest first.
   */
  finishedUnqueued(limit: number): Promise<BatchRecordRow[]>;
  /** Records that the batch's `batch-event` job is queued (the first time only). */
  markFinishedEventQueued(batchId: string, now: Date): Promise<void>;
  /** One of its renders not final yet (the first in its order), undefined when all are final. */
  firstUnfinishedRender(batchId: string): Promise<string | undefined>;
  /** Undoes create() for a batch that was never charged: its renders, its key and itself go. */
  discard(accountId: string, batchId: string): Promise<void>;
  /** Lets the Idempotency-Key be used again (a batch that could not be queued whole). */
  releaseIdempotencyKey(accountId: string, batchId: string): Promise<void>;
}

/** A cursor is the (created_at, id) of the last batch served, opaque to callers. */
export class BatchCursorError extends Error {
  constructor() {
    super('not a cursor this API returned');
    this.name = 'BatchCursorError';
  }
}

function encodeCursor(row: BatchRecordRow): string {
  return Buffer.from(JSON.stringify([row.created_at.toISOString(), row.id])).toString('base64url');
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2) {
      const [at, id] = value as unknown[];
      const date = typeof at === 'string' ? new Date(at) : undefined;
      if (date && !Number.isNaN(date.getTime()) && typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id)) {
        return { at: date, id };
      }
    }
  } catch {
    // falls through
  }
  throw new BatchCursorError();
}

/** None of the batch's renders still runs or waits for its refund (renders_batch index, per batch). */
function isDone(eb: ExpressionBuilder<Database, 'renders.batches'>, now: Date) {
  const refundsSince = new Date(now.getTime() - REFUND_GIVE_UP_MS);
  return eb.not(
    eb.exists(
      eb
        .selectFrom('renders.renders as r')
        .select(sql`1`.as('one'))
        .whereRef('r.batch_id', '=', 'renders.batches.id')
        .where((render) =>
          render.or([
            render('r.status', 'in', ['queued', 'processing']),
            render.and([
              render('r.status', '=', 'failed'),
              render('r.credits_refunded', '<', render.ref('r.credits_charged')),
              render('r.completed_at', '>', refundsSince),
            ]),
          ]),
        ),
    ),
  );
}

/** `db` may be a transaction. */
export function createBatchRecords({ db }: { db: Kysely<Database> }): BatchRecords {
  async function insert(
    trx: Kysely<Database>,
    batch: NewBatchRecord,
    renders: NewRenderRecord[],
  ): Promise<{ batch: BatchRecordRow; renders: RenderRecordRow[] }> {
    const row = await trx
      .insertInto('renders.batches')
      .values({
        id: batch.id,
        account_id: batch.account_id,
        key_id: batch.key_id,
        status: 'processing',
        render_count: renders.length,
        credits_charged: batch.credits_charged,
        webhook_url: batch.webhook_url,
        render_webhooks: batch.render_webhooks,
        metadata: batch.metadata === null ? null : JSON.stringify(batch.metadata),
        artwork_ids: batch.artwork_ids,
        created_at: batch.created_at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const rows = await createRenderRecords({ db: trx }).createQueuedMany(
      renders.map((render) => ({ ...render, batch_id: batch.id })),
    );
    return { batch: row, renders: rows };
  }

  return {
    create(batch, renders, idempotency) {
      return db.transaction().execute(async (trx) => {
        if (!idempotency) return { kind: 'claimed', ...(await insert(trx, batch, renders)) };
        const claim = await claimIdempotencyKey(trx, 'batch', {
          ...idempotency,
          accountId: batch.account_id,
          id: batch.id,
        });
        if (claim.kind === 'replay') return { kind: 'replay', batchId: claim.id };
        if (claim.kind === 'conflict') return claim;
        return { kind: 'claimed', ...(await insert(trx, batch, renders)) };
      });
    },

    find(id, accountId) {
      let query = db.selectFrom('renders.batches').selectAll().where('id', '=', id);
      if (accountId !== undefined) query = query.where('account_id', '=', accountId);
      return query.executeTakeFirst();
    },

    async list({ accountId, limit, cursor }) {
      let query = db.selectFrom('renders.batches').selectAll().where('account_id', '=', accountId);
      if (cursor !== undefined) {
        const after = decodeCursor(cursor);
        query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after.at, after.id)));
      }
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { rows: page, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
    },

    renders: (batchId) =>
      db
        .selectFrom('renders.renders')
        .selectAll()
        .where('batch_id', '=', batchId)
        .orderBy('created_at')
        .orderBy('id')
        .execute(),

    async totals(batchIds) {
      const totals = new Map<string, BatchTotals>(batchIds.map((id) => [id, emptyBatchTotals()]));
      if (batchIds.length === 0) return totals;
      const rows = await db
        .selectFrom('renders.renders')
        .select((eb) => [
          'batch_id',
          'status',
          eb.fn.countAll<string>().as('n'),
          eb.fn.sum<string>('credits_charged').as('charged'),
          eb.fn.sum<string>('credits_refunded').as('refunded'),
        ])
        .where('batch_id', 'in', batchIds)
        .groupBy(['batch_id', 'status'])
        .execute();
      for (const row of rows) {
        const entry = totals.get(row.batch_id!);
        if (!entry) continue;
        entry.counts[row.status] += Number(row.n);
        entry.counts.total += Number(row.n);
        entry.credits_charged += Number(row.charged);
        entry.credits_refunded += Number(row.refunded);
      }
      return totals;
    },

    finishIfDone: (batchId, now) =>
      db
        .updateTable('renders.batches')
        .set({ status: 'finished', completed_at: now })
        .where('id', '=', batchId)
        .where('status', '=', 'processing')
        .where((eb) => isDone(eb, now))
        .returningAll()
        .executeTakeFirst(),

    finishAllDone: (now, limit) =>
      db
        .updateTable('renders.batches')
        .set({ status: 'finished', completed_at: now })
        .where('status', '=', 'processing')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('renders.batches')
            .select('renders.batches.id')
            .where('renders.batches.status', '=', 'processing')
            .where((done) => isDone(done, now))
            .orderBy('renders.batches.created_at')
            .limit(limit)
            // Two sweeping workers split the batches between them instead of queueing on each other.
            .forUpdate()
            .skipLocked(),
        )
        .returningAll()
        .execute(),

    finishedUnqueued: (limit) =>
      db
        .selectFrom('renders.batches')
        .selectAll()
        .where('status', '=', 'finished')
        .where('finished_event_queued_at', 'is', null)
        .orderBy('completed_at')
        .limit(limit)
        .execute(),

    async markFinishedEventQueued(batchId, now) {
      await db
        .updateTable('renders.batches')
        .set({ finished_event_queued_at: now })
        .where('id', '=', batchId)
        .where('finished_event_queued_at', 'is', null)
        .execute();
    },

    async firstUnfinishedRender(batchId) {
      const row = await db
        .selectFrom('renders.renders')
        .select('id')
        .where('batch_id', '=', batchId)
        .where('status', 'in', ['queued', 'processing'])
        .orderBy('created_at')
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
      return row?.id;
    },

    async discard(accountId, batchId) {
      await db.transaction().execute(async (trx) => {
        await trx
          .deleteFrom('renders.batch_idempotency_keys')
          .where('account_id', '=', accountId)
          .where('batch_id', '=', batchId)
          .execute();
        await createRenderRecords({ db: trx }).discardBatch(batchId, accountId);
        await trx
          .deleteFrom('renders.batches')
          .where('id', '=', batchId)
          .where('account_id', '=', accountId)
          .where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom('renders.renders')
                  .select(sql`1`.as('one'))
                  .where('batch_id', '=', batchId),
              ),
            ),
          )
          .execute();
      });
    },

    async releaseIdempotencyKey(accountId, batchId) {
      await db
        .deleteFrom('renders.batch_idempotency_keys')
        .where('account_id', '=', accountId)
        .where('batch_id', '=', batchId)
        .execute();
    },
  };
}
