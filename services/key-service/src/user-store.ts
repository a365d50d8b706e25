// Dashboard users: signing up creates an account and its one user together; an operator can also give
// an existing account its user (or a new password). A wrong password and an unknown email give the
// same answer after the same argon2 work, so logins do not reveal who exists. A password change (by
// the user) or reset (by an operator) moves the user to the next session epoch and tells the gateways,
// so every session from before it ends.
import { ApiError, type Clock } from '@platen/contracts';
import type { Database } from '@platen/db';
import type { Kysely } from 'kysely';
import { insertAccount } from './account-store.js';
import type { PasswordHasher } from './password-hasher.js';
import { isResourceId } from './resource-id.js';
import type { RevocationPublisher } from './revocation-publisher.js';
import { isUniqueViolation } from './unique-violation.js';

export interface UserIdentity {
  user_id: string;
  account_id: string;
  email: string;
  /** Session tokens of an earlier epoch are refused. */
  session_epoch: number;
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
  /**
   * The signed-in user's new password, given the current one (403 FORBIDDEN when it is wrong, 401
   * UNAUTHORIZED when the user is gone or disabled); answers the user in its new session epoch.
   */
  changePassword(input: {
    userId: string;
    currentPassword: string;
    newPassword: string;
  }): Promise<UserIdentity>;
}

export interface UserStoreDeps {
  db: Kysely<Database>;
  clock: Clock;
  hasher: PasswordHasher;
  /** Tells the gateways when a user's sessions end. */
  publisher: RevocationPublisher;
}

export function createUserStore({ clock, hasher, publisher, ...deps }: UserStoreDeps): UserStore {
  const db = deps.db;

  async function sessionsEnded(user: UserIdentity): Promise<UserIdentity> {
    await publisher.endSessions({ user_id: user.user_id, session_epoch: user.session_epoch });
    return user;
  }

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
          return { user_id: user.id, account_id: account.id, email: account.email, session_epoch: 0 };
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
      const user = await db.transaction().execute(async (trx) => {
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
          .set((eb) => ({ password_hash: passwordHash, session_epoch: eb('session_epoch', '+', 1) }))
          .where('account_id', '=', account.id)
          .returning(['id', 'email', 'session_epoch'])
          .executeTakeFirst();
        if (updated) {
          return {
            user_id: updated.id,
            account_id: account.id,
            email: updated.email,
            session_epoch: updated.session_epoch,
            created: false,
          };
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
        return {
          user_id: user.id,
          account_id: account.id,
          email: account.email,
          session_epoch: 0,
          created: true,
        };
      });
      // A reset ends every session of the user: whoever knew the old password is signed out too.
      if (!user.created) await sessionsEnded(user);
      return user;
    },

    async verifyPassword({ email, password }) {
      const user = await db
        .selectFrom('keys.users as u')
        .innerJoin('keys.accounts as a', 'a.id', 'u.account_id')
        .select(['u.id', 'u.account_id', 'u.email', 'u.password_hash', 'u.session_epoch', 'a.disabled_at'])
        .where((eb) => eb(eb.fn('lower', ['u.email']), '=', eb.fn('lower', [eb.val(email)])))
        .executeTakeFirst();
      const matches = user
        ? await hasher.verify(user.password_hash, password)
        : await hasher.verifyNobody(password);
      if (!user || !matches || user.disabled_at) {
        throw new ApiError('UNAUTHORIZED', { message: 'Invalid email or password' });
      }
      return {
        user_id: user.id,
        account_id: user.account_id,
        email: user.email,
        session_epoch: user.session_epoch,
      };
    },

    async findActive(userId) {
      if (!isResourceId(userId)) return undefined;
      const user = await db
        .selectFrom('keys.users as u')
        .innerJoin('keys.accounts as a', 'a.id', 'u.account_id')
        .select(['u.id', 'u.account_id', 'u.email', 'u.session_epoch'])
        .where('u.id', '=', userId)
        .where('a.disabled_at', 'is', null)
        .executeTakeFirst();
      return (
        user && {
          user_id: user.id,
          account_id: user.account_id,
          email: user.email,
          session_epoch: user.session_epoch,
        }
      );
    },

    async changePassword({ userId, currentPassword, newPassword }) {
      const unknown = () => new ApiError('UNAUTHORIZED', { message: 'Session expired' });
      if (!isResourceId(userId)) throw unknown();
      const user = await db
        .selectFrom('keys.users as u')
        .innerJoin('keys.accounts as a', 'a.id', 'u.account_id')
        .select(['u.password_hash'])
        .where('u.id', '=', userId)
        .where('a.disabled_at', 'is', null)
        .executeTakeFirst();
      if (!user) throw unknown();
      if (!(await hasher.verify(user.password_hash, currentPassword))) {
        throw new ApiError('FORBIDDEN', { message: 'The current password is wrong' });
      }
      const passwordHash = await hasher.hash(newPassword);
      const changed = await db
        .updateTable('keys.users')
        .set((eb) => ({ password_hash: passwordHash, session_epoch: eb('session_epoch', '+', 1) }))
        .where('id', '=', userId)
        .returning(['id', 'account_id', 'email', 'session_epoch'])
        .executeTakeFirst();
      if (!changed) throw unknown();
      return sessionsEnded({
        user_id: changed.id,
        account_id: changed.account_id,
        email: changed.email,
        session_epoch: changed.session_epoch,
      });
    },
  };
}
