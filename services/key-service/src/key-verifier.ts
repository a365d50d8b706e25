// Answers "which key is this?" for the gateway: one indexed lookup by lookup id and one constant-time
// hash comparison. An unknown lookup id still pays for a comparison (against a dummy hash), so a wrong
// secret and an unknown id cost the same and answer the same. Read-only: usage is batched elsewhere.
import { parseApiKey, secretMatches, type RateLimits, type VerifyKeyResponse } from '@platen/contracts';
import type { Database } from '@platen/db';
import type { Kysely } from 'kysely';
import type { Clock } from './clock.js';
import { isoOrNull } from './iso-time.js';
import { effectiveRevokedAt, keyStatus } from './key-status.js';

export interface KeyVerifier {
  verify(key: string): Promise<VerifyKeyResponse>;
}

export interface KeyVerifierDeps {
  db: Kysely<Database>;
  clock: Clock;
  keyPrefix: string;
  defaultLimits: RateLimits;
}

const SHA256_BYTES = 32;

export function createKeyVerifier({
  clock,
  keyPrefix,
  defaultLimits,
  ...deps
}: KeyVerifierDeps): KeyVerifier {
  const db = deps.db;
  const dummyHash = Buffer.alloc(SHA256_BYTES);

  return {
    async verify(key) {
      const parsed = parseApiKey(key, keyPrefix);
      if (!parsed) return { valid: false };
      const row = await db
        .selectFrom('keys.api_keys as k')
        .innerJoin('keys.accounts as a', 'a.id', 'k.account_id')
        .select([
          'k.id',
          'k.account_id',
          'k.secret_hash',
          'k.key_hint',
          'k.expires_at',
          'k.revoked_at',
          'k.rate_limit_per_minute',
          'k.rate_limit_per_day',
          'a.disabled_at',
        ])
        .where('k.lookup_id', '=', parsed.lookupId)
        .executeTakeFirst();
      const matches = secretMatches(parsed.secret, row?.secret_hash ?? dummyHash);
      if (!row || !matches) return { valid: false };
      const revokedAt = effectiveRevokedAt(row.revoked_at, row.disabled_at);
      return {
        valid: true,
        key_id: row.id,
        account_id: row.account_id,
        key_hint: row.key_hint,
        status: keyStatus({ expiresAt: row.expires_at, revokedAt }, clock.now()),
        expires_at: isoOrNull(row.expires_at),
        revoked_at: isoOrNull(revokedAt),
        limits: {
          per_minute: row.rate_limit_per_minute ?? defaultLimits.per_minute,
          per_day: row.rate_limit_per_day ?? defaultLimits.per_day,
        },
      };
    },
  };
}
