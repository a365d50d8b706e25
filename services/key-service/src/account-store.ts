// Accounts own keys, users and a credit balance. Emails are unique case-insensitively (an index on
// lower(email)); initial credits enter through the ledger like any grant, so the ledger sums to the balance.
import { ApiError, type Account, type Clock } from '@platen/contracts';
import type { Database } from '@platen/db';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { recordGrant } from './credit-ledger.js';
import { iso, isoOrNull } from './iso-time.js';
import { isResourceId } from './resource-id.js';
import type { RevocationPublisher } from './revocation-publisher.js';
import { isUniqueViolation } from './unique-violation.js';

export interface AccountStore {
  create(input: { email: string; credits: number }): Promise<Account>;
  /** NOT_FOUND for an unknown or malformed id. */
  get(id: string): Promise<Account>;
  findByEmail(email: string): Promise<Account | undefined>;
  /** Irreversible; every key of the account answers `revoked` from now on. */
  disable(id: string): Promise<Account>;
}

export interface AccountStoreDeps {
  db: Kysely<Database>;
  clock: Clock;
  publisher: RevocationPublisher;
}

type AccountRow = Selectable<Database['keys.accounts']>;

export function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    email: row.email,
    credits: row.credits,
    created_at: iso(row.created_at),
    disabled_at: isoOrNull(row.disabled_at),
  };
}

/** Inserts an account inside the caller's transaction; 409 CONFLICT when the email is taken. */
export async function insertAccount(
  trx: Transaction<Database>,
  input: { email: string; credits: number; now: Date; creditsNote?: string },
): Promise<AccountRow> {
  let row: AccountRow;
  try {
    row = await trx
      .insertInto('keys.accounts')
      .values({ email: input.email, created_at: input.now })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ApiError('CONFLICT', { message: 'email is already registered' });
    throw error;
  }
  if (input.credits === 0) return row;
  const credits = await recordGrant(trx, {
    accountId: row.id,
    amount: input.credits,
    note: input.creditsNote ?? 'initial credits',
    now: input.now,
  });
  return { ...row, credits };
}

export function createAccountStore({ clock, publisher, ...deps }: AccountStoreDeps): AccountStore {
  const db = deps.db;
  async function find(id: string): Promise<AccountRow | undefined> {
    if (!isResourceId(id)) return undefined;
    return db.selectFrom('keys.accounts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  return {
    async create({ email, credits }) {
      const row = await db
        .transaction()
        .execute((trx) => insertAccount(trx, { email, credits, now: clock.now() }));
      return toAccount(row);
    },

    async get(id) {
      const row = await find(id);
      if (!row) throw new ApiError('NOT_FOUND');
      return toAccount(row);
    },

    async findByEmail(email) {
      const row = await db
        .selectFrom('keys.accounts')
        .selectAll()
        .where((eb) => eb(eb.fn('lower', ['email']), '=', eb.fn('lower', [eb.val(email)])))
        .executeTakeFirst();
      return row && toAccount(row);
    },

    async disable(id) {
      if (!isResourceId(id)) throw new ApiError('NOT_FOUND');
      const row = await db
        .updateTable('keys.accounts')
        .set((eb) => ({ disabled_at: eb.fn.coalesce('disabled_at', eb.val(clock.now())) }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new ApiError('NOT_FOUND');
      await publisher.publish({ account_id: row.id, reason: 'account_disabled' });
      return toAccount(row);
    },
  };
}
