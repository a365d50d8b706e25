// Dashboard users: signing up creates an account and its one user together; an operator can also give
// an existing account its user (or a new password). A wrong password and an unknown email give the
// same answer after the same argon2 work, so logins do not reveal who exists.
import { ApiError, type Clock } from '@platen/contracts';
import type { Database } from '@platen/db';
import type { Kysely } from 'kysely';
import { insertAccount } from './account-store.js';
import type { PasswordHasher } from './password-hasher.js';
import { isResourceId } from './resource-id.js';
import { isUniqueViolation } from './unique-violation.js';

export interface UserIdentity {
  user_id: string;
  account_id: string;
  email: string;
}

export interface UserStore {
  /**
   * A new account and its user; `credits` (default none) enter as a ledger grant noted `creditsNote`.
   * 409 CONFLICT when the email is taken (by an account or a user).
   */
  signUp(input: {
    email: string;
    password: string;
    credits?: number;
    creditsNote?: string;
  }): Promise<UserIdentity>;
  /**
   * Sets the password of the account with this email (any case), creating the account's user if it has
   * none yet (an account made by an operator). NOT_FOUND when no account has this email.
   */
  setPassword(input: { email: string; password: string }): Promise<UserIdentity & { created: boolean }>;
  /** 401 UNAUTHORIZED for an unknown email, a wrong password or a disabled account. */
  verifyPassword(input: { email: string; password: string }): Promise<UserIdentity>;
  /** The user, if it exists and its account is not disabled (a session refresh checks this). */
  findActive(userId: string): Promise<UserIdentity | undefined>;
}

export interface UserStoreDeps {
  db: Kysely<Database>;
  clock: Clock;
  hasher: PasswordHasher;
}

export function createUserStore({ clock, hasher, ...deps }: UserStoreDeps): UserStore {
  const db = deps.db;
  return {
    async signUp({ email, password, credits = 0, creditsNote }) {
      // Hashed before the transaction: no connection is held through ~100 ms of argon2.
      const passwordHash = await hasher.hash(password);
      const now = clock.now();
      return db.transaction().execute(async (trx) => {
        const account = await insertAccount(trx, { email, credits, now, creditsNote });
        try {
          const user = await trx
            .insertInto('keys.users')
            .values({ account_id: account.id, email, password_hash: passwordHash, created_at: now })
            .returning('id')
            .executeTakeFirstOrThrow();
          return { user_id: user.id, account_id: account.id, email: account.email };
        } catch (error) {
          if (isUniqueViolation(error))
            throw new ApiError('CONFLICT', { message: 'email is already registered' });
          throw error;
        }
      });
    },

    async setPassword({ email, password }) {
      const passwordHash = await hasher.hash(password);
      const now = clock.now();
      return db.transaction().execute(async (trx) => {
        // The account row's lock serialises two operators giving the same account its first user.
        const account = await trx
          .selectFrom('keys.accounts')
          .select(['id', 'email'])
          .where((eb) => eb(eb.fn('lower', ['email']), '=', eb.fn('lower', [eb.val(email)])))
          .forUpdate()
          .executeTakeFirst();
        if (!account) throw new ApiError('NOT_FOUND');
        const updated = await trx
          .updateTable('keys.users')
          .set({ password_hash: passwordHash })
          .where('account_id', '=', account.id)
          .returning(['id', 'email'])
          .executeTakeFirst();
        if (updated) {
          return { user_id: updated.id, account_id: account.id, email: updated.email, created: false };
        }
        const user = await trx
          .insertInto('keys.users')
          .values({
            account_id: account.id,
            email: account.email,
            password_hash: passwordHash,
            created_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        return { user_id: user.id, account_id: account.id, email: account.email, created: true };
      });
    },

    async verifyPassword({ email, password }) {
      const user = await db
        .selectFrom('keys.users as u')
        .innerJoin('keys.accounts as a', 'a.id', 'u.account_id')
        .select(['u.id', 'u.account_id', 'u.email', 'u.password_hash', 'a.disabled_at'])
        .where((eb) => eb(eb.fn('lower', ['u.email']), '=', eb.fn('lower', [eb.val(email)])))
        .executeTakeFirst();
      const matches = user
        ? await hasher.verify(user.password_hash, password)
        : await hasher.verifyNobody(password);
      if (!user || !matches || user.disabled_at) {
        throw new ApiError('UNAUTHORIZED', { message: 'Invalid email or password' });
      }
      return { user_id: user.id, account_id: user.account_id, email: user.email };
    },

    async findActive(userId) {
      if (!isResourceId(userId)) return undefined;
      const user = await db
        .selectFrom('keys.users as u')
        .innerJoin('keys.accounts as a', 'a.id', 'u.account_id')
        .select(['u.id', 'u.account_id', 'u.email'])
        .where('u.id', '=', userId)
        .where('a.disabled_at', 'is', null)
        .executeTakeFirst();
      return user && { user_id: user.id, account_id: user.account_id, email: user.email };
    },
  };
}
