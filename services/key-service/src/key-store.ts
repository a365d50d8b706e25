// Issues, lists, revokes and rotates API keys. The full key exists only in the value `create`/`rotate`
// return (shown once); at rest there is its lookup id, the SHA-256 of its secret and its hint.
// Revocation is irreversible and keeps its first time; a rotated-out key gets a scheduled revocation.
import {
  ApiError,
  generateApiKey,
  hashApiKeySecret,
  validationError,
  type ApiKeySummary,
  type CreatedApiKey,
  type KeyStatus,
  type Clock,
} from '@platen/contracts';
import type { Database } from '@platen/db';
import { sql, type Kysely, type Transaction } from 'kysely';
import { iso, isoOrNull } from './iso-time.js';
import { effectiveRevokedAt, keyStatus } from './key-status.js';
import { decodeCursor, toPage, type Page } from './page-cursor.js';
import { isResourceId } from './resource-id.js';
import type { RevocationPublisher } from './revocation-publisher.js';

export interface NewKeyInput {
  name: string;
  expires_at?: string | null | undefined;
  rate_limits?: { per_minute?: number | undefined; per_day?: number | undefined } | undefined;
}

/** When given, the key must belong to this account, else it is NOT_FOUND (never FORBIDDEN). */
export interface KeyScope {
  accountId?: string | undefined;
}

export interface RotatedKey {
  key: CreatedApiKey;
  /** The rotated-out key, with the time its scheduled revocation takes effect. */
  replaced: ApiKeySummary & { revoked_at: string };
}

export interface KeyStore {
  create(accountId: string, input: NewKeyInput): Promise<CreatedApiKey>;
  /** Newest first; `status` filters by the status keyStatus() would give now. */
  list(
    accountId: string,
    page: { limit: number; cursor?: string | undefined; status?: KeyStatus | undefined },
  ): Promise<Page<ApiKeySummary>>;
  count(accountId: string): Promise<number>;
  revoke(keyId: string, scope?: KeyScope): Promise<ApiKeySummary>;
  rotate(keyId: string, input: { grace_seconds: number }, scope?: KeyScope): Promise<RotatedKey>;
}

export interface KeyStoreDeps {
  db: Kysely<Database>;
  clock: Clock;
  keyPrefix: string;
  publisher: RevocationPublisher;
  /**
   * Active keys one account may hold: `create` past it is 409 CONFLICT, so keys cannot be minted for
   * fresh rate-limit budgets. Rotation is exempt (it replaces a key). Unset: no cap (operator CLI).
   */
  maxActiveKeys?: number | undefined;
}

function summaries(db: Kysely<Database>) {
  return db
    .selectFrom('keys.api_keys as k')
    .innerJoin('keys.accounts as a', 'a.id', 'k.account_id')
    .select([
      'k.id',
      'k.account_id',
      'k.name',
      'k.key_hint',
      'k.created_at',
      'k.last_used_at',
      'k.expires_at',
      'k.revoked_at',
      'k.replaced_by',
      'k.requests_total',
      'k.credits_used',
      'a.disabled_at',
    ]);
}

/** keyStatus() in SQL (LEAST ignores nulls: the effective revocation is the earlier of the two). */
function statusIs(status: KeyStatus, now: Date) {
  const revoked = sql<boolean>`coalesce(least(k.revoked_at, a.disabled_at) <= ${now}, false)`;
  const expired = sql<boolean>`coalesce(k.expires_at <= ${now}, false)`;
  if (status === 'revoked') return revoked;
  if (status === 'expired') return sql<boolean>`not ${revoked} and ${expired}`;
  return sql<boolean>`not ${revoked} and not ${expired}`;
}

type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaries>['executeTakeFirstOrThrow']>>;

function toSummary(row: SummaryRow, now: Date): ApiKeySummary {
  const revokedAt = effectiveRevokedAt(row.revoked_at, row.disabled_at);
  return {
    id: row.id,
    name: row.name,
    key_hint: row.key_hint,
    created_at: iso(row.created_at),
    last_used_at: isoOrNull(row.last_used_at),
    expires_at: isoOrNull(row.expires_at),
    status: keyStatus({ expiresAt: row.expires_at, revokedAt }, now),
    requests_total: row.requests_total,
    credits_used: row.credits_used,
  };
}

interface KeySettings {
  accountId: string;
  name: string;
  expiresAt: Date | null;
  perMinute: number | null;
  perDay: number | null;
}

export function createKeyStore({
  clock,
  keyPrefix,
  publisher,
  maxActiveKeys,
  ...deps
}: KeyStoreDeps): KeyStore {
  const db = deps.db;
  async function insertKey(
    trx: Transaction<Database>,
    settings: KeySettings,
    now: Date,
  ): Promise<CreatedApiKey> {
    const generated = generateApiKey(keyPrefix);
    const { id } = await trx
      .insertInto('keys.api_keys')
      .values({
        account_id: settings.accountId,
        name: settings.name,
        lookup_id: generated.lookupId,
        secret_hash: hashApiKeySecret(generated.secret),
        key_hint: generated.hint,
        created_at: now,
        expires_at: settings.expiresAt,
        rate_limit_per_minute: settings.perMinute,
        rate_limit_per_day: settings.perDay,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const row = await summaries(trx).where('k.id', '=', id).executeTakeFirstOrThrow();
    return { ...toSummary(row, now), key: generated.key };
  }

  async function findScoped(
    trx: Kysely<Database>,
    keyId: string,
    scope: KeyScope,
    lock: boolean,
  ): Promise<SummaryRow & { rate_limit_per_minute: number | null; rate_limit_per_day: number | null }> {
    if (!isResourceId(keyId) || (scope.accountId !== undefined && !isResourceId(scope.accountId))) {
      throw new ApiError('NOT_FOUND');
    }
    let query = summaries(trx)
      .select(['k.rate_limit_per_minute', 'k.rate_limit_per_day'])
      .where('k.id', '=', keyId);
    if (scope.accountId !== undefined) query = query.where('k.account_id', '=', scope.accountId);
    if (lock) query = query.forUpdate('k');
    const row = await query.executeTakeFirst();
    if (!row) throw new ApiError('NOT_FOUND');
    return row;
  }

  async function requireAccount(accountId: string): Promise<{ disabled_at: Date | null }> {
    const account = isResourceId(accountId)
      ? await db
          .selectFrom('keys.accounts')
          .select('disabled_at')
          .where('id', '=', accountId)
          .executeTakeFirst()
      : undefined;
    if (!account) throw new ApiError('NOT_FOUND');
    return account;
  }

  return {
    async create(accountId, { name, expires_at, rate_limits }) {
      const now = clock.now();
      const expiresAt = expires_at ? new Date(expires_at) : null;
      if (expiresAt && expiresAt.getTime() <= now.getTime()) {
        throw validationError([{ path: 'expires_at', message: 'must be in the future' }]);
      }
      const account = await requireAccount(accountId);
      if (account.disabled_at) throw new ApiError('CONFLICT', { message: 'account is disabled' });
      return db.transaction().execute(async (trx) => {
        if (maxActiveKeys !== undefined) {
          // The account row lock serialises concurrent creates, so the count cannot be outrun.
          await trx
            .selectFrom('keys.accounts')
            .select('id')
            .where('id', '=', accountId)
            .forUpdate()
            .execute();
          const { active } = await trx
            .selectFrom('keys.api_keys as k')
            .innerJoin('keys.accounts as a', 'a.id', 'k.account_id')
            .select((eb) => eb.fn.countAll<string>().as('active'))
            .where('k.account_id', '=', accountId)
            .where(statusIs('active', now))
            .executeTakeFirstOrThrow();
          if (Number(active) >= maxActiveKeys) {
            throw new ApiError('CONFLICT', {
              message: `account already has ${maxActiveKeys} active keys: revoke one first`,
              details: { max_active_keys: maxActiveKeys },
            });
          }
        }
        return insertKey(
          trx,
          {
            accountId,
            name,
            expiresAt,
            perMinute: rate_limits?.per_minute ?? null,
            perDay: rate_limits?.per_day ?? null,
          },
          now,
        );
      });
    },

    async list(accountId, { limit, cursor, status }) {
      await requireAccount(accountId);
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      const now = clock.now();
      let query = summaries(db)
        .where('k.account_id', '=', accountId)
        .orderBy('k.created_at', 'desc')
        .orderBy('k.id', 'desc')
        .limit(limit + 1);
      if (after) {
        query = query.where((eb) =>
          eb(eb.refTuple('k.created_at', 'k.id'), '<', eb.tuple(after.createdAt, after.id)),
        );
      }
      if (status) query = query.where(statusIs(status, now));
      return toPage(await query.execute(), limit, (row) => toSummary(row, now));
    },

    async count(accountId) {
      await requireAccount(accountId);
      const { count } = await db
        .selectFrom('keys.api_keys')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('account_id', '=', accountId)
        .executeTakeFirstOrThrow();
      return Number(count);
    },

    async revoke(keyId, scope = {}) {
      const now = clock.now();
      const row = await db.transaction().execute(async (trx) => {
        await findScoped(trx, keyId, scope, true);
        // Keeps the first revocation; brings a rotated key's later scheduled revocation forward to now.
        await trx
          .updateTable('keys.api_keys')
          .set({
            revoked_at: sql<Date>`case when revoked_at is null or revoked_at > ${now} then ${now} else revoked_at end`,
          })
          .where('id', '=', keyId)
          .execute();
        return summaries(trx).where('k.id', '=', keyId).executeTakeFirstOrThrow();
      });
      await publisher.publish({ key_id: keyId, reason: 'revoked' });
      return toSummary(row, now);
    },

    async rotate(keyId, { grace_seconds }, scope = {}) {
      const now = clock.now();
      const revokedAt = new Date(now.getTime() + grace_seconds * 1000);
      const rotated = await db.transaction().execute(async (trx) => {
        const old = await findScoped(trx, keyId, scope, true);
        if (old.replaced_by) throw new ApiError('CONFLICT', { message: 'key was already rotated' });
        const lifetime = {
          expiresAt: old.expires_at,
          revokedAt: effectiveRevokedAt(old.revoked_at, old.disabled_at),
        };
        const status = keyStatus(lifetime, now);
        if (status !== 'active') throw new ApiError('CONFLICT', { message: `key is ${status}` });
        const created = await insertKey(
          trx,
          {
            accountId: old.account_id,
            name: old.name,
            expiresAt: old.expires_at,
            perMinute: old.rate_limit_per_minute,
            perDay: old.rate_limit_per_day,
          },
          now,
        );
        await trx
          .updateTable('keys.api_keys')
          .set({ replaced_by: created.id, revoked_at: revokedAt })
          .where('id', '=', keyId)
          .execute();
        const replaced = await summaries(trx).where('k.id', '=', keyId).executeTakeFirstOrThrow();
        return { key: created, replaced: { ...toSummary(replaced, now), revoked_at: iso(revokedAt) } };
      });
      // Gateways evict the old key now and re-verify it, learning its scheduled revoked_at.
      await publisher.publish({ key_id: keyId, reason: 'rotated' });
      return rotated;
    },
  };
}
