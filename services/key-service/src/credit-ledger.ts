// Credits: an append-only ledger (grant, charge, refund) beside a balance on the account, changed
// together in one transaction. A charge and a refund are each unique per render id (a partial unique
// index), so retries change nothing; the conditional update keeps the balance >= 0 under concurrency.
import { ApiError, type CreditChangeResponse } from '@platen/contracts';
import type { CreditEntryKind, Database } from '@platen/db';
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from './clock.js';
import { iso } from './iso-time.js';
import { decodeCursor, toPage, type Page } from './page-cursor.js';
import { isResourceId } from './resource-id.js';

export interface LedgerEntry {
  id: string;
  kind: CreditEntryKind;
  /** Signed: grants and refunds positive, charges negative. */
  amount: number;
  render_id: string | null;
  note: string | null;
  created_at: string;
}

export interface CreditLedger {
  balance(accountId: string): Promise<number>;
  grant(
    accountId: string,
    input: { amount: number; note?: string | undefined },
  ): Promise<{ balance: number }>;
  charge(accountId: string, input: { render_id: string; amount: number }): Promise<CreditChangeResponse>;
  refund(accountId: string, input: { render_id: string }): Promise<CreditChangeResponse>;
  entries(
    accountId: string,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<Page<LedgerEntry>>;
}

export interface CreditLedgerDeps {
  db: Kysely<Database>;
  clock: Clock;
}

/** Adds credits inside the caller's transaction (grants, and an account's initial credits). */
export async function recordGrant(
  trx: Transaction<Database>,
  entry: { accountId: string; amount: number; note: string | null; now: Date },
): Promise<number> {
  await trx
    .insertInto('keys.credit_ledger')
    .values({
      account_id: entry.accountId,
      kind: 'grant',
      amount: entry.amount,
      note: entry.note,
      created_at: entry.now,
    })
    .execute();
  const { credits } = await trx
    .updateTable('keys.accounts')
    .set((eb) => ({ credits: eb('credits', '+', entry.amount) }))
    .where('id', '=', entry.accountId)
    .returning('credits')
    .executeTakeFirstOrThrow();
  return credits;
}

async function currentBalance(db: Kysely<Database>, accountId: string): Promise<number> {
  if (!isResourceId(accountId)) throw new ApiError('NOT_FOUND');
  const row = await db
    .selectFrom('keys.accounts')
    .select('credits')
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (!row) throw new ApiError('NOT_FOUND');
  return row.credits;
}

export function createCreditLedger({ clock, ...deps }: CreditLedgerDeps): CreditLedger {
  const db = deps.db;
  return {
    balance: (accountId) => currentBalance(db, accountId),

    async grant(accountId, { amount, note }) {
      await currentBalance(db, accountId);
      const balance = await db
        .transaction()
        .execute((trx) => recordGrant(trx, { accountId, amount, note: note ?? null, now: clock.now() }));
      return { balance };
    },

    async charge(accountId, { render_id, amount }) {
      await currentBalance(db, accountId);
      return db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('keys.credit_ledger')
          .values({
            account_id: accountId,
            kind: 'charge',
            amount: -amount,
            render_id,
            created_at: clock.now(),
          })
          .onConflict((oc) =>
            oc.columns(['render_id', 'kind']).where('render_id', 'is not', null).doNothing(),
          )
          .returning('id')
          .executeTakeFirst();
        if (!inserted) {
          const earlier = await trx
            .selectFrom('keys.credit_ledger')
            .select('account_id')
            .where('render_id', '=', render_id)
            .where('kind', '=', 'charge')
            .executeTakeFirstOrThrow();
          if (earlier.account_id !== accountId) {
            throw new ApiError('CONFLICT', { message: 'render was charged to another account' });
          }
          return { applied: false, balance: await currentBalance(trx, accountId) };
        }
        // Row-locking update re-checked after any concurrent charge commits: never below zero.
        const updated = await trx
          .updateTable('keys.accounts')
          .set((eb) => ({ credits: eb('credits', '-', amount) }))
          .where('id', '=', accountId)
          .where('credits', '>=', amount)
          .returning('credits')
          .executeTakeFirst();
        if (!updated) throw new ApiError('INSUFFICIENT_CREDITS');
        return { applied: true, balance: updated.credits };
      });
    },

    async refund(accountId, { render_id }) {
      await currentBalance(db, accountId);
      return db.transaction().execute(async (trx) => {
        const charge = await trx
          .selectFrom('keys.credit_ledger')
          .select('amount')
          .where('render_id', '=', render_id)
          .where('kind', '=', 'charge')
          .where('account_id', '=', accountId)
          .executeTakeFirst();
        if (!charge) throw new ApiError('NOT_FOUND', { message: 'no charge for this render' });
        const refundAmount = -charge.amount;
        const inserted = await trx
          .insertInto('keys.credit_ledger')
          .values({
            account_id: accountId,
            kind: 'refund',
            amount: refundAmount,
            render_id,
            created_at: clock.now(),
          })
          .onConflict((oc) =>
            oc.columns(['render_id', 'kind']).where('render_id', 'is not', null).doNothing(),
          )
          .returning('id')
          .executeTakeFirst();
        if (!inserted) return { applied: false, balance: await currentBalance(trx, accountId) };
        const { credits } = await trx
          .updateTable('keys.accounts')
          .set((eb) => ({ credits: eb('credits', '+', refundAmount) }))
          .where('id', '=', accountId)
          .returning('credits')
          .executeTakeFirstOrThrow();
        return { applied: true, balance: credits };
      });
    },

    async entries(accountId, { limit, cursor }) {
      await currentBalance(db, accountId);
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      let query = db
        .selectFrom('keys.credit_ledger')
        .select(['id', 'kind', 'amount', 'render_id', 'note', 'created_at'])
        .where('account_id', '=', accountId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1);
      if (after) {
        query = query.where((eb) =>
          eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after.createdAt, after.id)),
        );
      }
      const rows = await query.execute();
      return toPage(rows, limit, (row) => ({ ...row, created_at: iso(row.created_at) }));
    },
  };
}
