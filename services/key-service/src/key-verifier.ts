// Answers "which key is this?" for the gateway: one indexed lookup by lookup id and one constant-time
// hash comparison. Invariant: every well-formed key costs one query that reads one row, one SHA-256 and
// one comparison of two 32-byte buffers; an unknown lookup id reads and compares a decoy row instead, so a
// wrong secret and an unknown id cost the same and answer the same. Read-only: usage is batched elsewhere.
import { timingSafeEqual } from 'node:crypto';
import {
  hashApiKeySecret,
  parseApiKey,
  type RateLimits,
  type VerifyKeyResponse,
  type Clock,
} from '@platen/contracts';
import type { Database } from '@platen/db';
import type { Kysely } from 'kysely';
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
  /** Compares the presented secret's hash with the stored one; a test injects a spy. */
  compareHashes?: HashComparator;
}

/** Called with two buffers of the same length; must take the same time whatever they hold. */
export type HashComparator = (presented: Buffer, stored: Buffer) => boolean;

const SHA256_BYTES = 32;

export function createKeyVerifier({
  clock,
  keyPrefix,
  defaultLimits,
  compareHashes = timingSafeEqual,
  ...deps
}: KeyVerifierDeps): KeyVerifier {
  const db = deps.db;
  const dummyHash = Buffer.alloc(SHA256_BYTES);

  return {
    async verify(key) {
      const parsed = parseApiKey(key, keyPrefix);
      if (!parsed) return { valid: false };
      // An unknown lookup id reads a decoy instead (the key with the lowest id), so both paths fetch, join
      // and decode one real row: Postgres finding a row or not would otherwise show in the timing.
      const row = await db
        .selectFrom('keys.api_keys as k')
        .innerJoin('keys.accounts as a', 'a.id', 'k.account_id')
        .select([
          'k.id',
          'k.account_id',
          'k.lookup_id',
          'k.secret_hash',
          'k.key_hint',
          'k.expires_at',
          'k.revoked_at',
          'k.rate_limit_per_minute',
          'k.rate_limit_per_day',
          'a.disabled_at',
        ])
        .where('k.lookup_id', '=', (eb) =>
          eb.fn.coalesce(
            eb.selectFrom('keys.api_keys').select('lookup_id').where('lookup_id', '=', parsed.lookupId),
            eb.selectFrom('keys.api_keys').select('lookup_id').orderBy('id').limit(1),
          ),
        )
        .executeTakeFirst();
      const presented = hashApiKeySecret(parsed.secret);
      // No row (no key at all), or a stored hash no SHA-256 can equal: compare against the dummy instead.
      const usable = row !== undefined && row.secret_hash.length === SHA256_BYTES;
      const matches = compareHashes(presented, usable ? row.secret_hash : dummyHash);
      // The decoy's own secret under another lookup id must not pass: the lookup id is not secret, a plain compare.
      if (!usable || !matches || row.lookup_id !== parsed.lookupId) return { valid: false };
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
