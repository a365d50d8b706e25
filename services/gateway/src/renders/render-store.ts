// The gateway's reads of `renders.renders`, its changes through the table's owner (@platen/db's
// render records), and `renders.idempotency_keys`. Reads are always scoped to the account: another
// account's render is simply not found.
import {
  claimIdempotencyKey,
  createRenderRecords,
  IllegalRenderChangeError,
  type Database,
  type NewRenderRecord,
  type RenderRowStatus,
  type RendersTable,
} from '@platen/db';
import type { Kysely, Selectable } from 'kysely';
import { ApiError } from '@platen/contracts';
import { z } from 'zod';

export type RenderRow = Selectable<RendersTable>;

export type IdempotencyClaim =
  { kind: 'claimed'; row: RenderRow } | { kind: 'replay'; renderId: string } | { kind: 'conflict' };

export interface RenderPage {
  rows: RenderRow[];
  nextCursor: string | null;
}

export interface RenderStore {
  /**
   * Inserts the render row, and first claims the Idempotency-Key when one is given, in one
   * transaction: a concurrent duplicate waits on the key until this commits, then sees the render.
   */
  create(
    render: NewRenderRecord,
    idempotency?: { key: string; requestHash: string },
  ): Promise<IdempotencyClaim>;
  find(accountId: string, id: string): Promise<RenderRow | undefined>;
  list(query: {
    accountId: string;
    status?: RenderRowStatus | undefined;
    limit: number;
    cursor?: string | undefined;
  }): Promise<RenderPage>;
  /** Undoes create() for a render that was never charged: the row and its idempotency key go. */
  discard(accountId: string, id: string): Promise<void>;
  /**
   * A charged render that could not be queued: failed (unless a worker took it meanwhile), its
   * idempotency key released for a retry; `refunded` when the key-service already confirmed its refund.
   */
  markUnqueued(accountId: string, id: string, now: Date, refund: { refunded: boolean }): Promise<void>;
  /**
   * Records the refund the key-service confirmed: the render shows its credits given back. Throws
   * IllegalRenderChangeError while the render is not failed yet, so a caller retrying later records it.
   */
  markRefunded(accountId: string, id: string): Promise<void>;
}

const cursorSchema = z.object({ at: z.iso.datetime(), id: z.uuid() });

function decodeCursor(cursor: string): z.infer<typeof cursorSchema> {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // falls through to the validation error
  }
  throw new ApiError('VALIDATION_ERROR', {
    message: 'cursor: not a cursor this API returned',
    details: { issues: [{ path: 'cursor', message: 'not a cursor this API returned' }] },
  });
}

export function createRenderStore({ db }: { db: Kysely<Database> }): RenderStore {
  return {
    async create(render, idempotency) {
      if (!idempotency) {
        // One statement, no transaction: three round trips fewer on the hot path.
        return { kind: 'claimed', row: await createRenderRecords({ db }).createQueued(render) };
      }
      return db.transaction().execute(async (trx) => {
        const claim = await claimIdempotencyKey(trx, 'render', {
          ...idempotency,
          accountId: render.account_id,
          id: render.id,
        });
        if (claim.kind === 'replay') return { kind: 'replay', renderId: claim.id };
        if (claim.kind === 'conflict') return claim;
        return { kind: 'claimed', row: await createRenderRecords({ db: trx }).createQueued(render) };
      });
    },

    find: (accountId, id) =>
      db
        .selectFrom('renders.renders')
        .selectAll()
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .executeTakeFirst(),

    async list({ accountId, status, limit, cursor }) {
      let query = db.selectFrom('renders.renders').selectAll().where('account_id', '=', accountId);
      if (status) query = query.where('status', '=', status);
      if (cursor !== undefined) {
        const after = decodeCursor(cursor);
        query = query.where((eb) =>
          eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(new Date(after.at), after.id)),
        );
      }
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const nextCursor =
        rows.length > limit && last
          ? Buffer.from(JSON.stringify({ at: last.created_at.toISOString(), id: last.id })).toString(
              'base64url',
            )
          : null;
      return { rows: page, nextCursor };
    },

    async discard(accountId, id) {
      await db.transaction().execute(async (trx) => {
        await trx
          .deleteFrom('renders.idempotency_keys')
          .where('account_id', '=', accountId)
          .where('render_id', '=', id)
          .execute();
        await createRenderRecords({ db: trx }).discard({ id, accountId });
      });
    },

    async markUnqueued(accountId, id, now, { refunded }) {
      await db.transaction().execute(async (trx) => {
        await trx
          .deleteFrom('renders.idempotency_keys')
          .where('account_id', '=', accountId)
          .where('render_id', '=', id)
          .execute();
        await createRenderRecords({ db: trx })
          .markUnqueuedFailed(
            { id, accountId },
            {
              code: 'RENDER_FAILED',
              message: 'The render could not be queued; its credits were refunded',
              refunded,
            },
            now,
          )
          .catch((error: unknown) => {
            // A worker took the render meanwhile: it is the worker's to finish.
            if (!(error instanceof IllegalRenderChangeError)) throw error;
          });
      });
    },

    markRefunded: (accountId, id) => createRenderRecords({ db }).recordRefund({ id, accountId }),
  };
}
