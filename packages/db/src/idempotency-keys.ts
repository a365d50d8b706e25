// Claiming an Idempotency-Key inside the caller's transaction, for a render or for a batch (each kind
// has its own table and id column). A key older than IDEMPOTENCY_WINDOW_HOURS is forgotten first, so it
// can be claimed again; a key already claimed answers the earlier id when the request is the same
// (replay) and a conflict when it is not.
import { sql, type Transaction } from 'kysely';
import type { Database } from './database.js';

/** How long a key keeps answering with what it first made. */
export const IDEMPOTENCY_WINDOW_HOURS = 24;

const KEY_TABLES = {
  render: { table: 'renders.idempotency_keys', column: 'render_id' },
  batch: { table: 'renders.batch_idempotency_keys', column: 'batch_id' },
} as const;

export type IdempotencyClaim = { kind: 'claimed' } | { kind: 'replay'; id: string } | { kind: 'conflict' };

export async function claimIdempotencyKey(
  trx: Transaction<Database>,
  of: keyof typeof KEY_TABLES,
  claim: { accountId: string; key: string; requestHash: string; id: string },
): Promise<IdempotencyClaim> {
  const table = sql.table(KEY_TABLES[of].table);
  const column = sql.ref(KEY_TABLES[of].column);
  const { accountId, key, requestHash, id } = claim;
  await sql`delete from ${table} where account_id = ${accountId} and key = ${key}
    and created_at < now() - make_interval(hours => ${IDEMPOTENCY_WINDOW_HOURS})`.execute(trx);
  const claimed = await sql<{ id: string }>`insert into ${table} (account_id, key, request_hash, ${column})
    values (${accountId}, ${key}, ${requestHash}, ${id})
    on conflict (account_id, key) do nothing returning ${column} as id`.execute(trx);
  if (claimed.rows.length > 0) return { kind: 'claimed' };
  const existing = await sql<{ request_hash: string; id: string }>`select request_hash, ${column} as id
    from ${table} where account_id = ${accountId} and key = ${key}`.execute(trx);
  const earlier = existing.rows[0]!;
  return earlier.request_hash === requestHash ? { kind: 'replay', id: earlier.id } : { kind: 'conflict' };
}
