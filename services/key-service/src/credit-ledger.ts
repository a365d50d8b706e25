// Credits: an append-only ledger (grant, charge, refund) beside a balance on the account, changed
// together in one transaction. A charge and a refund are each unique per render id (a partial unique
// index), so retries change nothing; the balance never goes below zero.
// Charges of one account are batched: while a charge transaction of the account runs, the charges
// arriving meanwhile wait, and then go together in the next transaction, decided one by one in
// arrival order against the balance read under the account row's lock (SELECT … FOR UPDATE, which
// also serialises batches of other key-service replicas). Every charge still commits durably before
// it is answered, but one commit (one WAL flush) serves the whole batch, so a busy account is no
// longer limited to one charge per commit. Exactly as before: a batch is one transaction, so a failed
// commit fails every charge in it and applies none.
// A refund takes the same row lock. A refund of a render never charged records a zero refund, and a
// charge of that render arriving later (one its caller gave up waiting for) is refused: no account
// pays for a render that was called off.
import { ApiError, type ChargeManyResponse, type CreditChangeResponse, type Clock } from '@platen/contracts';
import type { CreditEntryKind, Database } from '@platen/db';
import type { Kysely, Transaction } from 'kysely';
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
  /**
   * A batch's charges in one transaction: all applied or none (402 when the ones not yet charged do
   * not fit the balance). Idempotent per render id: a replay of the same set applies nothing.
   */
  chargeMany(
    accountId: string,
    charges: { render_id: string; amount: number }[],
  ): Promise<ChargeManyResponse>;
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

interface PendingCharge {
  render_id: string;
  amount: number;
  resolve: (result: CreditChangeResponse) => void;
  reject: (error: unknown) => void;
}

type ChargeOutcome =
  { kind: 'applied'; balance: number } | { kind: 'repeated' } | { kind: 'refused'; error: ApiError };

/** Charges decided in one transaction at most; more wait for the next one. */
const MAX_CHARGES_PER_BATCH = 500;
/** A batch whose ledger insert met a concurrent charge of the same render (another account) is decided again. */
const MAX_BATCH_ATTEMPTS = 3;

class ConcurrentChargeError extends Error {}

/** The account's balance, its row locked for the transaction (every charge and refund takes it). */
async function lockAccount(trx: Transaction<Database>, accountId: string): Promise<number> {
  const account = await trx
    .selectFrom('keys.accounts')
    .select('credits')
    .where('id', '=', accountId)
    .forUpdate()
    .executeTakeFirst();
  if (!account) throw new ApiError('NOT_FOUND');
  return account.credits;
}

/** Who each render was charged to already, and the renders refunded without a charge (called off). */
async function earlierEntries(
  trx: Transaction<Database>,
  charges: readonly { render_id: string }[],
): Promise<{ chargedTo: Map<string | null, string>; calledOff: Set<string | null> }> {
  const earlier = await trx
    .selectFrom('keys.credit_ledger')
    .select(['render_id', 'account_id', 'kind'])
    .where('render_id', 'in', [...new Set(charges.map((charge) => charge.render_id))])
    .execute();
  const chargedTo = new Map(
    earlier.filter((row) => row.kind === 'charge').map((row) => [row.render_id, row.account_id]),
  );
  const calledOff = new Set(
    earlier
      .filter((row) => row.kind === 'refund' && !chargedTo.has(row.render_id))
      .map((row) => row.render_id),
  );
  return { chargedTo, calledOff };
}

/**
 * Writes the charges and takes their total off the balance; answers the new balance. Only a charge of
 * the same render to another account, committed meanwhile, can collide on the ledger (this account's
 * charges all wait on its row lock): ConcurrentChargeError, so the caller decides again, seeing it.
 */
async function recordCharges(
  trx: Transaction<Database>,
  accountId: string,
  charges: readonly { render_id: string; amount: number }[],
  now: Date,
): Promise<number> {
  const inserted = await trx
    .insertInto('keys.credit_ledger')
    .values(
      charges.map((charge) => ({
        account_id: accountId,
        kind: 'charge' as const,
        amount: -charge.amount,
        render_id: charge.render_id,
        created_at: now,
      })),
    )
    .onConflict((oc) => oc.columns(['render_id', 'kind']).where('render_id', 'is not', null).doNothing())
    .returning('id')
    .execute();
  if (inserted.length !== charges.length) throw new ConcurrentChargeError();
  const total = charges.reduce((sum, charge) => sum + charge.amount, 0);
  const { credits } = await trx
    .updateTable('keys.accounts')
    .set((eb) => ({ credits: eb('credits', '-', total) }))
    .where('id', '=', accountId)
    .returning('credits')
    .executeTakeFirstOrThrow();
  return credits;
}

export function createCreditLedger({ clock, ...deps }: CreditLedgerDeps): CreditLedger {
  const db = deps.db;
  /** Per account with a batch running: the charges waiting for the next one. */
  const waitingCharges = new Map<string, PendingCharge[]>();

  async function drainCharges(accountId: string): Promise<void> {
    const waiting = waitingCharges.get(accountId)!;
    while (waiting.length > 0) {
      const batch = waiting.splice(0, MAX_CHARGES_PER_BATCH);
      try {
        const { outcomes, balance } = await chargeBatch(accountId, batch);
        batch.forEach((charge, i) => {
          const outcome = outcomes[i]!;
          if (outcome.kind === 'applied') charge.resolve({ applied: true, balance: outcome.balance });
          else if (outcome.kind === 'repeated') charge.resolve({ applied: false, balance });
          else charge.reject(outcome.error);
        });
      } catch (error) {
        for (const charge of batch) charge.reject(error);
      }
    }
    // Nothing is left and nothing can arrive before this line (no await since the check).
    waitingCharges.delete(accountId);
  }

  async function chargeBatch(
    accountId: string,
    batch: PendingCharge[],
  ): Promise<{ outcomes: ChargeOutcome[]; balance: number }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction().execute((trx) => decideCharges(trx, accountId, batch));
      } catch (error) {
        if (!(error instanceof ConcurrentChargeError) || attempt >= MAX_BATCH_ATTEMPTS) throw error;
      }
    }
  }

  async function decideCharges(
    trx: Transaction<Database>,
    accountId: string,
    batch: PendingCharge[],
  ): Promise<{ outcomes: ChargeOutcome[]; balance: number }> {
    const credits = await lockAccount(trx, accountId);
    const { chargedTo, calledOff } = await earlierEntries(trx, batch);

    let balance = credits;
    const outcomes: ChargeOutcome[] = [];
    const applied: PendingCharge[] = [];
    for (const charge of batch) {
      const owner = chargedTo.get(charge.render_id);
      if (owner === accountId) {
        outcomes.push({ kind: 'repeated' });
      } else if (owner !== undefined) {
        outcomes.push({
          kind: 'refused',
          error: new ApiError('CONFLICT', { message: 'render was charged to another account' }),
        });
      } else if (calledOff.has(charge.render_id)) {
        outcomes.push({
          kind: 'refused',
          error: new ApiError('CONFLICT', { message: 'render was called off before it was charged' }),
        });
      } else if (charge.amount > balance) {
        outcomes.push({ kind: 'refused', error: new ApiError('INSUFFICIENT_CREDITS') });
      } else {
        balance -= charge.amount;
        chargedTo.set(charge.render_id, accountId);
        applied.push(charge);
        outcomes.push({ kind: 'applied', balance });
      }
    }
    if (applied.length === 0) return { outcomes, balance };
    // The row is locked and was read in this transaction: the balance cannot have changed.
    if ((await recordCharges(trx, accountId, applied, clock.now())) !== balance) {
      throw new Error('account balance changed under its row lock');
    }
    return { outcomes, balance };
  }

  /** Under the account row's lock, like every charge and refund of the account. */
  async function decideAllOrNothing(
    trx: Transaction<Database>,
    accountId: string,
    charges: { render_id: string; amount: number }[],
  ): Promise<ChargeManyResponse> {
    const credits = await lockAccount(trx, accountId);
    const { chargedTo, calledOff } = await earlierEntries(trx, charges);
    if ([...chargedTo.values()].some((owner) => owner !== accountId)) {
      throw new ApiError('CONFLICT', { message: 'a render was charged to another account' });
    }
    if (calledOff.size > 0) {
      throw new ApiError('CONFLICT', { message: 'a render was called off before it was charged' });
    }
    const due = charges.filter((charge) => !chargedTo.has(charge.render_id));
    const total = due.reduce((sum, charge) => sum + charge.amount, 0);
    if (due.length === 0) return { applied: 0, balance: credits };
    if (total > credits) throw new ApiError('INSUFFICIENT_CREDITS');
    return { applied: due.length, balance: await recordCharges(trx, accountId, due, clock.now()) };
  }

  return {
    balance: (accountId) => currentBalance(db, accountId),

    async grant(accountId, { amount, note }) {
      await currentBalance(db, accountId);
      const balance = await db
        .transaction()
        .execute((trx) => recordGrant(trx, { accountId, amount, note: note ?? null, now: clock.now() }));
      return { balance };
    },

    charge(accountId, input) {
      if (!isResourceId(accountId)) return Promise.reject(new ApiError('NOT_FOUND'));
      return new Promise<CreditChangeResponse>((resolve, reject) => {
        const pending: PendingCharge = { ...input, resolve, reject };
        const waiting = waitingCharges.get(accountId);
        if (waiting) {
          waiting.push(pending);
          return;
        }
        waitingCharges.set(accountId, [pending]);
        void drainCharges(accountId);
      });
    },

    async chargeMany(accountId, charges) {
      if (!isResourceId(accountId)) throw new ApiError('NOT_FOUND');
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction().execute((trx) => decideAllOrNothing(trx, accountId, charges));
        } catch (error) {
          if (!(error instanceof ConcurrentChargeError) || attempt >= MAX_BATCH_ATTEMPTS) throw error;
        }
      }
    },

    async refund(accountId, { render_id }) {
      if (!isResourceId(accountId)) throw new ApiError('NOT_FOUND');
      // Under the account row's lock, like a batch of charges: a refund and a charge of one render
      // are decided one after the other, never both against the same old state.
      const outcome = await db.transaction().execute(async (trx) => {
        const account = await trx
          .selectFrom('keys.accounts')
          .select('credits')
          .where('id', '=', accountId)
          .forUpdate()
          .executeTakeFirst();
        if (!account) return 'no account' as const;
        const entries = await trx
          .selectFrom('keys.credit_ledger')
          .select(['kind', 'account_id', 'amount'])
          .where('render_id', '=', render_id)
          .execute();
        const charge = entries.find((entry) => entry.kind === 'charge');
        const refunded = entries.some((entry) => entry.kind === 'refund');
        if (!charge) {
          // Called off before any charge (e.g. the gateway gave up waiting for one): a zero refund
          // records it, so a charge of this render still on its way is refused when it arrives.
          if (!refunded) {
            await trx
              .insertInto('keys.credit_ledger')
              .values({
                account_id: accountId,
                kind: 'refund',
                amount: 0,
                render_id,
                note: 'called off before any charge',
                created_at: clock.now(),
              })
              .onConflict((oc) =>
                oc.columns(['render_id', 'kind']).where('render_id', 'is not', null).doNothing(),
              )
              .execute();
          }
          return 'never charged' as const;
        }
        if (charge.account_id !== accountId) return 'never charged' as const;
        if (refunded) return { applied: false, balance: account.credits };
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
        if (!inserted) return { applied: false, balance: account.credits };
        const { credits } = await trx
          .updateTable('keys.accounts')
          .set((eb) => ({ credits: eb('credits', '+', refundAmount) }))
          .where('id', '=', accountId)
          .returning('credits')
          .executeTakeFirstOrThrow();
        return { applied: true, balance: credits };
      });
      if (outcome === 'no account') throw new ApiError('NOT_FOUND');
      if (outcome === 'never charged')
        throw new ApiError('NOT_FOUND', { message: 'no charge for this render' });
      return outcome;
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
